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

// BenchmarkScreen2000CharsWith100kComments measures what screening adds to
// storing a 2,000-character comment in a consultation that already has
// 100,000: suspension and rate checks, 200 watched words, links,
// exact-duplicate and near-duplicate (LSH) lookups and their inserts. Each
// run is rolled back. It reports p50 and p99 per submission.
func BenchmarkScreen2000CharsWith100kComments(b *testing.B) {
	real := madridComments(b)
	ctx := context.Background()
	db, err := database.Open(ctx, filepath.Join(b.TempDir(), "bench.db"), database.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	s := New(db, noContent{})
	rng := rand.New(rand.NewSource(7))
	const consultation, org = "C-BENCH", "O-BENCH"
	now := time.Now().UTC()
	err = db.Write(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.Exec(`INSERT INTO organisations (id, slug, name, created_at) VALUES (?, 'bench', 'Bench', ?)`, org, now); err != nil {
			return err
		}
		for i := 0; i < 200; i++ {
			w := "palabra" + string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + "x"
			if _, err := tx.Exec(`INSERT OR IGNORE INTO mod_watched_words (id, org_id, locale, word, normalised, action, created_by, created_at) VALUES (?, ?, '', ?, ?, 'flag', 'u', ?)`,
				database.NewID(), org, w, Normalise(w), now); err != nil {
				return err
			}
		}
		sig, _ := tx.Prepare(`INSERT INTO mod_signatures (subject_id, consultation_id, author_id, locale, body_hash, links, signature, created_at) VALUES (?, ?, ?, 'es', ?, 0, ?, ?)`)
		lsh, _ := tx.Prepare(`INSERT OR IGNORE INTO mod_lsh (consultation_id, bucket, subject_id) VALUES (?, ?, ?)`)
		for i := 0; i < 100_000; i++ {
			text := madridText(real, rng, 200+rng.Intn(600))
			sg := Sign(Shingles(Tokens(text)))
			id := "S" + strconv.Itoa(i)
			if _, err := sig.Exec(id, consultation, "A"+strconv.Itoa(i%20000), strconv.Itoa(i), sg.Bytes(), now.Add(-time.Hour)); err != nil {
				return err
			}
			for _, bk := range sg.Buckets() {
				if _, err := lsh.Exec(consultation, bk, id); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	body := madridText(real, rng, 2000)
	durations := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sub := Submission{Kind: "comment", ID: database.NewID(), ConsultationID: consultation, OrgID: org, AuthorID: "NEW" + strconv.Itoa(i),
			AccountAge: 48 * time.Hour, Body: body, Locale: "es", Status: StatusPublished, CreatedAt: now}
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
