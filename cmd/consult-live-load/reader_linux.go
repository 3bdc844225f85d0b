package main

import (
	"bytes"
	"encoding/binary"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gorilla/websocket"
)

// reader receives the events of many subscribers in one goroutine with its
// own epoll set, reading each socket directly and parsing no more of a
// frame than its header and the comment id: the generator shares the
// server's machine and must not be what limits the measurement.
type reader struct {
	epfd    int
	conns   map[int32]*sub
	seen    map[string]*receipt // comment id → receipts at this reader
	dropped atomic.Int32
	buf     []byte
}

// sub is one reading subscriber's socket and any frame split by a read.
type sub struct {
	fd      int
	partial []byte
}

type receipt struct {
	count int32
	last  int64 // unix nanoseconds of the latest receipt here
}

func newReader() (*reader, error) {
	epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return nil, err
	}
	return &reader{epfd: epfd, conns: map[int32]*sub{}, seen: map[string]*receipt{}, buf: make([]byte, 256<<10)}, nil
}

// adopt takes c's socket over from the websocket library: it keeps a
// duplicate of the descriptor (non-blocking, like the original) and closes
// the original, which leaves the connection open.
func (r *reader) adopt(c *websocket.Conn) error {
	sc, err := c.NetConn().(syscall.Conn).SyscallConn()
	if err != nil {
		return err
	}
	var fd int
	var dupErr error
	if err := sc.Control(func(raw uintptr) { fd, dupErr = syscall.Dup(int(raw)) }); err != nil {
		return err
	}
	if dupErr != nil {
		return dupErr
	}
	c.NetConn().Close()
	r.conns[int32(fd)] = &sub{fd: fd}
	return syscall.EpollCtl(r.epfd, syscall.EPOLL_CTL_ADD, fd, &syscall.EpollEvent{Events: syscall.EPOLLIN | syscall.EPOLLRDHUP, Fd: int32(fd)})
}

// run reads until stop is closed.
func (r *reader) run(stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	events := make([]syscall.EpollEvent, 512)
	for {
		select {
		case <-stop:
			return
		default:
		}
		n, err := syscall.EpollWait(r.epfd, events, 100)
		if err != nil && err != syscall.EINTR {
			return
		}
		for i := 0; i < n; i++ {
			if s := r.conns[events[i].Fd]; s != nil {
				r.readFrom(s)
			}
		}
	}
}

func (r *reader) readFrom(s *sub) {
	n, err := syscall.Read(s.fd, r.buf)
	if err == syscall.EAGAIN || err == syscall.EINTR {
		return
	}
	if n <= 0 {
		r.drop(s)
		return
	}
	now := time.Now().UnixNano()
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
			r.record(payload, now)
		case 8: // close
			if len(payload) < 2 || binary.BigEndian.Uint16(payload) != 1000 {
				r.drop(s)
			} else {
				r.forget(s)
			}
			return
		}
		data = rest
	}
	s.partial = append(s.partial[:0], data...)
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

// record notes that a comment.created event arrived at now.
func (r *reader) record(msg []byte, now int64) {
	if !bytes.Contains(msg, idMark) {
		return
	}
	i := bytes.Index(msg, dataID)
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
	rc.last = max(rc.last, now)
}

func (r *reader) drop(s *sub) {
	r.dropped.Add(1)
	r.forget(s)
}

func (r *reader) forget(s *sub) {
	syscall.EpollCtl(r.epfd, syscall.EPOLL_CTL_DEL, s.fd, nil)
	syscall.Close(s.fd)
	delete(r.conns, int32(s.fd))
}

// closeAll closes every socket still open.
func (r *reader) closeAll() {
	for _, s := range r.conns {
		syscall.Close(s.fd)
	}
	syscall.Close(r.epfd)
}
