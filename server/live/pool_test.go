package live

import (
	"sync"
	"testing"
	"time"
)

// TestShardsTakeTurns drives the pool's queue by hand: shards with more
// to do go to the back, so none waits more than one turn of each of the
// others; a message that comes during a shard's turn earns it another;
// an idle shard leaves the queue until something comes for it.
func TestShardsTakeTurns(t *testing.T) {
	h := NewHub(nil, Options{})
	p := &h.pool
	p.wake = sync.NewCond(&p.mu)
	a, b, c := newShard(h), newShard(h), newShard(h)
	name := map[*shard]string{a: "a", b: "b", c: "c"}
	turn := func(want string) *shard {
		t.Helper()
		s := p.take()
		if name[s] != want {
			t.Fatalf("%s had the turn; want %s", name[s], want)
		}
		return s
	}

	p.schedule(a)
	p.schedule(b)
	p.schedule(a) // already queued: no second place
	p.done(turn("a"), true)
	p.schedule(c)
	s := turn("b")
	// A message for b during its turn: b is not queued twice, but its
	// turn ends with it back in the queue although it had nothing left.
	s.inbox <- shardMsg{ping: true}
	p.schedule(b)
	p.done(s, false)
	p.done(turn("a"), false) // a is done: it leaves the queue
	p.done(turn("c"), true)
	s = turn("b")
	<-s.inbox // its turn handles the message
	p.done(s, false)
	p.done(turn("c"), false)
	if len(p.queue) != p.head {
		t.Fatalf("%d shards still queued; want none", len(p.queue)-p.head)
	}
	p.schedule(a) // something new for a
	turn("a")
}

// TestWorkersEndWhenTheHubCloses checks that Close waits for the workers,
// which stop once every shard has sent its subscribers away.
func TestWorkersEndWhenTheHubCloses(t *testing.T) {
	th := newTestHub(t, Options{})
	th.dial(t, "room=c1")
	th.dial(t, "room=c2")
	th.waitSubscribers(t, 2)
	closed := make(chan struct{})
	go func() {
		th.hub.Close()
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("Close still waiting after 10 s: a worker outlived its shards")
	}
	th.hub.pool.mu.Lock()
	defer th.hub.pool.mu.Unlock()
	if th.hub.pool.shards != 0 {
		t.Errorf("%d shards not stopped after Close", th.hub.pool.shards)
	}
}
