package main

import (
	"bytes"
	"encoding/binary"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"github.com/gorilla/websocket"
)

// reader receives the events of many subscribers in one goroutine with its
// own epoll set, reading each socket directly and parsing no more of a
// frame than its header and the comment id: the generator shares the
// server's machine and must not be what limits the measurement.
type reader struct {
	epfd    int
	conns   []*sub              // by descriptor
	seen    map[string]*receipt // comment id → receipts at this reader
	dropped atomic.Int32
	buf     []byte
	lag     lagHistogram // per read: how long the data waited in the socket
	reads   int64        // reads that returned data

	// recvmsg's arguments, reused: the kernel's arrival time comes as
	// control data.
	iov  syscall.Iovec
	oob  [64]byte
	msgh syscall.Msghdr
}

// sub is one reading subscriber's socket and any frame split by a read.
type sub struct {
	fd      int
	partial []byte
}

type receipt struct {
	count    int32
	arrived  int64 // unix nanoseconds of the latest arrival in a socket here
	lastRead int64 // and of the latest read of it by this reader
}

func newReader() (*reader, error) {
	epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return nil, err
	}
	r := &reader{epfd: epfd, seen: map[string]*receipt{}, buf: make([]byte, 256<<10)}
	r.iov.Base = &r.buf[0]
	r.iov.SetLen(len(r.buf))
	r.msgh.Iov = &r.iov
	r.msgh.Iovlen = 1
	r.msgh.Control = &r.oob[0]
	return r, nil
}

// adopt takes c's socket over (see takeOver) to read it here.
func (r *reader) adopt(c *websocket.Conn) error {
	fd, err := takeOver(c)
	if err != nil {
		return err
	}
	// The kernel stamps each segment as it reaches the socket: receipt
	// times then do not depend on how soon this process gets to read.
	if err := syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_TIMESTAMPNS, 1); err != nil {
		return err
	}
	if fd >= len(r.conns) {
		r.conns = append(r.conns, make([]*sub, fd+1-len(r.conns))...)
	}
	r.conns[fd] = &sub{fd: fd}
	// Edge-triggered: each arrival is reported once and readFrom drains
	// the socket, so a socket is not polled again, empty, at the next
	// epoll_wait as it would be level-triggered.
	return syscall.EpollCtl(r.epfd, syscall.EPOLL_CTL_ADD, fd, &syscall.EpollEvent{Events: syscall.EPOLLIN | syscall.EPOLLRDHUP | epollET, Fd: int32(fd)})
}

// run reads until stop is closed. With poll > 0 it takes what is ready
// every poll instead of sleeping in epoll_wait: a reader asleep there is
// woken by each arriving message, a cost the server's write pays too (on
// loopback the sender runs the receiver's wake-up), which makes the
// generator part of what it measures. Receipts are the kernel's arrival
// stamps, so reading later does not delay them; an event is only
// attributed a later arrival when it shares a read with a newer one.
func (r *reader) run(stop <-chan struct{}, wg *sync.WaitGroup, poll time.Duration) {
	defer wg.Done()
	events := make([]syscall.EpollEvent, 512)
	wait := 100 // milliseconds
	if poll > 0 {
		wait = 0
	}
	for {
		select {
		case <-stop:
			return
		default:
		}
		n, err := r.wait(events, wait)
		if err != nil && err != syscall.EINTR {
			return
		}
		for i := 0; i < n; i++ {
			if s := r.conns[events[i].Fd]; s != nil {
				for r.readFrom(s) {
				}
			}
		}
		if poll > 0 && n < len(events) {
			time.Sleep(poll)
		}
	}
}

// wait is epoll_wait; a wait that cannot sleep is made raw, like recv.
func (r *reader) wait(events []syscall.EpollEvent, msec int) (int, error) {
	if msec != 0 {
		return syscall.EpollWait(r.epfd, events, msec)
	}
	n, _, errno := syscall.RawSyscall6(syscall.SYS_EPOLL_WAIT, uintptr(r.epfd), uintptr(unsafe.Pointer(&events[0])), uintptr(len(events)), 0, 0, 0)
	if errno != 0 {
		return 0, errno
	}
	return int(n), nil
}

// readFrom reads once from s, and reports whether the socket may hold
// more (the read filled the buffer).
func (r *reader) readFrom(s *sub) bool {
	n, arrived, err := r.recv(s.fd)
	if err == syscall.EINTR {
		return true
	}
	if err == syscall.EAGAIN {
		return false
	}
	if n <= 0 {
		r.drop(s)
		return false
	}
	now := time.Now().UnixNano()
	if arrived == 0 || arrived > now {
		arrived = now
	}
	r.lag.add(now - arrived)
	r.reads++
	data := r.buf[:n]
	if len(s.partial) > 0 {
		s.partial = append(s.partial, data...)
		data = s.partial
	}
	for {
		payload, opcode, rest, ok := nextFrame(data)
		if !ok {
			break
		}
		switch opcode {
		case 1: // text
			r.record(payload, arrived, now)
		case 8: // close
			if len(payload) < 2 || binary.BigEndian.Uint16(payload) != 1000 {
				r.drop(s)
			} else {
				r.forget(s)
			}
			return false
		}
		data = rest
	}
	s.partial = append(s.partial[:0], data...)
	return n == len(r.buf)
}

// takeOver takes c's socket from the websocket library and the Go
// runtime: it returns a duplicate of the descriptor (non-blocking, like
// the original) and closes the original, which leaves the connection
// open but out of the runtime's poller. A socket left there costs the
// server's writes a wake-up of this process's poller for each arrival
// (on loopback the sender runs the receiver's wake-up), even when
// nothing here reads it.
func takeOver(c *websocket.Conn) (int, error) {
	sc, err := c.NetConn().(syscall.Conn).SyscallConn()
	if err != nil {
		return -1, err
	}
	var fd int
	var dupErr error
	if err := sc.Control(func(raw uintptr) { fd, dupErr = syscall.Dup(int(raw)) }); err != nil {
		return -1, err
	}
	if dupErr != nil {
		return -1, dupErr
	}
	c.NetConn().Close()
	return fd, nil
}

// nextFrame splits one unmasked server frame off data.
func nextFrame(data []byte) (payload []byte, opcode byte, rest []byte, ok bool) {
	if len(data) < 2 {
		return nil, 0, data, false
	}
	hdr, n := 2, uint64(data[1]&0x7f)
	switch n {
	case 126:
		if len(data) < 4 {
			return nil, 0, data, false
		}
		hdr, n = 4, uint64(binary.BigEndian.Uint16(data[2:]))
	case 127:
		if len(data) < 10 {
			return nil, 0, data, false
		}
		hdr, n = 10, binary.BigEndian.Uint64(data[2:])
	}
	if uint64(len(data)-hdr) < n {
		return nil, 0, data, false
	}
	end := hdr + int(n)
	return data[hdr:end], data[0] & 0x0f, data[end:], true
}

var idMark = []byte(`"type":"comment.created"`)
var dataID = []byte(`"data":{"id":"`)

// recv reads what the socket holds, and reports when the newest of it
// reached the socket (unix nanoseconds; 0 if unknown): an upper bound on
// the arrival of everything read.
func (r *reader) recv(fd int) (int, int64, error) {
	r.msgh.SetControllen(len(r.oob))
	// Raw: the socket is non-blocking, so the call never sleeps, and the
	// runtime need not prepare for it to (nor its monitor wake to check).
	n, _, errno := syscall.RawSyscall(syscall.SYS_RECVMSG, uintptr(fd), uintptr(unsafe.Pointer(&r.msgh)), syscall.MSG_DONTWAIT)
	if errno != 0 {
		return -1, 0, errno
	}
	arrived := int64(0)
	// One control message is expected: SCM_TIMESTAMPNS, a timespec.
	const hdr = syscall.SizeofCmsghdr
	if int(r.msgh.Controllen) >= hdr+16 {
		h := (*syscall.Cmsghdr)(unsafe.Pointer(&r.oob[0]))
		if h.Level == syscall.SOL_SOCKET && h.Type == syscall.SCM_TIMESTAMPNS {
			ts := (*syscall.Timespec)(unsafe.Pointer(&r.oob[hdr]))
			arrived = ts.Nano()
		}
	}
	return int(n), arrived, nil
}

// record notes that a comment.created event reached a socket at arrived
// and was read at now.
func (r *reader) record(msg []byte, arrived, now int64) {
	i := bytes.Index(msg, idMark)
	if i < 0 {
		return
	}
	msg = msg[i+len(idMark):] // data comes after type
	i = bytes.Index(msg, dataID)
	if i < 0 {
		return
	}
	rest := msg[i+len(dataID):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 {
		return
	}
	rc := r.seen[string(rest[:j])]
	if rc == nil {
		rc = &receipt{}
		r.seen[string(rest[:j])] = rc
	}
	rc.count++
	rc.arrived = max(rc.arrived, arrived)
	rc.lastRead = max(rc.lastRead, now)
}

func (r *reader) drop(s *sub) {
	r.dropped.Add(1)
	r.forget(s)
}

func (r *reader) forget(s *sub) {
	syscall.EpollCtl(r.epfd, syscall.EPOLL_CTL_DEL, s.fd, nil)
	syscall.Close(s.fd)
	r.conns[s.fd] = nil
}

// closeAll closes every socket still open.
func (r *reader) closeAll() {
	for _, s := range r.conns {
		if s != nil {
			syscall.Close(s.fd)
		}
	}
	syscall.Close(r.epfd)
}

const epollET = 1 << 31 // syscall.EPOLLET, which is negative there
