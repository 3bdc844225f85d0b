package live

import (
	"runtime"
	"sync/atomic"
	"time"
)

// room is one consultation's subscribers. Its goroutine (run) assigns each
// subscriber to one of a few shards and hands every event to each shard
// once; each shard writes it to its own subscribers.
type room struct {
	hub     *Hub
	id      string
	inbox   chan roomMsg
	done    chan struct{} // closed when run returns
	members int           // joins requested and not yet left; guarded by hub.mu

	// Owned by run.
	shards  []*shard
	stopped bool // the hub is closing: shards are gone, late joins are sent away
}

type roomMsg struct {
	join, leave *client
	event       *Event
	published   time.Time
	stop        bool
}

// shardSize is how many subscribers make it worth another shard, up to
// two per processor, so that every worker has a shard to write to.
const shardSize = 256

func newRoom(h *Hub, id string) *room {
	return &room{hub: h, id: id, inbox: make(chan roomMsg, 1024), done: make(chan struct{})}
}

// send queues m unless the room has already stopped.
func (r *room) send(m roomMsg) bool {
	select {
	case r.inbox <- m:
		return true
	case <-r.done:
		return false
	}
}

func (r *room) publish(e *Event, at time.Time) { r.send(roomMsg{event: e, published: at}) }
func (r *room) leave(c *client)                { r.send(roomMsg{leave: c}) }
func (r *room) shutdown()                      { r.send(roomMsg{stop: true}) }

func (r *room) run() {
	defer close(r.done)
	ping := time.NewTicker(r.hub.opts.PingInterval)
	defer ping.Stop()
	for {
		var m roomMsg
		select {
		case m = <-r.inbox:
		case <-ping.C:
			r.toShards(shardMsg{ping: true})
			continue
		}
		switch {
		case m.join != nil:
			if r.stopped {
				m.join.finish(goingAwayFrame)
				continue
			}
			s := r.pick()
			s.members++
			m.join.shard = s
			r.toShard(s, shardMsg{join: m.join})
		case m.leave != nil:
			if s := m.leave.shard; s != nil && !r.stopped {
				s.members--
				r.toShard(s, shardMsg{leave: m.leave})
			} else {
				m.leave.finish(nil)
			}
			if r.hub.release(r) {
				r.stopShards()
				return
			}
		case m.event != nil:
			r.fanOut(m.event, m.published)
		case m.stop:
			r.stopShards()
		}
	}
}

// pick returns the shard a new subscriber joins: the emptiest, after
// adding one when the room has grown.
func (r *room) pick() *shard {
	total := 0
	for _, s := range r.shards {
		total += s.members
	}
	want := min(2*runtime.GOMAXPROCS(0), 1+total/shardSize)
	if len(r.shards) < want {
		s := newShard(r.hub)
		r.shards = append(r.shards, s)
		r.hub.pool.added()
		return s
	}
	best := r.shards[0]
	for _, s := range r.shards[1:] {
		if s.members < best.members {
			best = s
		}
	}
	return best
}

// stopShards ends the shards; each sends its subscribers away (1001).
func (r *room) stopShards() {
	if r.stopped {
		return
	}
	r.stopped = true
	r.toShards(shardMsg{stop: true})
	r.shards = nil
}

// fanOut encodes the event once and hands the frame to every shard.
func (r *room) fanOut(e *Event, published time.Time) {
	if len(r.shards) == 0 {
		return
	}
	frame, err := eventFrame(e)
	if err != nil {
		return
	}
	var t *fanOutTimer
	if r.hub.opts.FanOut != nil {
		t = &fanOutTimer{published: published, report: r.hub.opts.FanOut}
		t.shards.Store(int32(len(r.shards)))
	}
	r.toShards(shardMsg{event: e, frame: frame, timer: t})
}

// toShard puts m in s's inbox and has s take a turn.
func (r *room) toShard(s *shard, m shardMsg) {
	s.inbox <- m
	r.hub.pool.schedule(s)
}

func (r *room) toShards(m shardMsg) {
	for _, s := range r.shards {
		r.toShard(s, m)
	}
}

// fanOutTimer measures one event's fan-out: the last shard to finish
// writing it reports the time since it was published.
type fanOutTimer struct {
	published time.Time
	shards    atomic.Int32 // shards still writing the event
	report    func(time.Duration)
}

// done is called by each shard once it has written the event.
func (t *fanOutTimer) done() {
	if t != nil && t.shards.Add(-1) == 0 {
		t.report(time.Since(t.published))
	}
}
