package server

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"
)

// middleware wraps every request: recovery and logging outermost, then
// security headers, size limits, cross-origin protection, who the user is
// and which language they read, and finally rate limits.
func (s *Server) middleware(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	for _, o := range s.cfg.Origins {
		cop.AddTrustedOrigin(o)
	}
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, errForbiddenCrossOrigin)
	}))
	h := s.identify(s.rateLimit(next))
	h = cop.Handler(h)
	h = s.limitBody(h)
	h = s.securityHeaders(h)
	return s.logRequests(s.recoverPanics(h))
}

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the connection (websockets).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		level := slog.LevelDebug
		if sw.status >= 500 {
			level = slog.LevelError
		}
		// Checked first: building the arguments allocates even when the
		// level is off, as it is in production for every request.
		if !s.log.Enabled(r.Context(), level) {
			return
		}
		s.log.Log(r.Context(), level, "request", "method", r.Method, "path", r.URL.Path,
			"status", sw.status, "bytes", sw.bytes, "duration", time.Since(start))
	})
}

func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "error", fmt.Sprint(v), "path", r.URL.Path, "stack", string(debug.Stack()))
				s.fail(w, r, fmt.Errorf("panic: %v", v))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// The security headers every response carries, made once: each is
// assigned as the same one-element slice (net/http only reads them, and
// Header.Set or Add replace the slice rather than write into it).
var (
	cspBefore    = "default-src 'self'; script-src 'self' 'nonce-"
	cspAfter     = "'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
	fixedHeaders = [][2]string{
		{"X-Content-Type-Options", "nosniff"},
		{"Referrer-Policy", "strict-origin-when-cross-origin"},
		{"X-Frame-Options", "DENY"},
		{"Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"},
		{"Cross-Origin-Opener-Policy", "same-origin"},
	}
	fixedValues = func() [][]string {
		v := make([][]string, len(fixedHeaders))
		for i, h := range fixedHeaders {
			v[i] = []string{h[1]}
		}
		return v
	}()
	hstsValue = []string{"max-age=63072000; includeSubDomains"}
)

// securityHeaders sets a nonce-based Content Security Policy and the other
// headers every response carries.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b [16]byte
		rand.Read(b[:])
		nonce := base64.RawStdEncoding.EncodeToString(b[:])
		h := w.Header()
		h["Content-Security-Policy"] = []string{cspBefore + nonce + cspAfter}
		for i, fh := range fixedHeaders {
			h[fh[0]] = fixedValues[i]
		}
		if r.TLS != nil || s.cfg.SecureCookies {
			h["Strict-Transport-Security"] = hstsValue
		}
		rq := &request{nonce: nonce, api: isAPI(r), ip: s.findClientIP(r)}
		next.ServeHTTP(w, r.WithContext(withRequest(r.Context(), rq)))
	})
}

func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := s.bodyLimit(r)
		if r.ContentLength > limit {
			s.fail(w, r, errBodyTooLarge)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}

// clientIP is the connection's address. Behind a proxy, operators should
// make the proxy the only client, so per-IP limits apply to it; Consult
// does not trust X-Forwarded-For, which clients can forge.
// identify finds the user (bearer token, else session cookie) and the
// reader's language, and issues the CSRF token for forms.
func (s *Server) identify(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rq := reqOf(r)
		ctx := r.Context()
		if auth := r.Header.Get("Authorization"); auth != "" {
			token, ok := strings.CutPrefix(auth, "Bearer ")
			u, err := s.store.TokenUser(ctx, strings.TrimSpace(token))
			if !ok || err != nil {
				s.fail(w, r, errBadToken)
				return
			}
			rq.user, rq.bearer = u, true
		} else if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
			if u, err := s.store.SessionUser(ctx, c.Value); err == nil {
				rq.user, rq.session = u, c.Value
			} else {
				clearCookie(w, r, s.cfg, sessionCookie)
			}
		}
		rq.langChoice = s.languageChoice(r, rq.user)
		rq.loc = s.i18n.Localizer(s.i18n.Match(rq.langChoice, r.Header.Get("Accept-Language"), "en"))
		if !rq.api {
			rq.csrfToken = s.csrfFor(w, r)
			if r.Method == http.MethodPost && !s.csrfValid(r) {
				s.fail(w, r, errCSRF)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}
