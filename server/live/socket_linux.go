package live

import (
	"encoding/binary"
	"syscall"
	"unsafe"
)

// tcpNotSentLowat is TCP_NOTSENT_LOWAT, which the syscall package lacks.
const tcpNotSentLowat = 25

// limitUnsent caps the data the kernel holds unsent for a subscriber
// (what its window has not let through) at unsentLimit: a write beyond
// takes only part, the rest queues in the subscriber's own bounded
// queue, and a subscriber that never reads is dropped once that fills.
// Without it the socket's send buffer grows to megabytes per stalled
// subscriber before a write falls short.
func limitUnsent(fd int) {
	syscall.SetsockoptInt(fd, syscall.IPPROTO_TCP, tcpNotSentLowat, unsentLimit)
}

// peerWindow returns the receive window the client last offered: room
// left in its buffers, as its kernel reckons (tcp_info's tcpi_snd_wnd,
// Linux 5.4 and later; ok is false where the kernel does not report it).
func peerWindow(fd int) (wnd uint32, ok bool) {
	var info [tcpInfoSndWnd + 8]byte
	n := uint32(len(info))
	_, _, errno := syscall.RawSyscall6(syscall.SYS_GETSOCKOPT, uintptr(fd), syscall.IPPROTO_TCP, syscall.TCP_INFO,
		uintptr(unsafe.Pointer(&info[0])), uintptr(unsafe.Pointer(&n)), 0)
	if errno != 0 || n < tcpInfoSndWnd+4 {
		return 0, false
	}
	return binary.NativeEndian.Uint32(info[tcpInfoSndWnd:]), true
}

// tcpInfoSndWnd is tcpi_snd_wnd's offset in struct tcp_info.
const tcpInfoSndWnd = 228
