package server

import (
	"context"
	"strings"
	"testing"

	"github.com/consult-platform/consult/consultations/opinion"
)

// opinionMap turns on the opinion map of the demo's open policy
// consultation, with participant statements allowed.
func (e *apiEnv) opinionMap() string {
	if _, err := e.srv.opinion.EnableMap(context.Background(), e.users[asStaff], e.policy.ID, true); err != nil {
		panic(err)
	}
	return e.policy.ID
}

// opinionSeed adds a seed statement to the demo's policy consultation.
func (e *apiEnv) opinionSeed(body string) *opinion.Statement {
	e.opinionMap()
	st, err := e.srv.opinion.AddStatement(context.Background(), e.users[asStaff], e.policy.ID, opinion.NewStatement{Body: body})
	if err != nil {
		panic(err)
	}
	return st
}

// opinionAuthzCases are the opinion map's rows of the authorisation matrix.
func opinionAuthzCases() []authzCase {
	return []authzCase{
		{
			route: "PUT /api/v1/consultations/{id}/opinion",
			want:  map[string]int{asAnon: 401, asCitizen: 403, asModerator: 403, asStaff: 200, asOtherStaff: 403, asAdmin: 200},
			setup: func(e *apiEnv, role string) (string, any) {
				return "/api/v1/consultations/" + e.policy.ID + "/opinion", map[string]bool{"participant_statements": true}
			},
		},
		{
			route: "POST /api/v1/consultations/{id}/opinion/statements",
			want:  map[string]int{asAnon: 401, asCitizen: 201, asModerator: 201, asStaff: 201, asOtherStaff: 201, asAdmin: 201},
			setup: func(e *apiEnv, role string) (string, any) {
				return "/api/v1/consultations/" + e.opinionMap() + "/opinion/statements", map[string]string{"body": "A statement written by " + role}
			},
		},
		{
			route: "POST /api/v1/opinion/statements/{id}/vote",
			want:  map[string]int{asAnon: 401, asCitizen: 200, asModerator: 200, asStaff: 200, asOtherStaff: 200, asAdmin: 200},
			setup: func(e *apiEnv, role string) (string, any) {
				st := e.opinionSeed("Seed to vote on, for " + role)
				return "/api/v1/opinion/statements/" + st.ID + "/vote", map[string]int{"vote": 1}
			},
			check: func(t *testing.T, e *apiEnv, role, path string, allowed bool) {
				if role == asAnon {
					return
				}
				mine, err := e.srv.opinion.MyVotes(context.Background(), e.users[role].ID, e.policy.ID)
				if err != nil {
					t.Fatal(err)
				}
				if voted := mine[strings.Split(path, "/")[5]] == opinion.Agree; voted != allowed {
					t.Errorf("vote stored = %v; allowed = %v", voted, allowed)
				}
			},
		},
		{
			route: "PUT /api/v1/opinion/statements/{id}/status",
			want:  map[string]int{asAnon: 401, asCitizen: 403, asModerator: 200, asStaff: 200, asOtherStaff: 403, asAdmin: 200},
			setup: func(e *apiEnv, role string) (string, any) {
				st := e.opinionSeed("Seed to remove, for " + role)
				return "/api/v1/opinion/statements/" + st.ID + "/status", map[string]string{"status": "removed"}
			},
		},
	}
}
