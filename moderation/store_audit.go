package moderation

import (
	"context"
	"encoding/csv"
	"io"
	"strings"
	"time"
)

// AuditEntry is one line of the append-only audit log: who did what to
// which subject, when, and the state before and after (JSON).
type AuditEntry struct {
	ID             string    `json:"id"`
	ActorID        string    `json:"actor_id" db:"actor_id"`
	ActorName      string    `json:"actor_name" db:"actor_name"`
	Action         string    `json:"action"`
	SubjectKind    string    `json:"subject_kind" db:"subject_kind"`
	SubjectID      string    `json:"subject_id" db:"subject_id"`
	OrgID          string    `json:"org_id" db:"org_id"`
	ConsultationID string    `json:"consultation_id" db:"consultation_id"`
	Before         string    `json:"before"`
	After          string    `json:"after"`
	Note           string    `json:"note"`
	CreatedAt      time.Time `json:"created_at" db:"created_at"`
}

// AuditFilter narrows an audit search. Text matches the action, subject
// or note; Cursor is the NextCursor of the page before.
type AuditFilter struct {
	ActorID string
	Action  string
	Subject string
	Text    string
	From    time.Time
	To      time.Time
	Cursor  string
	Limit   int
}

// Audit searches the audit log, newest first. Admins only.
func (s *Service) Audit(ctx context.Context, actor *Actor, f AuditFilter) ([]AuditEntry, string, error) {
	if actor == nil {
		return nil, "", errorf(EUNAUTHENTICATED, "ErrSignInRequired")
	}
	if !actor.IsAdmin() {
		return nil, "", errorf(EFORBIDDEN, "ErrModAdminsOnly")
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 100
	}
	where := []string{"1 = 1"}
	var args []any
	add := func(cond string, v ...any) { where, args = append(where, cond), append(args, v...) }
	if f.ActorID != "" {
		add("a.actor_id = ?", f.ActorID)
	}
	if f.Action != "" {
		add("a.action = ?", f.Action)
	}
	if f.Subject != "" {
		add("a.subject_id = ?", f.Subject)
	}
	if f.Text != "" {
		like := "%" + strings.NewReplacer("%", "", "_", "").Replace(f.Text) + "%"
		add("(a.action LIKE ? OR a.note LIKE ? OR a.subject_id LIKE ? OR a.after LIKE ?)", like, like, like, like)
	}
	if !f.From.IsZero() {
		add("a.created_at >= ?", f.From)
	}
	if !f.To.IsZero() {
		add("a.created_at < ?", f.To)
	}
	if f.Cursor != "" {
		add("a.id < ?", f.Cursor)
	}
	var out []AuditEntry
	err := s.db.Reader.SelectContext(ctx, &out, s.q(`SELECT a.id, a.actor_id, COALESCE(u.display_name, '') AS actor_name, a.action, a.subject_kind, a.subject_id,
		a.org_id, a.consultation_id, a.before, a.after, a.note, a.created_at
		FROM mod_audit a LEFT JOIN users u ON u.id = a.actor_id WHERE `+strings.Join(where, " AND ")+` ORDER BY a.id DESC LIMIT ?`), append(args, f.Limit+1)...)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > f.Limit {
		out = out[:f.Limit]
		next = out[len(out)-1].ID
	}
	return out, next, nil
}

// AuditCSV writes every entry matching f as CSV, newest first. Admins only.
func (s *Service) AuditCSV(ctx context.Context, actor *Actor, f AuditFilter, w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"id", "time", "actor_id", "actor_name", "action", "subject_kind", "subject_id", "org_id", "consultation_id", "before", "after", "note"})
	f.Limit = 1000
	for {
		page, next, err := s.Audit(ctx, actor, f)
		if err != nil {
			return err
		}
		for _, e := range page {
			cw.Write([]string{e.ID, e.CreatedAt.UTC().Format(time.RFC3339), e.ActorID, csvSafe(e.ActorName), e.Action, e.SubjectKind, e.SubjectID,
				e.OrgID, e.ConsultationID, csvSafe(e.Before), csvSafe(e.After), csvSafe(e.Note)})
		}
		if next == "" {
			break
		}
		f.Cursor = next
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe keeps a spreadsheet from running a cell as a formula.
func csvSafe(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}
