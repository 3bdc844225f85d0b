package live

import (
	"context"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// History returns the events of a consultation after seq, in order, and
// whether they are complete (false when older events have been pruned and
// the client must resync).
type History func(ctx context.Context, consultationID string, since int64) ([]Event, bool, error)

// Options tune a Hub.
type Options struct {
	SendBuffer   int           // events queued for a subscriber whose socket is full before it is dropped as slow
	WriteTimeout time.Duration // a write taking longer drops the subscriber
	PingInterval time.Duration // how often to ping; pongs must arrive within 2 intervals
	ReadLimit    int64         // largest frame a client may send

	// FanOut, if set, is told how long each event took from Publish to
	// its last write to a subscriber who keeps up, across all shards.
	FanOut func(time.Duration)
}

func (o *Options) defaults() {
	if o.SendBuffer <= 0 {
		// 64 queued events (beyond what the socket's buffers hold) is
		// seconds of a busy consultation (20/s); a client further behind
		// reloads. Only a subscriber that falls behind has a queue.
		o.SendBuffer = 64
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = 10 * time.Second
	}
	if o.PingInterval <= 0 {
		o.PingInterval = 30 * time.Second
	}
	if o.ReadLimit <= 0 {
		o.ReadLimit = 4096
	}
}

// Hub routes published events to the rooms' subscribers.
type Hub struct {
	opts    Options
	history History
	stats   *Stats
	pool    pool // the fan-out workers, started with the first room

	mu     sync.Mutex // mu guards rooms and closed
	rooms  map[string]*room
	closed bool
	wg     sync.WaitGroup // every room, worker and connection goroutine
}

// NewHub returns a Hub that fetches missed events through history.
func NewHub(history History, opts Options) *Hub {
	opts.defaults()
	h := &Hub{opts: opts, history: history, stats: &Stats{}, rooms: map[string]*room{}}
	h.pool.hub = h
	return h
}

// Stats returns the hub's counters.
func (h *Hub) Stats() *Stats { return h.stats }

// Publish hands an event to its room. It never blocks on subscribers.
// Callers publish only after the event's transaction has committed, in
// seq order.
func (h *Hub) Publish(e Event) {
	h.stats.Published.Add(1)
	h.mu.Lock()
	r := h.rooms[e.ConsultationID]
	h.mu.Unlock()
	if r == nil {
		return // nobody is watching
	}
	r.publish(&e, time.Now())
}

// join adds c to the consultation's room, creating the room on first use.
// It reports false once the hub is closing.
func (h *Hub) join(id string, c *client) (*room, bool) {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil, false
	}
	r := h.rooms[id]
	if r == nil {
		h.pool.start()
		r = newRoom(h, id)
		h.rooms[id] = r
		h.wg.Add(1)
		go func() {
			defer h.wg.Done()
			r.run()
		}()
	}
	// Counted under the lock, so the room cannot be dropped while this
	// join is on its way.
	r.members++
	h.mu.Unlock()
	return r, r.send(roomMsg{join: c})
}

// release records that a member left, and forgets the room when it was
// the last; the room's goroutine then ends.
func (h *Hub) release(r *room) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	r.members--
	if r.members > 0 {
		return false
	}
	if h.rooms[r.id] == r {
		delete(h.rooms, r.id)
	}
	return true
}

// Close sends every subscriber a "going away" close frame (1001) and
// waits for all connections to end.
func (h *Hub) Close() {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return
	}
	h.closed = true
	rooms := make([]*room, 0, len(h.rooms))
	for _, r := range h.rooms {
		rooms = append(rooms, r)
	}
	h.mu.Unlock()
	for _, r := range rooms {
		r.shutdown()
	}
	h.pool.close()
	h.wg.Wait()
}

var (
	closeGoingAway = websocket.FormatCloseMessage(websocket.CloseGoingAway, "server shutting down")
	goingAwayFrame = controlFrame(websocket.CloseMessage, closeGoingAway)
)
