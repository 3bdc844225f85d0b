package consultations

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"
)

// Tally keeps participation figures up to date. The store calls it inside
// the transaction of every write that moves them, so figures and content
// commit (or roll back) together. The analytics package implements it.
type Tally interface {
	// ResponseAdded is called after r and its answers are stored.
	ResponseAdded(ctx context.Context, tx *sqlx.Tx, c *Consultation, r *Response) error
	// ResponseRemoving is called before a response is deleted.
	ResponseRemoving(ctx context.Context, tx *sqlx.Tx, responseID string) error
	// CommentCounted is called when a contribution starts (delta 1) or
	// stops (delta -1) being counted as published.
	CommentCounted(ctx context.Context, tx *sqlx.Tx, cm *Comment, delta int) error
	// SupportChanging is called before a support is given (on) or
	// withdrawn; it is a no-op when nothing will change.
	SupportChanging(ctx context.Context, tx *sqlx.Tx, ideaID, userID string, on bool, at time.Time) error
}

// SetTally makes the store keep t up to date. Call it before the store is
// shared between goroutines.
func (s *Store) SetTally(t Tally) { s.tallyHook = t }

func (s *Store) tally() Tally {
	if s.tallyHook == nil {
		return noTally{}
	}
	return s.tallyHook
}

type noTally struct{}

func (noTally) ResponseAdded(context.Context, *sqlx.Tx, *Consultation, *Response) error { return nil }
func (noTally) ResponseRemoving(context.Context, *sqlx.Tx, string) error                { return nil }
func (noTally) CommentCounted(context.Context, *sqlx.Tx, *Comment, int) error           { return nil }
func (noTally) SupportChanging(context.Context, *sqlx.Tx, string, string, bool, time.Time) error {
	return nil
}
