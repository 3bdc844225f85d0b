package live

import (
	"bytes"
	"encoding/json"
	"fmt"
	"syscall"
	"testing"
)

// TestSubscribersLeavingMidRoundCostTheOthersNoEvent drives one shard by
// hand: events come in while it is part-way round its subscribers, some
// of whom leave on either side of the hand; everyone left gets every
// event they may see, once, in order.
func TestSubscribersLeavingMidRoundCostTheOthersNoEvent(t *testing.T) {
	t.Run("write", func(t *testing.T) { testLeavingMidRound(t, false) })
	t.Run("io_uring", func(t *testing.T) { testLeavingMidRound(t, true) })
}

func testLeavingMidRound(t *testing.T, batched bool) {
	h := NewHub(nil, Options{})
	s := newShard(h)
	if batched {
		s.ring = testRing(t, h)
	}
	const n = 12
	clients := make([]*client, n)
	peers := make([]int, n)
	for i := range n {
		viewer := Viewer{}
		if i == 5 {
			viewer.Moderator = true
		}
		clients[i], peers[i] = pairedClient(t, h, viewer)
		s.handle(shardMsg{join: clients[i]})
	}
	seq := int64(0)
	publish := func(audience string) {
		seq++
		e := &Event{Seq: seq, Type: "comment.created", ConsultationID: "c1", Audience: audience}
		frame, err := eventFrame(e)
		if err != nil {
			t.Fatal(err)
		}
		s.handle(shardMsg{event: e, frame: frame})
	}
	leave := func(i int) {
		s.handle(shardMsg{leave: clients[i]})
		clients[i] = nil
	}

	publish("")
	s.visit(4)
	leave(1)  // behind the hand, has event 1
	leave(10) // ahead of it, has nothing yet
	s.visit(len(s.subs) - s.hand)
	if len(s.log) > 0 {
		t.Fatal("event 1 had not reached everyone by the end of the round it came in")
	}
	publish("")
	s.visit(3)
	publish("someone") // held: only moderators
	publish("")
	s.visit(5)
	leave(7)
	// One round from the hand covers everyone.
	s.visit(len(s.subs))
	if len(s.log) > 0 {
		t.Fatalf("%d events still held for someone after a whole round", len(s.log))
	}

	for i, c := range clients {
		if c == nil {
			continue
		}
		want := []int64{1, 2, 4}
		if c.viewer.Moderator {
			want = []int64{1, 2, 3, 4}
		}
		if got := readSeqs(t, peers[i]); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("subscriber %d received %v; want %v", i, got, want)
		}
	}
	if s.base != seq {
		t.Errorf("log position %d after everyone had every event; want %d", s.base, seq)
	}
}

// readSeqs reads the frames waiting on a socket and returns their events'
// seqs.
func readSeqs(t *testing.T, fd int) []int64 {
	t.Helper()
	buf := make([]byte, 64<<10)
	n, _ := syscall.Read(fd, buf)
	data := buf[:max(0, n)]
	var seqs []int64
	for len(data) > 0 {
		if data[0] != 0x81 || len(data) < 2 || int(data[1]) >= 126 || len(data) < 2+int(data[1]) {
			t.Fatalf("not one small text frame: % x", data[:min(len(data), 16)])
		}
		var e Event
		if err := json.NewDecoder(bytes.NewReader(data[2 : 2+int(data[1])])).Decode(&e); err != nil {
			t.Fatal(err)
		}
		seqs = append(seqs, e.Seq)
		data = data[2+int(data[1]):]
	}
	return seqs
}
