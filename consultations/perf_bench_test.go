package consultations

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/consult-platform/consult/database"
)

// benchBody is a real comment from Decide Madrid (argrecsys/
// decide-madrid-2019-annotations, Apache-2.0), with a link added.
const benchBody = "El Ayuntamiento ya tiene entre sus objetivos y tareas habituales limpiar las calles. " +
	"Para hacer una propuesta, sería necesario algo tan básico como concretar qué medidas concretas de limpieza se solicitan.\n\n" +
	"Más datos en https://decide.madrid.es/proposals & <b>gracias</b>."

// benchStore returns a store over a fresh database with an open policy
// consultation and a citizen.
func benchStore(tb testing.TB) (*Store, *Consultation, *User) {
	tb.Helper()
	ctx := context.Background()
	db := database.OpenTest(tb)
	s := NewStore(db, NewSanitizer())
	if _, err := s.CreateOrganisation(ctx, "bench", "Bench ministry", "en", "UTC"); err != nil {
		tb.Fatal(err)
	}
	staff, err := s.CreateUser(ctx, NewAccount{Email: "staff@bench.example", Password: "bench-password", DisplayName: "Staff", Role: RoleStaff, OrgSlug: "bench"})
	if err != nil {
		tb.Fatal(err)
	}
	citizen, err := s.CreateUser(ctx, NewAccount{Email: "citizen@bench.example", Password: "bench-password", DisplayName: "Vecina", Role: RoleCitizen})
	if err != nil {
		tb.Fatal(err)
	}
	now := s.Now()
	c, err := s.CreateConsultation(ctx, staff, Draft{
		Slug: "bench", Kind: KindPolicy, DefaultLocale: "en",
		Title: LocalText{"en": "Bench"}, Summary: LocalText{"en": "Bench"}, Body: LocalText{"en": "Bench"},
		OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(24 * time.Hour),
	})
	if err != nil {
		tb.Fatal(err)
	}
	if c, err = s.SetStatus(ctx, staff, c.ID, StatusOpen); err != nil {
		tb.Fatal(err)
	}
	return s, c, citizen
}

// BenchmarkPostCommentParallel posts comments from many goroutines, each
// returning only once its comment is committed (group commit).
func BenchmarkPostCommentParallel(b *testing.B) {
	s, c, u := benchStore(b)
	ctx := context.Background()
	var n atomic.Int64
	b.SetParallelism(32)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			key := IdemKey{Scope: "user:" + u.ID + " comments " + c.ID, Key: fmt.Sprint(n.Add(1))}
			if _, err := s.PostComment(ctx, u, c.ID, NewComment{Body: benchBody, Stance: StanceFor, Channel: "api"}, key); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// seedThreads adds threads top-level comments with replies each under them.
func seedThreads(tb testing.TB, s *Store, c *Consultation, u *User, threads, replies int) {
	ctx := context.Background()
	for i := 0; i < threads; i++ {
		top, err := s.PostComment(ctx, u, c.ID, NewComment{Body: benchBody, Stance: StanceAgainst}, IdemKey{})
		if err != nil {
			tb.Fatal(err)
		}
		for j := 0; j < replies; j++ {
			if _, err := s.PostComment(ctx, u, c.ID, NewComment{ParentID: top.ID, Body: benchBody}, IdemKey{}); err != nil {
				tb.Fatal(err)
			}
		}
	}
}

// BenchmarkThreadPage reads one discussion page: 50 threads of 4
// comments, 200 comments in all.
func BenchmarkThreadPage(b *testing.B) {
	s, c, u := benchStore(b)
	seedThreads(b, s, c, u, 50, 3)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		threads, _, err := s.ThreadPage(ctx, nil, c.ID, "", 50)
		if err != nil || len(threads) != 50 {
			b.Fatalf("ThreadPage: %d threads, %v", len(threads), err)
		}
	}
}

// BenchmarkSanitizeComment is what every posted comment costs to clean
// and turn into HTML.
func BenchmarkSanitizeComment(b *testing.B) {
	san := NewSanitizer()
	b.ReportAllocs()
	for b.Loop() {
		text := san.PlainText(benchBody)
		_ = san.HTML(text)
	}
}
