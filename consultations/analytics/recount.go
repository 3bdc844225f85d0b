package analytics

import (
	"context"
	"database/sql"
	"fmt"
	"runtime"
	"strings"
	"sync"

	"github.com/consult-platform/consult/consultations"
	"github.com/consult-platform/consult/database"
	"github.com/jmoiron/sqlx"
)

// A recount reads each table of a consultation once, as a stream of small
// rows, and counts in Go maps. Grouping in SQL was slower: SQLite groups
// by sorting, which for 20 million answers meant writing and merging a
// temporary B-tree of them all. Rows are scanned into interface values,
// the one destination database/sql fills without reflection or a copy,
// and responses come back as one string of everything they are counted
// under, so a row costs one allocation.

// querier runs the recount's reads: a transaction, or the reader pool.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	DriverName() string
}

// sep joins the fields of a grouping key; no counted value contains it.
const sep = "\x1f"

// person is one account holder's counted contributions and first day.
type person struct {
	n     int64
	first string
}

// tallied is what one or more scans counted.
type tallied struct {
	d      deltas
	people map[string]person
}

func newTallied() *tallied { return &tallied{d: deltas{}, people: map[string]person{}} }

func (t *tallied) person(user, on string) {
	p, ok := t.people[user]
	if !ok || on < p.first {
		p.first = on
	}
	p.n++
	t.people[user] = p
}

func (t *tallied) merge(o *tallied) {
	for k, n := range o.d {
		t.d[k] += n
	}
	for u, q := range o.people {
		p, ok := t.people[u]
		if !ok || q.first < p.first {
			p.first = q.first
		}
		p.n += q.n
		t.people[u] = p
	}
}

// question is what a recount needs of a question.
type question struct {
	ID   string                     `db:"id"`
	Kind consultations.QuestionKind `db:"kind"`
}

func questionsOf(ctx context.Context, tx *sqlx.Tx, id string) ([]question, error) {
	var qs []question
	err := tx.SelectContext(ctx, &qs, `SELECT id, kind FROM questions WHERE consultation_id = ? ORDER BY position, id`, id)
	return qs, err
}

// scan is one streaming read of part of a table.
type scan func(ctx context.Context, q querier) (*tallied, error)

// recount counts consultation id's content. With a reader pool it runs the
// scans on several connections at once, the answers (the largest table)
// split in rowid ranges; with none it reads through tx, one after another.
func recount(ctx context.Context, tx *sqlx.Tx, readers *sqlx.DB, id string, qs []question) (*tallied, error) {
	scans := []scan{
		func(ctx context.Context, q querier) (*tallied, error) { return scanResponses(ctx, q, id) },
		func(ctx context.Context, q querier) (*tallied, error) { return scanContributions(ctx, q, id) },
		func(ctx context.Context, q querier) (*tallied, error) { return scanSupports(ctx, q, id) },
	}
	parts := 1
	if readers != nil {
		parts = 2 * runtime.GOMAXPROCS(0)
	}
	ranges, err := answerRanges(ctx, tx, readers != nil, parts)
	if err != nil {
		return nil, err
	}
	for _, r := range ranges {
		scans = append(scans, func(ctx context.Context, q querier) (*tallied, error) { return scanAnswers(ctx, q, qs, r) })
	}
	total := newTallied()
	if readers == nil {
		for _, sc := range scans {
			t, err := sc(ctx, tx)
			if err != nil {
				return nil, err
			}
			total.merge(t)
		}
		return total, nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan scan, len(scans))
	for _, sc := range scans {
		jobs <- sc
	}
	close(jobs)
	var (
		mu    sync.Mutex
		first error
		wg    sync.WaitGroup
	)
	for range min(runtime.GOMAXPROCS(0), len(scans)) {
		wg.Go(func() {
			for sc := range jobs {
				t, err := sc(ctx, readers)
				mu.Lock()
				if err != nil && first == nil {
					first = err
					cancel()
				} else if err == nil {
					total.merge(t)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return total, first
}

// rowRange is a range of answers' rowids; the zero value means all.
type rowRange struct{ from, to int64 }

// answerRanges splits the answers table in parts of equal rowid spans
// (SQLite only: PostgreSQL has no rowid).
func answerRanges(ctx context.Context, tx *sqlx.Tx, split bool, parts int) ([]rowRange, error) {
	if !split || parts <= 1 {
		return []rowRange{{}}, nil
	}
	var lo, hi sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT MIN(rowid), MAX(rowid) FROM answers`).Scan(&lo, &hi); err != nil {
		return nil, err
	}
	if !lo.Valid {
		return []rowRange{{}}, nil
	}
	step := (hi.Int64-lo.Int64)/int64(parts) + 1
	var out []rowRange
	for from := lo.Int64; from <= hi.Int64; from += step {
		out = append(out, rowRange{from, min(from+step-1, hi.Int64)})
	}
	return out, nil
}

func text(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case []byte:
		return string(v)
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// scanResponses counts responses by everything they are counted under,
// and who answered with an account.
func scanResponses(ctx context.Context, q querier, id string) (*tallied, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+database.Day(q, "created_at")+` || '`+sep+`' || channel || '`+sep+`' || locale || '`+sep+`' || region
		|| '`+sep+`' || age_band || '`+sep+`' || gender, user_id FROM responses WHERE consultation_id = ?`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	t := newTallied()
	type cell struct{ n, anonymous int64 }
	cells := map[string]*cell{}
	var key, user any
	for rows.Next() {
		if err := rows.Scan(&key, &user); err != nil {
			return nil, err
		}
		k := text(key)
		c := cells[k]
		if c == nil {
			c = &cell{}
			cells[k] = c
		}
		c.n++
		if user == nil {
			c.anonymous++
		} else {
			on, _, _ := strings.Cut(k, sep)
			t.person(text(user), on)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for k, c := range cells {
		f := strings.Split(k, sep)
		if len(f) != 6 {
			return nil, fmt.Errorf("analytics: response key %q", k)
		}
		facts := responseFacts{Day: f[0], Channel: f[1], Locale: f[2], Region: f[3], AgeBand: f[4], Gender: f[5]}
		t.d.countResponse(facts, c.n)
		t.d.add(DimTotals, TotalParticipants, c.anonymous)
		t.d.add(DimParticipantsByDay, facts.Day, c.anonymous)
	}
	return t, nil
}

// scanAnswers counts the answers to qs in rowid range r: the question as
// its position in qs, the value only for questions counted by value.
func scanAnswers(ctx context.Context, q querier, qs []question, r rowRange) (*tallied, error) {
	t := newTallied()
	if len(qs) == 0 {
		return t, nil
	}
	var which, texts, in strings.Builder
	var args, textArgs, inArgs []any
	which.WriteString("CASE question_id")
	for i, qu := range qs {
		fmt.Fprintf(&which, " WHEN ? THEN %d", i)
		args = append(args, qu.ID)
		if qu.Kind == consultations.QuestionText {
			if len(textArgs) > 0 {
				texts.WriteString(", ")
			}
			texts.WriteString("?")
			textArgs = append(textArgs, qu.ID)
		}
		if i > 0 {
			in.WriteString(", ")
		}
		in.WriteString("?")
		inArgs = append(inArgs, qu.ID)
	}
	which.WriteString(" END")
	value := "value" // free text is counted, never read
	if len(textArgs) > 0 {
		value = "CASE WHEN question_id IN (" + texts.String() + ") THEN NULL ELSE value END"
		args = append(args, textArgs...)
	}
	query := `SELECT ` + which.String() + `, ` + value + ` FROM answers WHERE question_id IN (` + in.String() + `)`
	args = append(args, inArgs...)
	if r != (rowRange{}) {
		query += ` AND rowid BETWEEN ? AND ?`
		args = append(args, r.from, r.to)
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	values := make([]map[string]int64, len(qs))
	for i := range values {
		values[i] = map[string]int64{}
	}
	var qi, v any
	for rows.Next() {
		if err := rows.Scan(&qi, &v); err != nil {
			return nil, err
		}
		i, ok := qi.(int64)
		if !ok || i < 0 || int(i) >= len(qs) {
			return nil, fmt.Errorf("analytics: answer to question %v", qi)
		}
		values[i][text(v)]++
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i, qu := range qs {
		for value, n := range values[i] {
			t.d.countAnswer(qu.ID, qu.Kind, value, n)
		}
	}
	return t, nil
}

// scanContributions counts published comments, ideas and replies, and
// who wrote them.
func scanContributions(ctx context.Context, q querier, id string) (*tallied, error) {
	rows, err := q.QueryContext(ctx, `SELECT CASE WHEN parent_id IS NOT NULL THEN 'reply' ELSE kind END || '`+sep+`' || channel || '`+sep+`' || `+database.Day(q, "created_at")+`, author_id
		FROM comments WHERE consultation_id = ? AND status = 'published'`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	t := newTallied()
	cells := map[string]int64{}
	var key, author any
	for rows.Next() {
		if err := rows.Scan(&key, &author); err != nil {
			return nil, err
		}
		k := text(key)
		cells[k]++
		if author != nil {
			t.person(text(author), k[strings.LastIndex(k, sep)+1:])
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for k, n := range cells {
		f := strings.Split(k, sep)
		if len(f) != 3 {
			return nil, fmt.Errorf("analytics: contribution key %q", k)
		}
		t.d.add(DimTotals, TotalContributions, n)
		t.d.add(DimContributionsByKind, f[0], n)
		t.d.add(DimContributionsByChannel, f[1], n)
		t.d.add(DimContributionsByDay, f[2], n)
	}
	return t, nil
}

// scanSupports counts supports of the consultation's ideas, and who gave
// them.
func scanSupports(ctx context.Context, q querier, id string) (*tallied, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+database.Day(q, "s.created_at")+`, s.user_id
		FROM supports s JOIN comments c ON c.id = s.comment_id WHERE c.consultation_id = ?`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	t := newTallied()
	var on, user any
	for rows.Next() {
		if err := rows.Scan(&on, &user); err != nil {
			return nil, err
		}
		d := text(on)
		t.d.add(DimTotals, TotalSupports, 1)
		t.d.add(DimSupportsByDay, d, 1)
		t.person(text(user), d)
	}
	return t, rows.Err()
}
