package live

import (
	"net"
	"net/http"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"github.com/gorilla/websocket"
)

// unsentLimit is how much a subscriber's socket may hold that its
// window has not let through; see limitUnsent.
const unsentLimit = 64 << 10

// outgoing is one ready-made websocket frame for a subscriber.
type outgoing struct {
	seq   int64  // the event's seq; 0 for control frames and remainders, never skipped
	frame []byte // a complete frame (or the unwritten rest of one), shared by every subscriber
}

// client is one websocket subscriber. While it keeps up, its room's shard
// writes each frame straight to its socket without blocking; once a write
// does not complete (the socket's buffer is full) or while it replays
// history, frames queue and a goroutine of its own (flush) writes them with
// a deadline, then hands the socket back to the shard.
type client struct {
	hub    *Hub
	conn   *websocket.Conn
	raw    net.Conn // conn's connection, for writing ready-made frames
	fd     int      // raw's socket, for non-blocking writes; -1 if it has none
	viewer Viewer

	shard *shard // set by the room goroutine
	idx   int    // position in shard.subs; owned by the shard's turn
	next  int64  // position in the shard's log of the first event not given to it; owned by the shard's turn
	slot  int32  // 1 + the socket's slot in the workers' rings' file tables, 0 if none; owned by the shard's turn

	// Owned by the shard's turn: the subscriber's TCP window, looked at
	// now and then (see shard.pauses).
	visits uint32
	widest uint32 // the widest window it has offered
	paused bool   // its window is nearly shut: write nothing for now

	mu      sync.Mutex // mu guards everything below, and every write to raw
	slow    bool       // a flush goroutine owns the socket; frames queue
	queue   []outgoing // frames for flush, at most SendBuffer
	spare   []outgoing // flush's other queue, swapped with queue
	closing bool       // no more frames: close once the queue is written
	closed  bool       // raw is closed
	lastSeq int64      // highest seq written; owned by flush while slow
}

// Serve upgrades the request and streams the consultation's events to it
// until the client leaves, falls behind, or the hub closes. Events after
// since are replayed first (since < 0 means live events only).
func (h *Hub) Serve(w http.ResponseWriter, r *http.Request, up *websocket.Upgrader, consultationID string, viewer Viewer, since int64) error {
	conn, err := up.Upgrade(w, r, nil)
	if err != nil {
		return err // Upgrade has answered the request
	}
	c := &client{hub: h, conn: conn, raw: conn.NetConn(), fd: -1, viewer: viewer, lastSeq: since}
	if sc, ok := c.raw.(syscall.Conn); ok {
		if rc, err := sc.SyscallConn(); err == nil {
			rc.Control(func(fd uintptr) { c.fd = int(fd) })
		}
	}
	if c.fd >= 0 {
		limitUnsent(c.fd)
	}
	conn.SetReadLimit(h.opts.ReadLimit)
	// A replaying client starts slow: live events queue behind the replay
	// and those it already had are skipped by seq. It joins before reading
	// history so that an event committed meanwhile is not missed.
	replaying := since >= 0
	c.slow = replaying
	h.stats.Connected.Add(1)
	rm, ok := h.join(consultationID, c)
	if !ok {
		h.stats.Connected.Add(-1)
		conn.WriteControl(websocket.CloseMessage, closeGoingAway, time.Now().Add(time.Second))
		conn.Close()
		return nil
	}
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		c.readPump(rm)
	}()
	if replaying { // not c.slow: once joined, c is its shard's, under c.mu
		h.wg.Add(1)
		go c.flush(consultationID, since)
	}
	return nil
}

// readPump reads what the client sends, so that pongs, pings and close
// frames are processed; it ends the subscription when reading fails.
// Replies go through send, like every other write, so that no frame is
// ever written into the middle of another. (Only the close frame gorilla
// itself sends on a protocol error, such as an oversized frame, bypasses
// it; the connection is ending then.)
func (c *client) readPump(rm *room) {
	defer rm.leave(c)
	o := &c.hub.opts
	deadline := 2*o.PingInterval + o.WriteTimeout
	c.conn.SetReadDeadline(time.Now().Add(deadline))
	c.conn.SetPongHandler(func(string) error {
		return c.conn.SetReadDeadline(time.Now().Add(deadline))
	})
	c.conn.SetPingHandler(func(data string) error {
		c.send(outgoing{frame: controlFrame(websocket.PongMessage, []byte(data))})
		return nil
	})
	c.conn.SetCloseHandler(func(code int, _ string) error {
		if code == websocket.CloseNoStatusReceived {
			code = websocket.CloseNormalClosure
		}
		c.send(outgoing{frame: controlFrame(websocket.CloseMessage, websocket.FormatCloseMessage(code, ""))})
		return nil
	})
	for {
		if _, _, err := c.conn.NextReader(); err != nil {
			return
		}
	}
}

// send writes out at once if the socket takes it, or queues it. It
// reports whether out was written now; a client that has fallen a whole
// queue behind is dropped.
func (c *client) send(out outgoing) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closing {
		return false
	}
	return c.sendLocked(out)
}

func (c *client) sendLocked(out outgoing) bool {
	if c.slow {
		if len(c.queue) >= c.hub.opts.SendBuffer {
			c.hub.stats.DroppedSlow.Add(1)
			c.closeLocked()
			return false
		}
		c.queue = append(c.queue, out)
		return false
	}
	if out.seq > 0 {
		if out.seq <= c.lastSeq {
			return false
		}
		c.lastSeq = out.seq
	}
	return c.writeLocked(out.frame) && out.seq > 0
}

// sendAll sends consecutive events that c may all see, and reports how
// many were written now. joined is their frames end to end: a client
// that keeps up gets them in one system call.
func (c *client) sendAll(events []outgoing, joined []byte) int {
	n, ready := c.startSendAll(events)
	if !ready {
		return n
	}
	m, ok := c.tryWrite(joined)
	if c.finishWrite(joined, m, ok) {
		return len(events)
	}
	return 0
}

// startSendAll is the first half of sendAll, for a shard that batches the
// system calls: when c keeps up, it returns ready with c.mu held, and the
// caller writes the joined frames without blocking, then calls
// finishWrite. Otherwise it has sent or queued what it could, and
// reports how many events were written.
func (c *client) startSendAll(events []outgoing) (written int, ready bool) {
	c.mu.Lock()
	if c.closing {
		c.mu.Unlock()
		return 0, false
	}
	if c.slow || c.lastSeq >= events[0].seq || c.fd < 0 {
		for _, out := range events {
			if c.sendLocked(out) {
				written++
			}
		}
		c.mu.Unlock()
		return written, false
	}
	c.lastSeq = events[len(events)-1].seq
	return 0, true
}

// finishWrite takes the outcome of a non-blocking write of frame begun
// with startSendAll (n bytes taken; ok false if the connection is broken),
// and releases c.mu. It reports whether the frames were sent or queued.
func (c *client) finishWrite(frame []byte, n int, ok bool) bool {
	defer c.mu.Unlock()
	return c.wroteLocked(frame, n, ok)
}

// writeLocked writes frame without waiting; what the socket does not take
// now, and everything after it, is left to flush. It reports false when
// the connection is broken.
func (c *client) writeLocked(frame []byte) bool {
	n, ok := c.tryWrite(frame)
	return c.wroteLocked(frame, n, ok)
}

// wroteLocked handles the outcome of a non-blocking write of frame.
func (c *client) wroteLocked(frame []byte, n int, ok bool) bool {
	if !ok {
		c.closeLocked()
		return false
	}
	if n < len(frame) {
		c.queue = append(c.queue, outgoing{frame: frame[n:]})
		c.slow = true
		c.hub.wg.Add(1)
		go c.flush("", -1)
	}
	return true
}

// tryWrite writes as much of b as the socket takes without waiting. It
// reports false when the connection is broken. It writes to the
// descriptor directly, bypassing the runtime's poller (a tenth of the
// fan-out's CPU): that is safe because the socket is only ever closed
// under c.mu, and the poller has no waiters for writing, as only a slow
// client's flush writes through raw.
func (c *client) tryWrite(b []byte) (int, bool) {
	if c.fd < 0 {
		return 0, true // no socket to write to without blocking: flush does it
	}
	n := 0
	for n < len(b) {
		m, _, errno := syscall.RawSyscall(syscall.SYS_WRITE, uintptr(c.fd), uintptr(unsafe.Pointer(&b[n])), uintptr(len(b)-n))
		switch errno {
		case 0:
			n += int(m)
		case syscall.EINTR:
		case syscall.EAGAIN:
			return n, true
		default:
			return n, false
		}
	}
	return n, true
}

// flush writes the queue with a deadline until it is empty, then gives the
// socket back to the shard (or closes it, if the client is leaving). With
// since >= 0 it first replays the history after since.
func (c *client) flush(consultationID string, since int64) {
	defer c.hub.wg.Done()
	if since >= 0 && !c.hub.replay(c, consultationID, since) {
		c.mu.Lock()
		c.closeLocked()
		c.mu.Unlock()
		return
	}
	var batch net.Buffers
	for {
		c.mu.Lock()
		if c.closed || len(c.queue) == 0 {
			if c.closing {
				c.closeLocked()
			}
			c.slow = false
			c.mu.Unlock()
			return
		}
		taken := c.queue
		c.queue, c.spare = c.spare[:0], nil
		c.mu.Unlock()

		batch = batch[:0]
		events := int64(0)
		for _, out := range taken {
			if out.seq > 0 {
				if out.seq <= c.lastSeq {
					continue // already sent by the replay
				}
				c.lastSeq = out.seq
				events++
			}
			batch = append(batch, out.frame)
		}
		clear(taken)
		if !c.writeBlocking(batch) {
			c.mu.Lock()
			c.closeLocked()
			c.mu.Unlock()
			return
		}
		c.hub.stats.Delivered.Add(events)
		c.mu.Lock()
		c.spare = taken[:0]
		c.mu.Unlock()
	}
}

// writeBlocking writes frames in one system call where it can, waiting
// at most WriteTimeout. Only flush calls it, while the client is slow, so
// no other write can come between.
func (c *client) writeBlocking(frames net.Buffers) bool {
	if len(frames) == 0 {
		return true
	}
	c.raw.SetWriteDeadline(time.Now().Add(c.hub.opts.WriteTimeout))
	_, err := frames.WriteTo(c.raw)
	c.raw.SetWriteDeadline(time.Time{}) // the shard's non-blocking writes must not see it
	return err == nil
}

// finish ends the client: frame (a close frame, or nil) is its last; the
// socket closes once everything queued before it is written.
func (c *client) finish(frame []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closing {
		return
	}
	if frame != nil {
		c.sendLocked(outgoing{frame: frame})
	}
	c.closing = true
	if !c.slow {
		c.closeLocked()
	}
}

// closeLocked closes the socket at once, dropping whatever is queued; the
// read pump then fails and the client leaves its room.
func (c *client) closeLocked() {
	c.closing = true
	c.queue = nil
	if c.closed {
		return
	}
	c.closed = true
	c.raw.Close()
	c.hub.stats.Connected.Add(-1)
}
