package analytics

import (
	"context"
	"database/sql"
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

// committedEqualsTx reports whether the committed content of a
// consultation, as readers see it, is what tx sees. Counts and events no
// longer tell: writes of a batch move them only just before it commits.
// So the content itself is compared, through indexes: responses (their
// number, newest id and rowids; ids grow with time, so a new response
// changes the newest id even when it reuses a deleted one's rowid),
// published comments and supports likewise.
func committedEqualsTx(ctx context.Context, tx *sqlx.Tx, reader *sqlx.DB, id string) (bool, error) {
	inTx, err := fingerprint(ctx, tx, id)
	if err != nil {
		return false, err
	}
	committed, err := fingerprint(ctx, reader, id)
	return err == nil && inTx == committed, err
}

func fingerprint(ctx context.Context, q database.TxRunner, id string) (string, error) {
	var f struct {
		Responses        int64          `db:"responses"`
		ResponseIDs      float64        `db:"response_rowids"`
		NewestResponse   sql.NullString `db:"newest_response"`
		Comments         int64          `db:"comments"`
		CommentIDs       float64        `db:"comment_rowids"`
		NewestComment    sql.NullString `db:"newest_comment"`
		Supports         int64          `db:"supports"`
		SupportIDs       float64        `db:"support_rowids"`
		NewestSupportDay sql.NullString `db:"newest_support"`
	}
	err := q.GetContext(ctx, &f, `SELECT
		(SELECT COUNT(*) FROM responses WHERE consultation_id = ?) AS responses,
		(SELECT TOTAL(rowid) FROM responses WHERE consultation_id = ?) AS response_rowids,
		(SELECT MAX(id) FROM responses WHERE consultation_id = ?) AS newest_response,
		(SELECT COUNT(*) FROM comments WHERE consultation_id = ? AND status = 'published') AS comments,
		(SELECT TOTAL(rowid) FROM comments WHERE consultation_id = ? AND status = 'published') AS comment_rowids,
		(SELECT MAX(id) FROM comments WHERE consultation_id = ? AND status = 'published') AS newest_comment,
		(SELECT COUNT(*) FROM supports s JOIN comments c ON c.id = s.comment_id WHERE c.consultation_id = ?) AS supports,
		(SELECT TOTAL(s.rowid) FROM supports s JOIN comments c ON c.id = s.comment_id WHERE c.consultation_id = ?) AS support_rowids,
		(SELECT MAX(s.created_at) FROM supports s JOIN comments c ON c.id = s.comment_id WHERE c.consultation_id = ?) AS newest_support`,
		id, id, id, id, id, id, id, id, id)
	return fmt.Sprintf("%+v", f), err
}

func recompute(ctx context.Context, tx *sqlx.Tx, readers *sqlx.DB, id string) error {
	// Earlier writes of this batch left moves for the consultation; the
	// recount counts what they wrote (through tx, or, when readers are used,
	// there were none).
	forgetEarlierMoves(tx, id)
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
