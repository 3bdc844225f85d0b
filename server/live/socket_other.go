//go:build !linux

package live

// limitUnsent is a no-op where TCP_NOTSENT_LOWAT is not set: a stalled
// subscriber is then bounded by the socket's send buffer.
func limitUnsent(int) {}

// peerWindow is unknown here: subscribers are never paused.
func peerWindow(int) (uint32, bool) { return 0, false }
