package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/consult-platform/consult/consultations"
	"github.com/consult-platform/consult/consultations/demo"
	"github.com/consult-platform/consult/database"
	"github.com/consult-platform/consult/i18n"
)

// apiEnv is a real server over a real SQLite store in t.TempDir(), seeded
// with the demo content plus a second organisation, and a bearer token for
// each role the API tests act as.
type apiEnv struct {
	t     *testing.T
	srv   *Server
	store *consultations.Store

	org, otherOrg          *consultations.Organisation
	policy, codesign, past *consultations.Consultation // the demo's open policy, open co-design thread, outcome published

	users  map[string]*consultations.User // by role name, see apiRoles
	tokens map[string]string
}

// Roles the authorisation tests act as. The author is a second citizen who
// owns the comments and responses others try to touch.
const (
	asAnon       = "anonymous"
	asCitizen    = "citizen"
	asAuthor     = "author"
	asModerator  = "moderator"
	asStaff      = "staff"       // staff of the owning organisation
	asOtherStaff = "other-staff" // staff of another organisation
	asAdmin      = "admin"
)

var apiRoles = []string{asAnon, asCitizen, asModerator, asStaff, asOtherStaff, asAdmin}

func newAPIEnv(t *testing.T) *apiEnv {
	t.Helper()
	return newAPIEnvOver(t, database.OpenTest(t))
}

// newAPIEnvOver is newAPIEnv over an opened, migrated, empty database.
func newAPIEnvOver(t *testing.T, db *database.DB) *apiEnv {
	t.Helper()
	ctx := context.Background()
	store := consultations.NewStore(db, consultations.NewSanitizer())
	if ok, err := demo.Seed(ctx, store); err != nil || !ok {
		t.Fatalf("demo.Seed = %v, %v", ok, err)
	}
	bundle, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(ctx, Config{MaxBodyBytes: 1 << 20}, store, bundle, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	e := &apiEnv{t: t, srv: srv, store: store, users: map[string]*consultations.User{}, tokens: map[string]string{}}
	if e.org, err = store.OrganisationBySlug(ctx, "transport"); err != nil {
		t.Fatal(err)
	}
	if e.otherOrg, err = store.CreateOrganisation(ctx, "health", "Ministry of Health", "en", "UTC"); err != nil {
		t.Fatal(err)
	}
	for role, email := range map[string]string{
		asCitizen: "citizen@demo.consult.example", asModerator: "moderator@demo.consult.example",
		asStaff: "staff@demo.consult.example", asAdmin: "admin@demo.consult.example",
	} {
		if e.users[role], err = store.Authenticate(ctx, email, demo.Password); err != nil {
			t.Fatal(err)
		}
	}
	e.users[asAuthor] = e.newUser(consultations.NewAccount{Email: "author@example.org", DisplayName: "Author", Role: consultations.RoleCitizen})
	e.users[asOtherStaff] = e.newUser(consultations.NewAccount{Email: "staff@health.example", DisplayName: "Health asStaff", Role: consultations.RoleStaff, OrgSlug: "health"})
	for role, u := range e.users {
		e.tokens[role] = e.token(u)
	}
	for slug, c := range map[string]**consultations.Consultation{"safer-streets-20mph": &e.policy, "bus-travel-information": &e.codesign, "cycling-strategy-2026": &e.past} {
		if *c, err = store.ConsultationBySlug(ctx, slug); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

func (e *apiEnv) newUser(a consultations.NewAccount) *consultations.User {
	e.t.Helper()
	a.Password = "a long enough password"
	u, err := e.store.CreateUser(context.Background(), a)
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// token issues a fresh bearer token for u without a password check.
func (e *apiEnv) token(u *consultations.User) string {
	e.t.Helper()
	tok, _, err := e.store.CreateAPIToken(context.Background(), u.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

// call sends a request as role ("" or asAnon for nobody). A body that
// is a string or []byte is sent as is; anything else is encoded as JSON.
func (e *apiEnv) call(method, path, role string, body any, header ...string) *httptest.ResponseRecorder {
	e.t.Helper()
	tok := ""
	if role != "" && role != asAnon {
		var ok bool
		if tok, ok = e.tokens[role]; !ok {
			e.t.Fatalf("no token for role %q", role)
		}
	}
	return e.callToken(method, path, tok, body, header...)
}

func (e *apiEnv) callToken(method, path, token string, body any, header ...string) *httptest.ResponseRecorder {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req := httptest.NewRequest(method, path, rd)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	return rec
}

// decode reads a JSON response body into a T, failing the test if it is
// not valid JSON of that shape.
func apiDecode[T any](t *testing.T, rec *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("decode %T from %d %s: %v", v, rec.Code, rec.Body.String(), err)
	}
	return v
}

// apiErr is the error body every API error has.
type apiErr struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
}

// wantAPIError checks status, code and that the message is translated (not
// a bare message id), and returns the error for further checks.
func wantAPIError(t *testing.T, rec *httptest.ResponseRecorder, status int, code string) apiErr {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status = %d; want %d (body %s)", rec.Code, status, rec.Body.String())
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type = %q; want JSON", ct)
	}
	got := apiDecode[apiErr](t, rec)
	if got.Error.Code != code {
		t.Fatalf("error code = %q; want %q (body %s)", got.Error.Code, code, rec.Body.String())
	}
	if !isTranslated(got.Error.Message) {
		t.Fatalf("message %q is not translated", got.Error.Message)
	}
	for f, m := range got.Error.Fields {
		if !isTranslated(m) {
			t.Fatalf("message for field %s, %q, is not translated", f, m)
		}
	}
	return got
}

// translated reports whether s is a sentence rather than a message id
// that is missing from the catalogs (which T returns as is).
func isTranslated(s string) bool {
	return s != "" && strings.Contains(s, " ") && !strings.HasPrefix(s, "Err")
}

var apiSlugSeq atomic.Int64

// apiDraft is a valid consultation for org, with one question of each kind.
func apiDraft(orgID string) consultations.Draft {
	now := time.Now().UTC()
	return consultations.Draft{
		OrgID: orgID, Kind: consultations.KindPolicy, DefaultLocale: "en",
		Slug:    "test-" + time.Now().Format("150405") + "-" + strconv.FormatInt(apiSlugSeq.Add(1), 10),
		Title:   consultations.LocalText{"en": "A test consultation"},
		Summary: consultations.LocalText{"en": "What it is about."},
		Body:    consultations.LocalText{"en": "The full text."},
		OpensAt: now.Add(24 * time.Hour), ClosesAt: now.Add(30 * 24 * time.Hour),
		Questions: []consultations.QuestionDraft{
			{Kind: consultations.QuestionText, Prompt: consultations.LocalText{"en": "What do you think?"}},
			{Kind: consultations.QuestionSingle, Prompt: consultations.LocalText{"en": "Pick one"}, Options: []consultations.LocalText{{"en": "Yes"}, {"en": "No"}}},
		},
	}
}

// newConsultation stores a draft of org made by asStaff, then moves it to
// the given status ("" leaves it a draft).
func (e *apiEnv) newConsultation(by string, mutate func(*consultations.Draft), status consultations.Status) *consultations.Consultation {
	e.t.Helper()
	ctx := context.Background()
	u := e.users[by]
	d := apiDraft(*u.OrgID)
	if mutate != nil {
		mutate(&d)
	}
	c, err := e.store.CreateConsultation(ctx, u, d)
	if err != nil {
		e.t.Fatal(err)
	}
	switch status {
	case "", consultations.StatusDraft:
	case consultations.StatusClosed:
		if _, err := e.store.SetStatus(ctx, u, c.ID, consultations.StatusOpen); err != nil {
			e.t.Fatal(err)
		}
		fallthrough
	default:
		if _, err := e.store.SetStatus(ctx, u, c.ID, status); err != nil {
			e.t.Fatal(err)
		}
	}
	if c, err = e.store.Consultation(ctx, c.ID); err != nil {
		e.t.Fatal(err)
	}
	return c
}

// comment posts a comment as role through the store.
func (e *apiEnv) comment(role, consultationID string, n consultations.NewComment) *consultations.Comment {
	e.t.Helper()
	cm, err := e.store.PostComment(context.Background(), e.users[role], consultationID, n, consultations.IdemKey{})
	if err != nil {
		e.t.Fatal(err)
	}
	return cm
}

// policyAnswers is a valid response to the demo policy consultation.
func (e *apiEnv) policyAnswers() consultations.NewResponse {
	q := e.policy.Questions
	return consultations.NewResponse{Answers: []consultations.Answer{
		{QuestionID: q[0].ID, Choices: []string{q[0].Options[0].ID}},
		{QuestionID: q[1].ID, Scale: 3},
	}}
}

// count reads a list's length through the API, as a citizen would.
func (e *apiEnv) commentCount(consultationID string) int {
	e.t.Helper()
	rec := e.call("GET", "/api/v1/consultations/"+consultationID, asAnon, nil)
	if rec.Code != http.StatusOK {
		e.t.Fatalf("GET consultation: %d %s", rec.Code, rec.Body.String())
	}
	return apiDecode[consultations.Consultation](e.t, rec).CommentCount
}
