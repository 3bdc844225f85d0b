package moderation

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/consult-platform/consult/database"
	"github.com/jmoiron/sqlx"
)

// Decision actions.
const (
	ActionApprove = "approve"
	ActionHide    = "hide"
	ActionRedact  = "redact"
	ActionRestore = "restore"
)

// Actions lists the decision actions, in the order offered.
var Actions = []string{ActionApprove, ActionHide, ActionRedact, ActionRestore}

// MaxExplanation bounds a statement of reasons.
const MaxExplanation = 2000

// RedactionMark replaces each removed passage of a redacted text.
const RedactionMark = "[…]"

// DecisionInput is a moderator's decision on an item. Remove lists the
// passages a redaction takes out; each must occur in the text.
type DecisionInput struct {
	Action      string   `json:"action"`
	Category    string   `json:"category"`
	Explanation string   `json:"explanation"`
	Remove      []string `json:"remove,omitempty"`

	quiet bool // the caller tells the author itself
}

func (in *DecisionInput) validate() error {
	p := problems{}
	in.Explanation = strings.TrimSpace(in.Explanation)
	if !oneOf(in.Action, Actions) {
		p.add("action", "ErrModActionUnknown")
	}
	needsReasons := in.Action == ActionHide || in.Action == ActionRedact
	switch {
	case needsReasons && in.Category == "":
		p.add("category", "ErrModCategoryRequired")
	case in.Category != "" && !oneOf(in.Category, Categories):
		p.add("category", "ErrModCategoryUnknown")
	}
	switch {
	case !utf8.ValidString(in.Explanation):
		p.add("explanation", "ErrModTextInvalid")
	case in.Explanation == "" && in.Action != ActionApprove:
		p.add("explanation", "ErrModExplanationRequired")
	case utf8.RuneCountInString(in.Explanation) > MaxExplanation:
		p.add("explanation", "ErrModExplanationTooLong")
	}
	if in.Action == ActionRedact {
		var kept []string
		for _, r := range in.Remove {
			if r = strings.TrimSpace(r); r != "" {
				kept = append(kept, r)
			}
		}
		in.Remove = kept
		if len(kept) == 0 {
			p.add("remove", "ErrModRemoveRequired")
		}
	}
	return p.err()
}

// Decision is a decision and its statement of reasons.
type Decision struct {
	ID             string    `json:"id"`
	ItemID         *string   `json:"item_id,omitempty" db:"item_id"`
	SubjectKind    string    `json:"subject_kind" db:"subject_kind"`
	SubjectID      string    `json:"subject_id" db:"subject_id"`
	ConsultationID string    `json:"consultation_id" db:"consultation_id"`
	OrgID          string    `json:"-" db:"org_id"`
	AuthorID       *string   `json:"-" db:"author_id"`
	ModeratorID    string    `json:"-" db:"moderator_id"`
	Action         string    `json:"action"`
	Category       string    `json:"category"`
	Explanation    string    `json:"explanation"`
	BeforeStatus   string    `json:"before_status" db:"before_status"`
	AfterStatus    string    `json:"after_status" db:"after_status"`
	BeforeBody     string    `json:"-" db:"before_body"`
	CreatedAt      time.Time `json:"created_at" db:"created_at"`
}

const decisionColumns = `id, item_id, subject_kind, subject_id, consultation_id, org_id, author_id, moderator_id, action, category, explanation,
	before_status, after_status, before_body, created_at`

// Decide records a moderator's decision on an open item and applies it to
// the subject, in one transaction with the item, the audit entry and the
// author's notification. Of two moderators deciding at once, one wins;
// the other gets a conflict, as does a decision on a decided item or on an
// item another moderator holds a live claim on.
func (s *Service) Decide(ctx context.Context, actor *Actor, itemID string, in DecisionInput) (*Decision, error) {
	if err := requireModerator(actor); err != nil {
		return nil, err
	}
	row, err := s.itemRow(ctx, s.db.Reader, itemID)
	if err != nil {
		return nil, err
	}
	if err := s.inScope(ctx, actor, row.OrgID); err != nil {
		return nil, err
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	var d *Decision
	err = s.db.Write(ctx, func(tx *sqlx.Tx) error {
		d, err = s.decideTx(ctx, tx, actor, itemID, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.announce(d)
	return d, nil
}

// announce tells AfterDecision about a committed decision.
func (s *Service) announce(d *Decision) {
	if s.AfterDecision == nil || d == nil || d.BeforeStatus == d.AfterStatus && d.Action != ActionRedact {
		return
	}
	s.AfterDecision(Decided{ConsultationID: d.ConsultationID, SubjectKind: d.SubjectKind, SubjectID: d.SubjectID,
		Action: d.Action, Status: d.AfterStatus, Category: d.Category})
}

func (s *Service) decideTx(ctx context.Context, tx *sqlx.Tx, actor *Actor, itemID string, in DecisionInput) (*Decision, error) {
	now := s.now()
	res, err := tx.ExecContext(ctx, s.q(`UPDATE mod_items SET status = 'decided', decided_by = ?, decided_at = ?, updated_at = ?
		WHERE id = ? AND status = 'open' AND (claimed_by IS NULL OR claimed_by = ? OR claimed_at < ?)`),
		actor.ID, now, now, itemID, actor.ID, now.Add(-s.Limits.ClaimFor))
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, s.whyNotOpen(ctx, tx, itemID)
	}
	row, err := s.itemRow(ctx, tx, itemID)
	if err != nil {
		return nil, err
	}
	d, err := s.apply(ctx, tx, actor, row.Kind, row.SubjectID, in)
	if err != nil {
		return nil, err
	}
	d.ItemID = &itemID
	return d, s.record(ctx, tx, actor, d, "decision."+in.Action)
}

// apply changes the subject as the decision says, notifies its author,
// and returns the decision (not yet stored).
func (s *Service) apply(ctx context.Context, tx *sqlx.Tx, actor *Actor, kind, id string, in DecisionInput) (*Decision, error) {
	c, err := s.content.ModerationSubject(ctx, tx, kind, id)
	if err != nil {
		return nil, err
	}
	d := &Decision{ID: database.NewID(), SubjectKind: kind, SubjectID: id, ConsultationID: c.ConsultationID, OrgID: c.OrgID,
		ModeratorID: actor.ID, Action: in.Action, Category: in.Category, Explanation: in.Explanation, BeforeStatus: c.Status, CreatedAt: s.now()}
	if c.AuthorID != "" {
		d.AuthorID = &c.AuthorID
	}
	if c.Status == StatusDeleted {
		return nil, errorf(ECONFLICT, "ErrModSubjectDeleted")
	}
	status, category, body, notify := c.Status, c.Category, "", ""
	switch in.Action {
	case ActionApprove:
		if c.Status == StatusHidden {
			return nil, invalidField("action", "ErrModApproveHidden")
		}
		if c.Status == StatusPending {
			notify = NotifyApproved
		}
		status = StatusPublished
	case ActionHide:
		if c.Status == StatusHidden {
			return nil, invalidField("action", "ErrModAlreadyHidden")
		}
		status, category, notify = StatusHidden, in.Category, NotifyHidden
	case ActionRedact:
		if c.Status == StatusHidden {
			return nil, invalidField("action", "ErrModAlreadyHidden")
		}
		body = c.Body
		for _, r := range in.Remove {
			if !strings.Contains(body, r) {
				return nil, invalidField("remove", "ErrModRemoveNotFound")
			}
			body = strings.ReplaceAll(body, r, RedactionMark)
		}
		d.BeforeBody = c.Body
		status, category, notify = StatusPublished, in.Category, NotifyRedacted
	case ActionRestore:
		switch {
		case c.Status == StatusHidden:
		case c.Category != "" && c.Status == StatusPublished:
			// A redacted text gets its original back.
			var original string
			if err := tx.GetContext(ctx, &original, s.q(`SELECT before_body FROM mod_decisions WHERE subject_kind = ? AND subject_id = ? AND action = 'redact'
				ORDER BY id DESC LIMIT 1`), kind, id); err != nil {
				return nil, err
			}
			body = original
		default:
			return nil, invalidField("action", "ErrModNothingToRestore")
		}
		status, category, notify = StatusPublished, "", NotifyRestored
		if in.Category == "" {
			d.Category = c.Category
		}
	}
	if _, err := s.content.SetModerationStatus(ctx, tx, kind, id, status, category, body); err != nil {
		return nil, err
	}
	d.AfterStatus = status
	if notify != "" && c.AuthorID != "" && !in.quiet {
		if err := s.content.NotifyModeration(ctx, tx, c.AuthorID, c.ConsultationID, notify); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// record stores a decision and its audit entry.
func (s *Service) record(ctx context.Context, tx *sqlx.Tx, actor *Actor, d *Decision, auditAction string) error {
	if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO mod_decisions (`+decisionColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		d.ID, d.ItemID, d.SubjectKind, d.SubjectID, d.ConsultationID, d.OrgID, d.AuthorID, d.ModeratorID, d.Action, d.Category, d.Explanation,
		d.BeforeStatus, d.AfterStatus, d.BeforeBody, d.CreatedAt); err != nil {
		return err
	}
	after := map[string]string{"status": d.AfterStatus, "category": d.Category, "explanation": d.Explanation, "decision": d.ID}
	before := map[string]string{"status": d.BeforeStatus}
	if d.BeforeBody != "" {
		before["body"] = d.BeforeBody
	}
	return s.audit(ctx, tx, AuditEntry{ActorID: actor.ID, Action: auditAction, SubjectKind: d.SubjectKind, SubjectID: d.SubjectID,
		OrgID: d.OrgID, ConsultationID: d.ConsultationID, Before: jsonText(before), After: jsonText(after)})
}

func invalidField(field, messageID string) error {
	return &Error{Code: EINVALID, MessageID: "ErrInvalidInput", Fields: map[string]string{field: messageID}}
}

// BulkResult is what happened to one item of a bulk decision: Error is
// nil when it was decided.
type BulkResult struct {
	ItemID   string
	Decision *Decision
	Error    error
}

// DecideMany applies one decision to many items (a selection, or a whole
// campaign group), each on its own: one refused item does not stop the
// others. Redactions are per text and cannot be bulk.
func (s *Service) DecideMany(ctx context.Context, actor *Actor, itemIDs []string, in DecisionInput) ([]BulkResult, error) {
	if err := requireModerator(actor); err != nil {
		return nil, err
	}
	if in.Action == ActionRedact {
		return nil, invalidField("action", "ErrModNoBulkRedact")
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	if len(itemIDs) == 0 {
		return nil, invalidField("items", "ErrModNothingSelected")
	}
	if len(itemIDs) > 1000 {
		itemIDs = itemIDs[:1000]
	}
	results := make([]BulkResult, len(itemIDs))
	for i, id := range itemIDs {
		results[i].ItemID = id
		row, err := s.itemRow(ctx, s.db.Reader, id)
		if err == nil {
			err = s.inScope(ctx, actor, row.OrgID)
		}
		results[i].Error = err
	}
	err := s.db.Write(ctx, func(tx *sqlx.Tx) error {
		for i := range results {
			if results[i].Error != nil {
				continue
			}
			if _, err := tx.ExecContext(ctx, "SAVEPOINT bulk_item"); err != nil {
				return err
			}
			d, err := s.decideTx(ctx, tx, actor, results[i].ItemID, in)
			if err != nil {
				if _, rbErr := tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT bulk_item"); rbErr != nil {
					return rbErr
				}
				results[i].Error = err
			}
			if _, err := tx.ExecContext(ctx, "RELEASE SAVEPOINT bulk_item"); err != nil {
				return err
			}
			results[i].Decision = d
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, r := range results {
		if r.Error == nil {
			s.announce(r.Decision)
		}
	}
	return results, nil
}

// CampaignItems returns the ids of a campaign group's open items the
// actor may moderate, for a bulk decision on the whole group.
func (s *Service) CampaignItems(ctx context.Context, actor *Actor, campaignID string) ([]string, error) {
	s.CaughtUp(ctx)
	items, _, _, err := s.Queue(ctx, actor, QueueFilter{CampaignID: campaignID, Limit: 200})
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	return ids, nil
}

// Decision returns one decision.
func (s *Service) decision(ctx context.Context, r database.TxRunner, id string) (*Decision, error) {
	var d Decision
	err := s.get(ctx, r, &d, "ErrModDecisionNotFound", `SELECT `+decisionColumns+` FROM mod_decisions WHERE id = ?`, id)
	return &d, err
}
