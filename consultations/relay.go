package consultations

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// relay hands committed events to the publisher in seq order, once each,
// when several nodes share a PostgreSQL database. Every node's events
// reach every node as a PostgreSQL notification carrying only
// "consultation-id seq" lines (NOTIFY payloads must stay under 8,000
// bytes); the event itself is read from the events table, except that a
// node's own events are kept from the commit until their notification
// arrives. Notifications are sent after commit, so they may come out of
// order or be lost (a node killed in between, a listener reconnecting):
// an event whose predecessors have not been published yet is published
// after them, read from the table, and every few seconds the relay checks
// each consultation it follows for events it has not seen.
type relay struct {
	mu        sync.Mutex       // mu guards everything below
	listening bool             // false: publish local events at once (one node, or no listener)
	last      map[string]int64 // last seq published, per consultation seen
	pending   map[eventKey]Event
	waiters   map[eventKey]chan struct{} // closed once the event is published
}

type eventKey struct {
	consultationID string
	seq            int64
}

// pendingMax bounds the node's own events waiting for their notification;
// beyond it they are read back from the table instead.
const pendingMax = 4096

func newRelay() *relay {
	return &relay{last: map[string]int64{}, pending: map[eventKey]Event{}, waiters: map[eventKey]chan struct{}{}}
}

func notifyPayload(e Event) string { return e.ConsultationID + " " + strconv.FormatInt(e.Seq, 10) }

// RelayEvents starts following the events every node commits, so that the
// publisher receives them all, in order, once each. On SQLite, where this
// process is the only writer, it does nothing: events are published right
// after their commit. It returns once following has begun; it goes on
// until ctx ends or the database closes.
func (s *Store) RelayEvents(ctx context.Context) error {
	if !s.db.Shared() {
		return nil
	}
	if err := s.db.Listen(ctx, s.eventsNotified, s.resyncEvents); err != nil {
		return err
	}
	s.relay.mu.Lock()
	s.relay.listening = true
	s.relay.mu.Unlock()
	go func() {
		t := time.NewTicker(resyncEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-s.db.Done():
				return
			case <-t.C:
				s.resyncEvents(ctx)
			}
		}
	}()
	return nil
}

// resyncEvery is how often the relay looks for events whose notification
// never came.
const resyncEvery = 3 * time.Second

// committed is called after the commit of an event made by this node.
func (s *Store) committed(e Event) {
	r := s.relay
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.listening {
		s.pub.Publish(e)
		return
	}
	last, known := r.last[e.ConsultationID]
	switch {
	case known && e.Seq <= last:
		return // its notification came first
	case known && e.Seq == last+1:
		r.last[e.ConsultationID] = e.Seq
		s.pub.Publish(e)
		return
	case !known:
		// The first event of this consultation the node sees: the write
		// waits (briefly) until its notification has come back, by which
		// time every earlier event, committed by any node, has come too, so
		// that it reaches watchers before the write returns, as on one node.
		k := eventKey{e.ConsultationID, e.Seq}
		r.pending[k] = e
		done := make(chan struct{})
		r.waiters[k] = done
		r.mu.Unlock()
		select {
		case <-done:
		case <-time.After(time.Second):
		}
		r.mu.Lock()
		delete(r.waiters, k)
		return
	}
	if len(r.pending) < pendingMax {
		r.pending[eventKey{e.ConsultationID, e.Seq}] = e
	}
}

// eventsNotified handles a notification: one "id seq" per line.
func (s *Store) eventsNotified(payload string) {
	for _, line := range strings.Split(payload, "\n") {
		s.eventNotified(line)
	}
}

// eventNotified publishes the event a notification names, after any that
// this node missed before it.
func (s *Store) eventNotified(payload string) {
	id, seqText, ok := strings.Cut(payload, " ")
	seq, err := strconv.ParseInt(seqText, 10, 64)
	if !ok || err != nil {
		return
	}
	r := s.relay
	r.mu.Lock()
	defer r.mu.Unlock()
	last, known := r.last[id]
	switch {
	case known && seq <= last:
		return // published already, at its commit on this node
	case !known:
		last = seq - 1 // watchers who joined earlier replayed from the table
	}
	if e, ok := r.pending[eventKey{id, seq}]; ok && seq == last+1 {
		delete(r.pending, eventKey{id, seq})
		r.last[id] = seq
		if s.pub != nil {
			s.pub.Publish(e)
		}
		r.wake(eventKey{id, seq})
		return
	}
	s.publishRange(id, last, seq)
}

// publishRange publishes the consultation's events after seq from up to
// to, reading from the table those not pending. r.mu is held.
func (s *Store) publishRange(id string, from, to int64) {
	r := s.relay
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	events, err := s.eventRange(ctx, id, from, to)
	if err != nil {
		return // the next notification, or a resync, tries again
	}
	for _, e := range events {
		delete(r.pending, eventKey{id, e.Seq})
		r.last[id] = e.Seq
		if s.pub != nil {
			s.pub.Publish(e)
		}
		r.wake(eventKey{id, e.Seq})
	}
}

// wake lets a write waiting for its event's publication return.
func (r *relay) wake(k eventKey) {
	if done, ok := r.waiters[k]; ok {
		close(done)
		delete(r.waiters, k)
	}
}

// eventRange reads the events numbered after from up to to. A notification
// is delivered after its commit, so the event is there; a pruned one is
// skipped.
func (s *Store) eventRange(ctx context.Context, id string, from, to int64) ([]Event, error) {
	var rows []struct {
		Event
		Data string `db:"data"`
	}
	err := s.db.Reader.SelectContext(ctx, &rows, s.q(`SELECT consultation_id, seq, type, data, audience, created_at FROM events
		WHERE consultation_id = ? AND seq > ? AND seq <= ? ORDER BY seq`), id, from, to)
	if err != nil {
		return nil, fmt.Errorf("relay: %w", err)
	}
	out := make([]Event, len(rows))
	for i, row := range rows {
		out[i] = row.Event
		out[i].Data = []byte(row.Data)
	}
	return out, nil
}

// resyncEvents runs after the listener reconnected: notifications sent
// while it was away are lost, so every consultation this node has seen is
// brought up to its latest event, and its own events still pending go out.
func (s *Store) resyncEvents(ctx context.Context) {
	r := s.relay
	r.mu.Lock()
	defer r.mu.Unlock()
	for id, last := range r.last {
		latest, err := s.LastSeq(ctx, id)
		if err == nil && latest > last {
			s.publishRange(id, last, latest)
		}
	}
	first := map[string]int64{} // the earliest pending event of consultations not seen yet
	for k := range r.pending {
		if _, known := r.last[k.consultationID]; known {
			continue
		}
		if f, ok := first[k.consultationID]; !ok || k.seq < f {
			first[k.consultationID] = k.seq
		}
	}
	for id, seq := range first {
		if latest, err := s.LastSeq(ctx, id); err == nil {
			s.publishRange(id, seq-1, latest)
		}
	}
	clear(r.pending)
}
