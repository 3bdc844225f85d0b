package server

import (
	"net/http"
	"sync"
	"time"
)

// rateLimiter is a token bucket per client address for requests that
// change state. Reading pages is never limited here.
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
