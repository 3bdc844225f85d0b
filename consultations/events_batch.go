package consultations

import (
	"encoding/json"
	"strings"

	"github.com/consult-platform/consult/database"
	"github.com/jmoiron/sqlx"
)

// writeBatch gathers what the writes of one batch do to comment counts and
// events, and writes it just before the commit: one count update per
// consultation, one sequence update per consultation and one insert per
// few dozen events, instead of several statements per comment. Events that
// carry the comment count get it as it stood after their own write.
type writeBatch struct {
	s       *Store
	entries []batchEntry // in the order of the writes
}

// batchEntry is one move of a consultation's comment count (and of a
// parent's reply count), or one event.
type batchEntry struct {
	consultationID string
	comments       int    // move of the consultation's published comments
	parentID       string // whose reply count moves with comments

	event   *Event
	counted func(count int) any // makes the event's data for the count, if it carries one
}

const writeBatchKey = "consultations.batch"

// later adds e to the batch of the write running in tx.
func (s *Store) later(tx *sqlx.Tx, e batchEntry) {
	database.Defer(tx, writeBatchKey, func() database.Deferred { return &writeBatch{s: s} },
		func(d database.Deferred) {
			b := d.(*writeBatch)
			b.entries = append(b.entries, e)
		})
}

// eventsPerInsert keeps each multi-row insert well under SQLite's limit on
// bound parameters.
const eventsPerInsert = 64

func (b *writeBatch) Flush(tx *sqlx.Tx) error {
	if err := b.count(tx); err != nil {
		return err
	}
	var events []Event
	for _, e := range b.entries {
		if e.event != nil {
			events = append(events, *e.event)
		}
	}
	if len(events) == 0 {
		return nil
	}
	if err := b.number(tx, events); err != nil {
		return err
	}
	if err := b.insert(tx, events); err != nil {
		return err
	}
	s := b.s
	for _, e := range events {
		if err := s.db.Notify(tx, notifyPayload(e)); err != nil {
			return err
		}
	}
	if s.pub != nil {
		database.AfterCommit(tx, func() {
			for _, e := range events {
				s.committed(e)
			}
		})
	}
	return nil
}

// count moves the consultations' and parents' counts, and makes the data
// of the events that carry a count.
func (b *writeBatch) count(tx *sqlx.Tx) error {
	s := b.s
	moves := map[string]int{}
	needed := map[string]bool{}
	replies := map[string]int{}
	var order, parents []string
	for _, e := range b.entries {
		id := e.consultationID
		if e.event != nil {
			id = e.event.ConsultationID
		}
		if e.event == nil || e.counted != nil {
			if !needed[id] {
				needed[id] = true
				order = append(order, id)
			}
			moves[id] += e.comments
		}
		if e.parentID != "" && e.comments != 0 {
			if _, ok := replies[e.parentID]; !ok {
				parents = append(parents, e.parentID)
			}
			replies[e.parentID] += e.comments
		}
	}
	running := make(map[string]int, len(order))
	for _, id := range order {
		var now int
		var err error
		if moves[id] != 0 {
			err = tx.Get(&now, s.q(`UPDATE consultations SET comment_count = comment_count + ? WHERE id = ? RETURNING comment_count`), moves[id], id)
		} else {
			err = tx.Get(&now, s.q(`SELECT comment_count FROM consultations WHERE id = ?`), id)
		}
		if err != nil {
			return err
		}
		running[id] = now - moves[id]
	}
	for _, p := range parents {
		if replies[p] == 0 {
			continue
		}
		if _, err := tx.Exec(s.q(`UPDATE comments SET reply_count = reply_count + ? WHERE id = ?`), replies[p], p); err != nil {
			return err
		}
	}
	for _, e := range b.entries {
		switch {
		case e.event == nil:
			running[e.consultationID] += e.comments
		case e.counted != nil:
			data, err := json.Marshal(e.counted(running[e.event.ConsultationID]))
			if err != nil {
				return err
			}
			e.event.Data = data
		}
	}
	return nil
}

// number gives each event the next number of its consultation, in the
// order their writes ran.
func (b *writeBatch) number(tx *sqlx.Tx, events []Event) error {
	s := b.s
	count := map[string]int64{}
	var order []string
	for _, e := range events {
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
	for i := range events {
		e := &events[i]
		e.Seq = next[e.ConsultationID]
		next[e.ConsultationID]++
	}
	return nil
}

func (b *writeBatch) insert(tx *sqlx.Tx, events []Event) error {
	for rest := events; len(rest) > 0; {
		part := rest[:database.ChunkSize(len(rest), eventsPerInsert)]
		rest = rest[len(part):]
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
		if _, err := tx.Exec(b.s.q(q.String()), args...); err != nil {
			return err
		}
	}
	return nil
}
