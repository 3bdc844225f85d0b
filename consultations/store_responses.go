package consultations

import (
	"context"
	"crypto/rand"
	"strings"

	"github.com/consult-platform/consult/database"
	"github.com/jmoiron/sqlx"
)

// SubmitResponse stores a response to c's questions once it has been
// validated, and returns it with its reference number. It returns only
// after the response has been committed. A nil actor may respond only
// where anonymous responses are allowed.
func (s *Store) SubmitResponse(ctx context.Context, actor *User, consultationID string, n NewResponse, key IdemKey) (*Response, error) {
	c, err := s.Consultation(ctx, consultationID)
	if err != nil {
		return nil, err
	}
	if !c.Visible(actor, s.now()) {
		return nil, Errorf(ENOTFOUND, "ErrConsultationNotFound")
	}
	if err := c.checkOpen(s.now()); err != nil {
		return nil, err
	}
	if actor == nil && !c.AllowAnonymous {
		return nil, Errorf(EUNAUTHENTICATED, "ErrSignInToRespond")
	}
	if actor == nil {
		n.Anonymous = true
	}
	s.cleanAnswers(n.Answers)
	if err := n.Validate(c); err != nil {
		return nil, err
	}
	r := &Response{
		ID: database.NewID(), ConsultationID: c.ID, Reference: newReference(),
		Anonymous: n.Anonymous, Channel: n.Channel, Locale: n.Locale, CreatedAt: s.now(), Profile: n.Profile,
	}
	if r.Locale == "" {
		r.Locale = c.DefaultLocale
	}
	if r.Channel == "" {
		r.Channel = ChannelAPI
	}
	if actor != nil && !n.Anonymous {
		r.UserID = &actor.ID
	}
	return r, s.storeResponse(ctx, c, r, n.Answers, key)
}

// SubmitAssistedResponse lets staff enter a paper or telephone response on
// a citizen's behalf; it is counted under the assisted channel.
func (s *Store) SubmitAssistedResponse(ctx context.Context, actor *User, consultationID string, n NewResponse, key IdemKey) (*Response, error) {
	c, err := s.manageable(ctx, actor, consultationID)
	if err != nil {
		return nil, err
	}
	if err := c.checkOpen(s.now()); err != nil {
		return nil, err
	}
	n.Anonymous = true
	s.cleanAnswers(n.Answers)
	saved := c.AllowAnonymous
	c.AllowAnonymous = true // the respondent has no account here
	err = n.Validate(c)
	c.AllowAnonymous = saved
	if err != nil {
		return nil, err
	}
	r := &Response{
		ID: database.NewID(), ConsultationID: c.ID, Reference: newReference(), Anonymous: true,
		Channel: ChannelAssisted, Locale: n.Locale, EnteredBy: &actor.ID, CreatedAt: s.now(), Profile: n.Profile,
	}
	if r.Locale == "" {
		r.Locale = c.DefaultLocale
	}
	return r, s.storeResponse(ctx, c, r, n.Answers, key)
}

// cleanAnswers strips markup and surrounding space from text answers
// before they are checked, so limits count what will be stored.
func (s *Store) cleanAnswers(answers []Answer) {
	for i := range answers {
		answers[i].Text = strings.TrimSpace(s.san.PlainText(answers[i].Text))
	}
}

func (s *Store) storeResponse(ctx context.Context, c *Consultation, r *Response, answers []Answer, key IdemKey) error {
	byID := map[string]Answer{}
	for _, a := range answers {
		byID[a.QuestionID] = a
	}
	for i := range c.Questions {
		q := &c.Questions[i]
		if a, ok := byID[q.ID]; ok && !a.Empty() {
			r.Answers = append(r.Answers, q.parseStored(q.storedValue(a)))
		}
	}
	watchInTx, err := s.watchResponse(ctx, c, r)
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx *sqlx.Tx) error {
		if err := s.claimKey(ctx, tx, key, "response:"+r.ID); err != nil {
			return err
		}
		if watchInTx != nil {
			if err := watchInTx(ctx, tx); err != nil {
				return err
			}
		}
		if _, err := tx.NamedExecContext(ctx, `INSERT INTO responses (id, consultation_id, reference, user_id, anonymous, channel, locale, entered_by, created_at, region, age_band, gender, publish_consent)
			VALUES (:id, :consultation_id, :reference, :user_id, :anonymous, :channel, :locale, :entered_by, :created_at, :region, :age_band, :gender, :publish_consent)`, r); err != nil {
			return err
		}
		for _, a := range r.Answers {
			q := c.question(a.QuestionID)
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO answers (response_id, question_id, value) VALUES (?, ?, ?)`), r.ID, q.ID, q.storedValue(a)); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE consultations SET response_count = response_count + 1 WHERE id = ?`), c.ID); err != nil {
			return err
		}
		if err := s.tally().ResponseAdded(ctx, tx, c, r); err != nil {
			return err
		}
		return s.recordResponseCount(ctx, tx, c.ID)
	})
}

func (c *Consultation) question(id string) *Question {
	for i := range c.Questions {
		if c.Questions[i].ID == id {
			return &c.Questions[i]
		}
	}
	return nil
}

// Response returns a response with its answers. Only its respondent and
// the consultation's staff may read it.
func (s *Store) Response(ctx context.Context, actor *User, id string) (*Response, error) {
	var r Response
	if err := s.get(ctx, s.db.Reader, &r, "ErrResponseNotFound", `SELECT * FROM responses WHERE id = ?`, id); err != nil {
		return nil, err
	}
	c, err := s.Consultation(ctx, r.ConsultationID)
	if err != nil {
		return nil, err
	}
	mine := actor != nil && r.UserID != nil && *r.UserID == actor.ID
	if !mine && !actor.IsStaffOf(c.OrgID) {
		return nil, Errorf(ENOTFOUND, "ErrResponseNotFound")
	}
	var rows []struct {
		QuestionID string `db:"question_id"`
		Value      string `db:"value"`
	}
	if err := s.db.Reader.SelectContext(ctx, &rows, s.q(`SELECT question_id, value FROM answers WHERE response_id = ?`), id); err != nil {
		return nil, err
	}
	for _, row := range rows {
		if q := c.question(row.QuestionID); q != nil {
			r.Answers = append(r.Answers, q.parseStored(row.Value))
		}
	}
	return &r, nil
}

// ResponsesByUser lists the responses a user gave under their account.
func (s *Store) ResponsesByUser(ctx context.Context, userID string) ([]Response, error) {
	var out []Response
	err := s.db.Reader.SelectContext(ctx, &out, s.q(`SELECT * FROM responses WHERE user_id = ? ORDER BY id DESC`), userID)
	return out, err
}

// DeleteResponse removes a response at its respondent's request.
func (s *Store) DeleteResponse(ctx context.Context, actor *User, id string) error {
	if actor == nil {
		return Errorf(EUNAUTHENTICATED, "ErrSignInRequired")
	}
	var r Response
	if err := s.get(ctx, s.db.Reader, &r, "ErrResponseNotFound", `SELECT * FROM responses WHERE id = ?`, id); err != nil {
		return err
	}
	if r.UserID == nil || *r.UserID != actor.ID {
		return Errorf(ENOTFOUND, "ErrResponseNotFound")
	}
	return s.write(ctx, func(tx *sqlx.Tx) error {
		if err := s.tally().ResponseRemoving(ctx, tx, id); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, s.q(`DELETE FROM responses WHERE id = ? AND user_id = ?`), id, actor.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		if _, err = tx.ExecContext(ctx, s.q(`UPDATE consultations SET response_count = response_count - 1 WHERE id = ?`), r.ConsultationID); err != nil {
			return err
		}
		return s.recordResponseCount(ctx, tx, r.ConsultationID)
	})
}

// newReference makes a response reference such as "R7K3-M9QX-2B4D": easy
// to read aloud, with no letters that look like digits.
func newReference() string {
	b := make([]byte, 12)
	rand.Read(b)
	out := make([]byte, 0, 14)
	for i, x := range b {
		if i > 0 && i%4 == 0 {
			out = append(out, '-')
		}
		out = append(out, crockfordDigits[int(x)%32])
	}
	return string(out)
}

const crockfordDigits = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// ResponseByID returns a response's row without its answers, for
// idempotent replays by the same caller.
func (s *Store) ResponseByID(ctx context.Context, id string) (*Response, error) {
	var r Response
	err := s.get(ctx, s.db.Reader, &r, "ErrResponseNotFound", `SELECT * FROM responses WHERE id = ?`, id)
	return &r, err
}
