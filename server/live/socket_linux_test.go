package live

import (
	"net"
	"testing"
	"time"
)

// TestPeerWindowShrinksWhileThePeerDoesNotRead checks the reading of
// tcp_info on which holding a stalled subscriber rests: the window a
// reading peer offers is wide, and it narrows as data waits unread.
func TestPeerWindowShrinksWhileThePeerDoesNotRead(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		accepted <- c
	}()
	peer, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	peer.(*net.TCPConn).SetReadBuffer(64 << 10)
	server := <-accepted
	defer server.Close()
	var fd int
	raw, _ := server.(*net.TCPConn).SyscallConn()
	raw.Control(func(f uintptr) { fd = int(f) })

	// The window is learnt from the peer's ACKs: send a little first.
	server.Write([]byte("hello"))
	buf := make([]byte, 5)
	peer.Read(buf)
	time.Sleep(50 * time.Millisecond)
	open, ok := peerWindow(fd)
	if !ok {
		t.Fatal("tcp_info has no window on this kernel (Linux 5.4 or later needed)")
	}
	if open < 16<<10 {
		t.Fatalf("a reading peer offers a %d-byte window; want at least 16 KB", open)
	}
	chunk := make([]byte, 1000)
	for range 100 {
		server.(*net.TCPConn).SetWriteDeadline(time.Now().Add(time.Second))
		if _, err := server.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	// Wait for the delayed ACKs that carry the narrower window.
	deadline := time.Now().Add(2 * time.Second)
	shut, _ := peerWindow(fd)
	for shut > open/2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		shut, _ = peerWindow(fd)
	}
	t.Logf("window %d bytes open, %d with 100 KB unread", open, shut)
	if shut > open/2 {
		t.Errorf("window %d bytes with 100 KB unread; it was %d before", shut, open)
	}
}
