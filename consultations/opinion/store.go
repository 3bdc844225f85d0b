package opinion

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/consult-platform/consult/consultations"
	"github.com/consult-platform/consult/database"
	"github.com/jmoiron/sqlx"
)

// VoteGuard may refuse a vote or a statement before it is stored.
// HOOK(moderation): campaign detection (branch moderation) plugs in here,
// as it does for comments; a nil guard allows everything.
type VoteGuard interface {
	CheckContribution(ctx context.Context, actor *consultations.User, consultationID, kind string) error
}

// Store keeps opinion maps, statements and votes, and recomputes groups
// in the background.
type Store struct {
	cs  *consultations.Store
	db  *database.DB
	Now func() time.Time // the clock; tests may replace it

	Guard  VoteGuard
	engine *engine
	votes  *voteBatcher
}

// NewStore returns a Store beside the consultations store cs. Call Close
// when done, to stop background recomputes.
func NewStore(cs *consultations.Store) *Store {
	s := &Store{cs: cs, db: cs.DB(), Now: func() time.Time { return time.Now().UTC() }}
	s.engine = newEngine(s)
	s.votes = &voteBatcher{write: s.writeVoteBatch, db: s.db}
	return s
}

// Close writes the votes already cast, then stops scheduled recomputes and
// waits for one under way.
func (s *Store) Close() {
	s.votes.close()
	s.engine.close()
}

func (s *Store) now() time.Time { return s.Now().UTC() }

func (s *Store) q(query string) string { return s.db.Rebind(query) }

// get reads one row into dest and turns "no rows" into ENOTFOUND.
func (s *Store) get(ctx context.Context, r database.TxRunner, dest any, messageID, query string, args ...any) error {
	err := r.GetContext(ctx, dest, s.q(query), args...)
	if errors.Is(err, sql.ErrNoRows) {
		return consultations.Errorf(consultations.ENOTFOUND, messageID)
	}
	return err
}

// EnableMap turns on the opinion map of a consultation (or updates its
// settings): staff of its organisation only. participantStatements says
// whether participants may add statements (moderated as its comments are).
func (s *Store) EnableMap(ctx context.Context, actor *consultations.User, consultationID string, participantStatements bool) (*Map, error) {
	c, err := s.cs.Manageable(ctx, actor, consultationID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	err = s.db.Write(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO opinion_maps (consultation_id, participant_statements, created_at, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (consultation_id) DO UPDATE SET participant_statements = excluded.participant_statements, updated_at = excluded.updated_at`),
			c.ID, participantStatements, now, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Map(ctx, c.ID)
}

// Map returns a consultation's opinion map, ENOTFOUND when it has none.
func (s *Store) Map(ctx context.Context, consultationID string) (*Map, error) {
	var m Map
	err := s.get(ctx, s.db.Reader, &m, "ErrOpinionMapNotFound",
		`SELECT consultation_id, participant_statements, created_at, updated_at FROM opinion_maps WHERE consultation_id = ?`, consultationID)
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// visibleMap returns the consultation (its gate columns) and its map, as
// the viewer may see them.
func (s *Store) visibleMap(ctx context.Context, viewer *consultations.User, consultationID string) (*consultations.Consultation, *Map, error) {
	c, err := s.cs.Gate(ctx, consultationID)
	if err != nil {
		return nil, nil, err
	}
	if !c.Visible(viewer, s.now()) {
		return nil, nil, consultations.Errorf(consultations.ENOTFOUND, "ErrConsultationNotFound")
	}
	m, err := s.Map(ctx, c.ID)
	return c, m, err
}
