package live

import "time"

// shard is a share of a room's subscribers and the goroutine (run) that
// writes every event to them, one non-blocking write each: no goroutine
// per subscriber wakes for an event, and nothing is allocated per
// subscriber. A subscriber whose socket is full gets a goroutine of its
// own until it catches up (see client.flush), so it never holds up the
// others.
type shard struct {
	hub     *Hub
	inbox   chan shardMsg
	subs    []*client // owned by run
	members int       // owned by the room goroutine
}

type shardMsg struct {
	join, leave *client
	event       *Event
	frame       []byte // event's frame
	timer       *fanOutTimer
	stop        bool
}

// maxRun bounds how many queued events go out together.
const maxRun = 64

func newShard(h *Hub) *shard {
	return &shard{hub: h, inbox: make(chan shardMsg, 1024)}
}

func (s *shard) run() {
	ping := time.NewTicker(s.hub.opts.PingInterval)
	defer ping.Stop()
	var run []shardMsg
	for {
		select {
		case m := <-s.inbox:
			if m.event == nil {
				if !s.handle(m) {
					return
				}
				continue
			}
			// Events that queued while the last ones were written go out
			// together: when the shard falls behind, each subscriber costs
			// one system call per run of events, not one per event.
			run = append(run[:0], m)
			next, more := shardMsg{}, false
		drain:
			for len(run) < maxRun {
				select {
				case next = <-s.inbox:
					if next.event == nil {
						more = true
						break drain
					}
					run = append(run, next)
				default:
					break drain
				}
			}
			s.fanOut(run)
			clear(run)
			if more && !s.handle(next) {
				return
			}
		case <-ping.C:
			for _, c := range s.subs {
				c.send(outgoing{frame: pingFrame})
			}
		}
	}
}

// handle applies a message other than an event; it reports false once
// the shard has stopped.
func (s *shard) handle(m shardMsg) bool {
	switch {
	case m.join != nil:
		m.join.idx = len(s.subs)
		s.subs = append(s.subs, m.join)
	case m.leave != nil:
		s.remove(m.leave)
		m.leave.finish(nil)
	case m.stop:
		for _, c := range s.subs {
			c.finish(goingAwayFrame)
		}
		s.subs = nil
		return false
	}
	return true
}

func (s *shard) remove(c *client) {
	i := c.idx
	if i >= len(s.subs) || s.subs[i] != c {
		return
	}
	last := len(s.subs) - 1
	s.subs[i] = s.subs[last]
	s.subs[i].idx = i
	s.subs[last] = nil
	s.subs = s.subs[:last]
}

// fanOut writes a run of events to every subscriber, each event only to
// those allowed to see it. Events for everyone (nearly all) are joined
// into one buffer that every subscriber shares.
func (s *shard) fanOut(run []shardMsg) {
	events := make([]outgoing, len(run))
	public, size := true, 0
	for i, m := range run {
		events[i] = outgoing{seq: m.event.Seq, frame: m.frame}
		public = public && m.event.Audience == ""
		size += len(m.frame)
	}
	written := 0
	if public {
		joined := events[0].frame
		if len(events) > 1 {
			joined = make([]byte, 0, size)
			for _, out := range events {
				joined = append(joined, out.frame...)
			}
		}
		for _, c := range s.subs {
			written += c.sendAll(events, joined)
		}
	} else {
		for _, c := range s.subs {
			for i, m := range run {
				if c.viewer.May(m.event) && c.send(events[i]) {
					written++
				}
			}
		}
	}
	s.hub.stats.Delivered.Add(int64(written))
	for _, m := range run {
		m.timer.done()
	}
}
