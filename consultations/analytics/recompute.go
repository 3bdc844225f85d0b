package analytics

import (
	"context"
	"fmt"
	"github.com/consult-platform/consult/database"

	"github.com/consult-platform/consult/consultations"
	"github.com/jmoiron/sqlx"
)

// Recompute rebuilds a consultation's counts from its responses, comments
// and supports. It runs as one write, so the counts it leaves agree with
// the content exactly; other writes wait for it (seconds for millions of
// responses), which is why figures are otherwise kept on write.
func (s *Service) Recompute(ctx context.Context, consultationID string) error {
	return s.db.Write(ctx, func(tx *sqlx.Tx) error { return recompute(ctx, tx, consultationID) })
}

// RecomputeAll rebuilds the counts of every consultation.
func (s *Service) RecomputeAll(ctx context.Context) error {
	var ids []string
	if err := s.db.Reader.SelectContext(ctx, &ids, `SELECT id FROM consultations ORDER BY id`); err != nil {
		return err
	}
	for _, id := range ids {
		if err := s.Recompute(ctx, id); err != nil {
			return fmt.Errorf("recompute %s: %w", id, err)
		}
	}
	return nil
}

func recompute(ctx context.Context, tx *sqlx.Tx, id string) error {
	forgetEarlierMoves(tx, id)
	d := deltas{}
	steps := []func(context.Context, *sqlx.Tx, string, deltas) error{
		recountResponses, recountAnswers, recountContributions, recountSupports, recountPeople,
	}
	for _, step := range steps {
		if err := step(ctx, tx, id, d); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM analytics_counts WHERE consultation_id = ?`, id); err != nil {
		return err
	}
	// Insert in chunks: SQLite bounds the number of parameters.
	chunk := deltas{}
	for k, n := range d {
		chunk[k] = n
		if len(chunk) == 200 {
			if err := apply(ctx, tx, id, chunk); err != nil {
				return err
			}
			chunk = deltas{}
		}
	}
	return apply(ctx, tx, id, chunk)
}

// recountResponses groups responses in SQL by everything they are counted
// under; a few thousand groups come back however many responses there are.
func recountResponses(ctx context.Context, tx *sqlx.Tx, id string, d deltas) error {
	rows, err := tx.QueryContext(ctx, `SELECT `+database.Day(tx, "created_at")+`, channel, locale, region, age_band, gender, COUNT(*), SUM(CASE WHEN user_id IS NULL THEN 1 ELSE 0 END)
		FROM responses WHERE consultation_id = ? GROUP BY 1, 2, 3, 4, 5, 6`, id)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var f responseFacts
		var n, anonymous int64
		if err := rows.Scan(&f.Day, &f.Channel, &f.Locale, &f.Region, &f.AgeBand, &f.Gender, &n, &anonymous); err != nil {
			return err
		}
		d.countResponse(f, n)
		d.add(DimTotals, TotalParticipants, anonymous)
		d.add(DimParticipantsByDay, f.Day, anonymous)
	}
	return rows.Err()
}

func recountAnswers(ctx context.Context, tx *sqlx.Tx, id string, d deltas) error {
	rows, err := tx.QueryContext(ctx, `SELECT q.id, q.kind, CASE WHEN q.kind = 'text' THEN '' ELSE a.value END, COUNT(*)
		FROM questions q JOIN answers a ON a.question_id = q.id
		WHERE q.consultation_id = ? GROUP BY 1, 2, 3`, id)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var qid, value string
		var kind consultations.QuestionKind
		var n int64
		if err := rows.Scan(&qid, &kind, &value, &n); err != nil {
			return err
		}
		d.countAnswer(qid, kind, value, n)
	}
	return rows.Err()
}

func recountContributions(ctx context.Context, tx *sqlx.Tx, id string, d deltas) error {
	rows, err := tx.QueryContext(ctx, `SELECT CASE WHEN parent_id IS NOT NULL THEN 'reply' ELSE kind END, channel, `+database.Day(tx, "created_at")+`, COUNT(*)
		FROM comments WHERE consultation_id = ? AND status = 'published' GROUP BY 1, 2, 3`, id)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var kind, channel, on string
		var n int64
		if err := rows.Scan(&kind, &channel, &on, &n); err != nil {
			return err
		}
		d.add(DimTotals, TotalContributions, n)
		d.add(DimContributionsByKind, kind, n)
		d.add(DimContributionsByChannel, channel, n)
		d.add(DimContributionsByDay, on, n)
	}
	return rows.Err()
}

func recountSupports(ctx context.Context, tx *sqlx.Tx, id string, d deltas) error {
	rows, err := tx.QueryContext(ctx, `SELECT `+database.Day(tx, "s.created_at")+`, COUNT(*)
		FROM supports s JOIN comments c ON c.id = s.comment_id WHERE c.consultation_id = ? GROUP BY 1`, id)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var on string
		var n int64
		if err := rows.Scan(&on, &n); err != nil {
			return err
		}
		d.add(DimTotals, TotalSupports, n)
		d.add(DimSupportsByDay, on, n)
	}
	return rows.Err()
}

// recountPeople rebuilds who took part with an account, and when first.
func recountPeople(ctx context.Context, tx *sqlx.Tx, id string, d deltas) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM analytics_people WHERE consultation_id = ?`, id); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO analytics_people (consultation_id, user_id, contributions, first_day)
		SELECT ?, who, COUNT(*), MIN(d) FROM (
			SELECT user_id AS who, `+database.Day(tx, "created_at")+` AS d FROM responses WHERE consultation_id = ? AND user_id IS NOT NULL
			UNION ALL
			SELECT author_id, `+database.Day(tx, "created_at")+` FROM comments WHERE consultation_id = ? AND status = 'published' AND author_id IS NOT NULL
			UNION ALL
			SELECT s.user_id, `+database.Day(tx, "s.created_at")+` FROM supports s JOIN comments c ON c.id = s.comment_id WHERE c.consultation_id = ?
		) AS contributions GROUP BY who`, id, id, id, id); err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT first_day, COUNT(*) FROM analytics_people WHERE consultation_id = ? GROUP BY 1`, id)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var on string
		var n int64
		if err := rows.Scan(&on, &n); err != nil {
			return err
		}
		d.add(DimTotals, TotalParticipants, n)
		d.add(DimParticipantsByDay, on, n)
	}
	return rows.Err()
}
