package consultations

import (
	"strings"

	"github.com/consult-platform/consult/database"
	"github.com/jmoiron/sqlx"
)

// eventBatch numbers and inserts the events of one write batch together:
// one sequence update per consultation and one insert per few dozen
// events, instead of two statements per event.
type eventBatch struct {
	s      *Store
	events []Event
}

func (b *eventBatch) add(e Event) { b.events = append(b.events, e) }

// eventsPerInsert keeps each multi-row insert well under SQLite's limit on
// bound parameters.
const eventsPerInsert = 64

func (b *eventBatch) Flush(tx *sqlx.Tx) error {
	s := b.s
	// Number each consultation's events in the order their writes ran.
	count := map[string]int64{}
	var order []string
	for _, e := range b.events {
		if count[e.ConsultationID] == 0 {
			order = append(order, e.ConsultationID)
		}
		count[e.ConsultationID]++
	}
	next := make(map[string]int64, len(order))
	for _, id := range order {
		var last int64
		// The upsert takes the row's write lock, so concurrent writers (in
		// one SQLite transaction, or in PostgreSQL) get consecutive numbers.
		if err := tx.Get(&last, s.q(`INSERT INTO event_seqs (consultation_id, last_seq) VALUES (?, ?)
			ON CONFLICT (consultation_id) DO UPDATE SET last_seq = event_seqs.last_seq + excluded.last_seq RETURNING last_seq`), id, count[id]); err != nil {
			return err
		}
		first := last - count[id] + 1
		next[id] = first
		// Prune when the batch crosses a multiple of eventsPruneMod.
		if last > eventsKept && last/eventsPruneMod != (first-1)/eventsPruneMod {
			if _, err := tx.Exec(s.q(`DELETE FROM events WHERE consultation_id = ? AND seq <= ?`), id, last-eventsKept); err != nil {
				return err
			}
		}
	}
	for i := range b.events {
		e := &b.events[i]
		e.Seq = next[e.ConsultationID]
		next[e.ConsultationID]++
	}
	for start := 0; start < len(b.events); start += eventsPerInsert {
		part := b.events[start:min(start+eventsPerInsert, len(b.events))]
		var q strings.Builder
		q.WriteString(`INSERT INTO events (consultation_id, seq, type, data, audience, created_at) VALUES `)
		args := make([]any, 0, len(part)*6)
		for i, e := range part {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(?, ?, ?, ?, ?, ?)")
			args = append(args, e.ConsultationID, e.Seq, e.Type, string(e.Data), e.Audience, e.CreatedAt)
		}
		if _, err := tx.Exec(s.q(q.String()), args...); err != nil {
			return err
		}
	}
	for _, e := range b.events {
		if err := s.db.Notify(tx, notifyPayload(e)); err != nil {
			return err
		}
	}
	if s.pub != nil {
		events := b.events
		database.AfterCommit(tx, func() {
			for _, e := range events {
				s.committed(e)
			}
		})
	}
	return nil
}
