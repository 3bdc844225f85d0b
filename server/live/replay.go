package live

import (
	"context"
	"net"
)

// replay writes the events after since that the client may see, or one
// resync event when they are no longer all known. It runs in the client's
// flush goroutine, before anything queued.
func (h *Hub) replay(c *client, consultationID string, since int64) bool {
	ctx, cancel := context.WithTimeout(context.Background(), h.opts.WriteTimeout)
	defer cancel()
	events, complete, err := h.history(ctx, consultationID, since)
	if err != nil || !complete {
		return writeEvent(c, resyncEvent(consultationID, since))
	}
	for i := range events {
		e := &events[i]
		if e.Seq <= c.lastSeq {
			continue
		}
		if c.viewer.May(e) && !writeEvent(c, e) {
			return false
		}
		c.lastSeq = e.Seq
	}
	return true
}

func writeEvent(c *client, e *Event) bool {
	frame, err := eventFrame(e)
	if err != nil {
		return false
	}
	return c.writeBlocking(net.Buffers{frame})
}
