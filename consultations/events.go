package consultations

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"
)

// Event types, as API.md ("Live events") names them.
const (
	EventCommentCreated  = "comment.created"
	EventCommentHidden   = "comment.hidden"
	EventCommentRestored = "comment.restored"
	EventResponseCounted = "response.counted"
	EventStatusChanged   = "consultation.status_changed"
	EventSupportChanged  = "support.changed"
	EventUpdated         = "consultation.updated" // staff edited a scheduled consultation's texts
)

// Event is something that happened to a consultation, for its live
// watchers. Seq numbers a consultation's events from 1 without gaps.
type Event struct {
	ConsultationID string          `db:"consultation_id"`
	Seq            int64           `db:"seq"`
	Type           string          `db:"type"`
	Data           json.RawMessage `db:"-"`
	// Audience is "" when everyone may see the event, else the one user
	// who may (moderators see every event).
	Audience  string    `db:"audience"`
	CreatedAt time.Time `db:"created_at"`
}

// Publisher passes committed events on to watchers (the live hub).
// Publish must not block for long: it runs on the database's writer.
type Publisher interface {
	Publish(Event)
}

// How much history a reconnecting watcher can catch up on; beyond it the
// watcher is told to reload.
const (
	eventsKept     = 10000 // per consultation
	eventsMaxAge   = 7 * 24 * time.Hour
	eventsReplayed = 1000            // at most this many in one catch-up
	eventsPruneMod = eventsKept / 10 // prune every this many events
)

// SetPublisher makes the store hand every committed event to p. Call it
// before serving.
func (s *Store) SetPublisher(p Publisher) { s.pub = p }

// LiveComment is a comment as live watchers receive it: what the public
// thread shows, with no author id and no stored HTML.
type LiveComment struct {
	ID           string        `json:"id"`
	ParentID     *string       `json:"parent_id,omitempty"`
	AuthorName   string        `json:"author_name"`
	Kind         CommentKind   `json:"kind"`
	Stance       Stance        `json:"stance,omitempty"`
	Title        string        `json:"title,omitempty"`
	Body         string        `json:"body"`
	Locale       string        `json:"locale"`
	Status       CommentStatus `json:"status"`
	SupportCount int           `json:"support_count"`
	ReplyCount   int           `json:"reply_count"`
	CreatedAt    time.Time     `json:"created_at"`
	// CommentCount is the consultation's count of published comments
	// once this change is made.
	CommentCount int `json:"comment_count"`
}

func liveComment(c *Comment) LiveComment {
	return LiveComment{
		ID: c.ID, ParentID: c.ParentID, AuthorName: c.AuthorName, Kind: c.Kind, Stance: c.Stance,
		Title: c.Title, Body: c.Body, Locale: c.Locale, Status: c.Status, SupportCount: c.SupportCount, ReplyCount: c.ReplyCount,
		CreatedAt: c.CreatedAt,
	}
}

// RecordEvent stores an event of the consultation inside tx, the
// transaction of the change it reports, so that the event exists exactly
// when the change does. Once tx commits, the event goes to the publisher.
// data is encoded as JSON; audience is "" for everyone or the one user
// (besides moderators) who may see it. The event is numbered and inserted
// with the others of its batch just before the commit (see writeBatch).
func (s *Store) RecordEvent(ctx context.Context, tx *sqlx.Tx, consultationID, typ string, data any, audience string) error {
	body, err := json.Marshal(data)
	if err != nil {
		return err
	}
	e := Event{ConsultationID: consultationID, Type: typ, Data: body, Audience: audience, CreatedAt: s.now()}
	s.later(tx, batchEntry{event: &e})
	if typ == EventStatusChanged || typ == EventUpdated {
		s.forgetGate(tx, consultationID)
	}
	return nil
}

// recordCounted is RecordEvent for an event that carries the
// consultation's count of published comments as of its change: data(n)
// makes the event's data for count n, once the batch's counts are known.
func (s *Store) recordCounted(tx *sqlx.Tx, consultationID, typ string, data func(count int) any, audience string) {
	e := Event{ConsultationID: consultationID, Type: typ, Audience: audience, CreatedAt: s.now()}
	s.later(tx, batchEntry{event: &e, counted: data})
}

// EventsSince returns the consultation's events after seq, oldest first,
// and whether they are all there is: false when some were pruned, when
// there are too many to catch up on, or when since is ahead of the
// consultation (a database restored from a backup), so the watcher must
// reload instead.
func (s *Store) EventsSince(ctx context.Context, consultationID string, since int64) ([]Event, bool, error) {
	last, err := s.LastSeq(ctx, consultationID)
	if err != nil {
		return nil, false, err
	}
	switch {
	case since == last:
		return nil, true, nil
	case since > last || last-since > eventsReplayed:
		return nil, false, nil
	}
	var rows []struct {
		Event
		Data string `db:"data"`
	}
	err = s.db.Reader.SelectContext(ctx, &rows, s.q(`SELECT consultation_id, seq, type, data, audience, created_at FROM events
		WHERE consultation_id = ? AND seq > ? ORDER BY seq LIMIT ?`), consultationID, since, eventsReplayed)
	if err != nil {
		return nil, false, err
	}
	out := make([]Event, len(rows))
	for i, r := range rows {
		out[i] = r.Event
		out[i].Data = json.RawMessage(r.Data)
	}
	complete := len(out) > 0 && out[0].Seq == since+1
	return out, complete, nil
}

// LastSeq returns the number of the consultation's latest event, 0 when it
// has none. A page rendered after reading it is up to date as of that
// event, so its live updates start there.
func (s *Store) LastSeq(ctx context.Context, consultationID string) (int64, error) {
	var last int64
	err := s.db.Reader.GetContext(ctx, &last, s.q(`SELECT last_seq FROM event_seqs WHERE consultation_id = ?`), consultationID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return last, err
}

// LiveState is a consultation's counts and status as of its event Seq,
// read in one snapshot: a page that shows them and then follows the live
// events after Seq misses nothing.
type LiveState struct {
	Seq           int64     `db:"seq"`
	Status        Status    `db:"status"`
	OpensAt       time.Time `db:"opens_at"`
	ClosesAt      time.Time `db:"closes_at"`
	ResponseCount int       `db:"response_count"`
	CommentCount  int       `db:"comment_count"`
}

// LiveState reads the consultation's state and latest event number
// together.
func (s *Store) LiveState(ctx context.Context, consultationID string) (LiveState, error) {
	var st LiveState
	err := s.get(ctx, s.db.Reader, &st, "ErrConsultationNotFound", `SELECT
		COALESCE((SELECT last_seq FROM event_seqs e WHERE e.consultation_id = c.id), 0) AS seq,
		status, opens_at, closes_at, response_count, comment_count FROM consultations c WHERE c.id = ?`, consultationID)
	return st, err
}

// Apply brings c's counts and status up to st.
func (st LiveState) Apply(c *Consultation) {
	c.Status, c.OpensAt, c.ClosesAt = st.Status, st.OpensAt, st.ClosesAt
	c.ResponseCount, c.CommentCount = st.ResponseCount, st.CommentCount
}

// PruneEvents forgets events older than a week; watchers who were away
// longer reload the page instead of catching up.
func (s *Store) PruneEvents(ctx context.Context) error {
	return s.write(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`DELETE FROM events WHERE created_at < ?`), s.now().Add(-eventsMaxAge))
		return err
	})
}

// recordCommentCreated reports a new comment: to everyone once published,
// else to its author (and moderators) only.
func (s *Store) recordCommentCreated(tx *sqlx.Tx, cm *Comment) {
	audience := ""
	if cm.Status != CommentPublished && cm.AuthorID != nil {
		audience = *cm.AuthorID
	}
	lc := liveComment(cm)
	s.recordCounted(tx, cm.ConsultationID, EventCommentCreated, func(n int) any { lc.CommentCount = n; return lc }, audience)
}

// commentInTx reads a comment as the transaction sees it.
func (s *Store) commentInTx(ctx context.Context, tx *sqlx.Tx, id string) (*Comment, error) {
	var c Comment
	err := s.get(ctx, tx, &c, "ErrCommentNotFound", `SELECT `+commentColumns+commentFrom+` WHERE c.id = ?`, id)
	return &c, err
}

// RecordCommentHidden reports, inside tx, that a comment was taken down
// (hidden by a moderator, or deleted by its author): watchers put the
// removal notice in its place. Call it after changing the comment's status
// in the same transaction (and after moving the consultation's
// comment_count, which the event carries). Only the id, the new status and
// the count travel, never text.
func (s *Store) RecordCommentHidden(ctx context.Context, tx *sqlx.Tx, commentID string) error {
	c, err := s.commentInTx(ctx, tx, commentID)
	if err != nil {
		return err
	}
	s.recordCounted(tx, c.ConsultationID, EventCommentHidden, func(n int) any {
		return map[string]any{"id": c.ID, "parent_id": c.ParentID, "status": c.Status, "comment_count": n}
	}, "")
	return nil
}

// RecordCommentRestored reports, inside tx, that a comment is public
// again (restored after review, or approved from pre-moderation): watchers
// show it in place of the notice, or add it. Call it after changing the
// comment's status (and the consultation's comment_count) in the same
// transaction.
func (s *Store) RecordCommentRestored(ctx context.Context, tx *sqlx.Tx, commentID string) error {
	c, err := s.commentInTx(ctx, tx, commentID)
	if err != nil {
		return err
	}
	if c.Status != CommentPublished {
		return nil
	}
	lc := liveComment(c)
	s.recordCounted(tx, c.ConsultationID, EventCommentRestored, func(n int) any { lc.CommentCount = n; return lc }, "")
	return nil
}

// recordResponseCount reports the consultation's response count as the
// transaction leaves it.
func (s *Store) recordResponseCount(ctx context.Context, tx *sqlx.Tx, consultationID string) error {
	var n int
	if err := tx.GetContext(ctx, &n, s.q(`SELECT response_count FROM consultations WHERE id = ?`), consultationID); err != nil {
		return err
	}
	return s.RecordEvent(ctx, tx, consultationID, EventResponseCounted, map[string]int{"response_count": n}, "")
}

// recordStatus reports a consultation's new status.
func (s *Store) recordStatus(ctx context.Context, tx *sqlx.Tx, consultationID string, st Status) error {
	return s.RecordEvent(ctx, tx, consultationID, EventStatusChanged, map[string]Status{"status": st}, "")
}
