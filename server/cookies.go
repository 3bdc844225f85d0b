package server

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"time"
)

const (
	sessionCookie = "consult_session"
	csrfCookie    = "consult_csrf"
	langCookie    = "consult_lang"
	csrfField     = "csrf_token"
)

func secure(r *http.Request, cfg Config) bool { return r.TLS != nil || cfg.SecureCookies }

func setCookie(w http.ResponseWriter, r *http.Request, cfg Config, name, value string, maxAge time.Duration) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: int(maxAge.Seconds()),
		HttpOnly: true, Secure: secure(r, cfg), SameSite: http.SameSiteLaxMode,
	})
}

func clearCookie(w http.ResponseWriter, r *http.Request, cfg Config, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: secure(r, cfg), SameSite: http.SameSiteLaxMode})
}

// csrfFor returns the form token for this browser, setting the random
// CSRF cookie it is derived from when the browser has none. The token is
// an HMAC of the cookie (a signed double-submit cookie), so the server
// keeps no state per visitor.
func (s *Server) csrfFor(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 32 {
		return s.csrfSign(c.Value)
	}
	v := randomToken()
	setCookie(w, r, s.cfg, csrfCookie, v, 0)
	r.AddCookie(&http.Cookie{Name: csrfCookie, Value: v})
	return s.csrfSign(v)
}

// rotateCSRF gives the browser a new CSRF secret, at sign-in and sign-out.
func (s *Server) rotateCSRF(w http.ResponseWriter, r *http.Request) {
	setCookie(w, r, s.cfg, csrfCookie, randomToken(), 0)
}

func (s *Server) csrfSign(cookie string) string {
	m := hmac.New(sha256.New, s.csrfKey)
	m.Write([]byte("csrf\x00" + cookie))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (s *Server) csrfValid(r *http.Request) bool {
	c, err := r.Cookie(csrfCookie)
	if err != nil {
		return false
	}
	got := r.PostFormValue(csrfField)
	if got == "" {
		got = r.Header.Get("X-CSRF-Token")
	}
	return hmac.Equal([]byte(got), []byte(s.csrfSign(c.Value)))
}

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
