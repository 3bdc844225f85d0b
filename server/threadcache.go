package server

import (
	"sync"

	"github.com/consult-platform/consult/consultations"
)

// threadCache keeps the first pages of each discussion as everyone sees
// them, tagged with the consultation's live event number when read. Every
// change to a discussion (a comment, a reply, a support, a moderation
// decision) is an event, so a page read at the current number is still
// right: signed-in readers, whose pages are not cached whole, skip the
// database read of two hundred comments. Readers with contributions
// awaiting moderation see a view of their own and are read afresh.
type threadCache struct {
	mu sync.Mutex
	m  map[string]cachedThreads // consultation id + "|" + cursor
}

type cachedThreads struct {
	seq     int64
	threads []consultations.Thread
	next    string
}

// threadCacheMax bounds the entries; past it the cache starts again.
const threadCacheMax = 1000

func (c *threadCache) get(key string, seq int64) ([]consultations.Thread, string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok || e.seq != seq {
		return nil, "", false
	}
	return e.threads, e.next, true
}

func (c *threadCache) put(key string, seq int64, threads []consultations.Thread, next string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= threadCacheMax {
		c.m = map[string]cachedThreads{}
	}
	c.m[key] = cachedThreads{seq, threads, next}
}
