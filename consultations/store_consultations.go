package consultations

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/consult-platform/consult/database"
	"github.com/jmoiron/sqlx"
)

const consultationColumns = `id, org_id, slug, kind, status, default_locale, title, summary, body, opens_at, closes_at,
	allow_anonymous, premoderation, created_by, created_at, updated_at, response_count, comment_count,
	outcome_summary, outcome_published_at`

// CreateConsultation saves a new draft for the actor's organisation.
func (s *Store) CreateConsultation(ctx context.Context, actor *User, d Draft) (*Consultation, error) {
	return s.CreateConsultationOnce(ctx, actor, d, IdemKey{})
}

// CreateConsultationOnce is CreateConsultation for a client that may
// retry: a call whose key was already used makes nothing and returns
// ErrIdempotentReplay.
func (s *Store) CreateConsultationOnce(ctx context.Context, actor *User, d Draft, key IdemKey) (*Consultation, error) {
	if actor == nil {
		return nil, Errorf(EUNAUTHENTICATED, "ErrSignInRequired")
	}
	if d.OrgID == "" && actor.OrgID != nil {
		d.OrgID = *actor.OrgID
	}
	if !actor.IsStaffOf(d.OrgID) || d.OrgID == "" {
		return nil, Errorf(EFORBIDDEN, "ErrNotStaffOfOrg")
	}
	d.sanitize(s.san)
	d.normalise()
	if err := d.validate(); err != nil {
		return nil, err
	}
	now := s.now()
	c := &Consultation{
		ID: database.NewID(), OrgID: d.OrgID, Status: StatusDraft, CreatedBy: actor.ID,
		CreatedAt: now, UpdatedAt: now, OutcomeSummary: LocalText{},
	}
	c.apply(d)
	err := s.write(ctx, func(tx *sqlx.Tx) error {
		if err := s.claimKey(ctx, tx, key, "consultation:"+c.ID); err != nil {
			return err
		}
		if _, err := tx.NamedExecContext(ctx, `INSERT INTO consultations (`+consultationColumns+`) VALUES (
			:id, :org_id, :slug, :kind, :status, :default_locale, :title, :summary, :body, :opens_at, :closes_at,
			:allow_anonymous, :premoderation, :created_by, :created_at, :updated_at, :response_count, :comment_count,
			:outcome_summary, :outcome_published_at)`, c); err != nil {
			return err
		}
		return s.replaceParts(ctx, tx, c, d)
	})
	if database.IsUniqueViolation(err) {
		return nil, &Error{Code: ECONFLICT, Message: Message{ID: "ErrSlugTaken"}, Fields: map[string]Message{"slug": {ID: "ErrSlugTaken"}}}
	}
	if err != nil {
		return nil, err
	}
	return s.Consultation(ctx, c.ID)
}

func (c *Consultation) apply(d Draft) {
	c.Slug, c.Kind, c.DefaultLocale = d.Slug, d.Kind, d.DefaultLocale
	c.Title, c.Summary, c.Body = d.Title, d.Summary, d.Body
	c.OpensAt, c.ClosesAt = d.OpensAt, d.ClosesAt
	c.AllowAnonymous, c.Premoderation = d.AllowAnonymous, d.Premoderation
}

// replaceParts writes a consultation's sections, documents and questions.
func (s *Store) replaceParts(ctx context.Context, tx *sqlx.Tx, c *Consultation, d Draft) error {
	for _, table := range []string{"sections", "documents", "questions"} {
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM `+table+` WHERE consultation_id = ?`), c.ID); err != nil {
			return err
		}
	}
	for i, sd := range d.Sections {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO sections (id, consultation_id, position, heading, body) VALUES (?, ?, ?, ?, ?)`),
			database.NewID(), c.ID, i, trimText(sd.Heading), trimText(sd.Body)); err != nil {
			return err
		}
	}
	for i, dd := range d.Documents {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO documents (id, consultation_id, position, title, url, media_type, size_bytes) VALUES (?, ?, ?, ?, ?, ?, ?)`),
			database.NewID(), c.ID, i, trimText(dd.Title), dd.URL, dd.MediaType, dd.SizeBytes); err != nil {
			return err
		}
	}
	for i, qd := range d.Questions {
		opts := make(Options, len(qd.Options))
		for j, label := range qd.Options {
			opts[j] = Option{ID: "o" + itoa(j+1), Label: trimText(label)}
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO questions (id, consultation_id, position, kind, required, max_length, prompt, hint, options)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			database.NewID(), c.ID, i, qd.Kind, qd.Required, qd.MaxLength, trimText(qd.Prompt), trimText(qd.Hint), opts); err != nil {
			return err
		}
	}
	return nil
}

// UpdateConsultation replaces a draft or scheduled consultation's content.
// Once open, its questions must stay as respondents saw them.
func (s *Store) UpdateConsultation(ctx context.Context, actor *User, id string, d Draft) (*Consultation, error) {
	c, err := s.manageable(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if st := c.EffectiveStatus(s.now()); st != StatusDraft && st != StatusScheduled {
		return nil, Errorf(ECONFLICT, "ErrEditAfterOpen")
	}
	d.OrgID = c.OrgID
	d.sanitize(s.san)
	d.normalise()
	if err := d.validate(); err != nil {
		return nil, err
	}
	c.apply(d)
	c.UpdatedAt = s.now()
	err = s.write(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.NamedExecContext(ctx, `UPDATE consultations SET slug = :slug, kind = :kind, default_locale = :default_locale,
			title = :title, summary = :summary, body = :body, opens_at = :opens_at, closes_at = :closes_at,
			allow_anonymous = :allow_anonymous, premoderation = :premoderation, updated_at = :updated_at WHERE id = :id`, c); err != nil {
			return err
		}
		if err := s.replaceParts(ctx, tx, c, d); err != nil {
			return err
		}
		return s.RecordEvent(ctx, tx, c.ID, EventUpdated, map[string]time.Time{"updated_at": c.UpdatedAt}, "")
	})
	if database.IsUniqueViolation(err) {
		return nil, &Error{Code: ECONFLICT, Message: Message{ID: "ErrSlugTaken"}, Fields: map[string]Message{"slug": {ID: "ErrSlugTaken"}}}
	}
	if err != nil {
		return nil, err
	}
	return s.Consultation(ctx, id)
}

// manageable loads a consultation the actor may manage, answering
// ENOTFOUND (not EFORBIDDEN) for drafts of other organisations so that ids
// reveal nothing.
func (s *Store) manageable(ctx context.Context, actor *User, id string) (*Consultation, error) {
	if actor == nil {
		return nil, Errorf(EUNAUTHENTICATED, "ErrSignInRequired")
	}
	c, err := s.Consultation(ctx, id)
	if err != nil {
		return nil, err
	}
	if !actor.IsStaffOf(c.OrgID) {
		if !c.Visible(nil, s.now()) {
			return nil, Errorf(ENOTFOUND, "ErrConsultationNotFound")
		}
		return nil, Errorf(EFORBIDDEN, "ErrNotStaffOfOrg")
	}
	return c, nil
}

// Visible reports whether u may read c: drafts are for their
// organisation's staff only; scheduled ones are announced publicly.
func (c *Consultation) Visible(u *User, now time.Time) bool {
	return c.EffectiveStatus(now) != StatusDraft || u.IsStaffOf(c.OrgID)
}

// transitions lists which stored statuses may move to which.
var transitions = map[Status][]Status{
	StatusDraft:     {StatusScheduled, StatusOpen},
	StatusScheduled: {StatusDraft, StatusOpen, StatusClosed},
	StatusOpen:      {StatusClosed},
}

// SetStatus moves a consultation: schedule it, open it now, or close it
// now. Opening or closing by hand moves the matching date to now.
func (s *Store) SetStatus(ctx context.Context, actor *User, id string, to Status) (*Consultation, error) {
	c, err := s.manageable(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	now := s.now()
	from := c.EffectiveStatus(now)
	allowed := false
	for _, st := range transitions[from] {
		allowed = allowed || st == to
	}
	if !allowed {
		return nil, &Error{Code: ECONFLICT, Message: Message{ID: "ErrBadTransition", Data: map[string]any{"From": string(from), "To": string(to)}}}
	}
	switch to {
	case StatusScheduled:
		if !c.OpensAt.After(now) {
			return nil, Errorf(ECONFLICT, "ErrScheduleInPast")
		}
	case StatusOpen:
		if !c.ClosesAt.After(now) {
			return nil, Errorf(ECONFLICT, "ErrCloseDateInPast")
		}
		if c.OpensAt.After(now) {
			c.OpensAt = now
		}
	case StatusClosed:
		if c.ClosesAt.After(now) {
			c.ClosesAt = now
		}
	}
	c.Status, c.UpdatedAt = to, now
	err = s.write(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE consultations SET status = ?, opens_at = ?, closes_at = ?, updated_at = ? WHERE id = ?`),
			c.Status, c.OpensAt, c.ClosesAt, c.UpdatedAt, c.ID); err != nil {
			return err
		}
		return s.recordStatus(ctx, tx, c.ID, c.Status)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// AdvanceSchedules stores the status that time has brought about: opens
// scheduled consultations whose time has come and closes open ones whose
// time is up. It returns the consultations it changed.
func (s *Store) AdvanceSchedules(ctx context.Context) ([]Consultation, error) {
	now := s.now()
	var due []Consultation
	err := s.db.Reader.SelectContext(ctx, &due, s.q(`SELECT `+consultationColumns+` FROM consultations
		WHERE (status = 'scheduled' AND opens_at <= ?) OR (status IN ('scheduled', 'open') AND closes_at <= ?)`), now, now)
	if err != nil || len(due) == 0 {
		return nil, err
	}
	var changed []Consultation
	err = s.write(ctx, func(tx *sqlx.Tx) error {
		for _, c := range due {
			st := c.EffectiveStatus(now)
			if st == c.Status {
				continue
			}
			res, err := tx.ExecContext(ctx, s.q(`UPDATE consultations SET status = ?, updated_at = ? WHERE id = ? AND status = ?`), st, now, c.ID, c.Status)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue // changed meanwhile by hand
			}
			if err := s.recordStatus(ctx, tx, c.ID, st); err != nil {
				return err
			}
			c.Status = st
			changed = append(changed, c)
		}
		return nil
	})
	return changed, err
}

// Consultation returns a consultation with its organisation, sections,
// documents and questions. Callers check Visible before showing it.
func (s *Store) Consultation(ctx context.Context, id string) (*Consultation, error) {
	return s.consultationWhere(ctx, "id", id)
}

// ConsultationBySlug is Consultation by URL slug.
func (s *Store) ConsultationBySlug(ctx context.Context, slug string) (*Consultation, error) {
	return s.consultationWhere(ctx, "slug", slug)
}

func (s *Store) consultationWhere(ctx context.Context, column, value string) (*Consultation, error) {
	var c Consultation
	r := s.db.Reader
	if err := s.get(ctx, r, &c, "ErrConsultationNotFound", `SELECT `+consultationColumns+` FROM consultations WHERE `+column+` = ?`, value); err != nil {
		return nil, err
	}
	org, err := s.Organisation(ctx, c.OrgID)
	if err != nil {
		return nil, err
	}
	c.Organisation = org
	if err := r.SelectContext(ctx, &c.Sections, s.q(`SELECT * FROM sections WHERE consultation_id = ? ORDER BY position`), c.ID); err != nil {
		return nil, err
	}
	if err := r.SelectContext(ctx, &c.Documents, s.q(`SELECT * FROM documents WHERE consultation_id = ? ORDER BY position`), c.ID); err != nil {
		return nil, err
	}
	if err := r.SelectContext(ctx, &c.Questions, s.q(`SELECT * FROM questions WHERE consultation_id = ? ORDER BY position`), c.ID); err != nil {
		return nil, err
	}
	return &c, nil
}

// ConsultationFilter selects consultations to list.
type ConsultationFilter struct {
	Statuses []Status // empty: every status the viewer may see
	OrgID    string
	Kind     Kind
	Cursor   string // the last id of the previous page
	Limit    int
}

// ListConsultations returns consultations the viewer may see, newest
// first, and the cursor of the next page ("" on the last).
func (s *Store) ListConsultations(ctx context.Context, viewer *User, f ConsultationFilter) ([]Consultation, string, error) {
	if f.Limit <= 0 || f.Limit > 100 {
		f.Limit = 20
	}
	var where []string
	var args []any
	if len(f.Statuses) > 0 {
		marks := make([]string, len(f.Statuses))
		for i, st := range f.Statuses {
			marks[i] = "?"
			args = append(args, st)
		}
		where = append(where, "status IN ("+strings.Join(marks, ", ")+")")
	}
	// Drafts show only to their own organisation's staff.
	switch {
	case viewer != nil && viewer.Role == RoleAdmin:
	case viewer.IsStaff() && viewer.OrgID != nil:
		where = append(where, "(status <> 'draft' OR org_id = ?)")
		args = append(args, *viewer.OrgID)
	default:
		where = append(where, "status <> 'draft'")
	}
	if f.OrgID != "" {
		where = append(where, "org_id = ?")
		args = append(args, f.OrgID)
	}
	if f.Kind != "" {
		where = append(where, "kind = ?")
		args = append(args, f.Kind)
	}
	if f.Cursor != "" {
		where = append(where, "id < ?")
		args = append(args, f.Cursor)
	}
	query := `SELECT ` + consultationColumns + ` FROM consultations`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += ` ORDER BY id DESC LIMIT ?`
	args = append(args, f.Limit+1)
	var out []Consultation
	if err := s.db.Reader.SelectContext(ctx, &out, s.q(query), args...); err != nil {
		return nil, "", err
	}
	now := s.now()
	for i := range out {
		out[i].Status = out[i].EffectiveStatus(now)
	}
	next := ""
	if len(out) > f.Limit {
		out = out[:f.Limit]
		next = out[len(out)-1].ID
	}
	return out, next, nil
}

// ResolveConsultation finds a consultation by id or slug.
func (s *Store) ResolveConsultation(ctx context.Context, idOrSlug string) (*Consultation, error) {
	c, err := s.Consultation(ctx, idOrSlug)
	var e *Error
	if errors.As(err, &e) && e.Code == ENOTFOUND {
		return s.ConsultationBySlug(ctx, idOrSlug)
	}
	return c, err
}
