package analytics

import (
	"context"
	"strings"

	"github.com/consult-platform/consult/database"
	"github.com/jmoiron/sqlx"
)

// countsBatch sums the counter moves of every write in one batch, so that
// a batch of comments moves each figure, and each person's tally, with one
// statement.
type countsBatch struct {
	ctx    context.Context
	by     map[string]deltas                  // consultation id → moves
	people map[string]map[string]*personMoves // consultation id → user id → contributions added
	ids    []string                           // consultations, in the order first moved
}

// personMoves is what a batch adds to one person's tally.
type personMoves struct {
	n     int64
	first string // earliest day among them
}

const countsKey = "analytics.counts"

func newCountsBatch() database.Deferred {
	return &countsBatch{ctx: context.Background(), by: map[string]deltas{}, people: map[string]map[string]*personMoves{}}
}

func (b *countsBatch) consultation(id string) deltas {
	d, ok := b.by[id]
	if !ok {
		d = deltas{}
		b.by[id] = d
		b.ids = append(b.ids, id)
	}
	return d
}

func (b *countsBatch) Flush(tx *sqlx.Tx) error {
	seen := map[string]bool{}
	for _, id := range b.ids {
		if seen[id] {
			continue // moved again after a recount forgot it
		}
		seen[id] = true
		d := b.by[id]
		if d == nil {
			continue
		}
		if err := b.countPeople(tx, id, d); err != nil {
			return err
		}
		for k, n := range d {
			if n == 0 {
				delete(d, k)
			}
		}
		if err := apply(b.ctx, tx, id, d); err != nil {
			return err
		}
	}
	return nil
}

// peoplePerUpsert keeps each statement well under SQLite's limit on bound
// parameters.
const peoplePerUpsert = 128

// countPeople adds the batch's contributions to each person's tally, and
// counts those who took part for the first time. A person whose first day
// is later than this contribution's is not updated by the upsert (its
// WHERE fails) and is counted one by one.
func (b *countsBatch) countPeople(tx *sqlx.Tx, consultationID string, d deltas) error {
	people := b.people[consultationID]
	if len(people) == 0 {
		return nil
	}
	users := make([]string, 0, len(people))
	for u := range people {
		users = append(users, u)
	}
	done := make(map[string]bool, len(users))
	for rest := users; len(rest) > 0; {
		part := rest[:database.ChunkSize(len(rest), peoplePerUpsert)]
		rest = rest[len(part):]
		var q strings.Builder
		q.WriteString(`INSERT INTO analytics_people (consultation_id, user_id, contributions, first_day) VALUES `)
		args := make([]any, 0, len(part)*4)
		for i, u := range part {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(?, ?, ?, ?)")
			args = append(args, consultationID, u, people[u].n, people[u].first)
		}
		q.WriteString(` ON CONFLICT (consultation_id, user_id) DO UPDATE SET contributions = analytics_people.contributions + excluded.contributions
			WHERE analytics_people.first_day <= excluded.first_day RETURNING user_id, contributions`)
		rows, err := tx.QueryContext(b.ctx, q.String(), args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var u string
			var n int64
			if err := rows.Scan(&u, &n); err != nil {
				rows.Close()
				return err
			}
			done[u] = true
			if m := people[u]; n == m.n { // the row is new: a new participant
				d.add(DimTotals, TotalParticipants, 1)
				d.add(DimParticipantsByDay, m.first, 1)
			}
		}
		if err := rows.Close(); err != nil {
			return err
		}
	}
	for _, u := range users {
		if !done[u] {
			if err := countEarlierDay(b.ctx, tx, d, consultationID, u, people[u].first, people[u].n); err != nil {
				return err
			}
		}
	}
	return nil
}

// later registers a move of the batch of the write running in tx.
func later(tx *sqlx.Tx, move func(b *countsBatch)) {
	database.Defer(tx, countsKey, newCountsBatch, func(x database.Deferred) { move(x.(*countsBatch)) })
}

// applyLater moves the consultation's figures by d once the write now
// running in tx has succeeded, with the rest of its batch.
func applyLater(tx *sqlx.Tx, consultationID string, d deltas) error {
	if len(d) == 0 {
		return nil
	}
	later(tx, func(b *countsBatch) {
		sum := b.consultation(consultationID)
		for k, n := range d {
			sum[k] += n
		}
	})
	return nil
}

// laterPerson counts one more contribution of a person, made on day on,
// with the rest of the batch.
func laterPerson(tx *sqlx.Tx, consultationID, userID, on string) {
	later(tx, func(b *countsBatch) {
		b.consultation(consultationID)
		people := b.people[consultationID]
		if people == nil {
			people = map[string]*personMoves{}
			b.people[consultationID] = people
		}
		m := people[userID]
		if m == nil {
			m = &personMoves{first: on}
			people[userID] = m
		}
		m.n++
		if on < m.first {
			m.first = on
		}
	})
}

// forgetEarlierMoves drops the moves that earlier writes of tx's batch left
// for the consultation: a recount inside the same transaction has already
// seen what they wrote.
func forgetEarlierMoves(tx *sqlx.Tx, consultationID string) {
	later(tx, func(b *countsBatch) {
		delete(b.by, consultationID)
		delete(b.people, consultationID)
	})
}
