package live

import (
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// limitUnsent caps the data the kernel holds unsent for a subscriber
// (what its window has not let through) at unsentLimit: a write beyond
// takes only part, the rest queues in the subscriber's own bounded
// queue, and a subscriber that never reads is dropped once that fills.
// Without it the socket's send buffer grows to megabytes per stalled
// subscriber before a write falls short.
func limitUnsent(fd int) {
	syscall.SetsockoptInt(fd, syscall.IPPROTO_TCP, unix.TCP_NOTSENT_LOWAT, unsentLimit)
}

// peerWindow returns the receive window the client last offered: room
// left in its buffers, as its kernel reckons (tcp_info's tcpi_snd_wnd,
// Linux 5.4 and later; ok is false where the kernel does not report it).
// A raw call into a struct on the stack, unlike unix.GetsockoptTCPInfo,
// which allocates: this runs on the fan-out's path.
func peerWindow(fd int) (wnd uint32, ok bool) {
	var info unix.TCPInfo
	n := uint32(unsafe.Sizeof(info))
	_, _, errno := syscall.RawSyscall6(syscall.SYS_GETSOCKOPT, uintptr(fd), syscall.IPPROTO_TCP, syscall.TCP_INFO,
		uintptr(unsafe.Pointer(&info)), uintptr(unsafe.Pointer(&n)), 0)
	if errno != 0 || uintptr(n) < unsafe.Offsetof(info.Snd_wnd)+unsafe.Sizeof(info.Snd_wnd) {
		return 0, false
	}
	return info.Snd_wnd, true
}
