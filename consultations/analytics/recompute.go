package analytics

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/consult-platform/consult/database"
	"github.com/jmoiron/sqlx"
)

// Recompute rebuilds a consultation's counts from its responses, comments
// and supports. It runs as one write, so the counts it leaves agree with
// the content exactly; other writes wait for it (seconds for millions of
// responses), which is why figures are otherwise kept on write.
//
// On SQLite the tables are read on several reader connections at once
// while the write holds the database's only write lock: nothing can
// commit meanwhile, so every reader sees the content the write sees,
// unless a write earlier in the same group commit changed this
// consultation (the readers cannot see uncommitted rows). Then, or on
// PostgreSQL, where other nodes commit at any time, it reads through its
// own transaction, one table after another.
func (s *Service) Recompute(ctx context.Context, consultationID string) error {
	return s.db.Write(ctx, func(tx *sqlx.Tx) error {
		var readers *sqlx.DB
		if s.db.Dialect == database.SQLite {
			same, err := committedEqualsTx(ctx, tx, s.db.Reader, consultationID)
			if err != nil {
				return err
			}
			if same {
				readers = s.db.Reader
			}
		}
		return recompute(ctx, tx, readers, consultationID)
	})
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

// committedEqualsTx reports whether the committed state of a
// consultation's figures, as readers see it, is what tx sees: the same
// last event, counts and people. Every write that moves the figures moves
// the counts kept on write in its own transaction, and records an event.
func committedEqualsTx(ctx context.Context, tx *sqlx.Tx, reader *sqlx.DB, id string) (bool, error) {
	inTx, err := fingerprint(ctx, tx, id)
	if err != nil {
		return false, err
	}
	committed, err := fingerprint(ctx, reader, id)
	return err == nil && inTx == committed, err
}

func fingerprint(ctx context.Context, q database.TxRunner, id string) (string, error) {
	var b strings.Builder
	var head struct {
		Seq           int64 `db:"seq"`
		People        int64 `db:"people"`
		Contributions int64 `db:"contributions"`
		Responses     int64 `db:"response_count"`
		Comments      int64 `db:"comment_count"`
	}
	err := q.GetContext(ctx, &head, `SELECT
		COALESCE((SELECT last_seq FROM event_seqs WHERE consultation_id = c.id), 0) AS seq,
		(SELECT COUNT(*) FROM analytics_people WHERE consultation_id = c.id) AS people,
		(SELECT COALESCE(SUM(contributions), 0) FROM analytics_people WHERE consultation_id = c.id) AS contributions,
		response_count, comment_count FROM consultations c WHERE c.id = ?`, id)
	if err != nil {
		return "", err
	}
	fmt.Fprintf(&b, "%+v\n", head)
	rows, err := q.QueryContext(ctx, `SELECT dimension, value, count FROM analytics_counts WHERE consultation_id = ? ORDER BY dimension, value`, id)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	for rows.Next() {
		var dim, value string
		var n int64
		if err := rows.Scan(&dim, &value, &n); err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "%s\x1f%s\x1f%d\n", dim, value, n)
	}
	return b.String(), rows.Err()
}

func recompute(ctx context.Context, tx *sqlx.Tx, readers *sqlx.DB, id string) error {
	qs, err := questionsOf(ctx, tx, id)
	if err != nil {
		return err
	}
	counted, err := recount(ctx, tx, readers, id, qs)
	if err != nil {
		return err
	}
	d := counted.d
	if _, err := tx.ExecContext(ctx, `DELETE FROM analytics_people WHERE consultation_id = ?`, id); err != nil {
		return err
	}
	if err := insertPeople(ctx, tx, id, counted.people); err != nil {
		return err
	}
	for _, p := range counted.people {
		d.add(DimTotals, TotalParticipants, 1)
		d.add(DimParticipantsByDay, p.first, 1)
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

// insertPeople writes who took part with an account, a few hundred rows
// per statement.
func insertPeople(ctx context.Context, tx *sqlx.Tx, id string, people map[string]person) error {
	users := make([]string, 0, len(people))
	for u := range people {
		users = append(users, u)
	}
	slices.Sort(users)
	for chunk := range slices.Chunk(users, 200) {
		var sb strings.Builder
		sb.WriteString(`INSERT INTO analytics_people (consultation_id, user_id, contributions, first_day) VALUES `)
		args := make([]any, 0, len(chunk)*4)
		for i, u := range chunk {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString("(?, ?, ?, ?)")
			args = append(args, id, u, people[u].n, people[u].first)
		}
		if _, err := tx.ExecContext(ctx, sb.String(), args...); err != nil {
			return err
		}
	}
	return nil
}
