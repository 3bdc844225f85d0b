package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/consult-platform/consult/consultations"
	"github.com/consult-platform/consult/consultations/demo"
	"github.com/consult-platform/consult/database"
	"github.com/consult-platform/consult/i18n"
)

// webEnv is a running server over a fresh SQLite database with the demo
// content, for tests that drive the citizen pages like a browser would.
type webEnv struct {
	t      *testing.T
	srv    *httptest.Server
	server *Server
	store  *consultations.Store
	staff  *consultations.User
}

// Demo accounts, all with demo.Password.
const (
	demoCitizen = "citizen@demo.consult.example"
	demoAmira   = "amira@demo.consult.example"
	demoStaff   = "staff@demo.consult.example"
	demoPolicy  = "safer-streets-20mph"
	demoIdeas   = "bus-travel-information"
	demoOutcome = "cycling-strategy-2026"
)

func newWebEnv(t *testing.T) *webEnv {
	t.Helper()
	ctx := context.Background()
	db := database.OpenTest(t)
	store := consultations.NewStore(db, consultations.NewSanitizer())
	if _, err := demo.Seed(ctx, store); err != nil {
		t.Fatal(err)
	}
	bundle, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	s, err := New(ctx, Config{RateLimits: false}, store, bundle, log)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	staff, err := store.Authenticate(ctx, demoStaff, demo.Password)
	if err != nil {
		t.Fatal(err)
	}
	return &webEnv{t: t, srv: srv, server: s, store: store, staff: staff}
}

// consultationOptions shape a test consultation.
type consultationOptions struct {
	slug          string
	kind          consultations.Kind
	anonymous     bool
	premoderation bool
}

// newConsultation opens a consultation with a required single-choice
// question and an optional free-text question limited to 100 characters.
func (e *webEnv) newConsultation(o consultationOptions) *consultations.Consultation {
	e.t.Helper()
	if o.kind == "" {
		o.kind = consultations.KindPolicy
	}
	ctx := context.Background()
	now := e.store.Now()
	d := consultations.Draft{
		Slug: o.slug, Kind: o.kind, DefaultLocale: "en",
		Title:   consultations.LocalText{"en": "Test consultation " + o.slug},
		Summary: consultations.LocalText{"en": "A consultation made by a test."},
		OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(240 * time.Hour),
		AllowAnonymous: o.anonymous, Premoderation: o.premoderation,
	}
	if o.kind == consultations.KindPolicy {
		d.Questions = []consultations.QuestionDraft{
			{Kind: consultations.QuestionSingle, Required: true, Prompt: consultations.LocalText{"en": "Do you agree?"},
				Options: []consultations.LocalText{{"en": "Yes"}, {"en": "No"}}},
			{Kind: consultations.QuestionText, MaxLength: 100, Prompt: consultations.LocalText{"en": "Anything else?"}},
		}
	}
	c, err := e.store.CreateConsultation(ctx, e.staff, d)
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.store.SetStatus(ctx, e.staff, c.ID, consultations.StatusOpen); err != nil {
		e.t.Fatal(err)
	}
	c, err = e.store.Consultation(ctx, c.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func (e *webEnv) consultation(slug string) *consultations.Consultation {
	e.t.Helper()
	c, err := e.store.ConsultationBySlug(context.Background(), slug)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// webClient is a browser without JavaScript: it keeps cookies, does not
// follow redirects (tests look at them), and remembers the CSRF token of
// the last page it read, as a form on that page would carry it.
type webClient struct {
	t    *testing.T
	e    *webEnv
	http *http.Client
	csrf string
	ua   string
}

func (e *webEnv) client() *webClient {
	jar, _ := cookiejar.New(nil)
	return &webClient{t: e.t, e: e, http: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// page is a fetched response.
type webPage struct {
	Status   int
	Body     string
	Location string
}

var csrfInput = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func (c *webClient) do(req *http.Request) webPage {
	c.t.Helper()
	if c.ua != "" {
		req.Header.Set("User-Agent", c.ua)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	p := webPage{Status: resp.StatusCode, Body: string(b), Location: resp.Header.Get("Location")}
	if m := csrfInput.FindStringSubmatch(p.Body); m != nil {
		c.csrf = m[1]
	}
	return p
}

// get fetches a path.
func (c *webClient) get(path string) webPage {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.e.srv.URL+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.do(req)
}

// post sends a form with the CSRF token of the last page read, unless the
// form sets csrf_token itself.
func (c *webClient) post(path string, form url.Values) webPage {
	c.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, set := form["csrf_token"]; !set {
		form.Set("csrf_token", c.csrf)
	}
	req, err := http.NewRequest(http.MethodPost, c.e.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// signIn signs in through the sign-in page and reads a page afterwards,
// which picks up the new CSRF token issued at sign-in.
func (c *webClient) signIn(email string) {
	c.t.Helper()
	c.get("/sign-in")
	p := c.post("/sign-in", url.Values{"email": {email}, "password": {demo.Password}})
	if p.Status != http.StatusSeeOther {
		c.t.Fatalf("sign in as %s: status %d; want 303\n%s", email, p.Status, p.Body)
	}
	c.get("/")
}

// mustContain fails unless the page holds every one of wants.
func (p webPage) mustContain(t *testing.T, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(p.Body, w) {
			t.Errorf("page does not contain %q", w)
		}
	}
}

func (p webPage) mustNotContain(t *testing.T, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(p.Body, w) {
			t.Errorf("page contains %q but should not", w)
		}
	}
}

func (p webPage) wantStatus(t *testing.T, want int) {
	t.Helper()
	if p.Status != want {
		t.Fatalf("status %d; want %d\n%s", p.Status, want, p.Body)
	}
}
