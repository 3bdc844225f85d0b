package live

import "syscall"

// shard is a share of a room's subscribers, which the hub's workers
// (see pool) take turns to write events to, one non-blocking write each:
// no goroutine per subscriber wakes for an event, and nothing is
// allocated per subscriber.
//
// The shard goes round its subscribers like a clock hand, giving each,
// in one write, every event it does not have yet. An event that comes in
// mid-round goes to the rest of this round and to the others at the start
// of the next: it has reached everyone one round after it came, whenever
// it came. (Rounds that begin with a batch of events would make it wait
// for the round under way first, and then a whole round: up to twice as
// long.) When the shard falls behind, a round takes longer and each
// subscriber gets more events per write, which costs less per event.
//
// A subscriber whose socket is full gets a goroutine of its own until it
// catches up (see client.flush), so it never holds up the others.
type shard struct {
	hub     *Hub
	inbox   chan shardMsg
	members int  // owned by the room goroutine
	queued  bool // waiting for a turn or having one; guarded by hub.pool.mu

	// Owned by whoever has the turn.
	subs    []*client
	hand    int        // the next subscriber to visit
	log     []logged   // events some subscriber still needs, oldest first
	outs    []outgoing // log's events as outgoing, for client.sendAll
	base    int64      // number of events ever removed from the log's front: log[0]'s position
	joined  []byte     // the log's frames end to end (after a prefix of delivered ones)
	held    int        // events in the log not for everyone
	stopped bool       // the room has gone: no more turns

	ring    *ring          // the turn's worker's; nil: write(2) per subscriber
	batch   []batchedWrite // sends handed to ring, not yet submitted
	written int            // events written in this visit, for Stats
}

// batchedWrite is a subscriber's write in the ring: c.mu is held until
// its result is in.
type batchedWrite struct {
	c      *client
	frames []byte
	events int
}

type shardMsg struct {
	join, leave *client
	event       *Event
	frame       []byte // event's frame
	timer       *fanOutTimer
	ping, stop  bool
}

// logged is an event some subscriber still needs.
type logged struct {
	event   *Event
	off     int // where its frame starts in joined
	waiting int // subscribers still to receive it
	timer   *fanOutTimer
}

// catchUpEvery is how many subscribers a turn visits (one batch of sends
// through the ring), so that the shards' hands keep pace with each other
// and an event that comes in mid-round joins it soon.
const catchUpEvery = 32

// compactAt is how many bytes of delivered frames joined may hold before
// the rest is moved to a new buffer (joined is never written over: a
// slow subscriber's queue may hold part of it).
const compactAt = 1 << 20

func newShard(h *Hub) *shard {
	return &shard{hub: h, inbox: make(chan shardMsg, 1024)}
}

// turn handles what has come in and visits the next few subscribers. It
// reports whether the shard has more to do.
func (s *shard) turn() bool {
	for len(s.inbox) > 0 { // only the turn's holder receives
		if !s.handle(<-s.inbox) {
			return false
		}
	}
	s.visit(catchUpEvery)
	return len(s.log) > 0 && len(s.subs) > 0
}

// handle applies a message; it reports false once the shard has stopped.
func (s *shard) handle(m shardMsg) bool {
	switch {
	case m.event != nil:
		s.add(m)
	case m.join != nil:
		// A new subscriber gets the events that come after it joined.
		m.join.idx = len(s.subs)
		m.join.next = s.base + int64(len(s.log))
		s.subs = append(s.subs, m.join)
		s.hub.pool.register(m.join)
	case m.leave != nil:
		s.remove(m.leave)
		m.leave.finish(nil)
	case m.ping:
		for _, c := range s.subs {
			c.send(outgoing{frame: pingFrame})
		}
	case m.stop:
		for _, c := range s.subs {
			c.finish(goingAwayFrame)
			s.hub.pool.unregister(c)
		}
		s.subs = nil
		s.stopped = true
		return false
	}
	return true
}

// add puts an event in the log, for every subscriber there now.
func (s *shard) add(m shardMsg) {
	if len(s.log) == 0 {
		// Carry on after the delivered frames rather than over them.
		s.joined = s.joined[len(s.joined):]
	}
	s.log = append(s.log, logged{event: m.event, off: len(s.joined), waiting: len(s.subs), timer: m.timer})
	s.outs = append(s.outs, outgoing{seq: m.event.Seq, frame: m.frame})
	s.joined = append(s.joined, m.frame...)
	if m.event.Audience != "" {
		s.held++
	}
	s.trim()
}

// visit gives up to n subscribers, from the hand on, the events they do
// not have yet.
func (s *shard) visit(n int) {
	visited := 0
	for ; n > 0 && len(s.log) > 0 && len(s.subs) > 0; n-- {
		if s.hand >= len(s.subs) {
			s.hand = 0
			s.submit() // nobody twice in a batch
		}
		c := s.subs[s.hand]
		s.hand++
		from := int(c.next - s.base)
		if from >= len(s.log) || s.pauses(c, from) {
			continue
		}
		s.deliver(c, from)
		visited++
		c.next = s.base + int64(len(s.log))
		for i := from; i < len(s.log); i++ {
			s.log[i].waiting--
		}
	}
	s.submit()
	s.trim()
	s.hub.stats.Delivered.Add(int64(s.written))
	s.hub.stats.Visits.Add(int64(visited))
	s.written = 0
}

// windowCheckEvery is how many visits apart a subscriber's TCP window is
// looked at while it seems to keep up; a paused one's is looked at every
// visit.
const windowCheckEvery = 16

// pauses reports whether c is to get nothing this visit, because its TCP
// window shows that its client has stopped reading: less than half of
// the widest window it has offered is left, so what it has not read
// fills most of its buffer. Writing on into it only fills the client's
// buffers, which on loopback costs this machine the client's receive
// work as well, and for nothing. Events wait in the log for it; once it
// is SendBuffer events behind it is dropped as slow.
func (s *shard) pauses(c *client, from int) bool {
	c.visits++
	if !c.paused && c.visits%windowCheckEvery != 0 {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closing || c.fd < 0 {
		c.paused = false
		return false
	}
	w, ok := peerWindow(c.fd)
	if !ok {
		c.paused = false
		return false
	}
	c.widest = max(c.widest, w)
	c.paused = w < c.widest/2
	if c.paused && len(s.log)-from > s.hub.opts.SendBuffer {
		s.hub.stats.DroppedSlow.Add(1)
		c.closeLocked()
		c.paused = false
		return false // the visit finds it closing and moves it on
	}
	return c.paused
}

// deliver writes log[from:] to c, each event only if c may see it. When
// c may see them all (nearly always), they go out in one write of the
// joined frames, batched with other subscribers' where the shard has a
// ring.
func (s *shard) deliver(c *client, from int) {
	pending := s.log[from:]
	all := true
	for i := 0; s.held > 0 && all && i < len(pending); i++ {
		all = c.viewer.May(pending[i].event)
	}
	if !all {
		for i, l := range pending {
			if c.viewer.May(l.event) && c.send(s.outs[from+i]) {
				s.written++
			}
		}
		return
	}
	frames := s.joined[pending[0].off:]
	if s.ring == nil {
		s.written += c.sendAll(s.outs[from:], frames)
		return
	}
	n, ready := c.startSendAll(s.outs[from:])
	s.written += n
	if !ready {
		return
	}
	if c.slot > 0 {
		s.ring.send(int(c.slot-1), true, frames, uint64(len(s.batch)))
	} else {
		s.ring.send(c.fd, false, frames, uint64(len(s.batch)))
	}
	s.batch = append(s.batch, batchedWrite{c: c, frames: frames, events: len(pending)})
	if s.ring.full() {
		s.submit()
	}
}

// submit has the ring carry out the batched writes and finishes each.
func (s *shard) submit() {
	if len(s.batch) == 0 {
		return
	}
	ok := s.ring.submit(func(i uint64, res int32) {
		w := &s.batch[i]
		n, ok := int(res), true
		if res < 0 {
			errno := syscall.Errno(-res)
			n, ok = 0, errno == syscall.EAGAIN || errno == syscall.EINTR
		}
		if w.c.finishWrite(w.frames, n, ok) {
			s.written += w.events
		}
		w.c = nil
	})
	if !ok {
		// The ring broke: write the rest one by one from now on (its
		// worker leaves it be).
		s.ring = nil
		for i := range s.batch {
			if w := &s.batch[i]; w.c != nil {
				m, ok := w.c.tryWrite(w.frames)
				if w.c.finishWrite(w.frames, m, ok) {
					s.written += w.events
				}
			}
		}
	}
	clear(s.batch)
	s.batch = s.batch[:0]
}

// trim drops delivered events from the front of the log. Those further
// back cannot have been delivered first: whoever lacks an event lacks
// every later one too.
func (s *shard) trim() {
	n := 0
	for n < len(s.log) && s.log[n].waiting <= 0 {
		s.log[n].timer.done()
		if s.log[n].event.Audience != "" {
			s.held--
		}
		n++
	}
	if n == 0 {
		return
	}
	s.base += int64(n)
	s.log = append(s.log[:0], s.log[n:]...)
	s.outs = append(s.outs[:0], s.outs[n:]...)
	clear(s.log[len(s.log) : len(s.log)+n])
	clear(s.outs[len(s.outs) : len(s.outs)+n])
	if len(s.log) > 0 && s.log[0].off >= compactAt {
		// Always behind: move what is still needed to a new buffer.
		off := s.log[0].off
		s.joined = append([]byte(nil), s.joined[off:]...)
		for i := range s.log {
			s.log[i].off -= off
		}
	}
}

// remove takes c out of the round. The subscriber filling its place
// keeps the side of the hand it was on, so that nobody misses a round.
func (s *shard) remove(c *client) {
	s.hub.pool.unregister(c)
	i := c.idx
	if i >= len(s.subs) || s.subs[i] != c {
		return
	}
	if from := int(c.next - s.base); from < len(s.log) {
		for j := from; j < len(s.log); j++ {
			s.log[j].waiting--
		}
		defer s.trim()
	}
	last := len(s.subs) - 1
	if i < s.hand {
		s.hand--
		s.move(s.hand, i)
		s.move(last, s.hand)
	} else {
		s.move(last, i)
	}
	s.subs[last] = nil
	s.subs = s.subs[:last]
}

func (s *shard) move(from, to int) {
	s.subs[to] = s.subs[from]
	s.subs[to].idx = to
}
