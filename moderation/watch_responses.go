package moderation

import (
	"context"
	"strconv"

	"github.com/consult-platform/consult/database"
	"github.com/jmoiron/sqlx"
)

// WatchResponse signs the free text of a new response before its
// transaction and returns the step that stores the signature inside it.
// Responses join near-duplicate campaigns like comments, so that the
// figures count campaign submissions, but they are never refused, held or
// queued: answers are not published. Texts too short to compare are left
// alone.
func (s *Service) WatchResponse(ctx context.Context, sub Submission) (func(ctx context.Context, tx *sqlx.Tx) error, error) {
	toks := Tokens(sub.Body)
	if len(toks) < MinCampaignTokens {
		return nil, nil
	}
	sig := Sign(Shingles(toks))
	hash := strconv.FormatUint(exactHash(sub.Body), 16)
	now := sub.CreatedAt
	if now.IsZero() {
		now = s.now()
	}
	return func(ctx context.Context, tx *sqlx.Tx) error {
		var author *string
		if sub.AuthorID != "" {
			author = &sub.AuthorID
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO mod_signatures (subject_id, kind, consultation_id, author_id, locale, body_hash, links, signature, placed, created_at)
			VALUES (?, 'response', ?, ?, ?, ?, 0, ?, 0, ?)`), sub.ID, sub.ConsultationID, author, sub.Locale, hash, sig.Bytes(), now); err != nil {
			return err
		}
		pl := placement{kind: "response", id: sub.ID, consultationID: sub.ConsultationID, orgID: sub.OrgID, authorID: sub.AuthorID, locale: sub.Locale, sig: sig}
		database.AfterCommit(tx, func() { s.placer.hand(pl) })
		return nil
	}, nil
}
