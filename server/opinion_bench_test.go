package server

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/consult-platform/consult/consultations"
	"github.com/consult-platform/consult/consultations/demo"
	"github.com/consult-platform/consult/consultations/opinion"
	"github.com/consult-platform/consult/database"
	"github.com/consult-platform/consult/i18n"
)

// BenchmarkVoteIngest64Clients posts votes through the real HTTP API
// (bearer tokens, JSON, group commit, synchronous=FULL) from 64 clients,
// each voting down its own list of 1,000 statements, and reports durable
// votes per second (every 200 answer is committed). The target is
// ≥ 10,000 votes/s.
func BenchmarkVoteIngest64Clients(b *testing.B) {
	ctx := context.Background()
	s, store, c, staff := benchOpinionServer(b)
	srv := httptest.NewServer(s)
	defer srv.Close()
	ids := make([]string, 1000)
	for i := range ids {
		st, err := s.opinion.AddStatement(ctx, staff, c.ID, opinion.NewStatement{Body: "Benchmark statement " + strconv.Itoa(i)})
		if err != nil {
			b.Fatal(err)
		}
		ids[i] = st.ID
	}
	const clients = 64
	tokens := make([]string, clients)
	for i := range tokens {
		u, err := store.CreateUser(ctx, consultations.NewAccount{Email: "voter" + strconv.Itoa(i) + "@example.org", Password: "long enough pw", DisplayName: "V"})
		if err != nil {
			b.Fatal(err)
		}
		if tokens[i], _, err = store.CreateAPIToken(ctx, u.ID); err != nil {
			b.Fatal(err)
		}
	}
	transport := &http.Transport{MaxIdleConnsPerHost: clients}
	hc := &http.Client{Transport: transport}
	var next atomic.Int64
	var failed atomic.Int64
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < clients; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for n := 0; ; n++ {
				if next.Add(1) > int64(b.N) {
					return
				}
				body := []byte(`{"vote":` + strconv.Itoa(n%3-1) + `}`)
				req, _ := http.NewRequest("POST", srv.URL+"/api/v1/opinion/statements/"+ids[(n+w*7)%len(ids)]+"/vote", bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+tokens[w])
				req.Header.Set("Content-Type", "application/json")
				resp, err := hc.Do(req)
				if err != nil {
					failed.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					failed.Add(1)
				}
			}
		}(w)
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "votes/s")
	if f := failed.Load(); f > 0 {
		b.Fatalf("%d votes failed", f)
	}
}

// benchOpinionServer is a server over a fresh demo database with the
// policy consultation's opinion map on; it returns the consultation and a
// staff account of its organisation.
func benchOpinionServer(b *testing.B) (*Server, *consultations.Store, *consultations.Consultation, *consultations.User) {
	ctx := context.Background()
	db, err := database.Open(ctx, "sqlite:"+filepath.Join(b.TempDir(), "consult.db"), database.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	store := consultations.NewStore(db, consultations.NewSanitizer())
	if _, err := demo.Seed(ctx, store); err != nil {
		b.Fatal(err)
	}
	bundle, _ := i18n.New()
	s, err := New(ctx, Config{RateLimits: false}, store, bundle, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(s.opinion.Close)
	staff, _ := store.Authenticate(ctx, demoStaff, demo.Password)
	c, _ := store.ConsultationBySlug(ctx, demoPolicy)
	if _, err := s.opinion.EnableMap(ctx, staff, c.ID, false); err != nil {
		b.Fatal(err)
	}
	return s, store, c, staff
}

// BenchmarkAPIRequestOverhead measures what the server spends on an API
// request besides the database: the middleware (logging, metrics, security
// headers, body limit, cross-origin check, bearer token, language, rate
// limit wrapper), routing, JSON decoding and a JSON answer. The vote is
// refused (2 is no vote) before it reaches the store.
func BenchmarkAPIRequestOverhead(b *testing.B) {
	ctx := context.Background()
	s, store, _, _ := benchOpinionServer(b)
	u, err := store.CreateUser(ctx, consultations.NewAccount{Email: "overhead@example.org", Password: "long enough pw", DisplayName: "V"})
	if err != nil {
		b.Fatal(err)
	}
	token, _, err := store.CreateAPIToken(ctx, u.ID)
	if err != nil {
		b.Fatal(err)
	}
	body := []byte(`{"vote":2}`)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		req := httptest.NewRequest("POST", "/api/v1/opinion/statements/01ABCDEFGHJKMNPQRSTVWXYZ00/vote", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code != http.StatusBadRequest {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
}
