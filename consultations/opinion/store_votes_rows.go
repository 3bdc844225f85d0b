package opinion

import (
	"context"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// voteRow is one participant's vote on one statement, as stored.
type voteRow struct {
	StatementID    string
	ParticipantID  string
	ConsultationID string   // not stored: it says which map's recompute hears of the vote
	Counts         countKey // the statement's row of opinion_counts
	Vote           int
	At             time.Time
}

type voteKey struct{ statement, participant string }

// countKey is a statement's key in opinion_counts: its map's integer key
// and its number in the map.
type countKey struct {
	mapKey int64
	number int
}

// voteChunk bounds the rows of one multi-row statement: at most 5
// parameters a row stays far below SQLite's and PostgreSQL's limits.
const voteChunk = 500

// writeVotes stores rows inside tx, a later row for the same statement and
// participant replacing an earlier one, and moves the statements' counts.
// Each chunk of rows costs three statements whatever its size: read the
// votes they replace, upsert the changed ones, move the counts. It
// returns how many stored votes changed, per consultation.
func (s *Store) writeVotes(ctx context.Context, tx *sqlx.Tx, rows []voteRow) (map[string]int, error) {
	last := make(map[voteKey]int, len(rows))
	for i, r := range rows {
		last[voteKey{r.StatementID, r.ParticipantID}] = i
	}
	unique := make([]voteRow, 0, len(last))
	for i, r := range rows {
		if last[voteKey{r.StatementID, r.ParticipantID}] == i {
			unique = append(unique, r)
		}
	}
	changed := map[string]int{}
	for len(unique) > 0 {
		n := min(len(unique), voteChunk)
		if err := s.writeVoteChunk(ctx, tx, unique[:n], changed); err != nil {
			return nil, err
		}
		unique = unique[n:]
	}
	return changed, nil
}

// countDelta is how one statement's counts move.
type countDelta struct{ votes, agree, disagree int }

func (s *Store) writeVoteChunk(ctx context.Context, tx *sqlx.Tx, rows []voteRow, changed map[string]int) error {
	old, err := s.oldVotes(ctx, tx, rows)
	if err != nil {
		return err
	}
	var upsert []voteRow
	deltas := map[countKey]*countDelta{}
	var order []countKey // statements in first-seen order, for a stable update
	for _, r := range rows {
		prev, had := old[voteKey{r.StatementID, r.ParticipantID}]
		if had && prev == r.Vote {
			continue
		}
		upsert = append(upsert, r)
		changed[r.ConsultationID]++
		d := deltas[r.Counts]
		if d == nil {
			d = &countDelta{}
			deltas[r.Counts] = d
			order = append(order, r.Counts)
		}
		if had {
			d.agree -= boolInt(prev == Agree)
			d.disagree -= boolInt(prev == Disagree)
		} else {
			d.votes++
		}
		d.agree += boolInt(r.Vote == Agree)
		d.disagree += boolInt(r.Vote == Disagree)
	}
	if len(upsert) == 0 {
		return nil
	}
	args := make([]any, 0, 5*len(upsert))
	for _, r := range upsert {
		args = append(args, r.StatementID, r.ParticipantID, r.Vote, r.At)
	}
	_, err = tx.ExecContext(ctx, s.q(`INSERT INTO opinion_votes (statement_id, participant_id, vote, updated_at) VALUES `+
		placeholders(len(upsert), "(?, ?, ?, ?)")+
		` ON CONFLICT (statement_id, participant_id) DO UPDATE SET vote = excluded.vote, updated_at = excluded.updated_at`), args...)
	if err != nil {
		return err
	}
	args = args[:0]
	for _, k := range order {
		d := deltas[k]
		args = append(args, k.mapKey, k.number, d.votes, d.agree, d.disagree)
	}
	// VALUES columns are column1, column2, … on both SQLite and PostgreSQL;
	// the casts tell PostgreSQL the parameters are numbers.
	_, err = tx.ExecContext(ctx, s.q(`UPDATE opinion_counts SET vote_count = vote_count + d.column3,
		agree_count = agree_count + d.column4, disagree_count = disagree_count + d.column5
		FROM (VALUES `+placeholders(len(order), "(CAST(? AS BIGINT), CAST(? AS INTEGER), CAST(? AS INTEGER), CAST(? AS INTEGER), CAST(? AS INTEGER))")+`) AS d
		WHERE opinion_counts.map_key = d.column1 AND opinion_counts.number = d.column2`), args...)
	return err
}

// oldVotes reads the stored votes that rows would replace, one primary-key
// probe each.
func (s *Store) oldVotes(ctx context.Context, tx *sqlx.Tx, rows []voteRow) (map[voteKey]int, error) {
	args := make([]any, 0, 2*len(rows))
	for _, r := range rows {
		args = append(args, r.StatementID, r.ParticipantID)
	}
	// A join rather than "(a, b) IN (VALUES …)", which SQLite answers by
	// scanning the table.
	res, err := tx.QueryContext(ctx, s.q(`SELECT v.statement_id, v.participant_id, v.vote
		FROM (VALUES `+placeholders(len(rows), "(?, ?)")+`) AS k
		JOIN opinion_votes v ON v.statement_id = k.column1 AND v.participant_id = k.column2`), args...)
	if err != nil {
		return nil, err
	}
	defer res.Close()
	old := make(map[voteKey]int, len(rows))
	for res.Next() {
		var k voteKey
		var v int
		if err := res.Scan(&k.statement, &k.participant, &v); err != nil {
			return nil, err
		}
		old[k] = v
	}
	return old, res.Err()
}

// placeholders repeats one row's placeholders n times, comma-separated.
func placeholders(n int, row string) string {
	var b strings.Builder
	b.Grow(n * (len(row) + 2))
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	return b.String()
}
