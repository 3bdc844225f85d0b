package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/consult-platform/consult/consultations"
	"github.com/consult-platform/consult/database"
	"github.com/consult-platform/consult/i18n"
)

// manageEnv is a real server over a fresh SQLite database with two
// organisations, people in every role, and consultations in every state.
type manageEnv struct {
	t      *testing.T
	srv    *Server
	http   *httptest.Server
	store  *consultations.Store
	orgA   *consultations.Organisation
	orgB   *consultations.Organisation
	people map[string]*consultations.User // "staffA", "staffB", "citizen", "moderator", "admin"

	draftA, openA, closedA, draftB, openB *consultations.Consultation
	commentA                              *consultations.Comment // published, on closedA
}

func newManageEnv(t *testing.T) *manageEnv {
	t.Helper()
	ctx := context.Background()
	db := database.OpenTest(t)
	store := consultations.NewStore(db, consultations.NewSanitizer())
	bundle, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(ctx, Config{}, store, bundle, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	e := &manageEnv{t: t, srv: srv, store: store, people: map[string]*consultations.User{}}
	e.http = httptest.NewServer(srv)
	t.Cleanup(e.http.Close)

	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	e.orgA, err = store.CreateOrganisation(ctx, "transport", "Ministry of Transport", "en", "Europe/London")
	must(err)
	e.orgB, err = store.CreateOrganisation(ctx, "health", "Ministry of Health", "en", "UTC")
	must(err)
	for name, acct := range map[string]consultations.NewAccount{
		"staffA":    {Role: consultations.RoleStaff, OrgSlug: "transport"},
		"staffB":    {Role: consultations.RoleStaff, OrgSlug: "health"},
		"citizen":   {Role: consultations.RoleCitizen},
		"moderator": {Role: consultations.RoleModerator},
		"admin":     {Role: consultations.RoleAdmin},
	} {
		acct.Email, acct.Password, acct.DisplayName = name+"@example.org", "correct horse battery", name+" person"
		u, err := store.CreateUser(ctx, acct)
		must(err)
		e.people[name] = u
	}
	e.draftA = e.consultation("staffA", "draft-a", "")
	e.openA = e.consultation("staffA", "open-a", consultations.StatusOpen)
	e.closedA = e.consultation("staffA", "closed-a", consultations.StatusOpen)
	e.commentA, err = store.PostComment(ctx, e.people["citizen"], e.closedA.ID, consultations.NewComment{Body: "Please fix the potholes on Mill Lane"}, consultations.IdemKey{})
	must(err)
	e.closedA, err = store.SetStatus(ctx, e.people["staffA"], e.closedA.ID, consultations.StatusClosed)
	must(err)
	e.draftB = e.consultation("staffB", "draft-b", "")
	e.openB = e.consultation("staffB", "open-b", consultations.StatusOpen)
	return e
}

// consultation makes a consultation with a text and a choice question,
// opening a day from now, and moves it to status if one is given.
func (e *manageEnv) consultation(staff, slug string, status consultations.Status) *consultations.Consultation {
	e.t.Helper()
	ctx := context.Background()
	now := e.store.Now()
	c, err := e.store.CreateConsultation(ctx, e.people[staff], consultations.Draft{
		Slug: slug, Kind: consultations.KindPolicy, DefaultLocale: "en",
		Title:   consultations.LocalText{"en": "Consultation " + slug},
		Summary: consultations.LocalText{"en": "Summary of " + slug},
		OpensAt: now.Add(24 * time.Hour), ClosesAt: now.Add(30 * 24 * time.Hour),
		Questions: []consultations.QuestionDraft{
			{Kind: consultations.QuestionText, Required: true, Prompt: consultations.LocalText{"en": "What do you think?"}},
			{Kind: consultations.QuestionSingle, Prompt: consultations.LocalText{"en": "Do you agree?"},
				Options: []consultations.LocalText{{"en": "Yes"}, {"en": "No"}}},
		},
	})
	if err != nil {
		e.t.Fatal(err)
	}
	if status != "" {
		if c, err = e.store.SetStatus(ctx, e.people[staff], c.ID, status); err != nil {
			e.t.Fatal(err)
		}
	}
	return c
}

// reload reads a consultation afresh from the store.
func (e *manageEnv) reload(id string) *consultations.Consultation {
	e.t.Helper()
	c, err := e.store.Consultation(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// browser is one person's browser: cookies kept, redirects not followed.
type browser struct {
	e    *manageEnv
	c    *http.Client
	csrf string
}

// as signs in as the named person ("" for signed out) by making a session
// directly, and picks up the CSRF cookie and token as a browser would.
func (e *manageEnv) as(who string) *browser {
	e.t.Helper()
	jar, _ := cookiejar.New(nil)
	b := &browser{e: e, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	u, _ := url.Parse(e.http.URL)
	if who != "" {
		token, err := e.store.CreateSession(context.Background(), e.people[who].ID)
		if err != nil {
			e.t.Fatal(err)
		}
		jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: token, Path: "/"}})
	}
	resp, err := b.c.Get(e.http.URL + "/")
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	for _, c := range jar.Cookies(u) {
		if c.Name == csrfCookie {
			b.csrf = e.srv.csrfSign(c.Value)
		}
	}
	if b.csrf == "" {
		e.t.Fatal("no CSRF cookie after visiting /")
	}
	return b
}

// manageResponse is a response with its body read.
type manageResponse struct {
	Status   int
	Body     string
	Location string
}

func (b *browser) do(req *http.Request) manageResponse {
	b.e.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return manageResponse{resp.StatusCode, string(body), resp.Header.Get("Location")}
}

func (b *browser) get(path string) manageResponse {
	b.e.t.Helper()
	req, _ := http.NewRequest("GET", b.e.http.URL+path, nil)
	return b.do(req)
}

// post sends a form with the CSRF token, as the page's form would.
func (b *browser) post(path string, form url.Values) manageResponse {
	b.e.t.Helper()
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	f.Set(csrfField, b.csrf)
	return b.postRaw(path, f)
}

// postRaw sends a form exactly as given.
func (b *browser) postRaw(path string, form url.Values) manageResponse {
	b.e.t.Helper()
	req, _ := http.NewRequest("POST", b.e.http.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}
