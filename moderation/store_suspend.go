package moderation

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/consult-platform/consult/database"
	"github.com/jmoiron/sqlx"
)

// MaxSuspensionDays bounds one suspension.
const MaxSuspensionDays = 365

// Suspension keeps an account from contributing until a time.
type Suspension struct {
	ID        string    `json:"id"`
	UserID    string    `json:"user_id" db:"user_id"`
	CreatedBy string    `json:"-" db:"created_by"`
	Until     time.Time `json:"until"`
	Note      string    `json:"note"`
	CreatedAt time.Time `json:"created_at" db:"created_at"`
}

// NewSuspension is a moderator's suspension of an account for Days days.
type NewSuspension struct {
	UserID string `json:"user_id"`
	Days   int    `json:"days"`
	Note   string `json:"note"`
}

// Suspend keeps an account from contributing for a period, with a note.
// Moderators and admins; audited. Moderators cannot suspend themselves.
func (s *Service) Suspend(ctx context.Context, actor *Actor, n NewSuspension) (*Suspension, error) {
	if err := requireModerator(actor); err != nil {
		return nil, err
	}
	n.Note = strings.TrimSpace(n.Note)
	p := problems{}
	if n.UserID == "" || n.UserID == actor.ID {
		p.add("user_id", "ErrModUserInvalid")
	}
	if n.Days < 1 || n.Days > MaxSuspensionDays {
		p.add("days", "ErrModDaysRange")
	}
	switch {
	case n.Note == "":
		p.add("note", "ErrModNoteRequired")
	case !utf8.ValidString(n.Note) || utf8.RuneCountInString(n.Note) > MaxExplanation:
		p.add("note", "ErrModExplanationTooLong")
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	var exists int
	if err := s.db.Reader.GetContext(ctx, &exists, s.q(`SELECT COUNT(*) FROM users WHERE id = ?`), n.UserID); err != nil {
		return nil, err
	}
	if exists == 0 {
		return nil, errorf(ENOTFOUND, "ErrModUserNotFound")
	}
	now := s.now()
	sp := &Suspension{ID: database.NewID(), UserID: n.UserID, CreatedBy: actor.ID, Until: now.Add(time.Duration(n.Days) * 24 * time.Hour), Note: n.Note, CreatedAt: now}
	err := s.db.Write(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO mod_suspensions (id, user_id, created_by, until, note, created_at) VALUES (?, ?, ?, ?, ?, ?)`),
			sp.ID, sp.UserID, sp.CreatedBy, sp.Until, sp.Note, sp.CreatedAt); err != nil {
			return err
		}
		return s.audit(ctx, tx, AuditEntry{ActorID: actor.ID, Action: "account.suspend", SubjectKind: "user", SubjectID: n.UserID,
			After: jsonText(map[string]any{"until": sp.Until, "days": n.Days}), Note: n.Note})
	})
	s.suspended.forget()
	if err != nil {
		return nil, err
	}
	return sp, nil
}

// SuspendedUntil returns when a user's suspension ends, or the zero time.
func (s *Service) SuspendedUntil(ctx context.Context, userID string) (time.Time, error) {
	var until []time.Time
	err := s.db.Reader.SelectContext(ctx, &until, s.q(`SELECT until FROM mod_suspensions WHERE user_id = ? AND until > ? ORDER BY until DESC LIMIT 1`), userID, s.now())
	if err != nil || len(until) == 0 {
		return time.Time{}, err
	}
	return until[0], nil
}
