package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/consult-platform/consult/consultations"
	"github.com/consult-platform/consult/consultations/analytics"
	"github.com/consult-platform/consult/database"
	"github.com/consult-platform/consult/i18n"
)

// analyticsBench is a server over one big closed consultation generated
// with SQL. CONSULT_BENCH_RESPONSES (default 100,000) and
// CONSULT_BENCH_COMMENTS (default a tenth of that) size it;
// CONSULT_BENCH_DIR keeps the database between runs (generating 5,000,000
// responses takes minutes). See docs/ANALYTICS-PERFORMANCE.md.
type analyticsBench struct {
	srv     *Server
	store   *consultations.Store
	svc     *analytics.Service
	c       *consultations.Consultation
	session string
}

var benchEnv *analyticsBench

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return n
	}
	return def
}

func newAnalyticsBench(b *testing.B) *analyticsBench {
	b.Helper()
	if benchEnv != nil {
		return benchEnv
	}
	ctx := context.Background()
	responses := envInt("CONSULT_BENCH_RESPONSES", 100_000)
	comments := envInt("CONSULT_BENCH_COMMENTS", responses/10)
	dir := os.Getenv("CONSULT_BENCH_DIR")
	if dir == "" {
		dir = b.TempDir()
	}
	path := filepath.Join(dir, "analytics-bench-"+strconv.Itoa(responses)+"-"+strconv.Itoa(comments)+".db")
	_, statErr := os.Stat(path)
	fresh := statErr != nil
	db, err := database.Open(ctx, path, database.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	store := consultations.NewStore(db, consultations.NewSanitizer())
	svc := analytics.New(store, analytics.Options{})
	if fresh {
		start := time.Now()
		org, err := store.CreateOrganisation(ctx, "bench", "Bench ministry", "en", "UTC")
		if err != nil {
			b.Fatal(err)
		}
		staff, err := store.CreateUser(ctx, consultations.NewAccount{Email: "staff@bench.example", Password: "bench password", DisplayName: "Staff", Role: consultations.RoleStaff, OrgSlug: org.Slug})
		if err != nil {
			b.Fatal(err)
		}
		now := time.Now().UTC()
		c, err := store.CreateConsultation(ctx, staff, consultations.Draft{
			Slug: "big", Kind: consultations.KindPolicy, DefaultLocale: "en", AllowAnonymous: true,
			Title: consultations.LocalText{"en": "A big consultation"}, Summary: consultations.LocalText{"en": "Many answers"},
			OpensAt: now.Add(time.Minute), ClosesAt: now.Add(90 * 24 * time.Hour),
			Questions: []consultations.QuestionDraft{
				{Kind: consultations.QuestionSingle, Prompt: consultations.LocalText{"en": "Agree?"}, Options: []consultations.LocalText{{"en": "Yes"}, {"en": "No"}, {"en": "Not sure"}}},
				{Kind: consultations.QuestionScale, Prompt: consultations.LocalText{"en": "How much?"}},
				{Kind: consultations.QuestionMultiple, Prompt: consultations.LocalText{"en": "Which?"}, Options: []consultations.LocalText{{"en": "A"}, {"en": "B"}, {"en": "C"}}},
				{Kind: consultations.QuestionText, Prompt: consultations.LocalText{"en": "Why?"}},
			},
		})
		if err != nil {
			b.Fatal(err)
		}
		if err := svc.SetReference(ctx, staff, org.ID, []analytics.ReferenceShare{
			{Dimension: "region", Value: "north", Label: "North", Share: .55}, {Dimension: "region", Value: "south", Label: "South", Share: .3},
			{Dimension: "region", Value: "islands", Label: "Islands", Share: .15}}); err != nil {
			b.Fatal(err)
		}
		// Backdate: open for 60 days, closed an hour ago.
		c.OpensAt, c.ClosesAt = now.Add(-60*24*time.Hour), now.Add(-time.Hour)
		if err := svc.BackdateForBench(ctx, c); err != nil {
			b.Fatal(err)
		}
		var authors []string
		for i := range 20 {
			u, err := store.CreateUser(ctx, consultations.NewAccount{Email: "author" + strconv.Itoa(i) + "@bench.example", Password: "bench password", DisplayName: "Author", Role: consultations.RoleCitizen})
			if err != nil {
				b.Fatal(err)
			}
			authors = append(authors, u.ID)
		}
		if c, err = store.Consultation(ctx, c.ID); err != nil {
			b.Fatal(err)
		}
		if err := svc.GenerateBenchData(ctx, c, responses, comments, authors); err != nil {
			b.Fatal(err)
		}
		b.Logf("generated %d responses and %d comments in %v", responses, comments, time.Since(start).Round(time.Second))
		start = time.Now()
		if err := svc.Recompute(ctx, c.ID); err != nil {
			b.Fatal(err)
		}
		b.Logf("first recompute: %v", time.Since(start).Round(time.Millisecond))
	}
	c, err := store.ConsultationBySlug(ctx, "big")
	if err != nil {
		b.Fatal(err)
	}
	bundle, _ := i18n.New()
	srv, err := New(ctx, Config{Analytics: svc}, store, bundle, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	staff, err := store.Authenticate(ctx, "staff@bench.example", "bench password")
	if err != nil {
		b.Fatal(err)
	}
	session, err := store.CreateSession(ctx, staff.ID)
	if err != nil {
		b.Fatal(err)
	}
	benchEnv = &analyticsBench{srv: srv, store: store, svc: svc, c: c, session: session}
	return benchEnv
}

func (e *analyticsBench) get(b *testing.B, path string, staff bool) *httptest.ResponseRecorder {
	req := httptest.NewRequest("GET", path, nil)
	if staff {
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: e.session})
	}
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("GET %s = %d %s", path, rec.Code, rec.Body.String())
	}
	return rec
}

func BenchmarkAnalyticsPublicJSON(b *testing.B) {
	e := newAnalyticsBench(b)
	e.get(b, "/api/v1/consultations/"+e.c.ID+"/analytics", false) // takes the snapshot once
	b.ResetTimer()
	for range b.N {
		e.get(b, "/api/v1/consultations/"+e.c.ID+"/analytics", false)
	}
}

func BenchmarkAnalyticsPublicPage(b *testing.B) {
	e := newAnalyticsBench(b)
	b.ResetTimer()
	for range b.N {
		e.get(b, "/consultations/big/analytics", false)
	}
}

func BenchmarkAnalyticsStaffJSON(b *testing.B) {
	e := newAnalyticsBench(b)
	b.ResetTimer()
	for range b.N {
		e.get(b, "/api/v1/consultations/"+e.c.ID+"/analytics/exact", true)
	}
}

func BenchmarkAnalyticsStaffPage(b *testing.B) {
	e := newAnalyticsBench(b)
	b.ResetTimer()
	for range b.N {
		e.get(b, "/manage/consultations/"+e.c.ID+"/analytics", true)
	}
}

// BenchmarkAnalyticsRecompute also reports the process's CPU time per
// recompute, which depends less than wall time on what else the machine
// runs.
func BenchmarkAnalyticsRecompute(b *testing.B) {
	e := newAnalyticsBench(b)
	b.ResetTimer()
	before := cpuTime()
	for range b.N {
		if err := e.svc.Recompute(context.Background(), e.c.ID); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric((cpuTime()-before).Seconds()/float64(b.N), "cpu-s/op")
}

// cpuTime is the user and system CPU time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// countingWriter counts bytes and samples the heap as they stream.
type countingWriter struct {
	n        int64
	peakHeap uint64
	calls    int
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	if w.calls++; w.calls%2000 == 0 {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		w.peakHeap = max(w.peakHeap, m.HeapInuse)
	}
	return len(p), nil
}

func (w *countingWriter) Header() http.Header { return http.Header{} }
func (w *countingWriter) WriteHeader(int)     {}

var exportBytes atomic.Int64

// BenchmarkAnalyticsResponsesExport streams the staff CSV of consented
// responses (a third of them) through the real handler.
func BenchmarkAnalyticsResponsesExport(b *testing.B) {
	e := newAnalyticsBench(b)
	b.ResetTimer()
	var peak uint64
	for range b.N {
		w := &countingWriter{}
		req := httptest.NewRequest("GET", "/manage/consultations/"+e.c.ID+"/responses.csv", nil)
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: e.session})
		e.srv.ServeHTTP(w, req)
		b.SetBytes(w.n)
		exportBytes.Store(w.n)
		peak = max(peak, w.peakHeap)
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(exportBytes.Load())/(1<<20), "MB/export")
}

// BenchmarkAnalyticsPublicCSV streams the consultation's public figures.
func BenchmarkAnalyticsPublicCSV(b *testing.B) {
	e := newAnalyticsBench(b)
	e.get(b, "/open-data/consultations/"+e.c.ID+"/figures.csv", false)
	b.ResetTimer()
	for range b.N {
		rec := e.get(b, "/open-data/consultations/"+e.c.ID+"/figures.csv", false)
		b.SetBytes(int64(rec.Body.Len()))
	}
}
