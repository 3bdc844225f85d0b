package analytics

import (
	"context"
	"fmt"
	"time"

	"github.com/consult-platform/consult/consultations"
	"github.com/jmoiron/sqlx"
)

// GenerateBenchData fills consultation c, directly with SQL in batches,
// with responses (answering every choice and scale question, a fifth with
// free text too) and comments spread over its open period, for benchmarks
// and load tests. It does not count them: call Recompute afterwards.
// authors are user ids that write the comments, in turn.
func (s *Service) GenerateBenchData(ctx context.Context, c *consultations.Consultation, responses, comments int, authors []string) error {
	const batch = 50_000
	span := int64(c.ClosesAt.Sub(c.OpensAt) / time.Second)
	opens := c.OpensAt.UTC().Format("2006-01-02 15:04:05")
	for from := 0; from < responses; from += batch {
		to := min(from+batch, responses)
		err := s.db.Write(ctx, func(tx *sqlx.Tx) error {
			_, err := tx.ExecContext(ctx, `WITH RECURSIVE n(i) AS (SELECT ? UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
				INSERT INTO responses (id, consultation_id, reference, user_id, anonymous, channel, locale, created_at, region, age_band, gender, publish_consent)
				SELECT printf('B%s%012d', ?, i), ?, printf('B%s-%012d', ?, i), NULL, 1,
					CASE i % 7 WHEN 0 THEN 'web-desktop' WHEN 1 THEN 'api' WHEN 2 THEN 'assisted' ELSE 'web-mobile' END,
					CASE i % 11 WHEN 0 THEN 'fr' WHEN 1 THEN 'cy' WHEN 2 THEN 'ar' ELSE 'en' END,
					datetime(?, '+' || (i * ? / ?) || ' seconds'),
					CASE i % 13 WHEN 0 THEN 'islands' WHEN 1 THEN '' WHEN 2 THEN 'prefer-not-to-say' WHEN 3 THEN 'south' WHEN 4 THEN 'south' ELSE 'north' END,
					CASE i % 9 WHEN 0 THEN 'under-18' WHEN 1 THEN '18-24' WHEN 2 THEN '25-34' WHEN 3 THEN '35-44' WHEN 4 THEN '45-54' WHEN 5 THEN '55-64' WHEN 6 THEN '65-74' WHEN 7 THEN '75-plus' ELSE '' END,
					CASE i % 5 WHEN 0 THEN 'man' WHEN 1 THEN 'woman' WHEN 2 THEN 'woman' WHEN 3 THEN 'man' ELSE 'another' END,
					i % 3 = 0
				FROM n`, from, to, c.ID[:6], c.ID, c.ID[:6], opens, span, responses)
			if err != nil {
				return err
			}
			for qi, q := range c.Questions {
				value := ""
				switch q.Kind {
				case consultations.QuestionSingle:
					value = fmt.Sprintf(`CASE WHEN i %% 10 < 6 THEN '%s' ELSE '%s' END`, q.Options[0].ID, q.Options[len(q.Options)-1].ID)
				case consultations.QuestionMultiple:
					value = fmt.Sprintf(`CASE WHEN i %% 3 = 0 THEN '["%s","%s"]' ELSE '["%s"]' END`, q.Options[0].ID, q.Options[1].ID, q.Options[1].ID)
				case consultations.QuestionScale:
					value = `CAST(1 + i % 5 AS TEXT)`
				default:
					value = `'An answer written by respondent number ' || i || ', who had quite a lot to say about the proposal and its effect on their street.'`
				}
				where := ""
				if q.Kind == consultations.QuestionText {
					where = "WHERE i % 5 = 0"
				}
				if _, err := tx.ExecContext(ctx, fmt.Sprintf(`WITH RECURSIVE n(i) AS (SELECT ? UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
					INSERT INTO answers (response_id, question_id, value) SELECT printf('B%%s%%012d', ?, i), ?, %s FROM n %s`, value, where),
					from, to, c.ID[:6], q.ID); err != nil {
					return fmt.Errorf("question %d: %w", qi, err)
				}
			}
			_, err = tx.ExecContext(ctx, `UPDATE consultations SET response_count = response_count + ? WHERE id = ?`, to-from, c.ID)
			return err
		})
		if err != nil {
			return err
		}
	}
	for from := 0; from < comments; from += batch {
		to := min(from+batch, comments)
		err := s.db.Write(ctx, func(tx *sqlx.Tx) error {
			if len(authors) == 0 {
				authors = []string{""}
			}
			_, err := tx.ExecContext(ctx, `WITH RECURSIVE n(i) AS (SELECT ? UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
					INSERT INTO comments (id, consultation_id, parent_id, thread_id, author_id, kind, title, body, body_html, locale, status, channel, created_at, updated_at)
					SELECT printf('C%s%012d', ?, i), ?, NULL, printf('C%s%012d', ?, i), NULLIF(json_extract(?, '$[' || (i % ?) || ']'), ''),
						CASE WHEN i % 4 = 0 THEN 'idea' ELSE 'comment' END, CASE WHEN i % 4 = 0 THEN 'Idea ' || i ELSE '' END,
						'A comment', '<p>A comment</p>', 'en', 'published', CASE WHEN i % 6 = 0 THEN 'api' ELSE 'web' END,
						datetime(?, '+' || (i * ? / ?) || ' seconds'), datetime(?, '+' || (i * ? / ?) || ' seconds')
					FROM n`, from, to, c.ID[:6], c.ID, c.ID[:6], jsonList(authors), len(authors), opens, span, comments, opens, span, comments)
			if err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `UPDATE consultations SET comment_count = comment_count + ? WHERE id = ?`, to-from, c.ID)
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func jsonList(ids []string) string {
	out := "["
	for i, id := range ids {
		if i > 0 {
			out += ","
		}
		out += `"` + id + `"`
	}
	return out + "]"
}

// BackdateForBench moves a consultation's dates and closes it, for
// benchmarks that need a closed consultation with a long open period.
func (s *Service) BackdateForBench(ctx context.Context, c *consultations.Consultation) error {
	return s.db.Write(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE consultations SET opens_at = ?, closes_at = ?, status = 'closed' WHERE id = ?`, c.OpensAt, c.ClosesAt, c.ID)
		return err
	})
}
