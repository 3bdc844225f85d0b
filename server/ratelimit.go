package server

import (
	"net/http"

	"github.com/consult-platform/consult/consultations"
)

// Rate limits for requests that change state: 2 a second, in bursts of up
// to 60, per client address and per signed-in account (so that one account
// cannot flood from many addresses). Reading pages is never limited here.
const (
	limitRate  = 2
	limitBurst = 60
)

// newLimits returns the server's limiter, nil when limits are off. The
// store keeps the buckets: in memory on one node, shared by every node on
// PostgreSQL.
func newLimits(on bool, store *consultations.Store) *consultations.Limiter {
	if !on {
		return nil
	}
	return store.NewLimiter(limitRate, limitBurst)
}

// rateLimit runs after identify, so that the address and the account are
// checked together, in one database round trip on PostgreSQL.
func (s *Server) rateLimit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.limits == nil || r.Method == http.MethodGet || r.Method == http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		keys := []string{"ip:" + clientIP(r)}
		if u := user(r); u != nil {
			keys = append(keys, "user:"+u.ID)
		}
		if !s.limits.Allow(r.Context(), keys...) {
			w.Header().Set("Retry-After", "30")
			s.fail(w, r, errRateLimited)
			return
		}
		next.ServeHTTP(w, r)
	})
}
