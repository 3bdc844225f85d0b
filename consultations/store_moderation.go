package consultations

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/consult-platform/consult/database"
	"github.com/jmoiron/sqlx"
)

// Submission is a new contribution as screening sees it, in the
// transaction that stores it. It has plain fields so that the moderation
// package (which does not import this one) can implement the hook.
type Submission struct {
	Kind           string
	ID             string
	ConsultationID string
	OrgID          string
	AuthorID       string
	AccountAge     time.Duration
	Title          string
	Body           string
	Locale         string
	Status         string
	CreatedAt      time.Time
}

// Verdict is what screening decided: the status and texts to store.
type Verdict struct {
	Status string
	Body   string
	Title  string
}

// Screener screens a new contribution in two steps. It examines the text
// before the write (the costly part, kept off the single writer) and
// returns the step to run inside the contribution's transaction; an error
// from either refuses it, and nothing is stored.
type Screener func(ctx context.Context, s Submission) (ScreenInTx, error)

// ScreenInTx finishes screening inside the transaction that stores the
// contribution.
type ScreenInTx func(ctx context.Context, tx *sqlx.Tx) (Verdict, error)

// SetScreener installs the screening hook PostComment calls. Call it once,
// at start-up, before serving.
func (s *Store) SetScreener(fn Screener) { s.screener = fn }

// Database returns the store's database, for the moderation service that
// shares its transactions.
func (s *Store) Database() *database.DB { return s.db }

// prepareScreen runs the first step of screening on cm, before its
// transaction; it returns nil when no screener is installed.
func (s *Store) prepareScreen(ctx context.Context, actor *User, c *Consultation, cm *Comment) (ScreenInTx, error) {
	if s.screener == nil {
		return nil, nil
	}
	return s.screener(ctx, Submission{
		Kind: "comment", ID: cm.ID, ConsultationID: c.ID, OrgID: c.OrgID, AuthorID: actor.ID, AccountAge: cm.CreatedAt.Sub(actor.CreatedAt),
		Title: cm.Title, Body: cm.Body, Locale: cm.Locale, Status: string(cm.Status), CreatedAt: cm.CreatedAt,
	})
}

// screen finishes screening inside tx and applies the verdict to cm.
func (s *Store) screen(ctx context.Context, tx *sqlx.Tx, inTx ScreenInTx, cm *Comment) error {
	if inTx == nil {
		return nil
	}
	v, err := inTx(ctx, tx)
	if err != nil {
		return err
	}
	if v.Body != cm.Body {
		cm.Body, cm.BodyHTML = v.Body, s.san.HTML(v.Body)
	}
	cm.Title, cm.Status = v.Title, CommentStatus(v.Status)
	return nil
}

// ModerationSubject is a contribution as moderation sees it.
type ModerationSubject struct {
	Kind           string
	ID             string
	ConsultationID string
	OrgID          string
	AuthorID       string
	Status         string
	Title          string
	Body           string
	Locale         string
	Category       string
	CreatedAt      time.Time
}

type subjectRow struct {
	ID             string    `db:"id"`
	ConsultationID string    `db:"consultation_id"`
	OrgID          string    `db:"org_id"`
	AuthorID       *string   `db:"author_id"`
	Status         string    `db:"status"`
	Title          string    `db:"title"`
	Body           string    `db:"body"`
	Locale         string    `db:"locale"`
	Category       string    `db:"moderation_category"`
	CreatedAt      time.Time `db:"created_at"`
}

func (r subjectRow) subject() ModerationSubject {
	m := ModerationSubject{Kind: "comment", ID: r.ID, ConsultationID: r.ConsultationID, OrgID: r.OrgID, Status: r.Status,
		Title: r.Title, Body: r.Body, Locale: r.Locale, Category: r.Category, CreatedAt: r.CreatedAt}
	if r.AuthorID != nil {
		m.AuthorID = *r.AuthorID
	}
	return m
}

const subjectQuery = `SELECT c.id, c.consultation_id, k.org_id, c.author_id, c.status, c.title, c.body, c.locale, c.moderation_category, c.created_at
	FROM comments c JOIN consultations k ON k.id = c.consultation_id`

// ModerationSubject reads a contribution for moderation, inside tx when
// given. Only "comment" (comments, replies and ideas) is known.
func (s *Store) ModerationSubject(ctx context.Context, tx *sqlx.Tx, kind, id string) (ModerationSubject, error) {
	if kind != "comment" {
		return ModerationSubject{}, Errorf(ENOTFOUND, "ErrCommentNotFound")
	}
	var r database.TxRunner = s.db.Reader
	if tx != nil {
		r = tx
	}
	var row subjectRow
	if err := s.get(ctx, r, &row, "ErrCommentNotFound", subjectQuery+` WHERE c.id = ?`, id); err != nil {
		return ModerationSubject{}, err
	}
	return row.subject(), nil
}

// ModerationSubjects reads many contributions for the review queue.
func (s *Store) ModerationSubjects(ctx context.Context, kind string, ids []string) (map[string]ModerationSubject, error) {
	out := make(map[string]ModerationSubject, len(ids))
	if kind != "comment" || len(ids) == 0 {
		return out, nil
	}
	query, args, err := sqlx.In(subjectQuery+` WHERE c.id IN (?)`, ids)
	if err != nil {
		return nil, err
	}
	var rows []subjectRow
	if err := s.db.Reader.SelectContext(ctx, &rows, s.q(query), args...); err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.ID] = r.subject()
	}
	return out, nil
}

// SetModerationStatus changes a contribution's status and public
// moderation category inside tx, replacing its text when body is not
// empty, and keeps the published-comment counters right. It returns the
// contribution as it was.
func (s *Store) SetModerationStatus(ctx context.Context, tx *sqlx.Tx, kind, id, status, category, body string) (ModerationSubject, error) {
	before, err := s.ModerationSubject(ctx, tx, kind, id)
	if err != nil {
		return before, err
	}
	if body != "" {
		_, err = tx.ExecContext(ctx, s.q(`UPDATE comments SET status = ?, moderation_category = ?, body = ?, body_html = ?, updated_at = ? WHERE id = ?`),
			status, category, body, s.san.HTML(body), s.now(), id)
	} else {
		_, err = tx.ExecContext(ctx, s.q(`UPDATE comments SET status = ?, moderation_category = ?, updated_at = ? WHERE id = ?`),
			status, category, s.now(), id)
	}
	if err != nil {
		return before, err
	}
	was, is := before.Status == string(CommentPublished), status == string(CommentPublished)
	if was != is {
		var parent *string
		if err := tx.GetContext(ctx, &parent, s.q(`SELECT parent_id FROM comments WHERE id = ?`), id); err != nil {
			return before, err
		}
		delta := 1
		if was {
			delta = -1
		}
		if err := s.countComment(ctx, tx, &Comment{ConsultationID: before.ConsultationID, ParentID: parent}, delta); err != nil {
			return before, err
		}
	}
	// Live watchers learn of the change once it commits: a removal notice,
	// or the comment as it now reads (approved, restored or redacted).
	switch {
	case status == string(CommentHidden) && before.Status != status:
		return before, s.RecordCommentHidden(ctx, tx, id)
	case is && (!was || body != ""):
		return before, s.RecordCommentRestored(ctx, tx, id)
	}
	return before, nil
}

// NotifyModeration adds a notification about a moderation decision.
func (s *Store) NotifyModeration(ctx context.Context, tx *sqlx.Tx, userID, consultationID, kind string) error {
	_, err := tx.ExecContext(ctx, s.q(`INSERT INTO notifications (id, user_id, consultation_id, kind, created_at) VALUES (?, ?, ?, ?, ?)`),
		database.NewID(), userID, consultationID, kind, s.now())
	return err
}

// ConsultationOrg returns the organisation running a consultation.
func (s *Store) ConsultationOrg(ctx context.Context, consultationID string) (string, error) {
	var org string
	err := s.db.Reader.GetContext(ctx, &org, s.q(`SELECT org_id FROM consultations WHERE id = ?`), consultationID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", Errorf(ENOTFOUND, "ErrConsultationNotFound")
	}
	return org, err
}
