package moderation

import (
	"context"
	"errors"
	"math/rand"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/consult-platform/consult/database"
	"github.com/jmoiron/sqlx"
)

// noContent stands in for the content store where screening, which never
// touches content, is measured alone.
type noContent struct{ Content }

// madridText builds a text of about n characters from real comments.
func madridText(real []string, rng *rand.Rand, n int) string {
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(real[rng.Intn(len(real))])
		b.WriteString(" ")
	}
	r := []rune(b.String())
	if len(r) > n {
		r = r[:n]
	}
	return string(r)
}

var errRollback = errors.New("rollback")

// benchConsultation stands for a consultation of 100,000 screened comments of
// real Madrid text (already placed), with 200 watched words.
func benchConsultation(b *testing.B) (*Service, *database.DB, []string) {
	real := madridComments(b)
	ctx := context.Background()
	db, err := database.Open(ctx, filepath.Join(b.TempDir(), "bench.db"), database.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	s := New(db, noContent{})
	rng := rand.New(rand.NewSource(7))
	now := time.Now().UTC()
	err = db.Write(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.Exec(`INSERT INTO organisations (id, slug, name, created_at) VALUES (?, 'bench', 'Bench', ?)`, benchOrg, now); err != nil {
			return err
		}
		for i := 0; i < 200; i++ {
			w := "palabra" + string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + "x"
			if _, err := tx.Exec(`INSERT OR IGNORE INTO mod_watched_words (id, org_id, locale, word, normalised, action, created_by, created_at) VALUES (?, ?, '', ?, ?, 'flag', 'u', ?)`,
				database.NewID(), benchOrg, w, Normalise(w), now); err != nil {
				return err
			}
		}
		sig, err := tx.Prepare(`INSERT INTO mod_signatures (subject_id, consultation_id, author_id, locale, body_hash, links, signature, placed, created_at) VALUES (?, ?, ?, 'es', ?, 0, ?, 1, ?)`)
		if err != nil {
			return err
		}
		for i := 0; i < 100_000; i++ {
			text := madridText(real, rng, 200+rng.Intn(600))
			sg := Sign(Shingles(Tokens(text)))
			if _, err := sig.Exec("S"+strconv.Itoa(i), benchConsultationID, "A"+strconv.Itoa(i%20000), strconv.Itoa(i), sg.Bytes(), now.Add(-time.Hour)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return s, db, real
}

const benchConsultationID, benchOrg = "C-BENCH", "O-BENCH"

// BenchmarkScreen2000CharsWith100kComments measures what screening adds to
// storing a 2,000-character comment in a consultation that already has
// 100,000: suspension and rate checks, 200 watched words, links, the
// exact-duplicate look-up and the signature insert. Near-duplicate
// placement happens after the commit (see BenchmarkPlace…). Each run is
// rolled back. It reports p50 and p99 per submission.
func BenchmarkScreen2000CharsWith100kComments(b *testing.B) {
	s, db, real := benchConsultation(b)
	ctx := context.Background()
	body := madridText(real, rand.New(rand.NewSource(8)), 2000)
	durations := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sub := Submission{Kind: "comment", ID: database.NewID(), ConsultationID: benchConsultationID, OrgID: benchOrg, AuthorID: "NEW" + strconv.Itoa(i),
			AccountAge: 48 * time.Hour, Body: body, Locale: "es", Status: StatusPublished, CreatedAt: time.Now().UTC()}
		err := db.Write(ctx, func(tx *sqlx.Tx) error {
			t0 := time.Now()
			if _, err := s.Screen(ctx, tx, sub); err != nil {
				return err
			}
			durations = append(durations, time.Since(t0))
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	sort.Slice(durations, func(i, j int) bool { return durations[i] < durations[j] })
	b.ReportMetric(float64(durations[len(durations)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(durations[len(durations)*99/100].Microseconds()), "p99-µs")
}

// BenchmarkPlace2000CharsWith100kComments measures near-duplicate placement
// after the commit, per comment: screened and committed comments of 2,000
// characters (one in four a variant of one of 20 campaign texts), placed
// by the background placer in batches against 100,000 comments. The time
// per op is what placement costs the database writer and the placer.
func BenchmarkPlace2000CharsWith100kComments(b *testing.B) {
	s, db, real := benchConsultation(b)
	ctx := context.Background()
	rng := rand.New(rand.NewSource(9))
	var templates []string
	for i := 0; i < 20; i++ {
		templates = append(templates, madridText(real, rng, 2000))
	}
	subs := make([]Submission, b.N)
	for i := range subs {
		body := madridText(real, rng, 2000)
		if i%4 == 0 {
			body = variants(templates[rng.Intn(len(templates))], 1, rng)[0]
		}
		subs[i] = Submission{Kind: "comment", ID: database.NewID(), ConsultationID: benchConsultationID, OrgID: benchOrg, AuthorID: "P" + strconv.Itoa(i),
			AccountAge: 48 * time.Hour, Body: body, Locale: "es", Status: StatusPublished, CreatedAt: time.Now().UTC()}
	}
	// Load the consultation's buckets before timing.
	warm := Submission{Kind: "comment", ID: database.NewID(), ConsultationID: benchConsultationID, OrgID: benchOrg, AuthorID: "W",
		AccountAge: 48 * time.Hour, Body: real[0] + " " + real[1], Locale: "es", Status: StatusPublished, CreatedAt: time.Now().UTC()}
	if err := db.Write(ctx, func(tx *sqlx.Tx) error { _, err := s.Screen(ctx, tx, warm); return err }); err != nil {
		b.Fatal(err)
	}
	s.placer.caughtUp(ctx, time.Hour)
	b.ResetTimer()
	done := make(chan error, len(subs))
	for i := range subs {
		go func() {
			done <- db.Write(ctx, func(tx *sqlx.Tx) error { _, err := s.Screen(ctx, tx, subs[i]); return err })
		}()
	}
	for range subs {
		if err := <-done; err != nil {
			b.Fatal(err)
		}
	}
	s.placer.caughtUp(ctx, time.Hour)
	b.StopTimer()
	var unplaced int
	if err := db.Reader.Get(&unplaced, `SELECT COUNT(*) FROM mod_signatures WHERE placed = 0`); err != nil {
		b.Fatal(err)
	}
	if unplaced > 0 {
		b.Fatalf("%d comments left unplaced", unplaced)
	}
}

// BenchmarkCluster1MShortComments clusters a consultation of 1,000,000
// short comments (10 to 30 words of real Madrid text, 5% of them variants
// of 50 campaign templates) from scratch.
func BenchmarkCluster1MShortComments(b *testing.B) {
	real := madridComments(b)
	rng := rand.New(rand.NewSource(3))
	var words []string
	for _, t := range real {
		words = append(words, strings.Fields(t)...)
	}
	texts := make([]string, 1_000_000)
	var templates []string
	for i := 0; i < 50; i++ {
		templates = append(templates, madridText(real, rng, 160))
	}
	for i := range texts {
		if i%20 == 0 {
			texts[i] = variants(templates[rng.Intn(len(templates))], 1, rng)[0]
			continue
		}
		n := 10 + rng.Intn(21)
		start := rng.Intn(len(words) - n)
		texts[i] = strings.Join(words[start:start+n], " ")
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		groups := Cluster(texts)
		if i == 0 {
			sizes := map[int]int{}
			for _, g := range groups {
				sizes[g]++
			}
			big := 0
			for _, n := range sizes {
				if n >= 100 {
					big++
				}
			}
			b.ReportMetric(float64(big), "groups≥100")
		}
	}
}
