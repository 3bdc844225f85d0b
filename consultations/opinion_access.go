package consultations

import (
	"context"
	"time"

	"github.com/consult-platform/consult/database"
)

// DB returns the store's database, for domain sub-packages (such as
// consultations/opinion) that keep their own tables beside the core ones.
func (s *Store) DB() *database.DB { return s.db }

// CheckOpen returns an ECLOSED error unless the consultation takes
// contributions at now: the same rule comments follow.
func (c *Consultation) CheckOpen(now time.Time) error { return c.checkOpen(now) }

// Gate loads what deciding whether a consultation takes a contribution
// needs (who runs it, its kind, status, dates and moderation mode), read
// afresh on every call.
func (s *Store) Gate(ctx context.Context, id string) (*Consultation, error) {
	return s.consultationGate(ctx, id)
}

// UserByEmail returns the account with email, for one-shot commands that
// act as a named account (importing a Pol.is export as a staff member).
func (s *Store) UserByEmail(ctx context.Context, email string) (*User, error) {
	var u User
	err := s.get(ctx, s.db.Reader, &u, "ErrUserNotFound", `SELECT `+userColumns+` FROM users WHERE email = ?`, normaliseEmail(email))
	return &u, err
}
