package database

import (
	"context"
	"strconv"
	"testing"
	"time"
)

// An opinion map voted on before migrations 0041 and 0042 keeps its
// statements' counts, its votes and its next statement afterwards.
func TestOpinionCountsSurviveTheirMoveToTheirOwnTable(t *testing.T) {
	db := openMigratedTo(t, 40)
	ctx := context.Background()

	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	type exec struct {
		query string
		args  []any
	}
	seed := []exec{
		{`INSERT INTO organisations (id, slug, name, created_at) VALUES ('o', 'o', 'Org', ?)`, []any{now}},
		{`INSERT INTO users (id, email, password_hash, display_name, role, created_at) VALUES ('u', 'u@example.org', 'x', 'U', 'staff', ?)`, []any{now}},
		{`INSERT INTO consultations (id, org_id, slug, kind, status, default_locale, title, summary, body, opens_at, closes_at, created_by, created_at, updated_at)
			VALUES ('c', 'o', 'c', 'policy', 'open', 'en', 'T', 'S', 'B', ?, ?, 'u', ?, ?)`, []any{now, now.AddDate(0, 1, 0), now, now}},
		{`INSERT INTO opinion_maps (consultation_id, next_number, created_at, updated_at) VALUES ('c', 3, ?, ?)`, []any{now, now}},
	}
	for i, body := range []string{"first", "second", "third"} {
		votes, agree := []int{2, 0, 1}[i], []int{1, 0, 1}[i]
		seed = append(seed, exec{`INSERT INTO opinion_statements (id, consultation_id, number, body, normalized, locale, status, vote_count, agree_count, disagree_count, created_at)
			VALUES (?, 'c', ?, ?, ?, 'en', 'published', ?, ?, ?, ?)`, []any{"s" + strconv.Itoa(i), i, body, body, votes, agree, votes - agree, now}})
	}
	for _, v := range [][]any{{"s0", "p1", 1}, {"s0", "p2", -1}, {"s2", "p1", 1}} {
		seed = append(seed, exec{`INSERT INTO opinion_votes (statement_id, participant_id, consultation_id, vote, updated_at) VALUES (?, ?, 'c', ?, ?)`, append(v, now)})
	}
	for _, s := range seed {
		if _, err := db.writer.ExecContext(ctx, db.Rebind(s.query), s.args...); err != nil {
			t.Fatalf("%s: %v", s.query, err)
		}
	}

	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var counts []struct {
		Number   int `db:"number"`
		Votes    int `db:"vote_count"`
		Agree    int `db:"agree_count"`
		Disagree int `db:"disagree_count"`
	}
	err := db.writer.SelectContext(ctx, &counts, `SELECT c.number, c.vote_count, c.agree_count, c.disagree_count
		FROM opinion_counts c JOIN opinion_maps m ON m.key = c.map_key WHERE m.consultation_id = 'c' ORDER BY c.number`)
	if err != nil {
		t.Fatal(err)
	}
	want := [][4]int{{0, 2, 1, 1}, {1, 0, 0, 0}, {2, 1, 1, 0}}
	if len(counts) != len(want) {
		t.Fatalf("counts = %+v; want %v", counts, want)
	}
	for i, c := range counts {
		if got := [4]int{c.Number, c.Votes, c.Agree, c.Disagree}; got != want[i] {
			t.Errorf("counts of statement %d = %v; want %v", i, got, want[i])
		}
	}
	var votes int
	if err := db.writer.GetContext(ctx, &votes, `SELECT COUNT(*) FROM opinion_votes`); err != nil || votes != 3 {
		t.Errorf("votes after the migrations = %d, %v; want 3", votes, err)
	}
	// A new map gets a key of its own.
	if _, err := db.writer.ExecContext(ctx, db.Rebind(`INSERT INTO consultations (id, org_id, slug, kind, status, default_locale, title, summary, body, opens_at, closes_at, created_by, created_at, updated_at)
			VALUES ('c2', 'o', 'c2', 'policy', 'open', 'en', 'T', 'S', 'B', ?, ?, 'u', ?, ?)`), now, now, now, now); err != nil {
		t.Fatal(err)
	}
	if _, err := db.writer.ExecContext(ctx, db.Rebind(`INSERT INTO opinion_maps (consultation_id, created_at, updated_at) VALUES ('c2', ?, ?)`), now, now); err != nil {
		t.Fatal(err)
	}
	var keys int
	if err := db.writer.GetContext(ctx, &keys, `SELECT COUNT(DISTINCT key) FROM opinion_maps`); err != nil || keys != 2 {
		t.Errorf("distinct map keys = %d, %v; want 2", keys, err)
	}
}
