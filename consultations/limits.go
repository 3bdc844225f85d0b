package consultations

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Limiter is a token bucket per key (a client address, an account) for
// requests that change state: each request takes a token from every key
// it names, and buckets refill at Rate tokens a second up to Burst.
//
// On SQLite, where there is one node, buckets live in memory. On
// PostgreSQL every node shares them in the request_limits table, so a
// client spreading its requests over n nodes gets the rate of one; each
// request then costs one database round trip.
type Limiter struct {
	rate, burst float64
	store       *Store         // shared buckets; nil: in memory
	mem         *memoryBuckets // used when store is nil
	swept       atomic.Int64   // unix seconds of the last sweep of the table
}

// NewLimiter returns a Limiter refilling at rate tokens a second, up to burst.
func (s *Store) NewLimiter(rate, burst float64) *Limiter {
	l := &Limiter{rate: rate, burst: burst}
	if s.db.Shared() {
		l.store = s
	} else {
		l.mem = &memoryBuckets{buckets: map[string]*memoryBucket{}}
	}
	return l
}

// Allow takes a token from the bucket of each key and reports whether
// every one had a token. When the shared table cannot be reached it
// allows: the request will meet the same database anyway.
func (l *Limiter) Allow(ctx context.Context, keys ...string) bool {
	if len(keys) == 0 {
		return true
	}
	now := time.Now()
	if l.store == nil {
		return l.mem.take(keys, l.rate, l.burst, now)
	}
	if last := l.swept.Load(); now.Unix()-last >= int64(limitIdle/time.Second) && l.swept.CompareAndSwap(last, now.Unix()) {
		go l.store.sweepLimits(limitIdle)
	}
	ok, err := l.store.takeTokens(ctx, keys, l.rate, l.burst)
	return ok || err != nil
}

// limitIdle is how long an untouched bucket is kept; past burst/rate
// seconds it is full again, as good as absent.
const limitIdle = 5 * time.Minute

// memoryBuckets are one node's buckets.
type memoryBuckets struct {
	mu      sync.Mutex // mu guards buckets and swept
	buckets map[string]*memoryBucket
	swept   time.Time
}

type memoryBucket struct {
	tokens float64
	last   time.Time
}

// take takes a token from each key's bucket in turn, stopping at the
// first that has none.
func (m *memoryBuckets) take(keys []string, rate, burst float64, now time.Time) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if now.Sub(m.swept) > time.Minute {
		for k, b := range m.buckets {
			if now.Sub(b.last) > limitIdle {
				delete(m.buckets, k)
			}
		}
		m.swept = now
	}
	for _, key := range keys {
		b, ok := m.buckets[key]
		if !ok {
			b = &memoryBucket{tokens: burst, last: now}
			m.buckets[key] = b
		}
		b.tokens = min(burst, b.tokens+now.Sub(b.last).Seconds()*rate)
		b.last = now
		if b.tokens < 1 {
			return false
		}
		b.tokens--
	}
	return true
}
