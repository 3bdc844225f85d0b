package live

import (
	"encoding/json"
	"strings"
	"syscall"
	"testing"
)

// BenchmarkFanOut1000 measures one shard writing an event to 1,000
// subscribers, each on a Unix socket pair drained outside the timer. Its
// ns/op divided by 1,000 is the cost per delivered message on this
// machine (less than over TCP, whose kernel path is longer); allocs/op
// shows that nothing is allocated per subscriber.
func BenchmarkFanOut1000(b *testing.B) {
	b.Run("write", func(b *testing.B) { benchmarkFanOut(b, false) })
	b.Run("io_uring", func(b *testing.B) { benchmarkFanOut(b, true) })
}

func benchmarkFanOut(b *testing.B, batched bool) {
	const n = 1000
	h := NewHub(nil, Options{})
	s := newShard(h)
	if batched {
		s.ring = testRing(b, h)
	}
	peers := make([]int, n)
	for i := range n {
		c, peer := pairedClient(b, h, Viewer{})
		s.handle(shardMsg{join: c})
		peers[i] = peer
	}
	e := &Event{Type: "comment.created", ConsultationID: "c1", Data: json.RawMessage(`{"id":"01M8EEZJNJ8SC0YD9G852VM0JB","body":"` + strings.Repeat("x", 300) + `"}`)}
	buf := make([]byte, 64<<10)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		e.Seq = int64(i + 1)
		frame, _ := eventFrame(e)
		s.handle(shardMsg{event: e, frame: frame})
		s.visit(n)
		if i%16 == 15 {
			b.StopTimer()
			for _, fd := range peers {
				for {
					if m, _ := syscall.Read(fd, buf); m <= 0 {
						break
					}
				}
			}
			b.StartTimer()
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/message")
}
