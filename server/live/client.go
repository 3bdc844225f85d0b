package live

import (
	"context"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

type outgoing struct {
	seq   int64
	frame []byte // a complete websocket text frame, shared by every subscriber
}

// maxBatch bounds how many queued frames one write system call carries.
const maxBatch = 64

// client is one websocket subscriber.
type client struct {
	conn      *websocket.Conn
	raw       net.Conn // conn's connection, for writing ready-made frames
	viewer    Viewer
	send      chan outgoing // closed by the room when the client leaves or is dropped
	goingAway atomic.Bool   // the hub is shutting down: say 1001
	lastSeq   int64         // highest seq written; owned by the write pump
}

// Serve upgrades the request and streams the consultation's events to it
// until the client leaves, falls behind, or the hub closes. Events after
// since are replayed first (since < 0 means live events only).
func (h *Hub) Serve(w http.ResponseWriter, r *http.Request, up *websocket.Upgrader, consultationID string, viewer Viewer, since int64) error {
	conn, err := up.Upgrade(w, r, nil)
	if err != nil {
		return err // Upgrade has answered the request
	}
	c := &client{conn: conn, raw: conn.NetConn(), viewer: viewer, send: make(chan outgoing, h.opts.SendBuffer), lastSeq: since}
	conn.SetReadLimit(h.opts.ReadLimit)
	// Join before reading history: an event committed meanwhile arrives
	// live and, if also in the history, is skipped by seq.
	rm, ok := h.join(consultationID, c)
	if !ok {
		conn.WriteControl(websocket.CloseMessage, closeGoingAway, time.Now().Add(time.Second))
		conn.Close()
		return nil
	}
	h.stats.Connected.Add(1)
	h.wg.Add(2)
	go func() {
		defer h.wg.Done()
		h.writePump(c, consultationID, since)
	}()
	go func() {
		defer h.wg.Done()
		h.readPump(c, rm)
	}()
	return nil
}

// readPump reads (and ignores) what the client sends, so that pongs and
// close frames are processed; it ends the subscription when reading fails.
func (h *Hub) readPump(c *client, rm *room) {
	defer rm.leave(c)
	deadline := 2*h.opts.PingInterval + h.opts.WriteTimeout
	c.conn.SetReadDeadline(time.Now().Add(deadline))
	c.conn.SetPongHandler(func(string) error {
		return c.conn.SetReadDeadline(time.Now().Add(deadline))
	})
	for {
		if _, _, err := c.conn.NextReader(); err != nil {
			return
		}
	}
}

func (h *Hub) writePump(c *client, consultationID string, since int64) {
	ticker := time.NewTicker(h.opts.PingInterval)
	defer func() {
		ticker.Stop()
		h.stats.Connected.Add(-1)
		if c.goingAway.Load() {
			c.conn.WriteControl(websocket.CloseMessage, closeGoingAway, time.Now().Add(h.opts.WriteTimeout))
		}
		c.conn.Close()
	}()
	if since >= 0 && !h.replay(c, consultationID, since) {
		return
	}
	batch := make(net.Buffers, 0, 4)
	for {
		select {
		case out, ok := <-c.send:
			if !ok {
				return
			}
			// Whatever else is queued goes out in the same system call, so
			// a subscriber that fell behind catches up cheaply.
			batch = c.queue(batch[:0], out)
		more:
			for len(batch) < maxBatch {
				select {
				case next, ok := <-c.send:
					if !ok {
						break more
					}
					batch = c.queue(batch, next)
				default:
					break more
				}
			}
			if !h.writeFrames(c, batch) {
				return
			}
		case <-h.quit:
			c.goingAway.Store(true)
			return
		case <-ticker.C:
			if err := c.conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(h.opts.WriteTimeout)); err != nil {
				return
			}
		}
	}
}

// queue adds out to the batch unless it was already sent during replay.
func (c *client) queue(batch net.Buffers, out outgoing) net.Buffers {
	if out.seq <= c.lastSeq {
		return batch
	}
	c.lastSeq = out.seq
	return append(batch, out.frame)
}

// writeFrames writes ready-made frames straight to the connection. The
// connection's write lock keeps each call whole, so gorilla's own control
// frames (pongs, close) never land inside one of ours.
func (h *Hub) writeFrames(c *client, frames net.Buffers) bool {
	if len(frames) == 0 {
		return true
	}
	n := int64(len(frames))
	c.raw.SetWriteDeadline(time.Now().Add(h.opts.WriteTimeout))
	if _, err := frames.WriteTo(c.raw); err != nil {
		return false
	}
	h.stats.Delivered.Add(n)
	return true
}

// replay writes the events after since that the client may see, or one
// resync event when they are no longer all known.
func (h *Hub) replay(c *client, consultationID string, since int64) bool {
	ctx, cancel := context.WithTimeout(context.Background(), h.opts.WriteTimeout)
	defer cancel()
	events, complete, err := h.history(ctx, consultationID, since)
	if err != nil || !complete {
		return h.write(c, resyncEvent(consultationID, since))
	}
	for i := range events {
		e := &events[i]
		if e.Seq <= c.lastSeq {
			continue
		}
		if c.viewer.May(e) && !h.write(c, e) {
			return false
		}
		c.lastSeq = e.Seq
	}
	return true
}

func (h *Hub) write(c *client, e *Event) bool {
	frame, err := eventFrame(e)
	if err != nil {
		return false
	}
	return h.writeFrames(c, net.Buffers{frame})
}
