package analytics

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/consult-platform/consult/consultations"
	"github.com/jmoiron/sqlx"
)

// cellKey names one count of one consultation.
type cellKey struct{ dim, value string }

// deltas gathers the moves one write makes, to apply them in one statement.
type deltas map[cellKey]int64

func (d deltas) add(dim, value string, n int64) { d[cellKey{dim, value}] += n }

// responseFacts is what a response contributes to the figures.
type responseFacts struct {
	Day, Channel, Locale, Region, AgeBand, Gender string
	UserID                                        *string
	Answers                                       []answerFact
}

// answerFact is one answer, by the kind of its question.
type answerFact struct {
	QuestionID string
	Kind       consultations.QuestionKind
	Value      string // as stored in the answers table
}

func profileValue(v string) string {
	if v == "" {
		return NotStated
	}
	return v
}

// countResponse moves every figure a response takes part in by sign,
// except participants, which need the database.
func (d deltas) countResponse(f responseFacts, sign int64) {
	d.add(DimTotals, TotalResponses, sign)
	d.add(DimResponsesByDay, f.Day, sign)
	d.add(DimResponsesByChannel, f.Channel, sign)
	d.add(DimResponsesByLanguage, f.Locale, sign)
	d.add(DimRegion, profileValue(f.Region), sign)
	d.add(DimAgeBand, profileValue(f.AgeBand), sign)
	d.add(DimGender, profileValue(f.Gender), sign)
	for _, a := range f.Answers {
		d.countAnswer(a.QuestionID, a.Kind, a.Value, sign)
	}
}

// countAnswer counts one answer under its question.
func (d deltas) countAnswer(questionID string, kind consultations.QuestionKind, value string, sign int64) {
	d.add(DimQuestionsAnswered, questionID, sign)
	dim := QuestionDimension(questionID)
	switch kind {
	case consultations.QuestionSingle, consultations.QuestionScale:
		d.add(dim, value, sign)
	case consultations.QuestionMultiple:
		for _, choice := range parseChoices(value) {
			d.add(dim, choice, sign)
		}
	}
}

// parseChoices reads a multiple-choice answer as stored: a JSON array of
// option ids, which never contain quotes or commas.
func parseChoices(v string) []string {
	v = strings.TrimSpace(v)
	v = strings.TrimSuffix(strings.TrimPrefix(v, "["), "]")
	if v == "" {
		return nil
	}
	parts := strings.Split(v, ",")
	for i, p := range parts {
		parts[i] = strings.Trim(strings.TrimSpace(p), `"`)
	}
	return parts
}

// kindOf names a contribution's kind in the figures.
func kindOf(cm *consultations.Comment) string {
	if cm.ParentID != nil {
		return "reply"
	}
	return string(cm.Kind)
}

// tally is the consultations.Tally that keeps analytics_counts.
type tally struct{}

var _ consultations.Tally = tally{}

func (tally) ResponseAdded(ctx context.Context, tx *sqlx.Tx, c *consultations.Consultation, r *consultations.Response) error {
	f := responseFacts{Day: day(r.CreatedAt), Channel: string(r.Channel), Locale: r.Locale,
		Region: r.Region, AgeBand: r.AgeBand, Gender: r.Gender, UserID: r.UserID}
	for _, a := range r.Answers {
		for _, q := range c.Questions {
			if q.ID == a.QuestionID {
				f.Answers = append(f.Answers, answerFact{q.ID, q.Kind, storedValue(q.Kind, a)})
			}
		}
	}
	d := deltas{}
	d.countResponse(f, 1)
	if err := countPerson(ctx, tx, d, c.ID, r.UserID, f.Day, 1); err != nil {
		return err
	}
	return applyLater(tx, c.ID, d)
}

// storedValue is the answer as the answers table keeps it.
func storedValue(kind consultations.QuestionKind, a consultations.Answer) string {
	switch kind {
	case consultations.QuestionSingle:
		if len(a.Choices) > 0 {
			return a.Choices[0]
		}
	case consultations.QuestionMultiple:
		return `["` + strings.Join(a.Choices, `","`) + `"]`
	case consultations.QuestionScale:
		return strconv.Itoa(a.Scale)
	}
	return ""
}

func (tally) ResponseRemoving(ctx context.Context, tx *sqlx.Tx, responseID string) error {
	var row struct {
		ConsultationID string    `db:"consultation_id"`
		CreatedAt      time.Time `db:"created_at"`
		Channel        string    `db:"channel"`
		Locale         string    `db:"locale"`
		Region         string    `db:"region"`
		AgeBand        string    `db:"age_band"`
		Gender         string    `db:"gender"`
		UserID         *string   `db:"user_id"`
	}
	err := tx.GetContext(ctx, &row, `SELECT consultation_id, created_at, channel, locale, region, age_band, gender, user_id FROM responses WHERE id = ?`, responseID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	f := responseFacts{Day: day(row.CreatedAt), Channel: row.Channel, Locale: row.Locale,
		Region: row.Region, AgeBand: row.AgeBand, Gender: row.Gender, UserID: row.UserID}
	if err := tx.SelectContext(ctx, &f.Answers, `SELECT a.question_id AS questionid, q.kind AS kind, a.value AS value
		FROM answers a JOIN questions q ON q.id = a.question_id WHERE a.response_id = ?`, responseID); err != nil {
		return err
	}
	d := deltas{}
	d.countResponse(f, -1)
	if err := countPerson(ctx, tx, d, row.ConsultationID, row.UserID, f.Day, -1); err != nil {
		return err
	}
	return applyLater(tx, row.ConsultationID, d)
}

func (tally) CommentCounted(ctx context.Context, tx *sqlx.Tx, cm *consultations.Comment, delta int) error {
	d := deltas{}
	sign := int64(delta)
	dd := day(cm.CreatedAt)
	d.add(DimTotals, TotalContributions, sign)
	d.add(DimContributionsByKind, kindOf(cm), sign)
	d.add(DimContributionsByChannel, cm.Channel, sign)
	d.add(DimContributionsByDay, dd, sign)
	if err := countPerson(ctx, tx, d, cm.ConsultationID, cm.AuthorID, dd, sign); err != nil {
		return err
	}
	return applyLater(tx, cm.ConsultationID, d)
}

func (tally) SupportChanging(ctx context.Context, tx *sqlx.Tx, ideaID, userID string, on bool, at time.Time) error {
	var given []time.Time
	if err := tx.SelectContext(ctx, &given, `SELECT created_at FROM supports WHERE comment_id = ? AND user_id = ?`, ideaID, userID); err != nil {
		return err
	}
	sign := int64(1)
	switch {
	case on && len(given) == 0:
	case !on && len(given) == 1:
		sign, at = -1, given[0]
	default:
		return nil // nothing will change
	}
	var consultationID string
	if err := tx.GetContext(ctx, &consultationID, `SELECT consultation_id FROM comments WHERE id = ?`, ideaID); err != nil {
		return err
	}
	d := deltas{}
	d.add(DimTotals, TotalSupports, sign)
	d.add(DimSupportsByDay, day(at), sign)
	if err := countPerson(ctx, tx, d, consultationID, &userID, day(at), sign); err != nil {
		return err
	}
	return applyLater(tx, consultationID, d)
}

// countPerson counts a contribution towards a participant: a person with an
// account once however much they do, an anonymous response as one.
func countPerson(ctx context.Context, tx *sqlx.Tx, d deltas, consultationID string, userID *string, on string, sign int64) error {
	if userID == nil {
		d.add(DimTotals, TotalParticipants, sign)
		d.add(DimParticipantsByDay, on, sign)
		return nil
	}
	if sign > 0 {
		// Counted with the rest of the batch (see countsBatch.people).
		laterPerson(tx, consultationID, *userID, on)
		return nil
	}
	var p struct {
		Contributions int64  `db:"contributions"`
		FirstDay      string `db:"first_day"`
	}
	err := tx.GetContext(ctx, &p, `SELECT contributions, first_day FROM analytics_people WHERE consultation_id = ? AND user_id = ?`, consultationID, *userID)
	known := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	switch {
	case !known:
		return nil // counted before figures were kept: Recompute repairs
	case p.Contributions <= 1:
		d.add(DimTotals, TotalParticipants, -1)
		d.add(DimParticipantsByDay, p.FirstDay, -1)
		_, err = tx.ExecContext(ctx, `DELETE FROM analytics_people WHERE consultation_id = ? AND user_id = ?`, consultationID, *userID)
	default:
		_, err = tx.ExecContext(ctx, `UPDATE analytics_people SET contributions = contributions - 1 WHERE consultation_id = ? AND user_id = ?`, consultationID, *userID)
	}
	return err
}

// apply adds d to the stored counts in one statement.
func apply(ctx context.Context, tx *sqlx.Tx, consultationID string, d deltas) error {
	if len(d) == 0 {
		return nil
	}
	var sb strings.Builder
	sb.WriteString(`INSERT INTO analytics_counts (consultation_id, dimension, value, count) VALUES `)
	args := make([]any, 0, len(d)*4)
	i := 0
	for k, n := range d {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString("(?, ?, ?, ?)")
		args = append(args, consultationID, k.dim, k.value, n)
		i++
	}
	sb.WriteString(` ON CONFLICT (consultation_id, dimension, value) DO UPDATE SET count = analytics_counts.count + excluded.count`)
	_, err := tx.ExecContext(ctx, sb.String(), args...)
	return err
}

// countEarlierDay counts n contributions, from day on, of a person who is
// already counted from a later first day (an older contribution approved
// late by a moderator): their first day moves back.
func countEarlierDay(ctx context.Context, tx *sqlx.Tx, d deltas, consultationID, userID, on string, n int64) error {
	var first string
	if err := tx.GetContext(ctx, &first, `SELECT first_day FROM analytics_people WHERE consultation_id = ? AND user_id = ?`, consultationID, userID); err != nil {
		return err
	}
	if on < first {
		d.add(DimParticipantsByDay, first, -1)
		d.add(DimParticipantsByDay, on, 1)
		first = on
	}
	_, err := tx.ExecContext(ctx, `UPDATE analytics_people SET contributions = contributions + ?, first_day = ? WHERE consultation_id = ? AND user_id = ?`, n, first, consultationID, userID)
	return err
}
