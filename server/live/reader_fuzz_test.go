package live

import (
	"bufio"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// FuzzReaderSurvivesAnyClientBytes sends whatever bytes after a valid
// websocket handshake: oversized, unmasked, fragmented or binary frames,
// bad close codes, garbage. The reader must drop such a client without
// taking the hub down; the hub goes on serving other watchers.
func FuzzReaderSurvivesAnyClientBytes(f *testing.F) {
	for _, seed := range [][]byte{
		{0x81, 0x85, 1, 2, 3, 4, 'h' ^ 1, 'e' ^ 2, 'l' ^ 3, 'l' ^ 4, 'o' ^ 1}, // masked text "hello"
		{0x81, 0x05, 'h', 'e', 'l', 'l', 'o'},                                 // unmasked: a protocol error
		{0x89, 0x80, 0, 0, 0, 0},                                              // ping
		{0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe7},                                  // close with a reserved code
		{0x82, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},          // a 2^63-byte frame
		{0x01, 0x81, 0, 0, 0, 0, 'a', 0x00, 0x81, 0, 0, 0, 0, 'b'},            // fragments without a final one
		[]byte(strings.Repeat("\x00", 300)),
	} {
		f.Add(seed)
	}
	th := newTestHub(f, Options{ReadLimit: 512})
	addr := strings.TrimPrefix(th.srv.URL, "http://")
	f.Fuzz(func(t *testing.T, frames []byte) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(5 * time.Second))
		conn.Write([]byte("GET /?room=fuzz HTTP/1.1\r\nHost: " + addr + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
			"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"))
		br := bufio.NewReader(conn)
		resp, err := http.ReadResponse(br, nil)
		if err != nil || resp.StatusCode != http.StatusSwitchingProtocols {
			t.Fatalf("handshake: %v %v", resp, err)
		}
		conn.Write(frames)
		th.hub.Publish(Event{ConsultationID: "fuzz", Seq: 1, Type: "t"})
		conn.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
		br.Read(make([]byte, 512))
	})
	// The hub still serves a well-behaved watcher (who gets the event by
	// replay or live, whichever comes first).
	th.publish(Event{ConsultationID: "after", Seq: 2, Type: "t"})
	c := th.dial(f, "room=after&since=1")
	if ev := read(f, c); ev.Seq != 2 {
		f.Fatalf("after fuzzing the hub sent %+v; want the new event", ev)
	}
}
