package database

import (
	"context"
	"testing"
	"time"
)

// Comments posted before migration 0014 keep their retry keys: the key
// moves into the comment row, where the index by author, consultation and
// key refuses a second comment under it; of two comments one author sent
// under the same key in a consultation (by form and by the API), the first
// keeps it and the other stays findable in idempotency_keys.
func TestCommentRetryKeysMoveIntoTheirComments(t *testing.T) {
	db := openMigratedTo(t, 13)
	ctx := context.Background()

	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	exec := func(query string, args ...any) {
		t.Helper()
		if _, err := db.writer.ExecContext(ctx, db.Rebind(query), args...); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	}
	exec(`INSERT INTO organisations (id, slug, name, created_at) VALUES ('o', 'o', 'Org', ?)`, now)
	exec(`INSERT INTO users (id, email, password_hash, display_name, role, created_at) VALUES ('u', 'u@example.org', 'x', 'U', 'citizen', ?)`, now)
	exec(`INSERT INTO consultations (id, org_id, slug, kind, status, default_locale, title, summary, body, opens_at, closes_at, created_by, created_at, updated_at)
		VALUES ('c', 'o', 'c', 'policy', 'open', 'en', 'T', 'S', 'B', ?, ?, 'u', ?, ?)`, now, now.AddDate(0, 1, 0), now, now)
	for _, id := range []string{"c1", "c2", "c3"} {
		exec(`INSERT INTO comments (id, consultation_id, thread_id, author_id, kind, body, body_html, locale, status, created_at, updated_at)
			VALUES (?, 'c', ?, 'u', 'comment', 'text', 'text', 'en', 'published', ?, ?)`, id, id, now, now)
	}
	exec(`INSERT INTO idempotency_keys (scope, key, ref, created_at) VALUES ('user:u comments c', 'k1', 'comment:c1', ?)`, now)
	exec(`INSERT INTO idempotency_keys (scope, key, ref, created_at) VALUES ('web comment u', 'k2', 'comment:c2', ?)`, now)
	exec(`INSERT INTO idempotency_keys (scope, key, ref, created_at) VALUES ('user:u comments c', 'k2', 'comment:c3', ?)`, now)
	exec(`INSERT INTO idempotency_keys (scope, key, ref, created_at) VALUES ('user:u responses c', 'k1', 'response:r1', ?)`, now)

	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var rows []struct {
		ID   string  `db:"id"`
		Idem *string `db:"idem"`
	}
	if err := db.writer.SelectContext(ctx, &rows, `SELECT id, idem FROM comments ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range rows {
		if r.Idem != nil {
			got[r.ID] = *r.Idem
		}
	}
	if len(got) != 2 || got["c1"] != "k1" || got["c2"] != "k2" {
		t.Errorf("keys in comments = %v; want c1: k1, c2: k2 (c3's k2 was c2's first)", got)
	}
	var left []string
	if err := db.writer.SelectContext(ctx, &left, `SELECT ref FROM idempotency_keys ORDER BY ref`); err != nil {
		t.Fatal(err)
	}
	if len(left) != 2 || left[0] != "comment:c3" || left[1] != "response:r1" {
		t.Errorf("idempotency_keys after the move = %v; want comment:c3 (its key is taken) and response:r1", left)
	}
	// The index now refuses another comment under a key in use.
	_, err := db.writer.ExecContext(ctx, db.Rebind(`INSERT INTO comments (id, consultation_id, thread_id, author_id, kind, body, body_html, locale, status, created_at, updated_at, idem)
		VALUES ('c4', 'c', 'c4', 'u', 'comment', 'text', 'text', 'en', 'published', ?, ?, 'k1')`), now, now)
	if !IsUniqueViolation(err) {
		t.Errorf("a second comment under k1: %v; want a unique violation", err)
	}
}
