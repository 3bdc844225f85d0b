package server

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/consult-platform/consult/consultations"
)

var assetLink = regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`)

// wireSize fetches path as a browser would (accepting gzip) and returns
// the body, decompressed for reading, and how many bytes crossed the wire.
func (c *webClient) wireSize(path string) (string, int) {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.e.srv.URL+path, nil)
	req.Header.Set("Accept-Encoding", "gzip") // set by hand: the transport leaves the body compressed
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.Header.Get("Content-Encoding") != "gzip" {
		return string(raw), len(raw)
	}
	return c.get(path).Body, len(raw)
}

// TestCitizenPagesStayUnder60KBOnTheWire adds up each page with the CSS,
// scripts and icons it loads, as sent to a browser that accepts gzip,
// including a consultation with 200 long comments.
func TestCitizenPagesStayUnder60KBOnTheWire(t *testing.T) {
	e := newWebEnv(t)
	reader, citizen := e.client(), e.client()
	citizen.signIn(demoCitizen)
	busy := e.consultation(demoIdeas)
	author, err := e.store.Authenticate(context.Background(), demoCitizen, "consult-demo-2026")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 200; i++ {
		body := fmt.Sprintf("Comment %d: %s", i, strings.Repeat("The bus stop display should show the next three departures. ", 6))
		if _, err := e.store.PostComment(context.Background(), author, busy.ID, consultations.NewComment{Body: body}, consultations.IdemKey{}); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name string
		c    *webClient
		path string
	}{
		{"home", reader, "/"},
		{"policy consultation, signed in", citizen, "/consultations/" + demoPolicy},
		{"co-design thread with 200 comments, signed in", citizen, "/consultations/" + demoIdeas},
		{"response form", reader, "/consultations/" + demoPolicy + "/respond"},
		{"outcome", reader, "/consultations/" + demoOutcome + "/outcome"},
		{"my contributions", citizen, "/me"},
	}
	for _, tc := range cases {
		body, total := tc.c.wireSize(tc.path)
		for _, m := range assetLink.FindAllStringSubmatch(body, -1) {
			_, n := tc.c.wireSize(m[1])
			total += n
		}
		t.Logf("%s: %d bytes on the wire", tc.name, total)
		if total > 60<<10 {
			t.Errorf("%s weighs %d bytes on the wire with its assets; want at most 60 KB", tc.name, total)
		}
	}
}
