package server

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/consult-platform/consult/consultations"
)

// apiCounts is what a client can count through the API: consultations
// the admin sees, the demo policy's comments and responses, and the
// author's own contributions.
type apiCounts struct {
	consultations, comments, responses, myComments, myResponses, organisations int
}

func (e *apiEnv) counts() apiCounts {
	e.t.Helper()
	var n apiCounts
	cursor := ""
	for {
		page := apiDecode[listResponse[consultations.Consultation]](e.t, e.call("GET", "/api/v1/consultations?limit=100&cursor="+cursor, asAdmin, nil))
		n.consultations += len(page.Items)
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	c := apiDecode[consultations.Consultation](e.t, e.call("GET", "/api/v1/consultations/"+e.policy.ID, asAnon, nil))
	n.comments, n.responses = c.CommentCount, c.ResponseCount
	mine := apiDecode[contributions](e.t, e.call("GET", "/api/v1/me/contributions", asAuthor, nil))
	n.myComments, n.myResponses = len(mine.Comments), len(mine.Responses)
	n.organisations = len(apiDecode[listResponse[consultations.Organisation]](e.t, e.call("GET", "/api/v1/organisations", asAnon, nil)).Items)
	return n
}

// TestBadInputIsRefusedWithTheFieldNamedAndChangesNothing sends malformed,
// unknown, oversized, mis-encoded and mistyped bodies to the routes that
// store things, and counts through the API that nothing was stored.
func TestBadInputIsRefusedWithTheFieldNamedAndChangesNothing(t *testing.T) {
	e := newAPIEnv(t)
	comments := "/api/v1/consultations/" + e.policy.ID + "/comments"
	responses := "/api/v1/consultations/" + e.policy.ID + "/responses"
	huge := `{"body":"` + strings.Repeat("a", 1<<20) + `"}`
	cases := []struct {
		name, method, path, role string
		body                     any
		status                   int
		field                    string // the field the error must name, if any
	}{
		{"malformed JSON", "POST", comments, asAuthor, `{"body": "unfinished`, 400, ""},
		{"not an object", "POST", comments, asAuthor, `["body"]`, 400, ""},
		{"two objects", "POST", comments, asAuthor, `{"body":"a"}{"body":"b"}`, 400, ""},
		{"empty body", "POST", comments, asAuthor, ``, 400, ""},
		{"unknown field", "POST", comments, asAuthor, `{"body":"hello","author_id":"someone-else"}`, 400, "author_id"},
		{"wrong type", "POST", comments, asAuthor, `{"body":42}`, 400, "body"},
		{"invalid UTF-8", "POST", comments, asAuthor, []byte("{\"body\":\"caf\xe9\"}"), 400, ""},
		{"oversized", "POST", comments, asAuthor, huge, 413, ""},
		{"missing text", "POST", comments, asAuthor, `{"body":"   "}`, 400, "body"},
		{"too long", "POST", comments, asAuthor, `{"body":"` + strings.Repeat("é", consultations.MaxCommentLen+1) + `"}`, 400, "body"},
		{"bad stance", "POST", comments, asAuthor, `{"body":"x","stance":"maybe"}`, 400, "stance"},
		{"unknown parent", "POST", comments, asAuthor, `{"body":"x","parent_id":"nope"}`, 400, "parent_id"},
		{"answers of the wrong type", "POST", responses, asAuthor, `{"answers":{"q":"a"}}`, 400, "answers"},
		{"unknown question", "POST", responses, asAuthor, `{"answers":[{"question_id":"nope","text":"x"}]}`, 400, "nope"},
		{"scale out of range", "POST", responses, asAuthor, `{"answers":[{"question_id":"` + e.policy.Questions[1].ID + `","scale":9}]}`, 400, e.policy.Questions[1].ID},
		{"malformed date", "POST", "/api/v1/consultations", asStaff, `{"kind":"policy","opens_at":"next tuesday"}`, 400, "opens_at"},
		{"date of the wrong type", "POST", "/api/v1/consultations", asStaff, `{"kind":"policy","closes_at":20260101}`, 400, "closes_at"},
		{"nested wrong type", "POST", "/api/v1/consultations", asStaff, `{"questions":[{"kind":"text","required":"yes"}]}`, 400, "questions.required"},
		{"invalid draft", "POST", "/api/v1/consultations", asStaff, `{"kind":"poll","title":{"en":""}}`, 400, "kind"},
		{"status of the wrong type", "POST", "/api/v1/consultations/" + e.policy.ID + "/status", asStaff, `{"status":1}`, 400, "status"},
		{"unknown status", "POST", "/api/v1/consultations/" + e.policy.ID + "/status", asStaff, `{"status":"paused"}`, 400, "status"},
		{"short password", "POST", "/api/v1/accounts", asAnon, `{"email":"new@example.org","password":"short","display_name":"New"}`, 400, "password"},
		{"bad email", "POST", "/api/v1/accounts", asAnon, `{"email":"not an email","password":"long enough","display_name":"New"}`, 400, "email"},
		{"role smuggled in", "POST", "/api/v1/accounts", asAnon, `{"email":"new@example.org","password":"long enough","display_name":"New","role":"admin"}`, 400, "role"},
		{"limit too large", "GET", comments + "?limit=501", asAnon, nil, 400, "limit"},
		{"limit not a number", "GET", "/api/v1/consultations?limit=ten", asAnon, nil, 400, "limit"},
		{"unknown kind filter", "GET", "/api/v1/consultations?kind=poll", asAnon, nil, 400, "kind"},
		{"unknown status filter", "GET", "/api/v1/consultations?status=open,paused", asAnon, nil, 400, "status"},
		{"over-long idempotency key", "POST", comments, asAuthor, `{"body":"x"}`, 400, "Idempotency-Key"},
	}
	before := e.counts()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var hdr []string
			if c.field == "Idempotency-Key" {
				hdr = []string{"Idempotency-Key", strings.Repeat("k", 201)}
			}
			rec := e.call(c.method, c.path, c.role, c.body, hdr...)
			got := wantAPIError(t, rec, c.status, "invalid")
			if c.field != "" && got.Error.Fields[c.field] == "" {
				t.Errorf("fields = %v; want %q named", got.Error.Fields, c.field)
			}
		})
	}
	if after := e.counts(); after != before {
		t.Errorf("bad input changed what the API shows: before %+v, after %+v", before, after)
	}
}

// TestOversizedBodyWithoutLengthIsRefused sends more than 1 MiB without a
// Content-Length, as a streaming client would.
func TestOversizedBodyWithoutLengthIsRefused(t *testing.T) {
	e := newAPIEnv(t)
	before := e.counts()
	body := io.MultiReader(strings.NewReader(`{"body":"`), bytes.NewReader(bytes.Repeat([]byte("a"), 2<<20)), strings.NewReader(`"}`))
	req := httptest.NewRequest("POST", "/api/v1/consultations/"+e.policy.ID+"/comments", body)
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+e.tokens[asAuthor])
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	wantAPIError(t, rec, http.StatusRequestEntityTooLarge, "invalid")
	if after := e.counts(); after != before {
		t.Errorf("counts changed: %+v -> %+v", before, after)
	}
}

// TestUnknownIdsAreNotFound tries every route that takes an id with one
// that does not exist.
func TestUnknownIdsAreNotFound(t *testing.T) {
	e := newAPIEnv(t)
	before := e.counts()
	routes := []struct {
		method, path string
		body         any
	}{
		{"GET", "/api/v1/consultations/nope", nil},
		{"PUT", "/api/v1/consultations/nope", apiDraft(e.org.ID)},
		{"POST", "/api/v1/consultations/nope/status", map[string]string{"status": "open"}},
		{"GET", "/api/v1/consultations/nope/comments", nil},
		{"POST", "/api/v1/consultations/nope/comments", map[string]string{"body": "x"}},
		{"POST", "/api/v1/consultations/nope/responses", map[string]any{"answers": []any{}}},
		{"POST", "/api/v1/consultations/nope/assisted-responses", map[string]any{"answers": []any{}}},
		{"GET", "/api/v1/consultations/nope/outcome", nil},
		{"PUT", "/api/v1/consultations/nope/outcome", outcomeBody("x")},
		{"GET", "/api/v1/comments/nope", nil},
		{"DELETE", "/api/v1/comments/nope", nil},
		{"POST", "/api/v1/comments/nope/support", nil},
		{"DELETE", "/api/v1/comments/nope/support", nil},
		{"GET", "/api/v1/responses/nope", nil},
		{"DELETE", "/api/v1/responses/nope", nil},
		{"GET", "/api/v1/no-such-route", nil},
		{"PATCH", "/api/v1/consultations/" + e.policy.ID, map[string]string{}},
	}
	for _, r := range routes {
		rec := e.call(r.method, r.path, asAdmin, r.body)
		if rec.Code != 404 {
			t.Errorf("%s %s = %d; want 404 (%s)", r.method, r.path, rec.Code, rec.Body.String())
			continue
		}
		wantAPIError(t, rec, 404, "not_found")
	}
	// A comment is not an idea: supporting it is not found either.
	cm := e.comment(asAuthor, e.policy.ID, consultations.NewComment{Body: "Just a comment"})
	wantAPIError(t, e.call("POST", "/api/v1/comments/"+cm.ID+"/support", asCitizen, nil), 404, "not_found")
	before.comments++
	before.myComments++
	if after := e.counts(); after != before {
		t.Errorf("counts changed: %+v -> %+v", before, after)
	}
}
