package server

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/consult-platform/consult/consultations"
	"github.com/consult-platform/consult/database"
	"github.com/consult-platform/consult/i18n"
)

// perfBody is a real comment from Decide Madrid (argrecsys/
// decide-madrid-2019-annotations, Apache-2.0).
const perfBody = "El Ayuntamiento ya tiene entre sus objetivos y tareas habituales limpiar las calles. " +
	"Para hacer una propuesta, sería necesario algo tan básico como concretar qué medidas concretas de limpieza se solicitan."

// perfDB is the database of the last perfServer, for its write figures.
var perfDB *database.DB

// perfServer is a server over a fresh database holding an open policy
// consultation ("bench") with threads top-level comments, each with
// replies replies.
func perfServer(tb testing.TB, threads, replies int) (*Server, *consultations.Store, *consultations.Consultation, *consultations.User) {
	tb.Helper()
	ctx := context.Background()
	db := database.OpenTest(tb)
	perfDB = db
	store := consultations.NewStore(db, consultations.NewSanitizer())
	if _, err := store.CreateOrganisation(ctx, "bench", "Bench ministry", "en", "Europe/Madrid"); err != nil {
		tb.Fatal(err)
	}
	staff, err := store.CreateUser(ctx, consultations.NewAccount{Email: "staff@bench.example", Password: "bench-password", DisplayName: "Staff", Role: consultations.RoleStaff, OrgSlug: "bench"})
	if err != nil {
		tb.Fatal(err)
	}
	citizen, err := store.CreateUser(ctx, consultations.NewAccount{Email: "citizen@bench.example", Password: "bench-password", DisplayName: "Vecina", Role: consultations.RoleCitizen})
	if err != nil {
		tb.Fatal(err)
	}
	now := store.Now()
	c, err := store.CreateConsultation(ctx, staff, consultations.Draft{
		Slug: "bench", Kind: consultations.KindPolicy, DefaultLocale: "en",
		Title:   consultations.LocalText{"en": "Cleaner streets"},
		Summary: consultations.LocalText{"en": "How should the city keep its streets clean?"},
		Body:    consultations.LocalText{"en": "We propose daily cleaning in the centre.\n\nSee https://example.gov/streets for the plan."},
		OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(24 * time.Hour),
	})
	if err != nil {
		tb.Fatal(err)
	}
	if c, err = store.SetStatus(ctx, staff, c.ID, consultations.StatusOpen); err != nil {
		tb.Fatal(err)
	}
	for i := 0; i < threads; i++ {
		top, err := store.PostComment(ctx, citizen, c.ID, consultations.NewComment{Body: perfBody, Stance: consultations.StanceFor}, consultations.IdemKey{})
		if err != nil {
			tb.Fatal(err)
		}
		for j := 0; j < replies; j++ {
			if _, err := store.PostComment(ctx, citizen, c.ID, consultations.NewComment{ParentID: top.ID, Body: perfBody}, consultations.IdemKey{}); err != nil {
				tb.Fatal(err)
			}
		}
	}
	bundle, err := i18n.New()
	if err != nil {
		tb.Fatal(err)
	}
	srv, err := New(ctx, Config{}, store, bundle, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		tb.Fatal(err)
	}
	return srv, store, c, citizen
}

// BenchmarkConsultationPage200Comments renders a consultation page through
// the whole handler (middleware included) showing 200 comments: 50
// threads of a comment and three replies.
func BenchmarkConsultationPage200Comments(b *testing.B) {
	srv, _, _, _ := perfServer(b, 50, 3)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("GET", "/consultations/bench", nil))
	if rec.Code != http.StatusOK || strings.Count(rec.Body.String(), `class="comment"`) != 200 {
		b.Fatalf("page: status %d, %d comments", rec.Code, strings.Count(rec.Body.String(), `class="comment"`))
	}
	b.ReportAllocs()
	b.SetBytes(int64(rec.Body.Len()))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, httptest.NewRequest("GET", "/consultations/bench", nil))
			if rec.Code != http.StatusOK {
				b.Errorf("status %d", rec.Code)
				return
			}
		}
	})
}

// BenchmarkAPIPostComment posts comments through the whole handler as
// consult-load does: 64 citizens, each with a bearer token, posting real
// Decide Madrid comments in turn (so the same texts come from several
// accounts, as in a campaign) with an Idempotency-Key each. It reports how
// many comments shared each commit.
func BenchmarkAPIPostComment(b *testing.B) {
	srv, store, c, _ := perfServer(b, 0, 0)
	texts := madridTexts(b)
	const clients = 64
	tokens := make([]string, clients)
	for i := range tokens {
		u, err := store.CreateUser(context.Background(), consultations.NewAccount{Email: "c" + strconv.Itoa(i) + "@bench.example",
			Password: "bench-password", DisplayName: "Vecina " + strconv.Itoa(i), Role: consultations.RoleCitizen})
		if err != nil {
			b.Fatal(err)
		}
		if tokens[i], _, err = store.CreateAPIToken(context.Background(), u.ID); err != nil {
			b.Fatal(err)
		}
	}
	bodies := make([]string, len(texts))
	for i, t := range texts {
		j, _ := json.Marshal(map[string]string{"body": t})
		bodies[i] = string(j)
	}
	before := perfDB.WriteStats()
	var n, client atomic.Int64
	b.SetParallelism(clients / 2)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		me := int(client.Add(1)-1) % clients
		for i := me; pb.Next(); i++ {
			r := httptest.NewRequest("POST", "/api/v1/consultations/"+c.ID+"/comments", strings.NewReader(bodies[i%len(bodies)]))
			r.Header.Set("Content-Type", "application/json")
			r.Header.Set("Authorization", "Bearer "+tokens[me])
			r.Header.Set("Idempotency-Key", strconv.FormatInt(n.Add(1), 10))
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, r)
			if rec.Code != http.StatusCreated {
				b.Errorf("status %d: %s", rec.Code, rec.Body)
				return
			}
		}
	})
	after := perfDB.WriteStats()
	b.ReportMetric(float64(after.Writes-before.Writes)/float64(after.Commits-before.Commits), "writes/commit")
}

// madridTexts reads the real Decide Madrid comments kept beside the
// repository (../shared/data, as in CI).
func madridTexts(tb testing.TB) []string {
	tb.Helper()
	const path = "../../shared/data/decide-madrid/comments.csv"
	f, err := os.Open(path)
	if err != nil {
		tb.Fatalf("the Decide Madrid data is missing (%v): expected %s beside the repository clone, as in CI", err, path)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	col := slices.Index(rows[0], "text")
	var out []string
	for _, r := range rows[1:] {
		if strings.TrimSpace(r[col]) != "" {
			out = append(out, r[col])
		}
	}
	return out
}

// BenchmarkConsultationPage200CommentsUncached renders the page every
// time, as for a signed-in reader or after every change.
func BenchmarkConsultationPage200CommentsUncached(b *testing.B) {
	srv, _, _, _ := perfServer(b, 50, 3)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		srv.Changed("")
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest("GET", "/consultations/bench", nil))
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}

// BenchmarkConsultationPage200CommentsSignedIn renders the page for a
// signed-in citizen, which is never cached: every comment carries a reply
// form and a report link.
func BenchmarkConsultationPage200CommentsSignedIn(b *testing.B) {
	srv, store, _, u := perfServer(b, 50, 3)
	sid, err := store.CreateSession(context.Background(), u.ID)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rec := httptest.NewRecorder()
		r := httptest.NewRequest("GET", "/consultations/bench", nil)
		r.AddCookie(&http.Cookie{Name: sessionCookie, Value: sid})
		srv.ServeHTTP(rec, r)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "reply-body-") {
			b.Fatalf("status %d, or no reply forms: not signed in", rec.Code)
		}
	}
}
