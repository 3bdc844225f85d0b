package moderation

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/consult-platform/consult/database"
	"github.com/jmoiron/sqlx"
)

// Appeal outcomes.
const (
	AppealOpen     = "open"
	AppealUpheld   = "upheld"   // the decision is reversed
	AppealRejected = "rejected" // the decision stands
)

// MaxAppealText bounds an appeal.
const MaxAppealText = 2000

// Appeal is an author's written appeal against a decision on their
// contribution, and its outcome.
type Appeal struct {
	ID         string     `json:"id"`
	DecisionID string     `json:"decision_id" db:"decision_id"`
	AuthorID   string     `json:"-" db:"author_id"`
	Text       string     `json:"text"`
	Status     string     `json:"status"`
	DecidedBy  *string    `json:"-" db:"decided_by"`
	Response   string     `json:"response"`
	DecidedAt  *time.Time `json:"decided_at,omitempty" db:"decided_at"`
	CreatedAt  time.Time  `json:"created_at" db:"created_at"`
}

const appealColumns = `id, decision_id, author_id, text, status, decided_by, response, decided_at, created_at`

// AppealDecision is a decision on one's own contribution, with the appeal
// made against it if any: what a citizen sees.
type AppealDecision struct {
	Decision
	Appeal *Appeal `json:"appeal,omitempty"`
}

// CanAppeal reports whether the author may still appeal: once, against a
// hide or a redaction.
func (d *AppealDecision) CanAppeal() bool {
	return d.Appeal == nil && (d.Action == ActionHide || d.Action == ActionRedact)
}

// MyDecisions lists the decisions on the actor's contributions, newest
// first, with their appeals.
func (s *Service) MyDecisions(ctx context.Context, actor *Actor) ([]AppealDecision, error) {
	if actor == nil {
		return nil, errorf(EUNAUTHENTICATED, "ErrSignInRequired")
	}
	var ds []Decision
	if err := s.db.Reader.SelectContext(ctx, &ds, s.q(`SELECT `+decisionColumns+` FROM mod_decisions WHERE author_id = ? AND action IN ('hide', 'redact', 'restore')
		ORDER BY id DESC LIMIT 200`), actor.ID); err != nil {
		return nil, err
	}
	var appeals []Appeal
	if err := s.db.Reader.SelectContext(ctx, &appeals, s.q(`SELECT `+appealColumns+` FROM mod_appeals WHERE author_id = ?`), actor.ID); err != nil {
		return nil, err
	}
	byDecision := map[string]*Appeal{}
	for i := range appeals {
		byDecision[appeals[i].DecisionID] = &appeals[i]
	}
	out := make([]AppealDecision, len(ds))
	for i, d := range ds {
		out[i] = AppealDecision{Decision: d, Appeal: byDecision[d.ID]}
	}
	return out, nil
}

// MyDecision returns one decision on the actor's contribution.
func (s *Service) MyDecision(ctx context.Context, actor *Actor, decisionID string) (*AppealDecision, error) {
	if actor == nil {
		return nil, errorf(EUNAUTHENTICATED, "ErrSignInRequired")
	}
	d, err := s.decision(ctx, s.db.Reader, decisionID)
	if err != nil {
		return nil, err
	}
	if d.AuthorID == nil || *d.AuthorID != actor.ID {
		return nil, errorf(ENOTFOUND, "ErrModDecisionNotFound")
	}
	out := &AppealDecision{Decision: *d}
	var a Appeal
	if err := s.get(ctx, s.db.Reader, &a, "ErrModAppealNotFound", `SELECT `+appealColumns+` FROM mod_appeals WHERE decision_id = ?`, d.ID); err == nil {
		out.Appeal = &a
	} else if code(err) != ENOTFOUND {
		return nil, err
	}
	return out, nil
}

func code(err error) string {
	if e, ok := err.(*Error); ok {
		return e.Code
	}
	return ""
}

// FileAppeal records the author's appeal against a hide or redaction. An
// author appeals once per decision, in writing.
func (s *Service) FileAppeal(ctx context.Context, actor *Actor, decisionID, text string) (*Appeal, error) {
	d, err := s.MyDecision(ctx, actor, decisionID)
	if err != nil {
		return nil, err
	}
	text = strings.TrimSpace(text)
	switch {
	case !utf8.ValidString(text):
		return nil, invalidField("text", "ErrModTextInvalid")
	case text == "":
		return nil, invalidField("text", "ErrModAppealTextRequired")
	case utf8.RuneCountInString(text) > MaxAppealText:
		return nil, invalidField("text", "ErrModAppealTextTooLong")
	}
	if d.Appeal != nil {
		return nil, errorf(ECONFLICT, "ErrModAlreadyAppealed")
	}
	if !d.CanAppeal() {
		return nil, errorf(ECONFLICT, "ErrModNotAppealable")
	}
	a := &Appeal{ID: database.NewID(), DecisionID: d.ID, AuthorID: actor.ID, Text: text, Status: AppealOpen, CreatedAt: s.now()}
	err = s.db.Write(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO mod_appeals (id, decision_id, author_id, text, status, created_at) VALUES (?, ?, ?, ?, 'open', ?)`),
			a.ID, a.DecisionID, a.AuthorID, a.Text, a.CreatedAt)
		if database.IsUniqueViolation(err) {
			return errorf(ECONFLICT, "ErrModAlreadyAppealed")
		}
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, AuditEntry{ActorID: actor.ID, Action: "appeal.filed", SubjectKind: "decision", SubjectID: d.ID,
			OrgID: d.OrgID, ConsultationID: d.ConsultationID, After: jsonText(map[string]string{"appeal": a.ID, "text": text})})
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// OpenAppeal is an appeal waiting for a moderator, with the decision it
// is about and the contribution's text as the moderator sees it.
type OpenAppeal struct {
	Appeal   Appeal       `json:"appeal"`
	Decision Decision     `json:"decision"`
	Subject  *SubjectView `json:"subject,omitempty"`
	Own      bool         `json:"own"` // the actor made the decision: someone else must decide
}

// OpenAppeals lists appeals waiting for a decision, oldest first, that the
// actor may see.
func (s *Service) OpenAppeals(ctx context.Context, actor *Actor) ([]OpenAppeal, error) {
	if err := requireModerator(actor); err != nil {
		return nil, err
	}
	var appeals []Appeal
	if err := s.db.Reader.SelectContext(ctx, &appeals, s.q(`SELECT `+appealColumns+` FROM mod_appeals WHERE status = 'open' ORDER BY id LIMIT 200`)); err != nil {
		return nil, err
	}
	var out []OpenAppeal
	for _, a := range appeals {
		d, err := s.decision(ctx, s.db.Reader, a.DecisionID)
		if err != nil {
			return nil, err
		}
		if ok, err := s.canModerate(ctx, actor, d.OrgID); err != nil || !ok {
			if err != nil {
				return nil, err
			}
			continue
		}
		oa := OpenAppeal{Appeal: a, Decision: *d, Own: d.ModeratorID == actor.ID}
		if c, err := s.content.ModerationSubject(ctx, nil, d.SubjectKind, d.SubjectID); err == nil {
			body := c.Body
			if d.BeforeBody != "" {
				body = d.BeforeBody
			}
			oa.Subject = &SubjectView{Status: c.Status, Title: c.Title, Body: body}
		}
		out = append(out, oa)
	}
	return out, nil
}

// AppealDecisionInput is a moderator's decision on an appeal.
type AppealDecisionInput struct {
	Outcome  string `json:"outcome"`
	Response string `json:"response"`
}

// DecideAppeal settles an appeal. Nobody decides an appeal against their
// own decision. Upholding it restores the contribution, in the same
// transaction, and the author is told either way.
func (s *Service) DecideAppeal(ctx context.Context, actor *Actor, appealID string, in AppealDecisionInput) (*Appeal, error) {
	if err := requireModerator(actor); err != nil {
		return nil, err
	}
	var a Appeal
	if err := s.get(ctx, s.db.Reader, &a, "ErrModAppealNotFound", `SELECT `+appealColumns+` FROM mod_appeals WHERE id = ?`, appealID); err != nil {
		return nil, err
	}
	d, err := s.decision(ctx, s.db.Reader, a.DecisionID)
	if err != nil {
		return nil, err
	}
	if err := s.inScope(ctx, actor, d.OrgID); err != nil {
		return nil, err
	}
	if d.ModeratorID == actor.ID {
		return nil, errorf(EFORBIDDEN, "ErrModOwnDecision")
	}
	in.Response = strings.TrimSpace(in.Response)
	p := problems{}
	if in.Outcome != AppealUpheld && in.Outcome != AppealRejected {
		p.add("outcome", "ErrModOutcomeUnknown")
	}
	switch {
	case in.Response == "":
		p.add("response", "ErrModExplanationRequired")
	case !utf8.ValidString(in.Response) || utf8.RuneCountInString(in.Response) > MaxExplanation:
		p.add("response", "ErrModExplanationTooLong")
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	now := s.now()
	var restored *Decision
	err = s.db.Write(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE mod_appeals SET status = ?, decided_by = ?, response = ?, decided_at = ? WHERE id = ? AND status = 'open'`),
			in.Outcome, actor.ID, in.Response, now, appealID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errorf(ECONFLICT, "ErrModAppealDecided")
		}
		notify := NotifyAppealRejected
		if in.Outcome == AppealUpheld {
			notify = NotifyAppealUpheld
			restored, err = s.apply(ctx, tx, actor, d.SubjectKind, d.SubjectID, DecisionInput{Action: ActionRestore, Category: d.Category, Explanation: in.Response, quiet: true})
			if err != nil {
				return err
			}
			if err := s.record(ctx, tx, actor, restored, "decision.restore"); err != nil {
				return err
			}
		}
		if d.AuthorID != nil {
			if err := s.content.NotifyModeration(ctx, tx, *d.AuthorID, d.ConsultationID, notify); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, AuditEntry{ActorID: actor.ID, Action: "appeal." + in.Outcome, SubjectKind: "appeal", SubjectID: appealID,
			OrgID: d.OrgID, ConsultationID: d.ConsultationID, Before: jsonText(map[string]string{"status": AppealOpen}),
			After: jsonText(map[string]string{"status": in.Outcome, "response": in.Response})})
	})
	if err != nil {
		return nil, err
	}
	s.announce(restored)
	a.Status, a.Response, a.DecidedBy, a.DecidedAt = in.Outcome, in.Response, &actor.ID, &now
	return &a, nil
}
