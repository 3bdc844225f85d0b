package server

import (
	"context"
	"testing"

	"github.com/consult-platform/consult/consultations"
	"github.com/consult-platform/consult/moderation"
)

// moderationAuthzCases are the moderation rows of the authorisation matrix.
func moderationAuthzCases() []authzCase {
	ctx := context.Background()
	moderatorsOnly := func(ok int) map[string]int {
		return map[string]int{asAnon: 401, asCitizen: 403, asModerator: ok, asStaff: 403, asOtherStaff: 403, asAdmin: ok, asAuthor: 403}
	}
	return []authzCase{
		{
			route: "POST /api/v1/comments/{id}/reports",
			want:  map[string]int{asAnon: 401, asCitizen: 201, asModerator: 201, asStaff: 201, asOtherStaff: 201, asAdmin: 201, asAuthor: 201},
			setup: func(e *apiEnv, role string) (string, any) {
				cm := e.comment(asAuthor, e.policy.ID, consultations.NewComment{Body: uniqueText("To report")})
				return "/api/v1/comments/" + cm.ID + "/reports", map[string]string{"reason": "abusive"}
			},
		},
		{
			route: "POST /api/v1/moderation/queue/{id}/claim", want: moderatorsOnly(200),
			setup: func(e *apiEnv, role string) (string, any) {
				_, item := e.reportedComment()
				return "/api/v1/moderation/queue/" + item + "/claim", nil
			},
		},
		{
			route: "POST /api/v1/moderation/queue/{id}/decision", want: moderatorsOnly(200),
			setup: func(e *apiEnv, role string) (string, any) {
				_, item := e.reportedComment()
				return "/api/v1/moderation/queue/" + item + "/decision", hideSpam
			},
			check: func(t *testing.T, e *apiEnv, role, path string, allowed bool) {
				item := path[len("/api/v1/moderation/queue/") : len(path)-len("/decision")]
				it, err := e.srv.mod.Item(ctx, actorOf(e.users[asAdmin]), item)
				if err != nil {
					t.Fatal(err)
				}
				if hidden := e.commentStatus(it.SubjectID) == "hidden"; hidden != allowed {
					t.Errorf("hidden = %v; allowed = %v", hidden, allowed)
				}
			},
		},
		{
			route: "POST /api/v1/moderation/bulk-decisions", want: moderatorsOnly(200),
			setup: func(e *apiEnv, role string) (string, any) {
				_, item := e.reportedComment()
				return "/api/v1/moderation/bulk-decisions", map[string]any{"items": []string{item}, "action": "approve"}
			},
		},
		{
			// Only the author may appeal; to anyone else the decision
			// does not exist.
			route: "POST /api/v1/moderation/decisions/{id}/appeal",
			want:  map[string]int{asAnon: 401, asCitizen: 404, asModerator: 404, asStaff: 404, asOtherStaff: 404, asAdmin: 404, asAuthor: 201},
			setup: func(e *apiEnv, role string) (string, any) {
				_, decision := e.hiddenComment(asModerator)
				return "/api/v1/moderation/decisions/" + decision + "/appeal", map[string]string{"text": "It was not advertising: I named the garage that fixed the crossing."}
			},
		},
		{
			// The admin hid the comment: the admin may not decide the
			// appeal against that decision; another moderator may.
			route: "POST /api/v1/moderation/appeals/{id}/decision",
			want:  map[string]int{asAnon: 401, asCitizen: 403, asModerator: 200, asStaff: 403, asOtherStaff: 403, asAdmin: 403, asAuthor: 403},
			setup: func(e *apiEnv, role string) (string, any) {
				_, decision := e.hiddenComment(asAdmin)
				a, err := e.srv.mod.FileAppeal(ctx, actorOf(e.users[asAuthor]), decision, "Please look again.")
				if err != nil {
					e.t.Fatal(err)
				}
				return "/api/v1/moderation/appeals/" + a.ID + "/decision", map[string]string{"outcome": "rejected", "response": "It is advertising."}
			},
		},
		{
			route: "POST /api/v1/moderation/suspensions", want: moderatorsOnly(201),
			setup: func(e *apiEnv, role string) (string, any) {
				u := e.newUser(consultations.NewAccount{Email: "suspended-by-" + role + "@example.org", DisplayName: "To suspend", Role: consultations.RoleCitizen})
				return "/api/v1/moderation/suspensions", map[string]any{"user_id": u.ID, "days": 7, "note": "Repeated abuse after a warning."}
			},
		},
		{
			route: "POST /api/v1/organisations/{id}/watched-words",
			want:  map[string]int{asAnon: 401, asCitizen: 403, asModerator: 403, asStaff: 201, asOtherStaff: 403, asAdmin: 201, asAuthor: 403},
			setup: func(e *apiEnv, role string) (string, any) {
				return "/api/v1/organisations/" + e.org.ID + "/watched-words", map[string]string{"word": "qzxv" + role, "action": "flag"}
			},
		},
		{
			route: "DELETE /api/v1/watched-words/{id}",
			want:  map[string]int{asAnon: 401, asCitizen: 404, asModerator: 404, asStaff: 204, asOtherStaff: 404, asAdmin: 204, asAuthor: 404},
			setup: func(e *apiEnv, role string) (string, any) {
				w, err := e.srv.mod.AddWatchedWord(ctx, actorOf(e.users[asStaff]), e.org.ID, moderation.NewWatchedWord{Word: "zzyzx" + role, Action: "flag"})
				if err != nil {
					e.t.Fatal(err)
				}
				return "/api/v1/watched-words/" + w.ID, nil
			},
		},
		{
			route: "PUT /api/v1/moderation/moderators/{id}/scopes",
			want:  map[string]int{asAnon: 401, asCitizen: 403, asModerator: 403, asStaff: 403, asOtherStaff: 403, asAdmin: 200, asAuthor: 403},
			setup: func(e *apiEnv, role string) (string, any) {
				u := e.newUser(consultations.NewAccount{Email: "scoped-" + role + "@example.org", DisplayName: "Scoped", Role: consultations.RoleModerator})
				return "/api/v1/moderation/moderators/" + u.ID + "/scopes", map[string]any{"org_ids": []string{e.org.ID}}
			},
		},
	}
}
