package moderation

import (
	"context"

	"github.com/consult-platform/consult/database"
	"github.com/jmoiron/sqlx"
)

// requireStaffOf refuses anyone who is not staff of org (or an admin).
func requireStaffOf(a *Actor, org string) error {
	if a == nil {
		return errorf(EUNAUTHENTICATED, "ErrSignInRequired")
	}
	if !a.IsStaffOf(org) {
		return errorf(EFORBIDDEN, "ErrModStaffOnly")
	}
	return nil
}

// WatchedWords lists an organisation's watched words, by language and word.
func (s *Service) WatchedWords(ctx context.Context, actor *Actor, orgID string) ([]WatchedWord, error) {
	if err := requireStaffOf(actor, orgID); err != nil {
		return nil, err
	}
	out := []WatchedWord{}
	err := s.db.Reader.SelectContext(ctx, &out, s.q(`SELECT id, org_id, locale, word, normalised, action, created_by, created_at
		FROM mod_watched_words WHERE org_id = ? ORDER BY locale, normalised`), orgID)
	return out, err
}

// AddWatchedWord watches a word or phrase for an organisation. Staff of
// that organisation; audited. Watching a word again changes its action.
func (s *Service) AddWatchedWord(ctx context.Context, actor *Actor, orgID string, n NewWatchedWord) (*WatchedWord, error) {
	if err := requireStaffOf(actor, orgID); err != nil {
		return nil, err
	}
	if err := n.validate(); err != nil {
		return nil, err
	}
	w := &WatchedWord{ID: database.NewID(), OrgID: orgID, Locale: n.Locale, Word: n.Word, Normalised: Normalise(n.Word),
		Action: n.Action, CreatedBy: actor.ID, CreatedAt: s.now()}
	err := s.db.Write(ctx, func(tx *sqlx.Tx) error {
		var before []WatchedWord
		if err := tx.SelectContext(ctx, &before, s.q(`SELECT id, org_id, locale, word, normalised, action, created_by, created_at
			FROM mod_watched_words WHERE org_id = ? AND locale = ? AND normalised = ?`), orgID, w.Locale, w.Normalised); err != nil {
			return err
		}
		if len(before) > 0 {
			w.ID = before[0].ID
			if _, err := tx.ExecContext(ctx, s.q(`UPDATE mod_watched_words SET word = ?, action = ? WHERE id = ?`), w.Word, w.Action, w.ID); err != nil {
				return err
			}
		} else if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO mod_watched_words (id, org_id, locale, word, normalised, action, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`), w.ID, w.OrgID, w.Locale, w.Word, w.Normalised, w.Action, w.CreatedBy, w.CreatedAt); err != nil {
			return err
		}
		beforeText := ""
		if len(before) > 0 {
			beforeText = jsonText(before[0])
		}
		return s.audit(ctx, tx, AuditEntry{ActorID: actor.ID, Action: "watched_word.set", SubjectKind: "watched_word", SubjectID: w.ID, OrgID: orgID,
			Before: beforeText, After: jsonText(w)})
	})
	s.forgetWords(orgID)
	if err != nil {
		return nil, err
	}
	return w, nil
}

// RemoveWatchedWord stops watching a word. Staff of its organisation.
func (s *Service) RemoveWatchedWord(ctx context.Context, actor *Actor, id string) error {
	var w WatchedWord
	if err := s.get(ctx, s.db.Reader, &w, "ErrModWordNotFound", `SELECT id, org_id, locale, word, normalised, action, created_by, created_at
		FROM mod_watched_words WHERE id = ?`, id); err != nil {
		return err
	}
	if err := requireStaffOf(actor, w.OrgID); err != nil {
		if code(err) == EFORBIDDEN {
			return errorf(ENOTFOUND, "ErrModWordNotFound")
		}
		return err
	}
	err := s.db.Write(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM mod_watched_words WHERE id = ?`), id); err != nil {
			return err
		}
		return s.audit(ctx, tx, AuditEntry{ActorID: actor.ID, Action: "watched_word.remove", SubjectKind: "watched_word", SubjectID: id, OrgID: w.OrgID,
			Before: jsonText(w)})
	})
	s.forgetWords(w.OrgID)
	return err
}
