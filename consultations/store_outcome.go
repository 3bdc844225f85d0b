package consultations

import (
	"context"
	"strings"

	"github.com/consult-platform/consult/database"
	"github.com/jmoiron/sqlx"
)

// PublishOutcome publishes a closed consultation's "we asked, you said, we
// did" outcome and notifies everyone who took part under their account.
func (s *Store) PublishOutcome(ctx context.Context, actor *User, id string, o OutcomeDraft) (*Consultation, error) {
	c, err := s.manageable(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if st := c.EffectiveStatus(s.now()); st != StatusClosed && st != StatusOutcomePublished {
		return nil, Errorf(ECONFLICT, "ErrOutcomeBeforeClose")
	}
	o.sanitize(s.san)
	if err := o.validate(); err != nil {
		return nil, err
	}
	// Linked contributions must be this consultation's published ones.
	p := Problems{}
	for i, d := range o.Decisions {
		for _, cid := range d.CommentIDs {
			cm, err := s.comment(ctx, cid)
			if err != nil || cm.ConsultationID != c.ID || cm.Status != CommentPublished {
				p.Add(fieldName("decisions", i, "comment_ids"), "ErrLinkedCommentNotFound", map[string]any{"ID": cid})
			}
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	now := s.now()
	first := c.OutcomePublishedAt == nil
	err = s.write(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM decisions WHERE consultation_id = ?`), c.ID); err != nil {
			return err
		}
		for i, d := range o.Decisions {
			did := database.NewID()
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO decisions (id, consultation_id, position, asked, said, did) VALUES (?, ?, ?, ?, ?, ?)`),
				did, c.ID, i, d.Asked, d.Said, d.Did); err != nil {
				return err
			}
			for _, cid := range dedupe(d.CommentIDs) {
				if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO decision_links (decision_id, comment_id) VALUES (?, ?)`), did, cid); err != nil {
					return err
				}
			}
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE consultations SET status = 'outcome_published', outcome_summary = ?,
			outcome_published_at = COALESCE(outcome_published_at, ?), updated_at = ? WHERE id = ?`), o.Summary, now, now, c.ID); err != nil {
			return err
		}
		if !first {
			return nil
		}
		if err := s.recordStatus(ctx, tx, c.ID, StatusOutcomePublished); err != nil {
			return err
		}
		var participants []string
		if err := tx.SelectContext(ctx, &participants, s.q(`
			SELECT user_id FROM responses WHERE consultation_id = ? AND user_id IS NOT NULL
			UNION SELECT author_id FROM comments WHERE consultation_id = ? AND author_id IS NOT NULL AND status <> 'deleted'
			UNION SELECT s.user_id FROM supports s JOIN comments c ON c.id = s.comment_id WHERE c.consultation_id = ?`), c.ID, c.ID, c.ID); err != nil {
			return err
		}
		for _, uid := range participants {
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO notifications (id, user_id, consultation_id, kind, created_at) VALUES (?, ?, ?, ?, ?)`),
				database.NewID(), uid, c.ID, NotificationOutcomePublished, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.Consultation(ctx, c.ID)
}

func dedupe(ids []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, id := range ids {
		if id = strings.TrimSpace(id); id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// Decisions returns a consultation's published decisions with the ids of
// the contributions each answers.
func (s *Store) Decisions(ctx context.Context, consultationID string) ([]Decision, error) {
	var out []Decision
	if err := s.db.Reader.SelectContext(ctx, &out, s.q(`SELECT * FROM decisions WHERE consultation_id = ? ORDER BY position`), consultationID); err != nil {
		return nil, err
	}
	for i := range out {
		if err := s.db.Reader.SelectContext(ctx, &out[i].CommentIDs, s.q(`SELECT l.comment_id FROM decision_links l
			JOIN comments c ON c.id = l.comment_id WHERE l.decision_id = ? AND c.status = 'published' ORDER BY l.comment_id`), out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// CommentsByID returns the published comments among ids, by id.
func (s *Store) CommentsByID(ctx context.Context, ids []string) (map[string]Comment, error) {
	out := map[string]Comment{}
	if len(ids) == 0 {
		return out, nil
	}
	marks := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		marks[i], args[i] = "?", id
	}
	var rows []Comment
	if err := s.db.Reader.SelectContext(ctx, &rows, s.q(`SELECT `+commentColumns+commentFrom+` WHERE c.status = 'published' AND c.id IN (`+strings.Join(marks, ", ")+`)`), args...); err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.ID] = r
	}
	return out, nil
}

// Notifications lists a user's notifications, newest first.
func (s *Store) Notifications(ctx context.Context, userID string) ([]Notification, error) {
	var out []Notification
	err := s.db.Reader.SelectContext(ctx, &out, s.q(`SELECT * FROM notifications WHERE user_id = ? ORDER BY id DESC LIMIT 100`), userID)
	return out, err
}

// UnreadNotifications counts a user's unread notifications.
func (s *Store) UnreadNotifications(ctx context.Context, userID string) (int, error) {
	var n int
	err := s.db.Reader.GetContext(ctx, &n, s.q(`SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL`), userID)
	return n, err
}

// MarkNotificationsRead marks all of a user's notifications read.
func (s *Store) MarkNotificationsRead(ctx context.Context, userID string) error {
	return s.write(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL`), s.now(), userID)
		return err
	})
}
