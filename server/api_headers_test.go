package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

var cspNonce = regexp.MustCompile(`script-src [^;]*'nonce-([A-Za-z0-9+/=_-]{16,})'`)

// TestEveryResponseCarriesTheSecurityHeaders checks API answers, API
// errors and pages alike.
func TestEveryResponseCarriesTheSecurityHeaders(t *testing.T) {
	e := newAPIEnv(t)
	nonces := map[string]bool{}
	for _, path := range []string{"/", "/consultations/" + e.policy.Slug, "/no-such-page", "/api/v1/consultations", "/api/v1/consultations/nope", "/api/v1/openapi.json"} {
		rec := e.call("GET", path, asAnon, nil)
		h := rec.Header()
		csp := h.Get("Content-Security-Policy")
		m := cspNonce.FindStringSubmatch(csp)
		if m == nil {
			t.Errorf("%s: CSP %q has no script nonce", path, csp)
			continue
		}
		nonces[m[1]] = true
		for _, want := range []string{"frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'", "default-src 'self'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %s", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("%s: CSP %q allows inline code", path, csp)
		}
		if got := h.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options = %q", path, got)
		}
		if got := h.Get("Referrer-Policy"); got == "" || got == "unsafe-url" {
			t.Errorf("%s: Referrer-Policy = %q", path, got)
		}
		if strings.HasPrefix(path, "/api/v1/consultations") && !strings.HasPrefix(h.Get("Content-Type"), "application/json") {
			t.Errorf("%s: Content-Type = %q", path, h.Get("Content-Type"))
		}
		if strings.HasPrefix(h.Get("Content-Type"), "text/html") {
			checkInlineScriptsCarryNonce(t, path, rec.Body.String(), m[1])
		}
	}
	if len(nonces) < 6 {
		t.Errorf("nonces were reused across responses: %d distinct for 6 responses", len(nonces))
	}
}

func checkInlineScriptsCarryNonce(t *testing.T, path, page, nonce string) {
	t.Helper()
	z := html.NewTokenizer(strings.NewReader(page))
	for tt := z.Next(); tt != html.ErrorToken; tt = z.Next() {
		tok := z.Token()
		if tok.Data != "script" || tt != html.StartTagToken {
			continue
		}
		attrs := map[string]string{}
		for _, a := range tok.Attr {
			attrs[a.Key] = a.Val
		}
		if attrs["src"] == "" && attrs["nonce"] != nonce {
			t.Errorf("%s: an inline script without this response's nonce", path)
		}
	}
}

// TestCookiesAreHttpOnlyAndSameSiteLax checks the cookies the server sets:
// the CSRF cookie on any page, the session cookie (set at sign-in, and
// cleared when a stale one comes back), and Secure under TLS.
func TestCookiesAreHttpOnlyAndSameSiteLax(t *testing.T) {
	e := newAPIEnv(t)
	check := func(where string, cookies []*http.Cookie, name string, secure bool) {
		t.Helper()
		for _, c := range cookies {
			if c.Name != name {
				continue
			}
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure != secure || c.Path != "/" {
				t.Errorf("%s: cookie %s: HttpOnly=%v SameSite=%v Secure=%v Path=%q; want HttpOnly, Lax, Secure=%v, /", where, name, c.HttpOnly, c.SameSite, c.Secure, c.Path, secure)
			}
			return
		}
		t.Errorf("%s: no %s cookie was set", where, name)
	}

	check("home page", e.call("GET", "/", asAnon, nil).Result().Cookies(), csrfCookie, false)

	stale := httptest.NewRequest("GET", "/", nil)
	stale.AddCookie(&http.Cookie{Name: sessionCookie, Value: "expired-or-forged"})
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, stale)
	check("stale session", rec.Result().Cookies(), sessionCookie, false)

	for _, tls := range []bool{false, true} {
		url := "http://consult.example/"
		if tls {
			url = "https://consult.example/"
		}
		rec := httptest.NewRecorder()
		setCookie(rec, httptest.NewRequest("POST", url, nil), e.srv.cfg, sessionCookie, "secret", e.store.Times.Absolute)
		check("sign-in over "+url, rec.Result().Cookies(), sessionCookie, tls)
	}
}

// TestCookieSessionCannotBeUsedCrossSite checks that a browser signed in
// by cookie cannot be made to change state from another site through the
// API, which takes no CSRF token.
func TestCookieSessionCannotBeUsedCrossSite(t *testing.T) {
	e := newAPIEnv(t)
	session, err := e.store.CreateSession(context.Background(), e.users[asCitizen].ID)
	if err != nil {
		t.Fatal(err)
	}
	before := e.commentCount(e.policy.ID)
	for _, hdr := range [][2]string{{"Sec-Fetch-Site", "cross-site"}, {"Origin", "https://evil.example"}} {
		req := httptest.NewRequest("POST", "/api/v1/consultations/"+e.policy.ID+"/comments", strings.NewReader(`{"body":"forged"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(hdr[0], hdr[1])
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: session})
		rec := httptest.NewRecorder()
		e.srv.ServeHTTP(rec, req)
		wantAPIError(t, rec, http.StatusForbidden, "forbidden")
	}
	if after := e.commentCount(e.policy.ID); after != before {
		t.Errorf("a cross-site request stored a comment: %d -> %d", before, after)
	}
}
