package consultations

import (
	"sync"
	"time"
)

// tokenCacheTTL bounds how long a bearer token's owner is remembered
// without asking the database again, so a changed role takes effect
// within this long. Scripts send many requests with one token; this
// spares each a database read. Only one node (SQLite) caches: it drops a
// token the moment it revokes it, which no other node could learn of in
// time.
const tokenCacheTTL = 5 * time.Second

// tokenCacheMax bounds the cache; when full it is emptied, which is
// cheap and only costs a few database reads.
const tokenCacheMax = 10_000

// tokenCache remembers recently seen bearer tokens by their hash.
type tokenCache struct {
	mu      sync.Mutex // mu guards entries
	entries map[string]tokenEntry
}

type tokenEntry struct {
	user      User
	expiresAt time.Time // the token's own expiry
	fetched   time.Time
}

func newTokenCache() *tokenCache { return &tokenCache{entries: map[string]tokenEntry{}} }

// get returns a copy of the cached owner of hash, if fresh and unexpired.
func (c *tokenCache) get(hash string, now time.Time) (*User, bool) {
	c.mu.Lock()
	e, ok := c.entries[hash]
	c.mu.Unlock()
	if !ok || now.Sub(e.fetched) > tokenCacheTTL || now.After(e.expiresAt) {
		return nil, false
	}
	u := e.user
	return &u, true
}

func (c *tokenCache) put(hash string, u *User, expiresAt, now time.Time) {
	c.mu.Lock()
	if len(c.entries) >= tokenCacheMax {
		clear(c.entries)
	}
	c.entries[hash] = tokenEntry{user: *u, expiresAt: expiresAt, fetched: now}
	c.mu.Unlock()
}

// drop forgets one token, at once, when it is revoked on this node.
func (c *tokenCache) drop(hash string) {
	c.mu.Lock()
	delete(c.entries, hash)
	c.mu.Unlock()
}
