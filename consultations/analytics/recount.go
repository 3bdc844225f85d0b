package analytics

import (
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
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
// by sorting, which for 16 million answers meant writing and merging a
// temporary B-tree of them all. SQL does only what is cheap per row (no string building: joining
// six columns into one key cost more than returning them).

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
	ID           string                     `db:"id"`
	Kind         consultations.QuestionKind `db:"kind"`
	consultation string
}

func questionsOf(ctx context.Context, tx *sqlx.Tx, id string) ([]question, error) {
	var qs []question
	err := tx.SelectContext(ctx, &qs, `SELECT id, kind FROM questions WHERE consultation_id = ? ORDER BY position, id`, id)
	for i := range qs {
		qs[i].consultation = id
	}
	return qs, err
}

// scan is one streaming read of part of a table.
type scan func(ctx context.Context, q querier) (*tallied, error)

// recount counts consultation id's content. With a reader pool it runs the
// scans on several connections at once, the answers (the largest table)
// split in rowid ranges, and the responses too when the consultation
// holds most of them; with none it reads through tx, one after another.
func recount(ctx context.Context, tx *sqlx.Tx, readers *sqlx.DB, id string, qs []question) (*tallied, error) {
	scans := []scan{
		func(ctx context.Context, q querier) (*tallied, error) { return scanContributions(ctx, q, id) },
		func(ctx context.Context, q querier) (*tallied, error) { return scanSupports(ctx, q, id) },
	}
	parts := 1
	if readers != nil {
		parts = 2 * runtime.GOMAXPROCS(0)
	}
	answers, err := rowRanges(ctx, tx, "answers", parts)
	if err != nil {
		return nil, err
	}
	responses := []rowRange{{}}
	if parts > 1 {
		// Reading the whole table in rowid order beats the index when the
		// consultation holds most rows, and splits into ranges.
		var mine int64
		if err := tx.GetContext(ctx, &mine, `SELECT response_count FROM consultations WHERE id = ?`, id); err != nil {
			return nil, err
		}
		if all, err := rowRanges(ctx, tx, "responses", parts); err != nil {
			return nil, err
		} else if len(all) > 0 && 2*mine >= all[len(all)-1].to {
			responses = all
		}
	}
	for _, r := range responses {
		scans = append(scans, func(ctx context.Context, q querier) (*tallied, error) { return scanResponses(ctx, q, id, r) })
	}
	for _, r := range answers {
		scans = append(scans, func(ctx context.Context, q querier) (*tallied, error) { return scanAnswers(ctx, q, qs, r) })
	}
	total := newTallied()
	if readers == nil {
		for _, sc := range scans {
			t, err := sc(ctx, sqlQuerier{tx})
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
			conn, err := mapped(ctx, readers)
			if err != nil {
				mu.Lock()
				first = cmp.Or(first, err)
				mu.Unlock()
				cancel()
				return
			}
			defer conn.close()
			for sc := range jobs {
				t, err := sc(ctx, conn)
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

// rowRanges splits a table in parts of equal rowid spans (SQLite only:
// PostgreSQL has no rowid); one part, the zero range, means the whole
// table read by other means.
func rowRanges(ctx context.Context, tx *sqlx.Tx, table string, parts int) ([]rowRange, error) {
	if parts <= 1 {
		return []rowRange{{}}, nil
	}
	// Two statements: SQLite finds MIN or MAX alone at one end of the
	// B-tree, but scans the table for both together.
	var lo, hi sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT MIN(rowid) FROM `+table).Scan(&lo); err != nil {
		return nil, err
	}
	if err := tx.QueryRowContext(ctx, `SELECT MAX(rowid) FROM `+table).Scan(&hi); err != nil {
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

// scanResponses counts responses under each thing they are counted
// under, and who answered with an account. Each column is counted on its
// own: the figures never cross two of them.
func scanResponses(ctx context.Context, q querier, id string, r rowRange) (*tallied, error) {
	query := `SELECT ` + database.Day(q, "created_at") + `, channel, locale, region, age_band, gender, user_id FROM responses WHERE consultation_id = ?`
	args := []any{id}
	if r != (rowRange{}) {
		// "+" keeps SQLite from using the consultation index for this.
		query = `SELECT ` + database.Day(q, "created_at") + `, channel, locale, region, age_band, gender, user_id FROM responses
			WHERE +consultation_id = ? AND rowid BETWEEN ? AND ?`
		args = append(args, r.from, r.to)
	}
	t := newTallied()
	dims := [...]string{DimResponsesByDay, DimResponsesByChannel, DimResponsesByLanguage, DimRegion, DimAgeBand, DimGender}
	var cells [len(dims)]map[string]int64
	for i := range cells {
		cells[i] = map[string]int64{}
	}
	anonymous := map[string]int64{} // by day
	var n int64
	err := q.each(ctx, query, args, func(v []driver.Value) error {
		n++
		for i := range dims {
			cells[i][text(v[i])]++
		}
		if v[6] == nil {
			anonymous[text(v[0])]++
		} else {
			t.person(text(v[6]), text(v[0]))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	t.d.add(DimTotals, TotalResponses, n)
	for i, dim := range dims {
		for value, c := range cells[i] {
			if dim == DimRegion || dim == DimAgeBand || dim == DimGender {
				value = profileValue(value)
			}
			t.d.add(dim, value, c)
		}
	}
	for on, c := range anonymous {
		t.d.add(DimTotals, TotalParticipants, c)
		t.d.add(DimParticipantsByDay, on, c)
	}
	return t, nil
}

// scanAnswers counts the answers to qs in rowid range r. SQLite names
// the question by its position in qs and returns the value only where it
// is counted (choices and scales), so free text never leaves SQLite;
// answers to other consultations' questions come back as NULLs.
func scanAnswers(ctx context.Context, q querier, qs []question, r rowRange) (*tallied, error) {
	t := newTallied()
	if len(qs) == 0 {
		return t, nil
	}
	var which, value strings.Builder
	var args, valueArgs []any
	which.WriteString("CASE question_id")
	value.WriteString("CASE question_id")
	for i, qu := range qs {
		fmt.Fprintf(&which, " WHEN ? THEN %d", i)
		args = append(args, qu.ID)
		if qu.Kind != consultations.QuestionText {
			value.WriteString(" WHEN ? THEN value")
			valueArgs = append(valueArgs, qu.ID)
		}
	}
	which.WriteString(" END")
	value.WriteString(" END")
	if len(valueArgs) == 0 {
		value.Reset()
		value.WriteString("NULL")
	}
	query := `SELECT ` + which.String() + `, ` + value.String() + ` FROM answers`
	args = append(args, valueArgs...)
	if r != (rowRange{}) {
		query += ` WHERE rowid BETWEEN ? AND ?`
		args = append(args, r.from, r.to)
	} else {
		// Without rowids (PostgreSQL), the consultation's answers only.
		query = `SELECT ` + which.String() + `, ` + value.String() + ` FROM answers WHERE question_id IN (SELECT id FROM questions WHERE consultation_id = ?)`
		args = append(args, qs[0].consultation)
	}
	values := make([]map[string]int64, len(qs))
	for i := range values {
		values[i] = map[string]int64{}
	}
	err := q.each(ctx, query, args, func(v []driver.Value) error {
		if v[0] == nil {
			return nil // another consultation's
		}
		i, ok := v[0].(int64)
		if !ok || i < 0 || int(i) >= len(qs) {
			return fmt.Errorf("analytics: answer to question %v", v[0])
		}
		values[i][text(v[1])]++
		return nil
	})
	if err != nil {
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
	t := newTallied()
	cells := map[string]int64{}
	err := q.each(ctx, `SELECT CASE WHEN parent_id IS NOT NULL THEN 'reply' ELSE kind END || '`+sep+`' || channel || '`+sep+`' || `+database.Day(q, "created_at")+`, author_id
		FROM comments WHERE consultation_id = ? AND status = 'published'`, []any{id}, func(v []driver.Value) error {
		k := text(v[0])
		cells[k]++
		if v[1] != nil {
			t.person(text(v[1]), k[strings.LastIndex(k, sep)+1:])
		}
		return nil
	})
	if err != nil {
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
	t := newTallied()
	err := q.each(ctx, `SELECT `+database.Day(q, "s.created_at")+`, s.user_id
		FROM supports s JOIN comments c ON c.id = s.comment_id WHERE c.consultation_id = ?`, []any{id}, func(v []driver.Value) error {
		d := text(v[0])
		t.d.add(DimTotals, TotalSupports, 1)
		t.d.add(DimSupportsByDay, d, 1)
		t.person(text(v[1]), d)
		return nil
	})
	return t, err
}
