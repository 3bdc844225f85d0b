package live

import "syscall"

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
