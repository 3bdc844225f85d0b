package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
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
