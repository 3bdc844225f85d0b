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
	stop        bool
}

func newShard(h *Hub) *shard {
	return &shard{hub: h, inbox: make(chan shardMsg, 1024)}
}

func (s *shard) run() {
	ping := time.NewTicker(s.hub.opts.PingInterval)
	defer ping.Stop()
	for {
		select {
		case m := <-s.inbox:
			switch {
			case m.join != nil:
				m.join.idx = len(s.subs)
				s.subs = append(s.subs, m.join)
			case m.leave != nil:
				s.remove(m.leave)
				m.leave.finish(nil)
			case m.event != nil:
				s.fanOut(m.event, m.frame)
			case m.stop:
				for _, c := range s.subs {
					c.finish(goingAwayFrame)
				}
				s.subs = nil
				return
			}
		case <-ping.C:
			for _, c := range s.subs {
				c.send(outgoing{frame: pingFrame})
			}
		}
	}
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

// fanOut writes the event's frame to every subscriber allowed to see it.
func (s *shard) fanOut(e *Event, frame []byte) {
	out := outgoing{seq: e.Seq, frame: frame}
	written := int64(0)
	for _, c := range s.subs {
		if e.Audience != "" && !c.viewer.May(e) {
			continue
		}
		if c.send(out) {
			written++
		}
	}
	s.hub.stats.Delivered.Add(written)
}
