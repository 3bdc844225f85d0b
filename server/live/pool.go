package live

import (
	"runtime"
	"sync"
	"syscall"
)

// pool is the hub's fan-out workers, one per processor, and the shards
// waiting for a turn. A worker takes the shard at the head of the queue,
// has it visit a few subscribers (one batch of sends) and puts it back at
// the tail while it has events to give: every shard's hand moves at the
// same pace, so an event's round ends in every shard at about the same
// time. (With a goroutine per shard, the scheduler let some shards run
// while others waited: the first shard finished an event in 46 ms and the
// last in 80, at the median, and the last one is what a viewer waits for.)
type pool struct {
	hub   *Hub
	rings []*ring // one per worker; nil where io_uring is missing

	mu      sync.Mutex
	wake    *sync.Cond
	queue   []*shard // shards waiting for a turn, first in first out
	head    int      // queue[head] is the next to go
	shards  int      // shards started and not yet stopped
	started bool
	closing bool // the hub is closing: workers end once every shard has stopped

	// The rings' file tables, in step: a socket has the same slot in
	// every ring, so whichever worker writes to it can name it by slot.
	slots     int32   // size of every ring's table; 0 when some ring has none
	nextSlot  int32   // slots handed out so far
	freeSlots []int32 // slots handed back
}

// maxFileSlots bounds each ring's file table (the kernel also bounds it
// by the open-file limit); sockets beyond it are named by descriptor.
const maxFileSlots = 1 << 16

// start runs the workers, once. Called with h.mu held.
func (p *pool) start() {
	if p.started {
		return
	}
	p.started = true
	p.wake = sync.NewCond(&p.mu)
	slots := int32(maxFileSlots)
	var lim syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim) == nil && lim.Cur < uint64(slots) {
		slots = int32(lim.Cur)
	}
	p.slots = slots
	for range workers() {
		r := newRing(catchUpEvery)
		if r == nil || !r.registerFiles(slots) {
			p.slots = 0
		}
		p.rings = append(p.rings, r)
	}
	for _, r := range p.rings {
		p.hub.wg.Add(1)
		go func() {
			defer p.hub.wg.Done()
			p.work(r)
		}()
	}
}

// work gives shards their turns, writing through r, until the hub has
// closed and every shard has stopped.
func (p *pool) work(r *ring) {
	if r != nil {
		defer r.close()
	}
	use := r
	for {
		s := p.take()
		if s == nil {
			return
		}
		s.ring = use
		more := s.turn()
		if s.ring == nil {
			// The ring failed: write(2) from now on. It stays open, so
			// that the file tables stay in step until the end.
			use = nil
		}
		s.ring = nil
		p.done(s, more)
	}
}

// added counts a new shard, which the workers wait for before ending.
func (p *pool) added() {
	p.mu.Lock()
	p.shards++
	p.mu.Unlock()
}

// schedule queues s for a turn, unless it is already queued or having
// one. Its owner calls it after putting a message in s's inbox.
func (p *pool) schedule(s *shard) {
	p.mu.Lock()
	if !s.queued {
		s.queued = true
		p.queue = append(p.queue, s)
		p.wake.Signal()
	}
	p.mu.Unlock()
}

// take waits for the next shard to have a turn; nil means stop working.
func (p *pool) take() *shard {
	p.mu.Lock()
	defer p.mu.Unlock()
	for p.head == len(p.queue) {
		if p.closing && p.shards == 0 {
			return nil
		}
		p.wake.Wait()
	}
	s := p.queue[p.head]
	p.queue[p.head] = nil
	p.head++
	if p.head == len(p.queue) {
		p.queue, p.head = p.queue[:0], 0
	} else if p.head >= 1024 && p.head*2 >= len(p.queue) {
		p.queue, p.head = append(p.queue[:0], p.queue[p.head:]...), 0
	}
	return s
}

// done ends s's turn: back to the queue's tail if it has more to do or a
// message came meanwhile (schedule found it still queued), else idle.
func (p *pool) done(s *shard, more bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case s.stopped:
		p.shards--
		if p.closing && p.shards == 0 {
			p.wake.Broadcast()
		}
	case more || len(s.inbox) > 0:
		p.queue = append(p.queue, s)
		p.wake.Signal()
	default:
		s.queued = false
	}
}

// close lets the workers end once every shard has stopped.
func (p *pool) close() {
	p.mu.Lock()
	p.closing = true
	if p.wake != nil {
		p.wake.Broadcast()
	}
	p.mu.Unlock()
}

// register puts c's socket in every ring's file table at one slot, if
// there is room. Under c.mu, and only while c is open: the descriptor is
// closed only under c.mu, so its number cannot meanwhile name another
// socket.
func (p *pool) register(c *client) {
	p.mu.Lock()
	var slot int32 = -1
	if n := len(p.freeSlots); n > 0 {
		slot, p.freeSlots = p.freeSlots[n-1], p.freeSlots[:n-1]
	} else if p.nextSlot < p.slots {
		slot = p.nextSlot
		p.nextSlot++
	}
	p.mu.Unlock()
	if slot < 0 || c.fd < 0 {
		p.freeSlot(slot)
		return
	}
	c.mu.Lock()
	ok := !c.closed
	set := 0
	for ; ok && set < len(p.rings); set++ {
		ok = p.rings[set].setFile(slot, c.fd)
	}
	c.mu.Unlock()
	if !ok {
		for _, r := range p.rings[:set] {
			r.setFile(slot, -1)
		}
		p.freeSlot(slot)
		return
	}
	c.slot = slot + 1
}

// unregister takes c's socket out of the file tables, which lets it close.
func (p *pool) unregister(c *client) {
	if c.slot == 0 {
		return
	}
	for _, r := range p.rings {
		r.setFile(c.slot-1, -1)
	}
	p.freeSlot(c.slot - 1)
	c.slot = 0
}

func (p *pool) freeSlot(slot int32) {
	if slot < 0 {
		return
	}
	p.mu.Lock()
	p.freeSlots = append(p.freeSlots, slot)
	p.mu.Unlock()
}

// workers is how many fan-out workers to run: half the processors, at
// least one. A worker writes flat out while events are pending, so the
// rest are left for posting and pages (and, on one machine with a load
// generator, for the generator's reading).
func workers() int {
	return max(1, runtime.GOMAXPROCS(0)/2)
}
