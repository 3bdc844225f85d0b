package server

import (
	"regexp"
	"testing"
)

var assetLink = regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`)

// TestCitizenPagesStayUnder60KB adds up each page with the CSS, scripts
// and icons it loads, uncompressed, which is more than goes on the wire.
func TestCitizenPagesStayUnder60KB(t *testing.T) {
	e := newWebEnv(t)
	reader, citizen := e.client(), e.client()
	citizen.signIn(demoCitizen)
	cases := []struct {
		name string
		c    *webClient
		path string
	}{
		{"home", reader, "/"},
		{"policy consultation, signed in", citizen, "/consultations/" + demoPolicy},
		{"co-design thread, signed in", citizen, "/consultations/" + demoIdeas},
		{"response form", reader, "/consultations/" + demoPolicy + "/respond"},
		{"outcome", reader, "/consultations/" + demoOutcome + "/outcome"},
		{"my contributions", citizen, "/me"},
	}
	for _, tc := range cases {
		p := tc.c.get(tc.path)
		total := len(p.Body)
		for _, m := range assetLink.FindAllStringSubmatch(p.Body, -1) {
			total += len(tc.c.get(m[1]).Body)
		}
		if total > 60<<10 {
			t.Errorf("%s weighs %d bytes with its assets; want at most 60 KB", tc.name, total)
		}
	}
}
