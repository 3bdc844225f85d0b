package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/consult-platform/consult/consultations"
	"github.com/consult-platform/consult/database"
	"github.com/consult-platform/consult/i18n"
)

func TestReadyzTellsTheLoadBalancerWhenNotToSendTraffic(t *testing.T) {
	ctx := context.Background()
	db := database.OpenTest(t)
	var err error
	bundle, _ := i18n.New()
	s, err := New(ctx, Config{}, consultations.NewStore(db, consultations.NewSanitizer()), bundle, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	status := func(path string) int {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec.Code
	}
	if got := status("/readyz"); got != http.StatusOK {
		t.Fatalf("readyz = %d; want 200", got)
	}
	db.Close() // the database is gone
	if got := status("/readyz"); got != http.StatusServiceUnavailable {
		t.Errorf("readyz with the database unreachable = %d; want 503", got)
	}
	if got := status("/livez"); got != http.StatusOK {
		t.Errorf("livez = %d; want 200 while the process runs", got)
	}
	s.Drain()
	if got := status("/readyz"); got != http.StatusServiceUnavailable {
		t.Errorf("readyz while draining = %d; want 503", got)
	}
}
