package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestRegisterSignInAndSignOut(t *testing.T) {
	e := newWebEnv(t)
	c := e.client()
	c.get("/register")
	p := c.post("/register", url.Values{"email": {"new@example.com"}, "password": {"correct horse"}, "display_name": {"Harbour walker"}})
	p.wantStatus(t, http.StatusSeeOther)
	c.get("/").mustContain(t, "My contributions", "Sign out")

	c.post("/sign-out", nil).wantStatus(t, http.StatusSeeOther)
	home := c.get("/")
	home.mustNotContain(t, "My contributions")
	home.mustContain(t, "Sign in")
	if p := c.get("/me"); p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "/sign-in") {
		t.Errorf("GET /me after sign-out: %d %q; want a redirect to sign in", p.Status, p.Location)
	}

	c.get("/sign-in")
	p = c.post("/sign-in", url.Values{"email": {"NEW@example.com "}, "password": {"correct horse"}})
	p.wantStatus(t, http.StatusSeeOther)
	c.get("/").mustContain(t, "Sign out")
}

func TestSignInGivesANewSessionIDEachTime(t *testing.T) {
	e := newWebEnv(t)
	c := e.client()
	session := func() string {
		u, _ := url.Parse(e.srv.URL)
		for _, ck := range c.http.Jar.Cookies(u) {
			if ck.Name == sessionCookie {
				return ck.Value
			}
		}
		return ""
	}
	c.signIn(demoCitizen)
	first := session()
	c.signIn(demoCitizen)
	if second := session(); first == "" || second == first {
		t.Errorf("session ids %q then %q; want a new one at each sign-in", first, second)
	}
}

func TestRegisterValidationKeepsWhatWasTyped(t *testing.T) {
	cases := []struct {
		name                     string
		email, password, display string
		want                     []string
	}{
		{"everything missing", "", "", "", []string{`href="#email"`, `href="#password"`, `href="#display_name"`, "Enter your email address"}},
		{"short password", "a@example.com", "short", "Me", []string{`href="#password"`, "Use 8 to 128 characters", "at least 8 characters", `value="a@example.com"`, `value="Me"`}},
		{"long password", "a@example.com", strings.Repeat("x", 129), "Me", []string{"128 characters or fewer"}},
		{"bad email", "not-an-email", "long enough", "Me", []string{`href="#email"`, `value="not-an-email"`}},
		{"email taken", demoCitizen, "long enough", "Me", []string{"already exists"}},
	}
	e := newWebEnv(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := e.client()
			c.get("/register")
			p := c.post("/register", url.Values{"email": {tc.email}, "password": {tc.password}, "display_name": {tc.display}})
			if p.Status == http.StatusSeeOther {
				t.Fatalf("registered; want an error")
			}
			p.mustContain(t, append(tc.want, `class="error-summary"`, "<title>Error:")...)
			if tc.password != "" {
				p.mustNotContain(t, tc.password)
			}
		})
	}
}

func TestPasswordsNeedNoCompositionRules(t *testing.T) {
	e := newWebEnv(t)
	c := e.client()
	c.get("/register")
	p := c.post("/register", url.Values{"email": {"plain@example.com"}, "password": {"aaaaaaaa"}, "display_name": {"Plain"}})
	p.wantStatus(t, http.StatusSeeOther)
}

func TestSignInErrorDoesNotRevealWhetherTheEmailExists(t *testing.T) {
	e := newWebEnv(t)
	message := func(email string) string {
		c := e.client()
		c.get("/sign-in")
		p := c.post("/sign-in", url.Values{"email": {email}, "password": {"wrong password"}})
		if p.Status == http.StatusSeeOther {
			t.Fatalf("signed in with a wrong password")
		}
		i := strings.Index(p.Body, `class="error-summary"`)
		j := strings.Index(p.Body[max(i, 0):], "</ul>")
		if i < 0 || j < 0 {
			t.Fatalf("no error summary:\n%s", p.Body)
		}
		return p.Body[i : i+j]
	}
	known, unknown := message(demoCitizen), message("nobody@example.com")
	if known != unknown {
		t.Errorf("errors differ for a known and an unknown email:\n%s\n---\n%s", known, unknown)
	}
}

func TestSignInReturnsOnlyToThisSite(t *testing.T) {
	cases := []struct{ ret, want string }{
		{"/consultations/safer-streets-20mph", "/consultations/safer-streets-20mph"},
		{"//evil.example", "/"},
		{"//evil.example/path", "/"},
		{"https://evil.example/", "/"},
		{"/\\evil.example", "/"},
		{"javascript:alert(1)", "/"},
		{"", "/"},
	}
	e := newWebEnv(t)
	for _, tc := range cases {
		t.Run(tc.ret, func(t *testing.T) {
			c := e.client()
			page := c.get("/sign-in?return=" + url.QueryEscape(tc.ret))
			page.wantStatus(t, http.StatusOK)
			p := c.post("/sign-in", url.Values{"email": {demoCitizen}, "password": {"consult-demo-2026"}, "return": {tc.ret}})
			p.wantStatus(t, http.StatusSeeOther)
			if p.Location != tc.want {
				t.Errorf("return %q redirected to %q; want %q", tc.ret, p.Location, tc.want)
			}
		})
	}
}

func TestFormWithoutCSRFTokenIsRefused(t *testing.T) {
	e := newWebEnv(t)
	c := e.client()
	c.signIn(demoCitizen)
	cases := []struct{ path string }{
		{"/sign-out"},
		{"/consultations/" + demoPolicy + "/comments"},
		{"/sign-in"},
	}
	for _, tc := range cases {
		for _, token := range []string{"", "forged"} {
			p := c.post(tc.path, url.Values{"csrf_token": {token}, "body": {"Hello"}, "email": {demoCitizen}, "password": {"consult-demo-2026"}})
			if p.Status != http.StatusForbidden {
				t.Errorf("POST %s with csrf_token %q: status %d; want 403", tc.path, token, p.Status)
			}
		}
	}
	c.get("/").mustContain(t, "Sign out")
}
