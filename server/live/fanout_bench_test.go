package live

import (
	"encoding/json"
	"net"
	"os"
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
	const n = 1000
	h := NewHub(nil, Options{})
	s := newShard(h)
	peers := make([]int, n)
	for i := range n {
		fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
		if err != nil {
			b.Skip("socket pairs:", err)
		}
		syscall.SetNonblock(fds[0], true)
		syscall.SetNonblock(fds[1], true)
		raw, err := net.FileConn(os.NewFile(uintptr(fds[0]), "sub"))
		if err != nil {
			b.Fatal(err)
		}
		c := &client{hub: h, raw: raw, fd: fds[0], lastSeq: -1}
		s.handle(shardMsg{join: c})
		peers[i] = fds[1]
		b.Cleanup(func() { raw.Close(); syscall.Close(fds[0]); syscall.Close(fds[1]) })
	}
	e := &Event{Type: "comment.created", ConsultationID: "c1", Data: json.RawMessage(`{"id":"01M8EEZJNJ8SC0YD9G852VM0JB","body":"` + strings.Repeat("x", 300) + `"}`)}
	buf := make([]byte, 64<<10)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		e.Seq = int64(i + 1)
		frame, _ := eventFrame(e)
		s.fanOut([]shardMsg{{event: e, frame: frame}})
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
