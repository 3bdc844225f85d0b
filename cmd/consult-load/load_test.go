package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/consult-platform/consult/consultations"
	"github.com/consult-platform/consult/consultations/demo"
	"github.com/consult-platform/consult/database"
	"github.com/consult-platform/consult/i18n"
	"github.com/consult-platform/consult/server"
)

// startServer runs a real server over real SQLite with demo content.
func startServer(t *testing.T) (*httptest.Server, *database.DB) {
	t.Helper()
	ctx := context.Background()
	db := database.OpenTest(t)
	store := consultations.NewStore(db, consultations.NewSanitizer())
	if _, err := demo.Seed(ctx, store); err != nil {
		t.Fatal(err)
	}
	bundle, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(ctx, server.Config{RateLimits: false}, store, bundle, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts, db
}

func TestCommentsLoadStoresEveryCommentItReports(t *testing.T) {
	ts, _ := startServer(t)
	var out bytes.Buffer
	err := run(context.Background(), []string{"comments", "-addr", ts.URL, "-clients", "3", "-duration", "1s", "-requests", "60"}, &out)
	if err != nil {
		t.Fatalf("comments run: %v\n%s", err, out.String())
	}
	for _, want := range []string{"throughput:", "latency: p50", "durability: ok"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestPagesLoadServesTheConsultationPage(t *testing.T) {
	ts, _ := startServer(t)
	var out bytes.Buffer
	err := run(context.Background(), []string{"pages", "-addr", ts.URL, "-clients", "2", "-duration", "1s", "-requests", "20"}, &out)
	if err != nil {
		t.Fatalf("pages run: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "responses: 200:20") {
		t.Errorf("want 20 pages served:\n%s", out.String())
	}
}

func TestSeedFillsAConsultationThatThePageShows(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	if err := run(context.Background(), []string{"seed", "-data", dir, "-slug", "seeded", "-count", "10", "-replies", "1"}, &out); err != nil {
		t.Fatalf("seed: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "seeded 10 comments") {
		t.Errorf("seed output:\n%s", out.String())
	}
}

func TestLoadRefusesTargetsOtherThanThisMachine(t *testing.T) {
	for _, addr := range []string{"http://example.com", "http://10.0.0.1:8080", "https://127.0.0.1:8080"} {
		err := run(context.Background(), []string{"comments", "-addr", addr, "-duration", "1s"}, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "127.0.0.1") {
			t.Errorf("comments -addr %s: err = %v; want a refusal naming 127.0.0.1", addr, err)
		}
	}
}

func TestVotesLoadCountsEveryVoteItReports(t *testing.T) {
	ts, _ := startServer(t)
	var out bytes.Buffer
	err := run(context.Background(), []string{"votes", "-addr", ts.URL, "-clients", "3", "-duration", "1s", "-requests", "90", "-statements", "20"}, &out)
	if err != nil {
		t.Fatalf("votes run: %v\n%s", err, out.String())
	}
	// The 90 requests are a shared budget, so how they fall among the
	// clients (and how many distinct votes they make) varies from run to
	// run; what must hold is that every vote answered 200 is counted.
	for _, want := range []string{"requests: 90 ", "durable votes/s", "durability: ok: "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
