package moderation

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"time"

	"github.com/consult-platform/consult/database"
	"github.com/jmoiron/sqlx"
)

// Limits tune the automatic help. The zero value is not useful; New sets
// DefaultLimits.
type Limits struct {
	// NewAccountAge is how long an account counts as new.
	NewAccountAge time.Duration
	// Window is the rate-limit window; PerWindow and NewPerWindow bound
	// how many contributions an account (a new one) posts in it; 0 turns
	// the limit off.
	Window       time.Duration
	PerWindow    int
	NewPerWindow int
	// NewMaxLinks is how many links a new account's contribution may hold
	// before it is held for review.
	NewMaxLinks int
	// CampaignFlagSize is the size at which a near-duplicate group is put
	// in the queue (as one group).
	CampaignFlagSize int
	// ClaimFor is how long a claim keeps colleagues off an item.
	ClaimFor time.Duration
}

// DefaultLimits are the limits a new Service starts with.
var DefaultLimits = Limits{
	NewAccountAge: 24 * time.Hour,
	Window:        10 * time.Minute,
	PerWindow:     30, NewPerWindow: 5,
	NewMaxLinks:      2,
	CampaignFlagSize: 3,
	ClaimFor:         15 * time.Minute,
}

// Decided describes a committed decision, for live viewers.
type Decided struct {
	ConsultationID string
	SubjectKind    string
	SubjectID      string
	Action         string
	Status         string // the subject's status after the decision
	Category       string
}

// Service keeps moderation in the database and enforces who may do what.
type Service struct {
	db      *database.DB
	content Content
	Now     func() time.Time // the clock; tests may replace it
	Limits  Limits

	// AfterDecision, when set, is called after each decision (or upheld
	// appeal) has committed: the spot where live "comment.hidden" and
	// "comment.restored" events are published. It must not block.
	AfterDecision func(Decided)

	mu    sync.Mutex // mu guards words
	words map[string]*Matcher

	placer    *placer
	suspended suspendedCache
}

// New returns a Service over db, changing content through content.
func New(db *database.DB, content Content) *Service {
	s := &Service{
		db: db, content: content, Limits: DefaultLimits,
		Now:   func() time.Time { return time.Now().UTC() },
		words: map[string]*Matcher{},
	}
	s.placer = newPlacer(s)
	return s
}

// CaughtUp waits (briefly) until every contribution committed so far is
// placed in its near-duplicate campaign, so that what a moderator reads
// next includes them.
func (s *Service) CaughtUp(ctx context.Context) { s.placer.caughtUp(ctx, catchUpWait) }

func (s *Service) now() time.Time { return s.Now().UTC() }

func (s *Service) q(query string) string { return s.db.Rebind(query) }

// get reads one row and turns "no rows" into a not_found Error.
func (s *Service) get(ctx context.Context, r database.TxRunner, dest any, messageID, query string, args ...any) error {
	err := r.GetContext(ctx, dest, s.q(query), args...)
	if errors.Is(err, sql.ErrNoRows) {
		return errorf(ENOTFOUND, messageID)
	}
	return err
}

// audit appends an entry to the audit log inside tx.
func (s *Service) audit(ctx context.Context, tx *sqlx.Tx, e AuditEntry) error {
	_, err := tx.ExecContext(ctx, s.q(`INSERT INTO mod_audit (id, actor_id, action, subject_kind, subject_id, org_id, consultation_id, before, after, note, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		database.NewID(), e.ActorID, e.Action, e.SubjectKind, e.SubjectID, e.OrgID, e.ConsultationID, e.Before, e.After, e.Note, s.now())
	return err
}

// scopes returns the organisations a moderator is limited to; none means
// every organisation.
func (s *Service) scopes(ctx context.Context, actorID string) ([]string, error) {
	var orgs []string
	err := s.db.Reader.SelectContext(ctx, &orgs, s.q(`SELECT org_id FROM mod_scopes WHERE user_id = ? ORDER BY org_id`), actorID)
	return orgs, err
}

// canModerate reports whether a may moderate content of org.
func (s *Service) canModerate(ctx context.Context, a *Actor, org string) (bool, error) {
	if !a.Moderates() {
		return false, nil
	}
	if a.IsAdmin() {
		return true, nil
	}
	orgs, err := s.scopes(ctx, a.ID)
	if err != nil || len(orgs) == 0 {
		return err == nil, err
	}
	for _, o := range orgs {
		if o == org {
			return true, nil
		}
	}
	return false, nil
}

// requireModerator refuses anyone who is not a moderator (or admin).
func requireModerator(a *Actor) error {
	if a == nil {
		return errorf(EUNAUTHENTICATED, "ErrSignInRequired")
	}
	if !a.Moderates() {
		return errorf(EFORBIDDEN, "ErrModModeratorsOnly")
	}
	return nil
}

// Scopes returns the organisations a moderator is limited to (none: all).
func (s *Service) Scopes(ctx context.Context, moderatorID string) ([]string, error) {
	return s.scopes(ctx, moderatorID)
}

// SetScopes limits a moderator to orgs (none: every organisation). Admins
// only; audited.
func (s *Service) SetScopes(ctx context.Context, actor *Actor, moderatorID string, orgs []string) error {
	if actor == nil {
		return errorf(EUNAUTHENTICATED, "ErrSignInRequired")
	}
	if !actor.IsAdmin() {
		return errorf(EFORBIDDEN, "ErrModAdminsOnly")
	}
	before, err := s.scopes(ctx, moderatorID)
	if err != nil {
		return err
	}
	return s.db.Write(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM mod_scopes WHERE user_id = ?`), moderatorID); err != nil {
			return err
		}
		for _, o := range orgs {
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO mod_scopes (user_id, org_id) VALUES (?, ?)`), moderatorID, o); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, AuditEntry{ActorID: actor.ID, Action: "scopes.set", SubjectKind: "user", SubjectID: moderatorID,
			Before: jsonText(before), After: jsonText(orgs)})
	})
}
