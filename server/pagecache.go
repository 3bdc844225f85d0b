package server

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"strings"
	"sync"
	"time"
)

// pageCache keeps pages recently rendered for readers who are not signed
// in: most readers of a busy consultation see exactly the same page, and
// rendering 200 comments costs milliseconds while sending a stored page
// costs microseconds. An entry is used only while no change to its
// consultation has been seen since it was rendered, and never longer than
// ttl, which bounds staleness for changes made on other nodes. Live
// updates cover the gap: the page carries the event seq it was built
// from, and the browser asks for everything after it.
type pageCache struct {
	ttl time.Duration
	max int

	mu       sync.RWMutex // mu guards entries, versions and epoch
	entries  map[string]*cachedPage
	versions map[string]uint64 // consultation id → changes seen
	epoch    uint64            // changes of unknown reach: spoil every entry
}

type cachedPage struct {
	body, gz       []byte
	lang           string
	consultationID string
	version, epoch uint64
	created        time.Time
}

func newPageCache(ttl time.Duration, max int) *pageCache {
	return &pageCache{ttl: ttl, max: max, entries: map[string]*cachedPage{}, versions: map[string]uint64{}}
}

// version returns the change counters of a consultation and of the whole
// site; read them before loading what a page shows, so that a change made
// during rendering spoils the entry.
func (c *pageCache) version(consultationID string) (uint64, uint64) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.versions[consultationID], c.epoch
}

// invalidateAll records a change whose consultation is not known.
func (c *pageCache) invalidateAll() {
	c.mu.Lock()
	c.epoch++
	c.mu.Unlock()
}

// invalidate records a change to a consultation.
func (c *pageCache) invalidate(consultationID string) {
	c.mu.Lock()
	c.versions[consultationID]++
	c.mu.Unlock()
}

func (c *pageCache) get(key string, now time.Time) *cachedPage {
	c.mu.RLock()
	defer c.mu.RUnlock()
	p := c.entries[key]
	if p == nil || now.Sub(p.created) > c.ttl || c.versions[p.consultationID] != p.version || c.epoch != p.epoch {
		return nil
	}
	return p
}

// put stores a rendered page unless it holds anything personal to the
// request (a form token, a CSP nonce).
func (c *pageCache) put(key string, p *cachedPage) {
	if bytes.Contains(p.body, []byte(csrfField)) || bytes.Contains(p.body, []byte("nonce=")) {
		return
	}
	var gz bytes.Buffer
	zw := gzipPool.Get().(*gzip.Writer)
	zw.Reset(&gz)
	zw.Write(p.body)
	zw.Close()
	gzipPool.Put(zw)
	p.gz = gz.Bytes()
	c.mu.Lock()
	if len(c.entries) >= c.max {
		clear(c.entries) // cheap, and refilled by the next readers
	}
	c.entries[key] = p
	c.mu.Unlock()
}

// send writes a cached page, compressed when the client accepts it.
func (p *cachedPage) send(w http.ResponseWriter, r *http.Request) {
	htmlHeaders(w, p.lang)
	w.Header().Add("Vary", "Accept-Encoding")
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(p.gz)
		return
	}
	w.Write(p.body)
}
