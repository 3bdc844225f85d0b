package analytics

import (
	"context"

	"github.com/consult-platform/consult/database"
	"github.com/jmoiron/sqlx"
)

// countsBatch sums the counter moves of every write in one batch, so that
// a batch of comments moves each figure with one statement.
type countsBatch struct {
	ctx context.Context
	by  map[string]deltas // consultation id → moves
	ids []string          // in the order first moved
}

const countsKey = "analytics.counts"

func newCountsBatch() database.Deferred {
	return &countsBatch{ctx: context.Background(), by: map[string]deltas{}}
}

func (b *countsBatch) Flush(tx *sqlx.Tx) error {
	seen := map[string]bool{}
	for _, id := range b.ids {
		if seen[id] {
			continue // moved again after a recount forgot it
		}
		seen[id] = true
		d := b.by[id]
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

// applyLater moves the consultation's figures by d once the write now
// running in tx has succeeded, with the rest of its batch.
func applyLater(tx *sqlx.Tx, consultationID string, d deltas) error {
	if len(d) == 0 {
		return nil
	}
	database.Defer(tx, countsKey, newCountsBatch, func(x database.Deferred) {
		b := x.(*countsBatch)
		sum, ok := b.by[consultationID]
		if !ok {
			sum = deltas{}
			b.by[consultationID] = sum
			b.ids = append(b.ids, consultationID)
		}
		for k, n := range d {
			sum[k] += n
		}
	})
	return nil
}

// forgetEarlierMoves drops the moves that earlier writes of tx's batch left
// for the consultation: a recount inside the same transaction has already
// seen what they wrote.
func forgetEarlierMoves(tx *sqlx.Tx, consultationID string) {
	database.Defer(tx, countsKey, newCountsBatch, func(x database.Deferred) {
		delete(x.(*countsBatch).by, consultationID)
	})
}
