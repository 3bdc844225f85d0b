package server

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/consult-platform/consult/consultations"
)

// authzCase is one state-changing route tried by every role. setup makes
// a fresh target for each role (so one role's success cannot change what
// the next one meets) and returns the request path and body; check, when
// set, verifies afterwards that a refusal changed nothing and a success
// did what it says.
type authzCase struct {
	route string // "METHOD pattern" as in the routing table
	want  map[string]int
	setup func(e *apiEnv, role string) (path string, body any)
	check func(t *testing.T, e *apiEnv, role, path string, allowed bool)
}

func authzCases() []authzCase {
	all := func(anon, others int) map[string]int {
		m := map[string]int{asAnon: anon}
		for _, r := range apiRoles[1:] {
			m[r] = others
		}
		return m
	}
	staffOnly := func(denied, ok int) map[string]int {
		return map[string]int{asAnon: 401, asCitizen: denied, asModerator: denied, asStaff: ok, asOtherStaff: denied, asAdmin: ok}
	}
	ownerOnly := func(denied int) map[string]int {
		return map[string]int{asAnon: 401, asCitizen: denied, asModerator: denied, asStaff: denied, asOtherStaff: denied, asAdmin: denied, asAuthor: 204}
	}
	ctx := context.Background()
	return append(moderationAuthzCases(), append([]authzCase{
		{
			route: "POST /api/v1/accounts", want: all(201, 201),
			setup: func(e *apiEnv, role string) (string, any) {
				return "/api/v1/accounts", map[string]string{"email": role + "-new@example.org", "password": "long enough", "display_name": "New " + role}
			},
		},
		{
			route: "POST /api/v1/tokens", want: all(201, 201),
			setup: func(e *apiEnv, role string) (string, any) {
				return "/api/v1/tokens", map[string]string{"email": "author@example.org", "password": "a long enough password"}
			},
		},
		{
			route: "DELETE /api/v1/tokens/current", want: all(401, 204),
			setup: func(e *apiEnv, role string) (string, any) { return "/api/v1/tokens/current", nil },
		},
		{
			// The body names the owning organisation: staff of another
			// organisation must not create a draft in it (IDOR via JSON).
			route: "POST /api/v1/consultations", want: staffOnly(403, 201),
			setup: func(e *apiEnv, role string) (string, any) {
				d := apiDraft(e.org.ID)
				d.Slug = "created-by-" + role
				return "/api/v1/consultations", d
			},
			check: func(t *testing.T, e *apiEnv, role, path string, allowed bool) {
				_, err := e.store.ConsultationBySlug(ctx, "created-by-"+role)
				if created := err == nil; created != allowed {
					t.Errorf("created = %v; allowed = %v", created, allowed)
				}
			},
		},
		{
			// A draft of the owning organisation, edited with a body that
			// also tries to move it to another organisation.
			route: "PUT /api/v1/consultations/{id}",
			want:  map[string]int{asAnon: 401, asCitizen: 404, asModerator: 404, asStaff: 200, asOtherStaff: 404, asAdmin: 200},
			setup: func(e *apiEnv, role string) (string, any) {
				c := e.newConsultation(asStaff, nil, "")
				d := apiDraft(e.otherOrg.ID)
				d.Slug = c.Slug
				d.Title = consultations.LocalText{"en": "Edited by " + role}
				return "/api/v1/consultations/" + c.ID, d
			},
			check: func(t *testing.T, e *apiEnv, role, path string, allowed bool) {
				c, err := e.store.Consultation(ctx, strings.TrimPrefix(path, "/api/v1/consultations/"))
				if err != nil {
					t.Fatal(err)
				}
				if c.OrgID != e.org.ID {
					t.Errorf("the consultation moved to organisation %s", c.OrgID)
				}
				if edited := strings.HasPrefix(c.Title["en"], "Edited by"); edited != allowed {
					t.Errorf("title = %q; edited = %v, want %v", c.Title["en"], edited, allowed)
				}
			},
		},
		{
			route: "POST /api/v1/consultations/{id}/status",
			want:  map[string]int{asAnon: 401, asCitizen: 404, asModerator: 404, asStaff: 200, asOtherStaff: 404, asAdmin: 200},
			setup: func(e *apiEnv, role string) (string, any) {
				c := e.newConsultation(asStaff, nil, "")
				return "/api/v1/consultations/" + c.ID + "/status", map[string]string{"status": "open"}
			},
			check: func(t *testing.T, e *apiEnv, role, path string, allowed bool) {
				id := strings.Split(path, "/")[4]
				c, _ := e.store.Consultation(ctx, id)
				if open := c.Status == consultations.StatusOpen; open != allowed {
					t.Errorf("status = %s; allowed = %v", c.Status, allowed)
				}
			},
		},
		{
			route: "POST /api/v1/consultations/{id}/comments", want: all(401, 201),
			setup: func(e *apiEnv, role string) (string, any) {
				return "/api/v1/consultations/" + e.policy.ID + "/comments", map[string]string{"body": "A comment by " + role}
			},
		},
		{
			// This consultation takes no anonymous responses.
			route: "POST /api/v1/consultations/{id}/responses", want: all(401, 201),
			setup: func(e *apiEnv, role string) (string, any) {
				c := e.newConsultation(asStaff, nil, consultations.StatusOpen)
				return "/api/v1/consultations/" + c.ID + "/responses", textAnswer(c, "An answer")
			},
		},
		{
			route: "POST /api/v1/consultations/{id}/assisted-responses", want: staffOnly(403, 201),
			setup: func(e *apiEnv, role string) (string, any) {
				c := e.newConsultation(asStaff, nil, consultations.StatusOpen)
				return "/api/v1/consultations/" + c.ID + "/assisted-responses", textAnswer(c, "Taken by phone")
			},
			check: func(t *testing.T, e *apiEnv, role, path string, allowed bool) {
				c, _ := e.store.Consultation(ctx, strings.Split(path, "/")[4])
				if counted := c.ResponseCount == 1; counted != allowed {
					t.Errorf("response_count = %d; allowed = %v", c.ResponseCount, allowed)
				}
			},
		},
		{
			route: "PUT /api/v1/consultations/{id}/outcome", want: staffOnly(403, 200),
			setup: func(e *apiEnv, role string) (string, any) {
				c := e.newConsultation(asStaff, nil, consultations.StatusClosed)
				return "/api/v1/consultations/" + c.ID + "/outcome", outcomeBody("Decided by " + role)
			},
			check: func(t *testing.T, e *apiEnv, role, path string, allowed bool) {
				c, _ := e.store.Consultation(ctx, strings.Split(path, "/")[4])
				if published := c.OutcomePublishedAt != nil; published != allowed {
					t.Errorf("outcome published = %v; allowed = %v", published, allowed)
				}
			},
		},
		{
			// Nobody deletes another person's comment, not even an admin.
			route: "DELETE /api/v1/comments/{id}", want: ownerOnly(403),
			setup: func(e *apiEnv, role string) (string, any) {
				cm := e.comment(asAuthor, e.policy.ID, consultations.NewComment{Body: "Mine, not " + role + "'s"})
				return "/api/v1/comments/" + cm.ID, nil
			},
			check: func(t *testing.T, e *apiEnv, role, path string, allowed bool) {
				cm, err := e.store.Comment(ctx, nil, strings.TrimPrefix(path, "/api/v1/comments/"))
				if err != nil {
					t.Fatal(err)
				}
				if deleted := cm.Status == consultations.CommentDeleted; deleted != allowed {
					t.Errorf("comment status = %s; allowed = %v", cm.Status, allowed)
				}
			},
		},
		{
			route: "POST /api/v1/comments/{id}/support", want: all(401, 200),
			setup: func(e *apiEnv, role string) (string, any) {
				idea := e.comment(asAuthor, e.codesign.ID, consultations.NewComment{Kind: consultations.KindIdea, Title: "Idea for " + role, Body: "Details"})
				return "/api/v1/comments/" + idea.ID + "/support", nil
			},
		},
		{
			route: "DELETE /api/v1/comments/{id}/support", want: all(401, 200),
			setup: func(e *apiEnv, role string) (string, any) {
				idea := e.comment(asAuthor, e.codesign.ID, consultations.NewComment{Kind: consultations.KindIdea, Title: "Another idea for " + role, Body: "Details"})
				return "/api/v1/comments/" + idea.ID + "/support", nil
			},
		},
		{
			// Only the respondent withdraws a response; to anyone else it
			// does not exist.
			route: "DELETE /api/v1/responses/{id}", want: ownerOnly(404),
			setup: func(e *apiEnv, role string) (string, any) {
				r, err := e.store.SubmitResponse(ctx, e.users[asAuthor], e.policy.ID, e.policyAnswers(), consultations.IdemKey{})
				if err != nil {
					panic(err)
				}
				return "/api/v1/responses/" + r.ID, nil
			},
			check: func(t *testing.T, e *apiEnv, role, path string, allowed bool) {
				_, err := e.store.ResponseByID(ctx, strings.TrimPrefix(path, "/api/v1/responses/"))
				if gone := consultations.ErrorCode(err) == consultations.ENOTFOUND; gone != allowed {
					t.Errorf("response gone = %v; allowed = %v", gone, allowed)
				}
			},
		},
		{
			route: "POST /api/v1/me/notifications/read", want: all(401, 204),
			setup: func(e *apiEnv, role string) (string, any) { return "/api/v1/me/notifications/read", nil },
		},
	}, opinionAuthzCases()...)...)
}

func textAnswer(c *consultations.Consultation, text string) consultations.NewResponse {
	return consultations.NewResponse{Answers: []consultations.Answer{{QuestionID: c.Questions[0].ID, Text: text}}}
}

func outcomeBody(did string) consultations.OutcomeDraft {
	return consultations.OutcomeDraft{
		Summary: consultations.LocalText{"en": "Thank you."},
		Decisions: []consultations.DecisionDraft{{
			Asked: consultations.LocalText{"en": "What we asked"}, Said: consultations.LocalText{"en": "What you said"}, Did: consultations.LocalText{"en": did},
		}},
	}
}

// TestEveryStateChangingRouteRefusesWhoeverMayNotUseIt tries every
// state-changing API route as every role, each with a fresh token and a
// fresh target.
func TestEveryStateChangingRouteRefusesWhoeverMayNotUseIt(t *testing.T) {
	e := newAPIEnv(t)
	for _, c := range authzCases() {
		for _, role := range append(append([]string{}, apiRoles...), asAuthor) {
			want, ok := c.want[role]
			if !ok {
				continue
			}
			t.Run(c.route+"/"+role, func(t *testing.T) {
				path, body := c.setup(e, role)
				method, _, _ := strings.Cut(c.route, " ")
				token := ""
				if role != asAnon {
					token = e.token(e.users[role])
				}
				rec := e.callToken(method, path, token, body)
				if rec.Code != want {
					t.Fatalf("%s %s as %s = %d; want %d (body %s)", method, path, role, rec.Code, want, rec.Body.String())
				}
				if want >= 400 {
					wantAPIError(t, rec, want, map[int]string{401: "unauthenticated", 403: "forbidden", 404: "not_found"}[want])
				}
				if c.check != nil {
					c.check(t, e, role, path, want < 300)
				}
			})
		}
	}
}

// TestAuthorisationMatrixCoversEveryStateChangingRoute fails when a route
// that changes state is added without a row in the matrix above.
func TestAuthorisationMatrixCoversEveryStateChangingRoute(t *testing.T) {
	e := newAPIEnv(t)
	covered := map[string]bool{}
	for _, c := range authzCases() {
		covered[c.route] = true
	}
	for _, rt := range e.srv.Routes() {
		if strings.HasPrefix(rt, "GET ") || !strings.Contains(rt, " /api/v1/") {
			continue
		}
		if !covered[rt] {
			t.Errorf("%s has no row in the authorisation matrix", rt)
		}
	}
}

// TestPrivateReadsShowNothingToOthers covers the reads that are not
// public: drafts and responses.
func TestPrivateReadsShowNothingToOthers(t *testing.T) {
	e := newAPIEnv(t)
	draft := e.newConsultation(asStaff, nil, "")
	resp, err := e.store.SubmitResponse(context.Background(), e.users[asAuthor], e.policy.ID, e.policyAnswers(), consultations.IdemKey{})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		path string
		want map[string]int
	}{
		{"/api/v1/consultations/" + draft.ID, map[string]int{asAnon: 404, asCitizen: 404, asModerator: 404, asStaff: 200, asOtherStaff: 404, asAdmin: 200}},
		{"/api/v1/consultations/" + draft.ID + "/comments", map[string]int{asAnon: 404, asCitizen: 404, asModerator: 404, asStaff: 200, asOtherStaff: 404, asAdmin: 200}},
		{"/api/v1/responses/" + resp.ID, map[string]int{asAnon: 401, asCitizen: 404, asModerator: 404, asStaff: 200, asOtherStaff: 404, asAdmin: 200, asAuthor: 200}},
		{"/api/v1/me", map[string]int{asAnon: 401, asCitizen: 200, asStaff: 200}},
		{"/api/v1/me/contributions", map[string]int{asAnon: 401, asCitizen: 200}},
		{"/api/v1/me/notifications", map[string]int{asAnon: 401, asCitizen: 200}},
	}
	for _, c := range cases {
		for role, want := range c.want {
			if rec := e.call("GET", c.path, role, nil); rec.Code != want {
				t.Errorf("GET %s as %s = %d; want %d", c.path, role, rec.Code, want)
			}
		}
	}
	// A draft never shows up in another organisation's list either.
	for _, role := range []string{asAnon, asCitizen, asOtherStaff} {
		list := apiDecode[listResponse[consultations.Consultation]](t, e.call("GET", "/api/v1/consultations?status=draft", role, nil))
		for _, c := range list.Items {
			if c.ID == draft.ID {
				t.Errorf("the draft is listed to %s", role)
			}
		}
	}
}

// TestIdsInBodiesCannotReachAcrossConsultations checks ids given in JSON:
// a reply's parent and an outcome's linked comments must belong to the
// same consultation.
func TestIdsInBodiesCannotReachAcrossConsultations(t *testing.T) {
	e := newAPIEnv(t)
	elsewhere := e.comment(asAuthor, e.codesign.ID, consultations.NewComment{Body: "On the co-design thread"})
	before := e.commentCount(e.policy.ID)
	rec := e.call("POST", "/api/v1/consultations/"+e.policy.ID+"/comments", asCitizen, map[string]string{"body": "A reply", "parent_id": elsewhere.ID})
	if got := wantAPIError(t, rec, 400, "invalid"); got.Error.Fields["parent_id"] == "" {
		t.Errorf("fields = %v; want parent_id named", got.Error.Fields)
	}
	if after := e.commentCount(e.policy.ID); after != before {
		t.Errorf("comment_count went from %d to %d", before, after)
	}
	closed := e.newConsultation(asStaff, nil, consultations.StatusClosed)
	o := outcomeBody("Linked elsewhere")
	o.Decisions[0].CommentIDs = []string{elsewhere.ID}
	rec = e.call("PUT", "/api/v1/consultations/"+closed.ID+"/outcome", asStaff, o)
	if got := wantAPIError(t, rec, 400, "invalid"); got.Error.Fields["decisions.0.comment_ids"] == "" {
		t.Errorf("fields = %v; want decisions.0.comment_ids named", got.Error.Fields)
	}
	// Staff of another organisation reach a consultation by its id in
	// every staff route and are refused each time.
	open := e.newConsultation(asStaff, nil, consultations.StatusOpen)
	for _, r := range []struct{ method, path string }{
		{"PUT", "/api/v1/consultations/" + open.ID},
		{"POST", "/api/v1/consultations/" + open.ID + "/status"},
		{"POST", "/api/v1/consultations/" + open.ID + "/assisted-responses"},
		{"PUT", "/api/v1/consultations/" + open.ID + "/outcome"},
	} {
		var body any = map[string]string{"status": "closed"}
		switch {
		case strings.HasSuffix(r.path, "outcome"):
			body = outcomeBody("x")
		case strings.HasSuffix(r.path, "responses"):
			body = textAnswer(open, "x")
		case r.method == "PUT":
			body = apiDraft(e.otherOrg.ID)
		}
		rec := e.call(r.method, r.path, asOtherStaff, body)
		wantAPIError(t, rec, http.StatusForbidden, "forbidden")
	}
	after, _ := e.store.Consultation(context.Background(), open.ID)
	if after.Status != consultations.StatusOpen || after.ResponseCount != 0 || after.Title["en"] != open.Title["en"] {
		t.Errorf("another organisation's staff changed the consultation: %+v", after)
	}
}
