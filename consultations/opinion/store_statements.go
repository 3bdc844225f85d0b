package opinion

import (
	"context"
	"strconv"

	"github.com/consult-platform/consult/consultations"
	"github.com/consult-platform/consult/database"
	"github.com/jmoiron/sqlx"
)

// statementColumns are a Statement's columns in statementsFrom.
const statementColumns = `s.id, s.consultation_id, s.number, s.author_id, s.seed, s.body, s.locale, s.status,
	n.vote_count, n.agree_count, n.disagree_count, s.created_at`

// statementsFrom joins the statements (s) to their counts (n), which are
// kept apart in a narrow table keyed by the map's integer key (m) and the
// statement's number: a vote rewrites a few bytes there, not a wide row.
const statementsFrom = `opinion_statements s JOIN opinion_maps m ON m.consultation_id = s.consultation_id
	JOIN opinion_counts n ON n.map_key = m.key AND n.number = s.number`

// AddStatement adds a statement to a consultation's opinion map. Staff of
// its organisation write seed statements (published at once, also before
// the consultation opens); participants may add statements while it is
// open if staff allowed it, held for moderation where its comments are.
// A statement that, folded for case, accents and punctuation, repeats an
// existing one is refused with ECONFLICT naming the existing one.
func (s *Store) AddStatement(ctx context.Context, actor *consultations.User, consultationID string, n NewStatement) (*Statement, error) {
	if actor == nil {
		return nil, consultations.Errorf(consultations.EUNAUTHENTICATED, "ErrSignInRequired")
	}
	c, m, err := s.visibleMap(ctx, actor, consultationID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	staff := actor.IsStaffOf(c.OrgID)
	switch {
	case staff:
		if st := c.EffectiveStatus(now); st == consultations.StatusClosed || st == consultations.StatusOutcomePublished {
			return nil, c.CheckOpen(now)
		}
	case !m.ParticipantStatements:
		return nil, consultations.Errorf(consultations.EFORBIDDEN, "ErrOpinionStatementsStaffOnly")
	default:
		if err := c.CheckOpen(now); err != nil {
			return nil, err
		}
	}
	if err := n.validate(); err != nil {
		return nil, err
	}
	if s.Guard != nil && !staff {
		if err := s.Guard.CheckContribution(ctx, actor, c.ID, "opinion_statement"); err != nil {
			return nil, err
		}
	}
	st := &Statement{ID: database.NewID(), ConsultationID: c.ID, AuthorID: &actor.ID, Seed: staff,
		Body: s.cs.Sanitizer().PlainText(n.Body), Locale: n.Locale, Status: StatementPublished, CreatedAt: now}
	if st.Locale == "" {
		st.Locale = actor.Locale
	}
	if c.Premoderation && !staff {
		st.Status = StatementPending
	}
	folded := foldText(st.Body)
	if dup, err := s.statementByFold(ctx, s.db.Reader, c.ID, folded); err == nil {
		return nil, duplicateError(dup)
	}
	err = s.db.Write(ctx, func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &st.Number, s.q(`UPDATE opinion_maps SET next_number = next_number + 1 WHERE consultation_id = ? RETURNING next_number - 1`), c.ID); err != nil {
			return err
		}
		return s.insertStatement(ctx, tx, st, folded)
	})
	if database.IsUniqueViolation(err) {
		if dup, derr := s.statementByFold(ctx, s.db.Reader, c.ID, folded); derr == nil {
			return nil, duplicateError(dup)
		}
	}
	if err != nil {
		return nil, err
	}
	return st, nil
}

// insertStatement stores a new statement and its counts, all zero.
func (s *Store) insertStatement(ctx context.Context, tx *sqlx.Tx, st *Statement, folded string) error {
	_, err := tx.ExecContext(ctx, s.q(`INSERT INTO opinion_statements (id, consultation_id, number, author_id, seed, body, normalized, locale, status, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`), st.ID, st.ConsultationID, st.Number, st.AuthorID, st.Seed, st.Body, folded, st.Locale, st.Status, st.CreatedAt)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, s.q(`INSERT INTO opinion_counts (map_key, number) SELECT key, ? FROM opinion_maps WHERE consultation_id = ?`), st.Number, st.ConsultationID)
	return err
}

func (s *Store) statementByFold(ctx context.Context, r database.TxRunner, consultationID, folded string) (*Statement, error) {
	var st Statement
	err := s.get(ctx, r, &st, "ErrOpinionStatementNotFound", `SELECT `+statementColumns+` FROM `+statementsFrom+` WHERE s.consultation_id = ? AND s.normalized = ?`, consultationID, folded)
	return &st, err
}

// duplicateError refuses a statement that repeats dup, naming it so that
// pages can link to it.
func duplicateError(dup *Statement) error {
	data := map[string]any{"Number": dup.Number, "ID": dup.ID}
	return &consultations.Error{Code: consultations.ECONFLICT, Message: consultations.Message{ID: "ErrOpinionDuplicate", Data: data},
		Fields: map[string]consultations.Message{"body": {ID: "ErrOpinionDuplicate", Data: data}}}
}

// DuplicateOf returns the id and number of the existing statement a
// refused duplicate repeats, if err is that refusal.
func DuplicateOf(err error) (id string, number int, ok bool) {
	e, isErr := err.(*consultations.Error)
	if !isErr || e.Message.ID != "ErrOpinionDuplicate" {
		return "", 0, false
	}
	id, _ = e.Message.Data["ID"].(string)
	number, _ = e.Message.Data["Number"].(int)
	return id, number, true
}

// Statement returns a statement the viewer may see: published ones to
// everyone, pending ones to their author and staff, removed ones to staff.
func (s *Store) Statement(ctx context.Context, viewer *consultations.User, id string) (*Statement, error) {
	var st Statement
	if err := s.get(ctx, s.db.Reader, &st, "ErrOpinionStatementNotFound", `SELECT `+statementColumns+` FROM `+statementsFrom+` WHERE s.id = ?`, id); err != nil {
		return nil, err
	}
	c, err := s.cs.Gate(ctx, st.ConsultationID)
	if err != nil {
		return nil, err
	}
	if !c.Visible(viewer, s.now()) || st.Status != StatementPublished && !st.IsBy(viewer) && !viewer.IsStaffOf(c.OrgID) {
		return nil, consultations.Errorf(consultations.ENOTFOUND, "ErrOpinionStatementNotFound")
	}
	return &st, nil
}

// Statements lists a map's statements by number after the cursor (a
// number): published ones, and with all set (staff) pending and removed
// ones too. It returns the next cursor, "" on the last page.
func (s *Store) Statements(ctx context.Context, consultationID string, all bool, cursor string, limit int) ([]Statement, string, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	after := -1
	if cursor != "" {
		n, err := strconv.Atoi(cursor)
		if err != nil {
			return nil, "", &consultations.Error{Code: consultations.EINVALID, Message: consultations.Message{ID: "ErrInvalidInput"},
				Fields: map[string]consultations.Message{"cursor": {ID: "ErrCursorInvalid"}}}
		}
		after = n
	}
	var out []Statement
	err := s.db.Reader.SelectContext(ctx, &out, s.q(`SELECT `+statementColumns+` FROM `+statementsFrom+`
		WHERE s.consultation_id = ? AND s.number > ? AND (s.status = 'published' OR ?) ORDER BY s.number LIMIT ?`), consultationID, after, all, limit+1)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = strconv.Itoa(out[len(out)-1].Number)
	}
	return out, next, nil
}

// ModerateStatement publishes or removes a statement: staff of the
// consultation's organisation and moderators. Removed statements leave
// voting and the groups at the next recompute.
// HOOK(moderation): the moderation queue may call this for held statements.
func (s *Store) ModerateStatement(ctx context.Context, actor *consultations.User, id string, status StatementStatus) (*Statement, error) {
	if actor == nil {
		return nil, consultations.Errorf(consultations.EUNAUTHENTICATED, "ErrSignInRequired")
	}
	if status != StatementPublished && status != StatementRemoved {
		return nil, &consultations.Error{Code: consultations.EINVALID, Message: consultations.Message{ID: "ErrInvalidInput"},
			Fields: map[string]consultations.Message{"status": {ID: "ErrOpinionStatusInvalid"}}}
	}
	st, err := s.Statement(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	c, err := s.cs.Gate(ctx, st.ConsultationID)
	if err != nil {
		return nil, err
	}
	if !actor.IsStaffOf(c.OrgID) && actor.Role != consultations.RoleModerator {
		return nil, consultations.Errorf(consultations.EFORBIDDEN, "ErrNotStaffOfOrg")
	}
	err = s.db.Write(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`UPDATE opinion_statements SET status = ? WHERE id = ?`), status, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	st.Status = status
	s.engine.changed(st.ConsultationID)
	return st, nil
}
