package server

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/consult-platform/consult/consultations"
	"github.com/gorilla/websocket"
)

// respondAnonymously answers c (made by webEnv.newConsultation).
func (e *webEnv) respondAnonymously(c *consultations.Consultation) {
	e.t.Helper()
	n := consultations.NewResponse{Locale: "en", Channel: consultations.ChannelWebDesktop, Answers: []consultations.Answer{
		{QuestionID: c.Questions[0].ID, Choices: []string{c.Questions[0].Options[0].ID}}}}
	if _, err := e.store.SubmitResponse(context.Background(), nil, c.ID, n, consultations.IdemKey{}); err != nil {
		e.t.Fatal(err)
	}
}

var (
	liveSeqAttr   = regexp.MustCompile(`id="analytics-live"[^>]*data-seq="(\d+)"`)
	staffResponse = regexp.MustCompile(`data-live-key="responses">([^<]*)<`)
)

func attr(t *testing.T, re *regexp.Regexp, body, what string) string {
	t.Helper()
	m := re.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no %s in the page", what)
	}
	return m[1]
}

// TestPublicAnalyticsOfAnOpenConsultationFollowOnlyItsTotals: the public
// page of an open consultation names the event its counts are as of, so
// the script can follow the live events from there; what those events
// carry to a public watcher is the response total alone, never a
// breakdown (public breakdowns are published once, after closing).
func TestPublicAnalyticsOfAnOpenConsultationFollowOnlyItsTotals(t *testing.T) {
	e := newWebEnv(t)
	c := e.newConsultation(consultationOptions{slug: "live-figures", anonymous: true})
	reader := e.client()
	e.respondAnonymously(c)
	page := reader.get("/consultations/live-figures/analytics")
	page.wantStatus(t, http.StatusOK)
	last, err := e.store.LastSeq(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := attr(t, liveSeqAttr, page.Body, "live event number"); got != strconv.FormatInt(last, 10) {
		t.Errorf("the page is as of event %s; want the latest, %d", got, last)
	}
	page.mustContain(t, `<span id="response-count">1 response</span>`, `aria-live="polite"`, `/static/analytics.`,
		`data-url="/api/v1/consultations/`+c.ID+`/live"`)
	page.mustNotContain(t, "data-fragment", "data-live-key")

	url := "ws" + strings.TrimPrefix(e.srv.URL, "http") + "/api/v1/consultations/" + c.ID + "/live?since=" + strconv.FormatInt(last, 10)
	ws, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	e.respondAnonymously(c)
	ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	var ev wireEvent
	if err := ws.ReadJSON(&ev); err != nil {
		t.Fatal(err)
	}
	if ev.Type != consultations.EventResponseCounted || ev.Seq != last+1 {
		t.Fatalf("got %+v; want response.counted, event %d", ev, last+1)
	}
	if len(ev.Data) != 1 || ev.Data["response_count"] != float64(2) {
		t.Errorf("a public watcher was sent %v; want only the response total, 2", ev.Data)
	}
	reader.get("/consultations/live-figures/analytics").mustContain(t, `<span id="response-count">2 responses</span>`)
}

// TestStaffAnalyticsFragmentHasTheLatestFigures: the staff page names
// where to fetch its figures from as events arrive; the fragment holds
// the headline and figures as they are now, for the organisation's staff
// only.
func TestStaffAnalyticsFragmentHasTheLatestFigures(t *testing.T) {
	e := newWebEnv(t)
	c := e.newConsultation(consultationOptions{slug: "live-staff", anonymous: true})
	staff, citizen, anon := e.client(), e.client(), e.client()
	staff.signIn(demoStaff)
	citizen.signIn(demoCitizen)
	e.respondAnonymously(c)
	path := "/manage/consultations/" + c.ID + "/analytics"
	page := staff.get(path)
	page.wantStatus(t, http.StatusOK)
	page.mustContain(t, `data-fragment="`+path+`?fragment=1"`, `/static/analytics.`, `id="analytics-live-figures"`)
	if got := attr(t, staffResponse, page.Body, "responses headline"); got != "1" {
		t.Errorf("responses = %q; want 1", got)
	}
	e.respondAnonymously(c)
	e.respondAnonymously(c)
	frag := staff.get(path + "?fragment=1")
	frag.wantStatus(t, http.StatusOK)
	if got := attr(t, staffResponse, frag.Body, "responses headline"); got != "3" {
		t.Errorf("fragment responses = %q; want 3", got)
	}
	frag.mustContain(t, `aria-live="polite"`, `aria-atomic="true"`, `id="analytics-live-figures"`)
	frag.mustNotContain(t, "<html", "<form")
	if got := citizen.get(path + "?fragment=1").Status; got != http.StatusForbidden {
		t.Errorf("a citizen's fragment = %d; want 403", got)
	}
	if got := anon.get(path + "?fragment=1").Status; got == http.StatusOK {
		t.Error("the fragment was served to someone signed out")
	}
}

// TestAnalyticsPagesStayUnder60KBOnTheWire adds up each analytics page
// with its CSS, scripts and icons, gzipped as browsers receive them.
func TestAnalyticsPagesStayUnder60KBOnTheWire(t *testing.T) {
	e := newWebEnv(t)
	c := e.newConsultation(consultationOptions{slug: "weigh-figures", anonymous: true})
	for range 30 {
		e.respondAnonymously(c)
	}
	reader, staff := e.client(), e.client()
	staff.signIn(demoStaff)
	cases := []struct {
		name string
		c    *webClient
		path string
	}{
		{"public, open", reader, "/consultations/weigh-figures/analytics"},
		{"public, closed", reader, "/consultations/" + demoOutcome + "/analytics"},
		{"staff, open", staff, "/manage/consultations/" + c.ID + "/analytics"},
		{"staff, demo policy", staff, "/manage/consultations/" + e.consultation(demoPolicy).ID + "/analytics"},
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
