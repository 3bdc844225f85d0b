package consultations

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/consult-platform/consult/database"
	"github.com/jmoiron/sqlx"
)

const commentColumns = `c.id, c.consultation_id, c.parent_id, c.author_id, COALESCE(u.display_name, '') AS author_name,
	c.kind, c.stance, c.title, c.body, c.body_html, c.locale, c.status, c.channel, c.support_count, c.reply_count,
	c.created_at, c.updated_at, c.moderation_category`

const commentFrom = ` FROM comments c LEFT JOIN users u ON u.id = c.author_id`

// PostComment stores a comment, a reply or a co-design idea and returns it
// once committed. Its status is pending where the consultation is
// pre-moderated, else published.
func (s *Store) PostComment(ctx context.Context, actor *User, consultationID string, n NewComment, key IdemKey) (*Comment, error) {
	if actor == nil {
		return nil, Errorf(EUNAUTHENTICATED, "ErrSignInToComment")
	}
	c, err := s.consultationGate(ctx, consultationID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if !c.Visible(actor, now) {
		return nil, Errorf(ENOTFOUND, "ErrConsultationNotFound")
	}
	if err := c.checkOpen(now); err != nil {
		return nil, err
	}
	n.Body = s.san.PlainText(n.Body)
	n.Title = s.san.PlainText(n.Title)
	if err := n.validate(c); err != nil {
		return nil, err
	}
	cm := &Comment{
		ID: database.NewID(), ConsultationID: c.ID, AuthorID: &actor.ID, AuthorName: actor.DisplayName,
		Kind: n.Kind, Stance: n.Stance, Title: n.Title, Body: n.Body, BodyHTML: s.san.HTML(n.Body),
		Locale: n.Locale, Status: CommentPublished, Channel: n.Channel, CreatedAt: now, UpdatedAt: now,
	}
	if cm.Locale == "" {
		cm.Locale = actor.Locale
	}
	if cm.Channel == "" {
		cm.Channel = string(ChannelAPI)
	}
	if c.Premoderation && !actor.IsStaffOf(c.OrgID) {
		cm.Status = CommentPending
	}
	threadID := cm.ID
	if n.ParentID != "" {
		parent, err := s.comment(ctx, n.ParentID)
		if err != nil || parent.ConsultationID != c.ID || !parent.VisibleTo(actor) {
			return nil, &Error{Code: EINVALID, Message: Message{ID: "ErrInvalidInput"}, Fields: map[string]Message{"parent_id": {ID: "ErrParentNotFound"}}}
		}
		cm.ParentID = &parent.ID
		threadID = parent.threadID
	}
	screenInTx, err := s.prepareScreen(ctx, actor, c, cm)
	if err != nil {
		return nil, err
	}
	// Once queued the write runs to its end inside a shared batch: a
	// cancellable context would only cost a goroutine per statement.
	ctx = context.WithoutCancel(ctx)
	// The retry key is kept in the comment row: the index by author refuses
	// a second comment under the same key in the consultation.
	var idem *string
	if key.Key != "" {
		idem = &key.Key
	}
	err = s.write(ctx, func(tx *sqlx.Tx) error {
		if err := s.screen(ctx, tx, screenInTx, cm); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO comments (id, consultation_id, parent_id, thread_id, author_id, kind, stance, title, body, body_html, locale, status, channel, created_at, updated_at, idem)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			cm.ID, cm.ConsultationID, cm.ParentID, threadID, cm.AuthorID, cm.Kind, cm.Stance, cm.Title, cm.Body, cm.BodyHTML,
			cm.Locale, cm.Status, cm.Channel, cm.CreatedAt, cm.UpdatedAt, idem); err != nil {
			if database.IsUniqueViolation(err) {
				return ErrIdempotentReplay
			}
			return err
		}
		if cm.Status == CommentPublished {
			if err := s.countComment(ctx, tx, cm, 1); err != nil {
				return err
			}
		}
		s.recordCommentCreated(tx, cm)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return cm, nil
}

// RetriedComment returns the id of the comment the actor already posted in
// the consultation (id or slug) under the retry key, if any.
func (s *Store) RetriedComment(ctx context.Context, actor *User, consultation, key string) (string, bool, error) {
	if actor == nil || key == "" {
		return "", false, nil
	}
	var id string
	err := s.db.Reader.GetContext(ctx, &id, s.q(`SELECT id FROM comments
		WHERE author_id = ? AND consultation_id = (SELECT id FROM consultations WHERE id = ? OR slug = ? LIMIT 1) AND idem = ?`),
		actor.ID, consultation, consultation, key)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return id, err == nil, err
}

// countComment moves the published-comment counters by delta: the
// consultation's count and the parent's reply count move with the rest of
// the write batch (see writeBatch).
func (s *Store) countComment(ctx context.Context, tx *sqlx.Tx, cm *Comment, delta int) error {
	if err := s.tally().CommentCounted(ctx, tx, cm, delta); err != nil {
		return err
	}
	e := batchEntry{consultationID: cm.ConsultationID, comments: delta}
	if cm.ParentID != nil {
		e.parentID = *cm.ParentID
	}
	s.later(tx, e)
	return nil
}

// consultationRow loads a consultation without its parts, for hot paths.
func (s *Store) consultationRow(ctx context.Context, id string) (*Consultation, error) {
	var c Consultation
	err := s.get(ctx, s.db.Reader, &c, "ErrConsultationNotFound", `SELECT `+consultationColumns+` FROM consultations WHERE id = ?`, id)
	return &c, err
}

type commentRow struct {
	Comment
	threadID string
}

func (s *Store) comment(ctx context.Context, id string) (*commentRow, error) {
	var row struct {
		Comment
		ThreadID string `db:"thread_id"`
	}
	if err := s.get(ctx, s.db.Reader, &row, "ErrCommentNotFound", `SELECT `+commentColumns+`, c.thread_id`+commentFrom+` WHERE c.id = ?`, id); err != nil {
		return nil, err
	}
	return &commentRow{Comment: row.Comment, threadID: row.ThreadID}, nil
}

// VisibleTo reports whether u may read c's text: published ones to all,
// pending ones to their author only (moderators see them in their queue).
func (c *Comment) VisibleTo(u *User) bool {
	return c.Status == CommentPublished || c.Status == CommentPending && c.IsBy(u)
}

// Comment returns a comment the viewer may see.
func (s *Store) Comment(ctx context.Context, viewer *User, id string) (*Comment, error) {
	row, err := s.comment(ctx, id)
	if err != nil {
		return nil, err
	}
	if !row.VisibleTo(viewer) && row.Status != CommentHidden && row.Status != CommentDeleted {
		return nil, Errorf(ENOTFOUND, "ErrCommentNotFound")
	}
	row.redact()
	return &row.Comment, nil
}

// redact blanks the text of a removed contribution: no hidden or deleted
// text leaves the store for public display.
func (c *Comment) redact() {
	if c.Status == CommentHidden || c.Status == CommentDeleted {
		c.Title, c.Body, c.BodyHTML = "", "", ""
	}
}

// CommentPage lists published comments of a consultation, oldest first,
// from after the cursor (a comment id). It returns the next cursor, or ""
// on the last page.
func (s *Store) CommentPage(ctx context.Context, consultationID, cursor string, limit int) ([]Comment, string, error) {
	if limit <= 0 {
		limit = 50
	}
	if limit > 500 {
		limit = 500
	}
	var out []Comment
	err := s.db.Reader.SelectContext(ctx, &out, s.q(`SELECT `+commentColumns+commentFrom+`
		WHERE c.consultation_id = ? AND c.status = 'published' AND c.id > ? ORDER BY c.id LIMIT ?`), consultationID, cursor, limit+1)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = out[len(out)-1].ID
	}
	return out, next, nil
}

// Thread is a top-level contribution with its replies, in reading order.
type Thread struct {
	Comment
	Replies []Reply
}

// Reply is a reply placed in a thread, with its depth below the top.
type Reply struct {
	Comment
	Depth int
}

// ThreadPage returns up to limit top-level comments or ideas (oldest
// first, after cursor) with all their replies, as the viewer may see them:
// published ones, the viewer's own pending ones, and a notice in place of
// removed ones that still have replies.
func (s *Store) ThreadPage(ctx context.Context, viewer *User, consultationID, cursor string, limit int) ([]Thread, string, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	viewerID := ""
	if viewer != nil {
		viewerID = viewer.ID
	}
	var tops []Comment
	err := s.db.Reader.SelectContext(ctx, &tops, s.q(`SELECT `+commentColumns+commentFrom+`
		WHERE c.consultation_id = ? AND c.parent_id IS NULL AND c.id > ?
		AND (c.status = 'published' OR (c.status = 'pending' AND c.author_id = ?) OR (c.status IN ('hidden', 'deleted') AND c.reply_count > 0))
		ORDER BY c.id LIMIT ?`), consultationID, cursor, viewerID, limit+1)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(tops) > limit {
		tops = tops[:limit]
		next = tops[len(tops)-1].ID
	}
	if len(tops) == 0 {
		return nil, "", nil
	}
	ids := make([]string, len(tops))
	marks := make([]string, len(tops))
	args := []any{consultationID}
	for i, t := range tops {
		ids[i], marks[i] = t.ID, "?"
		args = append(args, t.ID)
	}
	args = append(args, viewerID)
	var replies []struct {
		Comment
		ThreadID string `db:"thread_id"`
	}
	err = s.db.Reader.SelectContext(ctx, &replies, s.q(`SELECT `+commentColumns+`, c.thread_id`+commentFrom+`
		WHERE c.consultation_id = ? AND c.thread_id IN (`+strings.Join(marks, ", ")+`) AND c.parent_id IS NOT NULL
		AND (c.status IN ('published', 'hidden', 'deleted') OR (c.status = 'pending' AND c.author_id = ?))
		ORDER BY c.id`), args...)
	if err != nil {
		return nil, "", err
	}
	children := map[string][]Comment{}
	for _, r := range replies {
		children[*r.ParentID] = append(children[*r.ParentID], r.Comment)
	}
	threads := make([]Thread, len(tops))
	for i, t := range tops {
		t.redact()
		threads[i] = Thread{Comment: t}
		threads[i].Replies = flatten(children, t.ID, 1, nil)
	}
	return threads, next, nil
}

// flatten walks replies depth first, dropping removed ones that have no
// visible replies beneath them.
func flatten(children map[string][]Comment, parent string, depth int, out []Reply) []Reply {
	for _, c := range children[parent] {
		sub := flatten(children, c.ID, depth+1, nil)
		removed := c.Status == CommentHidden || c.Status == CommentDeleted
		if removed && len(sub) == 0 {
			continue
		}
		c.redact()
		out = append(out, Reply{Comment: c, Depth: depth})
		out = append(out, sub...)
	}
	return out
}

// CommentsByUser lists what a user has written, newest first.
func (s *Store) CommentsByUser(ctx context.Context, userID string) ([]Comment, error) {
	var out []Comment
	err := s.db.Reader.SelectContext(ctx, &out, s.q(`SELECT `+commentColumns+commentFrom+`
		WHERE c.author_id = ? AND c.status <> 'deleted' ORDER BY c.id DESC LIMIT 500`), userID)
	for i := range out {
		if out[i].Status == CommentHidden {
			out[i].redact()
		}
	}
	return out, err
}

// DeleteComment removes a contribution at its author's request. Its text
// is erased; a notice keeps the place of any replies.
func (s *Store) DeleteComment(ctx context.Context, actor *User, id string) error {
	if actor == nil {
		return Errorf(EUNAUTHENTICATED, "ErrSignInRequired")
	}
	row, err := s.comment(ctx, id)
	if err != nil {
		return err
	}
	if !row.IsBy(actor) {
		if row.VisibleTo(actor) {
			return Errorf(EFORBIDDEN, "ErrNotYourComment")
		}
		return Errorf(ENOTFOUND, "ErrCommentNotFound")
	}
	if row.Status == CommentDeleted {
		return nil
	}
	return s.write(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE comments SET status = 'deleted', title = '', body = '', body_html = '', updated_at = ? WHERE id = ?`),
			s.now(), id); err != nil {
			return err
		}
		if row.Status == CommentPublished {
			if err := s.countComment(ctx, tx, &row.Comment, -1); err != nil {
				return err
			}
		}
		return s.RecordCommentHidden(ctx, tx, id)
	})
}

// Support records (on) or withdraws (off) the actor's support for a
// co-design idea, once per account, and returns the idea's new count.
func (s *Store) Support(ctx context.Context, actor *User, ideaID string, on bool) (int, error) {
	if actor == nil {
		return 0, Errorf(EUNAUTHENTICATED, "ErrSignInToSupport")
	}
	idea, err := s.comment(ctx, ideaID)
	if err != nil {
		return 0, err
	}
	if idea.Kind != KindIdea || idea.Status != CommentPublished {
		return 0, Errorf(ENOTFOUND, "ErrIdeaNotFound")
	}
	c, err := s.consultationRow(ctx, idea.ConsultationID)
	if err != nil {
		return 0, err
	}
	if err := c.checkOpen(s.now()); err != nil {
		return 0, err
	}
	var count int
	err = s.write(ctx, func(tx *sqlx.Tx) error {
		var res interface{ RowsAffected() (int64, error) }
		var err error
		delta := 1
		if err := s.tally().SupportChanging(ctx, tx, ideaID, actor.ID, on, s.now()); err != nil {
			return err
		}
		if on {
			res, err = tx.ExecContext(ctx, s.q(`INSERT INTO supports (comment_id, user_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`), ideaID, actor.ID, s.now())
		} else {
			delta = -1
			res, err = tx.ExecContext(ctx, s.q(`DELETE FROM supports WHERE comment_id = ? AND user_id = ?`), ideaID, actor.ID)
		}
		if err != nil {
			return err
		}
		changed, _ := res.RowsAffected()
		if changed == 1 {
			if _, err := tx.ExecContext(ctx, s.q(`UPDATE comments SET support_count = support_count + ? WHERE id = ?`), delta, ideaID); err != nil {
				return err
			}
		}
		if err := tx.GetContext(ctx, &count, s.q(`SELECT support_count FROM comments WHERE id = ?`), ideaID); err != nil {
			return err
		}
		if changed != 1 {
			return nil
		}
		return s.RecordEvent(ctx, tx, idea.ConsultationID, EventSupportChanged, map[string]any{"id": ideaID, "support_count": count}, "")
	})
	return count, err
}

// SupportedBy returns which of ideaIDs the user supports.
func (s *Store) SupportedBy(ctx context.Context, userID string, consultationID string) (map[string]bool, error) {
	var ids []string
	err := s.db.Reader.SelectContext(ctx, &ids, s.q(`SELECT s.comment_id FROM supports s JOIN comments c ON c.id = s.comment_id
		WHERE s.user_id = ? AND c.consultation_id = ?`), userID, consultationID)
	out := make(map[string]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, err
}

// HasPending reports whether the viewer has contributions awaiting
// moderation in the consultation: only then does their view of its
// discussion differ from everyone else's.
func (s *Store) HasPending(ctx context.Context, viewer *User, consultationID string) (bool, error) {
	if viewer == nil {
		return false, nil
	}
	var n int
	err := s.db.Reader.GetContext(ctx, &n, s.q(`SELECT COUNT(*) FROM (SELECT 1 FROM comments WHERE author_id = ? AND consultation_id = ? AND status = 'pending' LIMIT 1) p`), viewer.ID, consultationID)
	return n > 0, err
}
