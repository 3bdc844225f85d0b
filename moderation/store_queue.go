package moderation

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/consult-platform/consult/database"
	"github.com/jmoiron/sqlx"
)

// queueKey identifies the subject of a queue item and what the item
// records about it.
type queueKey struct {
	kind, id, consultationID, orgID, authorID, locale string
	campaignID                                        string
}

// enqueue adds flags to the subject's open item, creating it if needed,
// inside tx. It returns the item's id.
func (s *Service) enqueue(ctx context.Context, tx *sqlx.Tx, k queueKey, flags []flag, reports int) (string, error) {
	now := s.now()
	var row struct {
		ID      string `db:"id"`
		Reasons string `db:"reasons"`
		Why     string `db:"why"`
	}
	err := tx.GetContext(ctx, &row, s.q(`SELECT id, reasons, why FROM mod_items WHERE subject_kind = ? AND subject_id = ? AND status = 'open'`), k.kind, k.id)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", err
	}
	var reasons []string
	var why []Why
	json.Unmarshal([]byte(row.Reasons), &reasons)
	json.Unmarshal([]byte(row.Why), &why)
	weight := 0
	for _, f := range flags {
		if !oneOf(f.reason, reasons) {
			reasons = append(reasons, f.reason)
		}
		if len(why) < 20 {
			why = append(why, Why{Reason: f.reason, Detail: f.detail})
		}
		weight += f.weight
	}
	var campaign *string
	if k.campaignID != "" {
		campaign = &k.campaignID
	}
	var author *string
	if k.authorID != "" {
		author = &k.authorID
	}
	if row.ID == "" {
		row.ID = database.NewID()
		_, err = tx.ExecContext(ctx, s.q(`INSERT INTO mod_items (id, subject_kind, subject_id, consultation_id, org_id, author_id, locale, status,
			priority, reasons, why, report_count, campaign_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, ?, ?)`),
			row.ID, k.kind, k.id, k.consultationID, k.orgID, author, k.locale, weight, jsonText(reasons), jsonText(why), reports, campaign, now, now)
		return row.ID, err
	}
	_, err = tx.ExecContext(ctx, s.q(`UPDATE mod_items SET priority = priority + ?, reasons = ?, why = ?, report_count = report_count + ?,
		campaign_id = COALESCE(?, campaign_id), updated_at = ? WHERE id = ?`),
		weight, jsonText(reasons), jsonText(why), reports, campaign, now, row.ID)
	return row.ID, err
}

// QueueFilter narrows the queue. Cursor is the NextCursor of the page
// before.
type QueueFilter struct {
	ConsultationID string
	Reason         string
	Locale         string
	CampaignID     string
	Cursor         string
	Limit          int
}

// Queue lists open items the actor may moderate, highest priority first
// and, at equal priority, oldest first. It returns the next page's cursor,
// or "" on the last page, and the number of items matching the filter.
func (s *Service) Queue(ctx context.Context, actor *Actor, f QueueFilter) ([]Item, string, int, error) {
	s.CaughtUp(ctx)
	if err := requireModerator(actor); err != nil {
		return nil, "", 0, err
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	if f.Reason != "" && !oneOf(f.Reason, QueueReasons) && !oneOf(f.Reason, ReportReasons) {
		return nil, "", 0, &Error{Code: EINVALID, MessageID: "ErrInvalidInput", Fields: map[string]string{"reason": "ErrModReasonUnknown"}}
	}
	where := []string{"i.status = 'open'"}
	var args []any
	if !actor.IsAdmin() {
		orgs, err := s.scopes(ctx, actor.ID)
		if err != nil {
			return nil, "", 0, err
		}
		if len(orgs) > 0 {
			where = append(where, "i.org_id IN ("+marks(len(orgs))+")")
			for _, o := range orgs {
				args = append(args, o)
			}
		}
	}
	if f.ConsultationID != "" {
		where, args = append(where, "i.consultation_id = ?"), append(args, f.ConsultationID)
	}
	if f.Reason != "" {
		// Report reasons live in the why list; queue reasons in reasons.
		where, args = append(where, "(i.reasons LIKE ? OR i.why LIKE ?)"), append(args, `%"`+f.Reason+`"%`, `%"reason":"`+f.Reason+`"%`)
	}
	if f.Locale != "" {
		where, args = append(where, "(i.locale = ? OR i.locale LIKE ?)"), append(args, f.Locale, f.Locale+"-%")
	}
	if f.CampaignID != "" {
		where, args = append(where, "i.campaign_id = ?"), append(args, f.CampaignID)
	}
	var total int
	if err := s.db.Reader.GetContext(ctx, &total, s.q(`SELECT COUNT(*) FROM mod_items i WHERE `+strings.Join(where, " AND ")), args...); err != nil {
		return nil, "", 0, err
	}
	if f.Cursor != "" {
		p, id, ok := strings.Cut(f.Cursor, ".")
		prio, err := strconv.Atoi(p)
		if !ok || err != nil {
			return nil, "", 0, &Error{Code: EINVALID, MessageID: "ErrInvalidInput", Fields: map[string]string{"cursor": "ErrModCursorInvalid"}}
		}
		where = append(where, "(i.priority < ? OR (i.priority = ? AND i.id > ?))")
		args = append(args, prio, prio, id)
	}
	var rows []itemRow
	err := s.db.Reader.SelectContext(ctx, &rows, s.q(`SELECT `+itemColumns+itemFrom+` WHERE `+strings.Join(where, " AND ")+`
		ORDER BY i.priority DESC, i.id LIMIT ?`), append(args, f.Limit+1)...)
	if err != nil {
		return nil, "", 0, err
	}
	next := ""
	if len(rows) > f.Limit {
		rows = rows[:f.Limit]
		last := rows[len(rows)-1]
		next = strconv.Itoa(last.Priority) + "." + last.ID
	}
	items := make([]Item, len(rows))
	ids := make([]string, len(rows))
	for i := range rows {
		items[i] = rows[i].item()
		ids[i] = rows[i].SubjectID
	}
	if err := s.attachSubjects(ctx, items, ids); err != nil {
		return nil, "", 0, err
	}
	return items, next, total, nil
}

// attachSubjects fills in each item's text for moderators.
func (s *Service) attachSubjects(ctx context.Context, items []Item, ids []string) error {
	if len(items) == 0 {
		return nil
	}
	subjects, err := s.content.ModerationSubjects(ctx, KindComment, ids)
	if err != nil {
		return err
	}
	for i := range items {
		if c, ok := subjects[items[i].SubjectID]; ok {
			items[i].Subject = &SubjectView{Status: c.Status, Title: c.Title, Body: c.Body}
		}
	}
	return nil
}

func marks(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// Item returns one item, for a moderator who may act on it.
func (s *Service) Item(ctx context.Context, actor *Actor, id string) (*Item, error) {
	if err := requireModerator(actor); err != nil {
		return nil, err
	}
	row, err := s.itemRow(ctx, s.db.Reader, id)
	if err != nil {
		return nil, err
	}
	if err := s.inScope(ctx, actor, row.OrgID); err != nil {
		return nil, err
	}
	it := row.item()
	items := []Item{it}
	if err := s.attachSubjects(ctx, items, []string{it.SubjectID}); err != nil {
		return nil, err
	}
	return &items[0], nil
}

func (s *Service) itemRow(ctx context.Context, r database.TxRunner, id string) (*itemRow, error) {
	var row itemRow
	err := s.get(ctx, r, &row, "ErrModItemNotFound", `SELECT `+itemColumns+itemFrom+` WHERE i.id = ?`, id)
	return &row, err
}

// inScope refuses a moderator limited to other organisations.
func (s *Service) inScope(ctx context.Context, actor *Actor, org string) error {
	ok, err := s.canModerate(ctx, actor, org)
	if err != nil {
		return err
	}
	if !ok {
		return errorf(EFORBIDDEN, "ErrModOutOfScope")
	}
	return nil
}

// Claim marks an item as being handled by the actor, so that colleagues
// do not duplicate the work. A claim lapses after Limits.ClaimFor.
func (s *Service) Claim(ctx context.Context, actor *Actor, id string) (*Item, error) {
	if err := requireModerator(actor); err != nil {
		return nil, err
	}
	row, err := s.itemRow(ctx, s.db.Reader, id)
	if err != nil {
		return nil, err
	}
	if err := s.inScope(ctx, actor, row.OrgID); err != nil {
		return nil, err
	}
	now := s.now()
	err = s.db.Write(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE mod_items SET claimed_by = ?, claimed_at = ?, updated_at = ?
			WHERE id = ? AND status = 'open' AND (claimed_by IS NULL OR claimed_by = ? OR claimed_at < ?)`),
			actor.ID, now, now, id, actor.ID, now.Add(-s.Limits.ClaimFor))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return s.whyNotOpen(ctx, tx, id)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.Item(ctx, actor, id)
}

// whyNotOpen explains why an item could not be claimed or decided.
func (s *Service) whyNotOpen(ctx context.Context, tx *sqlx.Tx, id string) error {
	var status string
	if err := tx.GetContext(ctx, &status, s.q(`SELECT status FROM mod_items WHERE id = ?`), id); err != nil {
		return err
	}
	if status != "open" {
		return errorf(ECONFLICT, "ErrModAlreadyDecided")
	}
	return errorf(ECONFLICT, "ErrModClaimedByOther")
}

// MaxReportText bounds a report's free text.
const MaxReportText = 1000

// Report records a signed-in user's report of a contribution and puts it
// in the queue (or raises its priority there). One report per person per
// contribution.
func (s *Service) Report(ctx context.Context, actor *Actor, kind, id, reason, text string) error {
	if actor == nil {
		return errorf(EUNAUTHENTICATED, "ErrSignInToReport")
	}
	text = strings.TrimSpace(text)
	p := problems{}
	switch {
	case reason == "":
		p.add("reason", "ErrModReasonRequired")
	case !oneOf(reason, ReportReasons):
		p.add("reason", "ErrModReasonUnknown")
	}
	switch {
	case !utf8.ValidString(text):
		p.add("text", "ErrModTextInvalid")
	case reason == ReasonOther && text == "":
		p.add("text", "ErrModReportTextRequired")
	case utf8.RuneCountInString(text) > MaxReportText:
		p.add("text", "ErrModReportTextTooLong")
	}
	if err := p.err(); err != nil {
		return err
	}
	c, err := s.content.ModerationSubject(ctx, nil, kind, id)
	if err != nil {
		return err
	}
	if c.Status != StatusPublished {
		return errorf(ENOTFOUND, "ErrCommentNotFound")
	}
	return s.db.Write(ctx, func(tx *sqlx.Tx) error {
		detail := reason
		if text != "" {
			detail += ": " + text
		}
		itemID, err := s.enqueue(ctx, tx, queueKey{kind: kind, id: id, consultationID: c.ConsultationID, orgID: c.OrgID, authorID: c.AuthorID, locale: c.Locale},
			[]flag{{reason: ReasonReported, weight: reportWeight(reason) - reasonWeight[ReasonReported]}, {reason: reason, detail: detail, weight: reasonWeight[ReasonReported]}}, 1)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, s.q(`INSERT INTO mod_reports (id, item_id, subject_kind, subject_id, reporter_id, reason, text, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
			database.NewID(), itemID, kind, id, actor.ID, reason, text, s.now())
		if database.IsUniqueViolation(err) {
			return errorf(ECONFLICT, "ErrModAlreadyReported")
		}
		return err
	})
}

// claimLapsed reports whether a claim made at t has lapsed by now.
func (s *Service) claimLapsed(t *time.Time, now time.Time) bool {
	return t == nil || t.Before(now.Add(-s.Limits.ClaimFor))
}

// OpenItemFor returns the id of a subject's open queue item, or "".
func (s *Service) OpenItemFor(ctx context.Context, kind, id string) (string, error) {
	s.CaughtUp(ctx)
	var ids []string
	err := s.db.Reader.SelectContext(ctx, &ids, s.q(`SELECT id FROM mod_items WHERE subject_kind = ? AND subject_id = ? AND status = 'open'`), kind, id)
	if err != nil || len(ids) == 0 {
		return "", err
	}
	return ids[0], nil
}
