package live

// room is one consultation's subscribers. Its goroutine (run) is the only
// one that touches subs.
type room struct {
	hub     *Hub
	id      string
	inbox   chan roomMsg
	done    chan struct{} // closed when run returns
	subs    map[*client]struct{}
	members int // joins requested and not yet left; guarded by hub.mu
}

type roomMsg struct {
	join, leave *client
	event       *Event
	stop        bool
}

func newRoom(h *Hub, id string) *room {
	return &room{hub: h, id: id, inbox: make(chan roomMsg, 1024), done: make(chan struct{}), subs: map[*client]struct{}{}}
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

func (r *room) publish(e *Event) { r.send(roomMsg{event: e}) }
func (r *room) leave(c *client)  { r.send(roomMsg{leave: c}) }
func (r *room) shutdown()        { r.send(roomMsg{stop: true}) }

func (r *room) run() {
	defer close(r.done)
	for m := range r.inbox {
		switch {
		case m.join != nil:
			r.subs[m.join] = struct{}{}
		case m.leave != nil:
			if _, ok := r.subs[m.leave]; ok {
				delete(r.subs, m.leave)
				close(m.leave.send)
			}
			if r.hub.release(r) {
				return
			}
		case m.event != nil:
			r.fanOut(m.event)
		case m.stop:
			for c := range r.subs {
				c.goingAway.Store(true)
				close(c.send)
			}
			r.subs = nil
			return
		}
	}
}

// fanOut encodes the event once and offers it to every subscriber allowed
// to see it. A subscriber whose buffer is full is dropped at once.
func (r *room) fanOut(e *Event) {
	if len(r.subs) == 0 {
		return
	}
	frame, err := eventFrame(e)
	if err != nil {
		return
	}
	out := outgoing{seq: e.Seq, frame: frame}
	for c := range r.subs {
		if !c.viewer.May(e) {
			continue
		}
		select {
		case c.send <- out:
		default:
			delete(r.subs, c)
			close(c.send)
			r.hub.stats.DroppedSlow.Add(1)
		}
	}
}
