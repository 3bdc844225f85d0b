package live

import (
	"net"
	"os"
	"syscall"
	"testing"
)

// pairedClient is a subscriber on one end of a Unix socket pair, for
// driving a shard directly; the test reads the other end (peer).
func pairedClient(tb testing.TB, h *Hub, viewer Viewer) (c *client, peer int) {
	tb.Helper()
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err != nil {
		tb.Skip("socket pairs:", err)
	}
	syscall.SetNonblock(fds[0], true)
	syscall.SetNonblock(fds[1], true)
	// The File owns fds[0] (closing it once, here, rather than again in a
	// finaliser after the number has gone to another socket); raw is a
	// duplicate.
	f := os.NewFile(uintptr(fds[0]), "sub")
	raw, err := net.FileConn(f)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { raw.Close(); f.Close(); syscall.Close(fds[1]) })
	return &client{hub: h, raw: raw, fd: fds[0], viewer: viewer, lastSeq: -1}, fds[1]
}

// testRing gives h's pool a single ring with a file table, as a worker
// has, for driving a shard directly: joins then register their sockets
// in it. It skips where io_uring is missing.
func testRing(tb testing.TB, h *Hub) *ring {
	tb.Helper()
	r := newRing(catchUpEvery)
	if r == nil {
		tb.Skip("no io_uring here")
	}
	tb.Cleanup(r.close)
	if r.registerFiles(1024) {
		h.pool.rings, h.pool.slots = []*ring{r}, 1024
	}
	return r
}
