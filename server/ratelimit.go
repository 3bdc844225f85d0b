package server

import (
	"net/http"
	"sync"
	"time"
)

// rateLimiter is a token bucket per key (client address, or account) for
// requests that change state. Reading pages is never limited here.
//
// Buckets live in each node's memory. With n nodes behind a load balancer
// a client may get up to n times the rate if its requests are spread over
// every node; the limits are there to stop floods from one address or
// account, which n times a small rate still does, and keeping them in
// memory costs no database write per request. A balancer that hashes the
// client address to a node (or sticky sessions) makes them exact.
type rateLimiter struct {
	on    bool
	rate  float64 // tokens per second
	burst float64

	mu      sync.Mutex // mu guards buckets and swept
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newRateLimiter(on bool) *rateLimiter {
	return &rateLimiter{on: on, rate: 2, burst: 60, buckets: map[string]*bucket{}}
}

func (l *rateLimiter) allow(key string, now time.Time) bool {
	if !l.on {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > time.Minute {
		for k, b := range l.buckets {
			if now.Sub(b.last) > 5*time.Minute {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

func (s *Server) rateLimit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead && !s.limits.allow(clientIP(r), time.Now()) {
			w.Header().Set("Retry-After", "30")
			s.fail(w, r, errRateLimited)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// rateLimitAccount limits state-changing requests per signed-in account,
// so that one account cannot flood from many addresses.
func (s *Server) rateLimitAccount(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u := user(r); u != nil && r.Method != http.MethodGet && r.Method != http.MethodHead && !s.accountLimits.allow(u.ID, time.Now()) {
			w.Header().Set("Retry-After", "30")
			s.fail(w, r, errRateLimited)
			return
		}
		next.ServeHTTP(w, r)
	})
}
