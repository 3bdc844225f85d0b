package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/consult-platform/consult/consultations"
	"github.com/consult-platform/consult/consultations/demo"
	"github.com/consult-platform/consult/database"
	"github.com/consult-platform/consult/i18n"
	"github.com/jmoiron/sqlx"
)

// BenchmarkQueuePage10kPending renders the review queue's first page for a
// moderator while 10,000 items wait, 1 in 10 of them in campaign groups.
func BenchmarkQueuePage10kPending(b *testing.B) {
	ctx := context.Background()
	db, err := database.Open(ctx, filepath.Join(b.TempDir(), "bench.db"), database.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	store := consultations.NewStore(db, consultations.NewSanitizer())
	if _, err := demo.Seed(ctx, store); err != nil {
		b.Fatal(err)
	}
	bundle, err := i18n.New()
	if err != nil {
		b.Fatal(err)
	}
	srv, err := New(ctx, Config{}, store, bundle, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	policy, err := store.ConsultationBySlug(ctx, demoPolicy)
	if err != nil {
		b.Fatal(err)
	}
	mod, err := store.Authenticate(ctx, "moderator@demo.consult.example", demo.Password)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now().UTC()
	err = db.Write(ctx, func(tx *sqlx.Tx) error {
		for i := 0; i < 10_000; i++ {
			id := database.NewID()
			body := "Pending comment number " + strconv.Itoa(i) + " asking for a safer crossing near the school gates, please."
			if _, err := tx.Exec(`INSERT INTO comments (id, consultation_id, thread_id, author_id, kind, body, body_html, locale, status, created_at, updated_at)
				VALUES (?, ?, ?, ?, 'comment', ?, ?, 'en', 'pending', ?, ?)`, id, policy.ID, id, mod.ID, body, "<p>"+body+"</p>", now, now); err != nil {
				return err
			}
			var campaign any
			if i%10 == 0 {
				campaign = "CAMPAIGN" + strconv.Itoa(i%7)
			}
			if _, err := tx.Exec(`INSERT INTO mod_items (id, subject_kind, subject_id, consultation_id, org_id, locale, status, priority, reasons, why, campaign_id, created_at, updated_at)
				VALUES (?, 'comment', ?, ?, ?, 'en', 'open', ?, '["premoderation"]', '[{"reason":"premoderation"}]', ?, ?, ?)`,
				database.NewID(), id, policy.ID, policy.OrgID, i%50, campaign, now, now); err != nil {
				return err
			}
		}
		for g := 0; g < 7; g++ {
			if _, err := tx.Exec(`INSERT INTO mod_campaigns (id, consultation_id, representative_id, size, created_at, updated_at) VALUES (?, ?, 'x', 143, ?, ?)`,
				"CAMPAIGN"+strconv.Itoa(g), policy.ID, now, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	token, err := store.CreateSession(ctx, mod.ID)
	if err != nil {
		b.Fatal(err)
	}
	req := func() *http.Request {
		r := httptest.NewRequest("GET", "/moderation", nil)
		r.AddCookie(&http.Cookie{Name: sessionCookie, Value: token})
		return r
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req())
	if rec.Code != 200 {
		b.Fatalf("GET /moderation = %d %s", rec.Code, rec.Body.String())
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req())
	}
}
