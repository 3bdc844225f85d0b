package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/consult-platform/consult/consultations"
	"github.com/consult-platform/consult/database"
	"github.com/consult-platform/consult/i18n"
	"github.com/gorilla/websocket"
)

// twoNodes starts node A (the usual API environment) and node B, a second
// server with its own hub and page cache over the same PostgreSQL schema.
func twoNodes(t *testing.T) (a, b *liveEnv) {
	t.Helper()
	url := database.TestSchemaURL(t) // skips on SQLite
	ctx := context.Background()
	open := func() *database.DB {
		db, err := database.Open(ctx, url, database.Options{MaxReaders: 4})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		return db
	}
	a = &liveEnv{apiEnv: newAPIEnvOver(t, open())}
	a.http = httptest.NewServer(a.srv)
	bundle, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	storeB := consultations.NewStore(open(), consultations.NewSanitizer())
	srvB, err := New(ctx, Config{MaxBodyBytes: 1 << 20}, storeB, bundle, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	envB := *a.apiEnv
	envB.srv, envB.store = srvB, storeB
	b = &liveEnv{apiEnv: &envB, http: httptest.NewServer(srvB)}
	t.Cleanup(func() {
		for _, n := range []*liveEnv{a, b} {
			n.srv.Shutdown(context.Background())
			n.http.Close()
		}
	})
	return a, b
}

func TestSubscriberOnOneNodeGetsCommentsPostedOnAnotherInOrderOnce(t *testing.T) {
	a, b := twoNodes(t)
	onB := b.dial(t, a.policy.ID, "", nil)
	onA := a.dial(t, a.policy.ID, "", nil)
	var ids []string
	for i := 0; i < 20; i++ {
		node := a
		if i%4 == 3 {
			node = b // some from B too: both nodes' events interleave
		}
		ids = append(ids, node.post(t, asCitizen, a.policy.ID, fmt.Sprintf("Comment %d from one of two nodes", i)))
	}
	for name, c := range map[string]*websocket.Conn{"node B": onB, "node A": onA} {
		var prev int64
		for i, id := range ids {
			ev := readEvent(t, c)
			if ev.Data["id"] != id || (prev != 0 && ev.Seq != prev+1) {
				t.Fatalf("%s: event %d = seq %d id %v; want id %s right after seq %d", name, i, ev.Seq, ev.Data["id"], id, prev)
			}
			prev = ev.Seq
		}
		c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
		if _, msg, err := c.ReadMessage(); err == nil {
			t.Errorf("%s: extra message %s; want each event once", name, msg)
		}
	}
}

func TestReplayWithSinceWorksOnEitherNode(t *testing.T) {
	a, b := twoNodes(t)
	first := a.post(t, asCitizen, a.policy.ID, "Before anyone watched")
	since, _ := a.store.LastSeq(context.Background(), a.policy.ID)
	missed := []string{a.post(t, asCitizen, a.policy.ID, "Missed one"), b.post(t, asCitizen, a.policy.ID, "Missed two")}
	_ = first
	for name, n := range map[string]*liveEnv{"A": a, "B": b} {
		c := n.dial(t, a.policy.ID, "since="+strconv.FormatInt(since, 10), nil)
		for i, want := range missed {
			if ev := readEvent(t, c); ev.Seq != since+int64(i)+1 || ev.Data["id"] != want {
				t.Fatalf("node %s: replayed event %d = seq %d id %v; want seq %d id %s", name, i, ev.Seq, ev.Data["id"], since+int64(i)+1, want)
			}
		}
	}
}

func TestPageCachedOnOneNodeIsSpoiltByACommentOnAnother(t *testing.T) {
	a, b := twoNodes(t)
	path := "/consultations/" + a.policy.Slug
	get := func(n *liveEnv) string {
		rec := httptest.NewRecorder()
		n.srv.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		return rec.Body.String()
	}
	before := get(b)
	if get(b) != before {
		t.Fatal("node B does not cache the page; nothing to spoil")
	}
	a.post(t, asCitizen, a.policy.ID, "A remark posted on node A")
	deadline := time.Now().Add(5 * time.Second)
	for get(b) == before {
		if time.Now().After(deadline) {
			t.Fatal("node B still serves the page cached before the comment made on node A")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestRateLimitsCountRequestsOnEveryNode(t *testing.T) {
	a, b := twoNodes(t)
	a.srv.limits, b.srv.limits = newLimits(true, a.store), newLimits(true, b.store)
	// One client, one account, its requests spread over both nodes. An
	// empty comment is refused (400) but counts, as every state change does.
	path := "/api/v1/consultations/" + a.policy.ID + "/comments"
	accepted := 0
	for i := 0; i < 2*limitBurst; i++ {
		node := []*liveEnv{a, b}[i%2]
		if node.call("POST", path, asCitizen, `{"body":""}`).Code == http.StatusTooManyRequests {
			break
		}
		accepted++
	}
	// Counted per node, each node would let a whole burst through.
	if accepted > limitBurst+limitBurst/3 {
		t.Fatalf("%d requests over two nodes before the first 429; want about %d, one burst for both", accepted, limitBurst)
	}
}

func TestRevokedTokenIsRefusedAtOnceOnAnotherNode(t *testing.T) {
	a, b := twoNodes(t)
	token, _, err := a.store.CreateAPIToken(context.Background(), a.users[asCitizen].ID)
	if err != nil {
		t.Fatal(err)
	}
	if code := b.callToken("GET", "/api/v1/me", token, nil).Code; code != http.StatusOK {
		t.Fatalf("GET /api/v1/me with a new token on node B = %d; want 200", code)
	}
	if code := a.callToken("DELETE", "/api/v1/tokens/current", token, nil).Code; code != http.StatusNoContent {
		t.Fatalf("revoking on node A = %d; want 204", code)
	}
	if code := b.callToken("GET", "/api/v1/me", token, nil).Code; code != http.StatusUnauthorized {
		t.Errorf("GET /api/v1/me on node B right after the token was revoked on node A = %d; want 401", code)
	}
}

func TestSignedOutSessionIsRefusedAtOnceOnAnotherNode(t *testing.T) {
	a, b := twoNodes(t)
	onA := (&webEnv{t: t, srv: a.http}).client()
	onA.signIn(demoCitizen)
	session := ""
	u, _ := url.Parse(a.http.URL)
	for _, c := range onA.http.Jar.Cookies(u) {
		if c.Name == sessionCookie {
			session = c.Value
		}
	}
	me := func(n *liveEnv) int {
		r := httptest.NewRequest("GET", "/api/v1/me", nil)
		r.AddCookie(&http.Cookie{Name: sessionCookie, Value: session})
		rec := httptest.NewRecorder()
		n.srv.ServeHTTP(rec, r)
		return rec.Code
	}
	if session == "" || me(b) != http.StatusOK {
		t.Fatalf("the session made by signing in on node A (%q) is not signed in on node B", session)
	}
	onA.post("/sign-out", nil).wantStatus(t, http.StatusSeeOther)
	// The browser forgets the cookie; a copy of it (another tab, a thief)
	// must not work on any node.
	if code := me(b); code != http.StatusUnauthorized {
		t.Errorf("the session signed out on node A, on node B: GET /api/v1/me = %d; want 401", code)
	}
}

func TestRetryOnAnotherNodeWithTheSameKeyReturnsTheFirstResult(t *testing.T) {
	a, b := twoNodes(t)
	path := "/api/v1/consultations/" + a.policy.ID + "/comments"
	before := a.counts()
	first := a.call("POST", path, asCitizen, map[string]string{"body": "Posted on node A"}, "Idempotency-Key", "across-nodes")
	if first.Code != http.StatusCreated {
		t.Fatalf("first post on node A = %d %s", first.Code, first.Body.String())
	}
	again := b.call("POST", path, asCitizen, map[string]string{"body": "Retried on node B"}, "Idempotency-Key", "across-nodes")
	id := apiDecode[struct{ ID string }](t, first).ID
	if again.Code != http.StatusCreated || apiDecode[struct{ ID string }](t, again).ID != id || again.Header().Get("Idempotent-Replayed") != "true" {
		t.Fatalf("retry on node B = %d %s (replayed %q); want 201 with id %s, replayed", again.Code, again.Body.String(), again.Header().Get("Idempotent-Replayed"), id)
	}
	if n := a.counts().comments - before.comments; n != 1 {
		t.Errorf("%d comments stored; want 1", n)
	}
}
