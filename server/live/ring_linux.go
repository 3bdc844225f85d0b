package live

import (
	"sync/atomic"
	"syscall"
	"unsafe"
)

// ring is an io_uring through which a shard hands the kernel a batch of
// non-blocking sends in one system call. On this kind of machine a system
// call's entry and exit cost about as much as the send itself, so a
// write(2) per subscriber costs about half as much again as a batch.
// (A minimal binding: sends only, used by one goroutine.)
type ring struct {
	fd               int
	sqMem, sqes      []byte
	cqMem            []byte // the same mapping as sqMem when the kernel allows
	sqHead, sqTail   *uint32
	sqMask           *uint32
	sqArray          unsafe.Pointer
	cqHead, cqTail   *uint32
	cqMask           *uint32
	cqes             unsafe.Pointer
	entries, pending uint32
	files            int32 // size of the registered file table; 0: none
}

const (
	sysIOUringSetup    = 425
	sysIOUringEnter    = 426
	sysIOUringRegister = 427

	ioringOpSend        = 26
	iosqeFixedFile      = 1 << 0
	ioringRegFilesUpd   = 6
	ioringRegFiles2     = 13
	ioringRsrcSparse    = 1 << 0
	ioringEnterGetevts  = 1 << 0
	ioringFeatSingleMap = 1 << 0
	ioringSetupSubmAll  = 1 << 7 // go on submitting after an entry fails
	ioringSetupCoopRun  = 1 << 8 // no interrupt to run completions: we wait for them anyway
	ioringOffSQRing     = 0
	ioringOffCQRing     = 0x8000000
	ioringOffSQEs       = 0x10000000
)

type ioSQRingOffsets struct {
	head, tail, ringMask, ringEntries, flags, dropped, array, resv1 uint32
	userAddr                                                        uint64
}

type ioCQRingOffsets struct {
	head, tail, ringMask, ringEntries, overflow, cqes, flags, resv1 uint32
	userAddr                                                        uint64
}

type ioUringParams struct {
	sqEntries, cqEntries, flags, sqThreadCPU, sqThreadIdle, features, wqFd uint32
	resv                                                                   [3]uint32
	sqOff                                                                  ioSQRingOffsets
	cqOff                                                                  ioCQRingOffsets
}

type ioSQE struct {
	opcode   uint8
	flags    uint8
	ioprio   uint16
	fd       int32
	off      uint64
	addr     uint64
	len      uint32
	msgFlags uint32
	userData uint64
	pad      [3]uint64
}

type ioCQE struct {
	userData uint64
	res      int32
	flags    uint32
}

// newRing returns a ring of the given size, or nil where io_uring is
// unavailable (old kernel, or forbidden by a sandbox): the caller then
// writes with write(2).
func newRing(entries uint32) *ring {
	var p ioUringParams
	p.flags = ioringSetupSubmAll | ioringSetupCoopRun
	fd, _, errno := syscall.Syscall(sysIOUringSetup, uintptr(entries), uintptr(unsafe.Pointer(&p)), 0)
	if errno == syscall.EINVAL {
		p = ioUringParams{}
		fd, _, errno = syscall.Syscall(sysIOUringSetup, uintptr(entries), uintptr(unsafe.Pointer(&p)), 0)
	}
	if errno != 0 {
		return nil
	}
	r := &ring{fd: int(fd), entries: p.sqEntries}
	sqSize := int(p.sqOff.array + p.sqEntries*4)
	cqSize := int(p.cqOff.cqes + p.cqEntries*uint32(unsafe.Sizeof(ioCQE{})))
	single := p.features&ioringFeatSingleMap != 0
	if single {
		sqSize = max(sqSize, cqSize)
	}
	mmap := func(off int64, size int) []byte {
		b, err := syscall.Mmap(r.fd, off, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED|syscall.MAP_POPULATE)
		if err != nil {
			return nil
		}
		return b
	}
	if r.sqMem = mmap(ioringOffSQRing, sqSize); r.sqMem == nil {
		r.close()
		return nil
	}
	if single {
		r.cqMem = r.sqMem
	} else if r.cqMem = mmap(ioringOffCQRing, cqSize); r.cqMem == nil {
		r.close()
		return nil
	}
	if r.sqes = mmap(ioringOffSQEs, int(p.sqEntries)*int(unsafe.Sizeof(ioSQE{}))); r.sqes == nil {
		r.close()
		return nil
	}
	sq, cq := unsafe.Pointer(&r.sqMem[0]), unsafe.Pointer(&r.cqMem[0])
	r.sqHead = (*uint32)(unsafe.Add(sq, p.sqOff.head))
	r.sqTail = (*uint32)(unsafe.Add(sq, p.sqOff.tail))
	r.sqMask = (*uint32)(unsafe.Add(sq, p.sqOff.ringMask))
	r.sqArray = unsafe.Add(sq, p.sqOff.array)
	r.cqHead = (*uint32)(unsafe.Add(cq, p.cqOff.head))
	r.cqTail = (*uint32)(unsafe.Add(cq, p.cqOff.tail))
	r.cqMask = (*uint32)(unsafe.Add(cq, p.cqOff.ringMask))
	r.cqes = unsafe.Add(cq, p.cqOff.cqes)
	return r
}

func (r *ring) close() {
	if r.sqes != nil {
		syscall.Munmap(r.sqes)
	}
	if r.cqMem != nil && (r.sqMem == nil || &r.cqMem[0] != &r.sqMem[0]) {
		syscall.Munmap(r.cqMem)
	}
	if r.sqMem != nil {
		syscall.Munmap(r.sqMem)
	}
	syscall.Close(r.fd)
}

// full reports whether send must wait for the next submit.
func (r *ring) full() bool { return r.pending == r.entries }

// registerFiles gives the ring a table of n sockets that sends can name
// by slot, sparing the kernel a look-up of the descriptor (and its
// reference count) per send. It reports whether the kernel allowed it.
func (r *ring) registerFiles(n int32) bool {
	reg := struct {
		nr, flags  uint32
		resv2      uint64
		data, tags uint64
	}{nr: uint32(n), flags: ioringRsrcSparse}
	_, _, errno := syscall.Syscall6(sysIOUringRegister, uintptr(r.fd), ioringRegFiles2, uintptr(unsafe.Pointer(&reg)), unsafe.Sizeof(reg), 0, 0)
	if errno != 0 {
		return false
	}
	r.files = n
	return true
}

// setFile puts socket fd in the table's slot, or empties the slot (fd -1),
// which lets go of the socket: while in the table, a socket stays open
// even once its descriptor is closed. The caller must hold whatever keeps
// fd from being closed (and its number reused) meanwhile.
func (r *ring) setFile(slot int32, fd int) bool {
	fds := [1]int32{int32(fd)}
	upd := struct {
		offset, resv uint32
		fds          uint64
	}{offset: uint32(slot), fds: uint64(uintptr(unsafe.Pointer(&fds[0])))}
	n, _, errno := syscall.Syscall6(sysIOUringRegister, uintptr(r.fd), ioringRegFilesUpd, uintptr(unsafe.Pointer(&upd)), 1, 0, 0)
	return errno == 0 && n == 1
}

// send queues a send of b (not empty) to socket fd, or to the socket in
// slot fd of the file table if fixed, that takes what the socket takes
// now and never waits. b must stay untouched until submit returns.
func (r *ring) send(fd int, fixed bool, b []byte, userData uint64) {
	tail := *r.sqTail // only this goroutine moves the tail
	i := tail & *r.sqMask
	e := (*ioSQE)(unsafe.Add(unsafe.Pointer(&r.sqes[0]), uintptr(i)*unsafe.Sizeof(ioSQE{})))
	*e = ioSQE{opcode: ioringOpSend, fd: int32(fd), addr: uint64(uintptr(unsafe.Pointer(&b[0]))), len: uint32(len(b)),
		msgFlags: syscall.MSG_DONTWAIT | syscall.MSG_NOSIGNAL, userData: userData}
	if fixed {
		e.flags = iosqeFixedFile
	}
	*(*uint32)(unsafe.Add(r.sqArray, uintptr(i)*4)) = i
	atomic.StoreUint32(r.sqTail, tail+1)
	r.pending++
}

// submit has the kernel carry out the queued sends and reports each
// result to done: bytes sent, or a negated errno. It reports false if the
// ring itself failed; the sends' results are then unknown.
func (r *ring) submit(done func(userData uint64, res int32)) bool {
	left := r.pending
	r.pending = 0
	for left > 0 {
		unsubmitted := *r.sqTail - atomic.LoadUint32(r.sqHead)
		// Raw, like tryWrite's write(2): the sends never wait, so neither
		// does the call, and the runtime need not hand the shard's
		// processor to another thread while it runs (sysmon would, after
		// 20 µs, for a call that carries out 32 sends).
		_, _, errno := syscall.RawSyscall6(sysIOUringEnter, uintptr(r.fd), uintptr(unsubmitted), uintptr(left), ioringEnterGetevts, 0, 0)
		if errno != 0 && errno != syscall.EINTR && errno != syscall.EAGAIN && errno != syscall.EBUSY {
			return false
		}
		head, tail := atomic.LoadUint32(r.cqHead), atomic.LoadUint32(r.cqTail)
		for ; head != tail; head++ {
			c := (*ioCQE)(unsafe.Add(r.cqes, uintptr(head&*r.cqMask)*unsafe.Sizeof(ioCQE{})))
			done(c.userData, c.res)
			left--
		}
		atomic.StoreUint32(r.cqHead, head)
	}
	return true
}
