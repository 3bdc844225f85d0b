package server

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/consult-platform/consult/consultations"
	"github.com/gorilla/websocket"
)

// liveEnv is the API environment served over a real listener, as
// websockets need.
type liveEnv struct {
	*apiEnv
	http *httptest.Server
}

func newLiveEnv(t *testing.T) *liveEnv {
	e := &liveEnv{apiEnv: newAPIEnv(t)}
	e.http = httptest.NewServer(e.srv)
	t.Cleanup(func() {
		e.srv.Shutdown(context.Background())
		e.http.Close()
	})
	return e
}

// wireEvent is a message as a client reads it.
type wireEvent struct {
	Seq            int64          `json:"seq"`
	Type           string         `json:"type"`
	ConsultationID string         `json:"consultation_id"`
	Data           map[string]any `json:"data"`
}

// dial opens the live endpoint of consultation id with header h (say an
// Authorization or Cookie) and waits until the hub has the subscriber.
func (e *liveEnv) dial(t *testing.T, id, query string, h http.Header) *websocket.Conn {
	t.Helper()
	before := e.srv.hub.Stats().Connected.Load()
	c, resp, err := e.tryDial(id, query, h)
	if err != nil {
		t.Fatalf("dial: %v (status %v)", err, resp)
	}
	t.Cleanup(func() { c.Close() })
	deadline := time.Now().Add(5 * time.Second)
	for e.srv.hub.Stats().Connected.Load() <= before {
		if time.Now().After(deadline) {
			t.Fatal("the subscriber never joined")
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond) // let the join reach the room
	return c
}

func (e *liveEnv) tryDial(id, query string, h http.Header) (*websocket.Conn, *http.Response, error) {
	url := "ws" + strings.TrimPrefix(e.http.URL, "http") + "/api/v1/consultations/" + id + "/live"
	if query != "" {
		url += "?" + query
	}
	return websocket.DefaultDialer.Dial(url, h)
}

func (e *liveEnv) bearer(role string) http.Header {
	return http.Header{"Authorization": {"Bearer " + e.tokens[role]}}
}

func (e *liveEnv) cookie(role string) http.Header {
	tok, err := e.store.CreateSession(context.Background(), e.users[role].ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return http.Header{"Cookie": {sessionCookie + "=" + tok}}
}

func readEvent(t *testing.T, c *websocket.Conn) wireEvent {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	var ev wireEvent
	if err := c.ReadJSON(&ev); err != nil {
		t.Fatalf("read: %v", err)
	}
	return ev
}

// post adds a comment through the API as role and returns its id.
func (e *liveEnv) post(t *testing.T, role, consultationID, body string) string {
	t.Helper()
	rec := e.call("POST", "/api/v1/consultations/"+consultationID+"/comments", role, map[string]string{"body": body})
	if rec.Code != http.StatusCreated {
		t.Fatalf("post as %s = %d %s", role, rec.Code, rec.Body.String())
	}
	return apiDecode[consultations.Comment](t, rec).ID
}

func TestLiveWatcherSeesACommentPostedThroughTheAPI(t *testing.T) {
	e := newLiveEnv(t)
	anon := e.dial(t, e.policy.ID, "", nil)
	id := e.post(t, asCitizen, e.policy.ID, "Slower streets <b>please</b>")
	ev := readEvent(t, anon)
	if ev.Type != "comment.created" || ev.ConsultationID != e.policy.ID || ev.Seq < 1 {
		t.Fatalf("got %+v; want comment.created of the consultation", ev)
	}
	if ev.Data["id"] != id || ev.Data["body"] != "Slower streets please" || ev.Data["author_name"] == "" {
		t.Errorf("data = %v; want the comment as the thread shows it", ev.Data)
	}
	if _, ok := ev.Data["author_id"]; ok {
		t.Error("the event reveals the author's account id")
	}
	last, _ := e.store.LastSeq(context.Background(), e.policy.ID)
	if ev.Seq != last {
		t.Errorf("seq = %d; want the consultation's latest, %d", ev.Seq, last)
	}
}

func TestLiveHeldCommentReachesOnlyItsAuthorAndModerators(t *testing.T) {
	e := newLiveEnv(t)
	held := e.newConsultation(asStaff, func(d *consultations.Draft) { d.Premoderation = true }, consultations.StatusOpen)
	author := e.dial(t, held.ID, "", e.cookie(asAuthor))
	moderator := e.dial(t, held.ID, "", e.bearer(asModerator))
	citizen := e.dial(t, held.ID, "", e.bearer(asCitizen))
	anon := e.dial(t, held.ID, "", nil)
	heldID := e.post(t, asAuthor, held.ID, "Please check me first")
	publicID := e.post(t, asStaff, held.ID, "Staff comments are not held")
	for name, c := range map[string]*websocket.Conn{"author": author, "moderator": moderator} {
		if ev := readEvent(t, c); ev.Data["id"] != heldID || ev.Data["status"] != "pending" {
			t.Errorf("%s first got %+v; want the held comment", name, ev)
		}
	}
	for name, c := range map[string]*websocket.Conn{"another citizen": citizen, "anonymous": anon} {
		if ev := readEvent(t, c); ev.Data["id"] != publicID {
			t.Errorf("%s first got %+v; want only the published comment", name, ev)
		}
	}
}

func TestLiveReconnectWithSinceReplaysWhatWasMissedOnce(t *testing.T) {
	e := newLiveEnv(t)
	c := e.dial(t, e.policy.ID, "", nil)
	e.post(t, asCitizen, e.policy.ID, "First")
	seen := readEvent(t, c).Seq
	c.Close()
	missed := []string{e.post(t, asCitizen, e.policy.ID, "Second"), e.post(t, asCitizen, e.policy.ID, "Third")}
	again := e.dial(t, e.policy.ID, "since="+strconv.FormatInt(seen, 10), nil)
	live := e.post(t, asCitizen, e.policy.ID, "Fourth")
	for i, want := range append(missed, live) {
		ev := readEvent(t, again)
		if ev.Seq != seen+int64(i)+1 || ev.Data["id"] != want {
			t.Fatalf("event %d = seq %d id %v; want seq %d id %s", i, ev.Seq, ev.Data["id"], seen+int64(i)+1, want)
		}
	}
	again.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	if _, msg, err := again.ReadMessage(); err == nil {
		t.Errorf("extra message %s; want each event once", msg)
	}
}

func TestLiveReplayFromTheFutureAsksForResync(t *testing.T) {
	e := newLiveEnv(t)
	c := e.dial(t, e.policy.ID, "since=999999", nil)
	if ev := readEvent(t, c); ev.Type != "resync" {
		t.Fatalf("got %+v; want resync", ev)
	}
}

func TestLiveStatusAndCountsReachWatchers(t *testing.T) {
	e := newLiveEnv(t)
	c := e.newConsultation(asStaff, nil, consultations.StatusOpen)
	w := e.dial(t, c.ID, "", nil)
	rec := e.call("POST", "/api/v1/consultations/"+c.ID+"/responses", asCitizen, map[string]any{"answers": []map[string]any{}})
	if rec.Code != http.StatusCreated {
		t.Fatalf("respond = %d %s", rec.Code, rec.Body.String())
	}
	if ev := readEvent(t, w); ev.Type != "response.counted" || ev.Data["response_count"] != 1.0 {
		t.Errorf("got %+v; want response.counted 1", ev)
	}
	if rec := e.call("POST", "/api/v1/consultations/"+c.ID+"/status", asStaff, map[string]string{"status": "closed"}); rec.Code != http.StatusOK {
		t.Fatalf("close = %d %s", rec.Code, rec.Body.String())
	}
	if ev := readEvent(t, w); ev.Type != "consultation.status_changed" || ev.Data["status"] != "closed" {
		t.Errorf("got %+v; want the consultation closed", ev)
	}
}

func TestLiveRefusesPagesOfOtherSites(t *testing.T) {
	e := newLiveEnv(t)
	cases := []struct {
		origin string
		want   int
	}{
		{"https://evil.example", http.StatusForbidden},
		{"null", http.StatusForbidden},
		{strings.Replace(e.http.URL, "127.0.0.1", "localhost", 1), http.StatusForbidden},
		{e.http.URL, http.StatusSwitchingProtocols},
	}
	for _, tc := range cases {
		h := e.cookie(asCitizen)
		h.Set("Origin", tc.origin)
		c, resp, err := e.tryDial(e.policy.ID, "", h)
		if resp == nil {
			t.Fatalf("Origin %s: %v", tc.origin, err)
		}
		if resp.StatusCode != tc.want {
			t.Errorf("Origin %s: status %d; want %d", tc.origin, resp.StatusCode, tc.want)
		}
		if c != nil {
			c.Close()
		}
	}
}

func TestLiveOriginAllowlistIsTheConfiguredOrigins(t *testing.T) {
	s := &Server{cfg: Config{Origins: []string{"https://consult.example.gov", "https://www.consult.example.gov/"}}}
	cases := []struct {
		origin string
		want   bool
	}{
		{"", true}, // not a browser
		{"https://consult.example.gov", true},
		{"https://www.consult.example.gov", true},
		{"http://consult.example.gov", false},
		{"https://consult.example.gov.evil.example", false},
		{"https://evil.example", false},
	}
	for _, tc := range cases {
		r := httptest.NewRequest("GET", "https://consult.example.gov/api/v1/consultations/x/live", nil)
		if tc.origin != "" {
			r.Header.Set("Origin", tc.origin)
		}
		if got := s.sameOrigin(r); got != tc.want {
			t.Errorf("sameOrigin(%q) = %v; want %v", tc.origin, got, tc.want)
		}
	}
}

func TestLiveRefusesWhatIsNotAWatcher(t *testing.T) {
	e := newLiveEnv(t)
	draft := e.newConsultation(asStaff, nil, "")
	cases := []struct {
		name, id, query string
		h               http.Header
		want            int
	}{
		{"a draft, anonymously", draft.ID, "", nil, http.StatusNotFound},
		{"a draft, by another organisation", draft.ID, "", e.bearer(asOtherStaff), http.StatusNotFound},
		{"an unknown consultation", "nope", "", nil, http.StatusNotFound},
		{"a bad token", e.policy.ID, "", http.Header{"Authorization": {"Bearer nonsense"}}, http.StatusUnauthorized},
		{"a bad since", e.policy.ID, "since=-3", nil, http.StatusBadRequest},
	}
	for _, tc := range cases {
		_, resp, _ := e.tryDial(tc.id, tc.query, tc.h)
		if resp == nil || resp.StatusCode != tc.want {
			t.Errorf("%s: %v; want %d", tc.name, resp, tc.want)
		}
	}
	if _, resp, err := e.tryDial(draft.ID, "", e.bearer(asStaff)); err != nil {
		t.Errorf("the owning staff cannot watch their draft: %v %v", err, resp)
	}
	// A plain GET is told, in JSON, to use a websocket.
	resp, err := http.Get(e.http.URL + "/api/v1/consultations/" + e.policy.ID + "/live")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), `"invalid"`) {
		t.Errorf("plain GET = %d %s; want 400 invalid", resp.StatusCode, body)
	}
}

func TestLiveShutdownClosesEverySocketWithGoingAway(t *testing.T) {
	e := newLiveEnv(t)
	conns := []*websocket.Conn{e.dial(t, e.policy.ID, "", nil), e.dial(t, e.codesign.ID, "", e.bearer(asCitizen))}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	e.srv.Shutdown(ctx)
	for i, c := range conns {
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, _, err := c.ReadMessage()
		var ce *websocket.CloseError
		if !errors.As(err, &ce) || ce.Code != websocket.CloseGoingAway {
			t.Errorf("socket %d: read after shutdown = %v; want close 1001", i, err)
		}
	}
	if n := e.srv.hub.Stats().Connected.Load(); n != 0 {
		t.Errorf("%d still connected after Shutdown returned", n)
	}
}

func TestLiveMetricsCountConnectionsAndEvents(t *testing.T) {
	e := newLiveEnv(t)
	c := e.dial(t, e.policy.ID, "", nil)
	e.post(t, asCitizen, e.policy.ID, "Counted")
	readEvent(t, c)
	// The server counts a delivery once its write returns, which may be
	// just after the client has read the event.
	var rec = e.call("GET", "/metrics", asAnon, nil)
	for i := 0; i < 100 && !strings.Contains(rec.Body.String(), "consult_live_events_delivered_total 1"); i++ {
		time.Sleep(20 * time.Millisecond)
		rec = e.call("GET", "/metrics", asAnon, nil)
	}
	for _, want := range []string{"consult_live_connections 1", "consult_live_events_published_total 1", "consult_live_events_delivered_total 1", "consult_live_clients_dropped_slow_total 0"} {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

func TestConsultationPageStartsLiveUpdatesFromItsOwnState(t *testing.T) {
	e := newWebEnv(t)
	c := e.consultation(demoPolicy)
	last, err := e.store.LastSeq(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	page := e.client().get("/consultations/" + demoPolicy)
	page.mustContain(t, `data-url="/api/v1/consultations/`+c.ID+`/live"`, `data-seq="`+strconv.FormatInt(last, 10)+`"`,
		`role="log" aria-live="polite"`, `aria-pressed="false"`, "Pause live updates", `data-new="`, "{n} new comments — show", "/static/live.")
	page.mustContain(t, `<div class="live-bar" id="live" hidden`) // shown by the script only
}
