package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// testHub serves a hub over httptest: the viewer comes from the "user"
// and "mod" query parameters, the room from "room", replay from "since".
type testHub struct {
	hub *Hub
	srv *httptest.Server

	mu      sync.Mutex
	history []Event
}

func newTestHub(t testing.TB, opts Options) *testHub {
	th := &testHub{}
	th.hub = NewHub(func(ctx context.Context, id string, since int64) ([]Event, bool, error) {
		th.mu.Lock()
		defer th.mu.Unlock()
		var out []Event
		for _, e := range th.history {
			if e.Seq > since {
				out = append(out, e)
			}
		}
		complete := len(th.history) == 0 || th.history[0].Seq <= since+1
		return out, complete, nil
	}, opts)
	up := &websocket.Upgrader{}
	th.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		since := int64(-1)
		if s := q.Get("since"); s != "" {
			since, _ = strconv.ParseInt(s, 10, 64)
		}
		th.hub.Serve(w, r, up, q.Get("room"), Viewer{UserID: q.Get("user"), Moderator: q.Get("mod") == "1"}, since)
	}))
	t.Cleanup(func() { th.hub.Close(); th.srv.Close() })
	return th
}

// publish records an event in the history, then publishes it, as the
// store does after a commit.
func (th *testHub) publish(e Event) {
	th.mu.Lock()
	th.history = append(th.history, e)
	th.mu.Unlock()
	th.hub.Publish(e)
}

func (th *testHub) dial(t testing.TB, query string) *websocket.Conn {
	t.Helper()
	url := "ws" + strings.TrimPrefix(th.srv.URL, "http") + "/?" + query
	c, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// dialSmallBuffer is dial with a receive buffer of the given size, for a
// subscriber that falls behind when it does not read.
func (th *testHub) dialSmallBuffer(t testing.TB, query string, size int) *websocket.Conn {
	t.Helper()
	dialer := websocket.Dialer{NetDial: func(network, addr string) (net.Conn, error) {
		c, err := net.Dial(network, addr)
		if err == nil {
			c.(*net.TCPConn).SetReadBuffer(size)
		}
		return c, err
	}}
	url := "ws" + strings.TrimPrefix(th.srv.URL, "http") + "/?" + query
	c, _, err := dialer.Dial(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// waitSubscribers waits until n subscribers are connected.
func (th *testHub) waitSubscribers(t testing.TB, n int64) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for th.hub.Stats().Connected.Load() != n {
		if time.Now().After(deadline) {
			t.Fatalf("connected = %d; want %d", th.hub.Stats().Connected.Load(), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond) // let the joins reach the room
}

func read(t testing.TB, c *websocket.Conn) Event {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	var e Event
	if err := c.ReadJSON(&e); err != nil {
		t.Fatalf("read: %v", err)
	}
	return e
}

func ev(seq int64, typ, audience string) Event {
	return Event{Seq: seq, Type: typ, ConsultationID: "c1", Data: json.RawMessage(fmt.Sprintf(`{"n":%d}`, seq)), Audience: audience}
}

func TestEveryWatcherReceivesEventsInOrder(t *testing.T) {
	th := newTestHub(t, Options{})
	a, b := th.dial(t, "room=c1"), th.dial(t, "room=c1")
	other := th.dial(t, "room=c2")
	th.waitSubscribers(t, 3)
	for i := int64(1); i <= 50; i++ {
		th.publish(ev(i, "comment.created", ""))
	}
	for _, c := range []*websocket.Conn{a, b} {
		for i := int64(1); i <= 50; i++ {
			if e := read(t, c); e.Seq != i || e.Type != "comment.created" || e.ConsultationID != "c1" {
				t.Fatalf("got %+v; want seq %d", e, i)
			}
		}
	}
	other.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	if _, _, err := other.ReadMessage(); err == nil {
		t.Error("a watcher of another consultation received c1's event")
	}
}

func TestHeldCommentReachesOnlyItsAuthorAndModerators(t *testing.T) {
	th := newTestHub(t, Options{})
	author, mod, stranger := th.dial(t, "room=c1&user=u1"), th.dial(t, "room=c1&user=m&mod=1"), th.dial(t, "room=c1&user=u2")
	th.waitSubscribers(t, 3)
	th.publish(ev(1, "comment.created", "u1"))
	th.publish(ev(2, "response.counted", ""))
	if e := read(t, author); e.Seq != 1 {
		t.Errorf("author got %+v first; want the held comment", e)
	}
	if e := read(t, mod); e.Seq != 1 {
		t.Errorf("moderator got %+v first; want the held comment", e)
	}
	if e := read(t, stranger); e.Seq != 2 {
		t.Errorf("another citizen got %+v first; want only the public event 2", e)
	}
}

func TestReconnectWithSinceReplaysMissedEventsOnce(t *testing.T) {
	th := newTestHub(t, Options{})
	for i := int64(1); i <= 5; i++ {
		th.publish(ev(i, "comment.created", ""))
	}
	c := th.dial(t, "room=c1&since=2")
	th.waitSubscribers(t, 1)
	th.publish(ev(6, "comment.created", ""))
	for want := int64(3); want <= 6; want++ {
		if e := read(t, c); e.Seq != want {
			t.Fatalf("got seq %d; want %d", e.Seq, want)
		}
	}
	c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	if _, msg, err := c.ReadMessage(); err == nil {
		t.Errorf("extra message %s; want each event once", msg)
	}
}

func TestReplayFromPrunedHistoryAsksForResync(t *testing.T) {
	th := newTestHub(t, Options{})
	th.mu.Lock()
	th.history = []Event{ev(100, "comment.created", "")} // 1..99 are gone
	th.mu.Unlock()
	c := th.dial(t, "room=c1&since=3")
	if e := read(t, c); e.Type != "resync" {
		t.Fatalf("got %+v; want resync", e)
	}
}

func TestStalledSubscriberIsDroppedWithoutHoldingUpOthers(t *testing.T) {
	th := newTestHub(t, Options{})
	// The stalled subscriber never reads and has a small receive buffer
	// (yet one that takes a loopback segment, so that the rest can flow
	// once it reads), so the server's writes to it soon block and its
	// queue fills.
	stalled := th.dialSmallBuffer(t, "room=c1", 64<<10)
	fast := th.dial(t, "room=c1")
	th.waitSubscribers(t, 2)
	const n = 600
	big := strings.Repeat("x", 32<<10) // 600 × 32 KB: more than socket buffers hold
	got := make(chan struct{}, n)
	go func() {
		defer close(got)
		for i := 0; i < n; i++ {
			fast.SetReadDeadline(time.Now().Add(20 * time.Second))
			if _, _, err := fast.ReadMessage(); err != nil {
				return
			}
			got <- struct{}{}
		}
	}()
	for i := int64(1); i <= n; i++ {
		e := ev(i, "comment.created", "")
		e.Data = json.RawMessage(`"` + big + `"`)
		th.hub.Publish(e)
		time.Sleep(time.Millisecond) // a steady stream, not one burst
	}
	count := 0
	for range got {
		count++
	}
	if count != n {
		t.Fatalf("the reading subscriber got %d of %d events", count, n)
	}
	if th.hub.Stats().DroppedSlow.Load() != 1 {
		t.Errorf("dropped as slow = %d; want 1 (the stalled subscriber)", th.hub.Stats().DroppedSlow.Load())
	}
	// Dropped, its connection ends (while its shard goes on): what reached
	// it can be read, then the read fails rather than waiting.
	stalled.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		_, _, err := stalled.ReadMessage()
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			t.Fatal("the dropped subscriber's connection is still open")
		}
		if err != nil {
			break
		}
	}
}

func TestShutdownSendsGoingAway(t *testing.T) {
	th := newTestHub(t, Options{})
	c := th.dial(t, "room=c1")
	th.waitSubscribers(t, 1)
	done := make(chan struct{})
	go func() { th.hub.Close(); close(done) }()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, _, err := c.ReadMessage()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.CloseGoingAway {
		t.Fatalf("read after Close = %v; want close 1001", err)
	}
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return")
	}
}

func TestOversizedClientFrameEndsTheConnection(t *testing.T) {
	th := newTestHub(t, Options{ReadLimit: 1024})
	c := th.dial(t, "room=c1")
	th.waitSubscribers(t, 1)
	c.WriteMessage(websocket.TextMessage, []byte(strings.Repeat("a", 4096)))
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, _, err := c.ReadMessage()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.CloseMessageTooBig {
		t.Fatalf("read = %v; want close 1009 (message too big)", err)
	}
}

func TestEventsOfEveryFrameLengthArriveWhole(t *testing.T) {
	th := newTestHub(t, Options{})
	c := th.dial(t, "room=c1")
	th.waitSubscribers(t, 1)
	sizes := []int{1, 100, 125, 126, 1000, 65535, 65536, 200000}
	for i, n := range sizes {
		e := ev(int64(i+1), "comment.created", "")
		e.Data = json.RawMessage(`"` + strings.Repeat("y", n) + `"`)
		th.hub.Publish(e)
	}
	for i, n := range sizes {
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		var got struct {
			Seq  int64
			Data string
		}
		if err := c.ReadJSON(&got); err != nil {
			t.Fatalf("event with %d bytes of data: %v", n, err)
		}
		if got.Seq != int64(i+1) || len(got.Data) != n {
			t.Fatalf("got seq %d with %d bytes; want seq %d with %d", got.Seq, len(got.Data), i+1, n)
		}
	}
}

func TestARoomEmptiedAndRejoinedStillDelivers(t *testing.T) {
	th := newTestHub(t, Options{})
	first := th.dial(t, "room=c1")
	th.waitSubscribers(t, 1)
	th.publish(ev(1, "comment.created", ""))
	if e := read(t, first); e.Seq != 1 {
		t.Fatalf("got %+v; want seq 1", e)
	}
	first.Close()
	th.waitSubscribers(t, 0)
	second := th.dial(t, "room=c1")
	th.waitSubscribers(t, 1)
	th.publish(ev(2, "comment.created", ""))
	if e := read(t, second); e.Seq != 2 {
		t.Fatalf("got %+v; want seq 2", e)
	}
}

func TestSubscriberThatFallsBehindBrieflyCatchesUpInOrder(t *testing.T) {
	th := newTestHub(t, Options{})
	// A small receive buffer and no reading for a while: the server's
	// socket fills, later events queue for the subscriber, and it must
	// still get every event once, in order, when it reads again.
	c := th.dialSmallBuffer(t, "room=c1", 32<<10)
	th.waitSubscribers(t, 1)
	// 60 × 256 KB: more than socket buffers hold.
	catchesUp(t, th, c, json.RawMessage(`"`+strings.Repeat("z", 256<<10)+`"`), 60, 0)
}

// TestStalledSubscriberHoldsLittleKernelMemory checks the bound on what a
// subscriber that never reads can hold: its own receive buffer, a little
// unsent data on the server, then its queue of SendBuffer events, and it
// is dropped. Without the bound on unsent data the server's send buffer
// grows to megabytes per stalled subscriber first.
func TestStalledSubscriberHoldsLittleKernelMemory(t *testing.T) {
	th := newTestHub(t, Options{})
	th.dialSmallBuffer(t, "room=c1", 64<<10)
	th.waitSubscribers(t, 1)
	body := json.RawMessage(`"` + strings.Repeat("s", 1000) + `"`)
	const most = 4000 // 4 MB of events
	published := 0
	for published < most && th.hub.Stats().DroppedSlow.Load() == 0 {
		published++
		e := ev(int64(published), "comment.created", "")
		e.Data = body
		th.hub.Publish(e)
		if published%50 == 0 {
			time.Sleep(5 * time.Millisecond) // a steady stream: let the socket take what it will
		}
	}
	t.Logf("dropped after %d KB", published)
	// 64 KB asked for is 128 KB of receive buffer; then at most 64 KB
	// unsent and a segment; then the 64 events of its queue.
	if limit := 128 + 64 + 64 + 64 + 100; published > limit {
		t.Errorf("the stalled subscriber was dropped after %d KB of events (%v); want at most %d KB", published, th.hub.Stats().DroppedSlow.Load() == 1, limit)
	}
}

// TestSubscriberThatStopsReadingForAWhileIsPausedAndThenCatchesUp: while a
// client does not read, its window shuts and the shard pauses it, keeping
// its events back rather than filling its buffers; when it reads again it
// gets every event, once, in order, and is not dropped.
func TestSubscriberThatStopsReadingForAWhileIsPausedAndThenCatchesUp(t *testing.T) {
	th := newTestHub(t, Options{})
	c := th.dialSmallBuffer(t, "room=c1", 64<<10)
	th.waitSubscribers(t, 1)
	// 120 KB unread: more than half its window is used up from about the
	// 100th event, and the rest wait for it.
	catchesUp(t, th, c, json.RawMessage(`"`+strings.Repeat("h", 1000)+`"`), 120, time.Millisecond)
}

// catchesUp publishes n events of the given data, pace apart, to c's
// room while c does not read; then c must get them all, once, in order,
// and the next ones too, without having been dropped.
func catchesUp(t *testing.T, th *testHub, c *websocket.Conn, data json.RawMessage, n int64, pace time.Duration) {
	t.Helper()
	publish := func(from, to int64) {
		for i := from; i <= to; i++ {
			e := ev(i, "comment.created", "")
			e.Data = data
			th.hub.Publish(e)
			time.Sleep(pace)
		}
	}
	publish(1, n)
	time.Sleep(100 * time.Millisecond)
	for want := int64(1); want <= n; want++ {
		if e := read(t, c); e.Seq != want {
			t.Fatalf("got seq %d; want %d", e.Seq, want)
		}
	}
	publish(n+1, n+5)
	for want := n + 1; want <= n+5; want++ {
		if e := read(t, c); e.Seq != want {
			t.Fatalf("after catching up, got seq %d; want %d", e.Seq, want)
		}
	}
	if d := th.hub.Stats().DroppedSlow.Load(); d != 0 {
		t.Errorf("dropped as slow = %d; want 0", d)
	}
}
