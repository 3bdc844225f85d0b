package main

import (
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"
)

// recvRing receives a reader's sockets through io_uring: one multishot
// recvmsg per socket, armed once, fills buffers from a ring the kernel
// picks from. Each poll the reader has the kernel run the receives that
// arrivals queued, then takes the completions: no epoll set (whose
// callback and per-socket poll each arrival paid for) and no system call
// per read. Each completion carries the kernel's arrival stamp of what it
// holds, as recvmsg does.
type recvRing struct {
	fd                   int
	sqMem, cqMem, sqes   []byte
	sqHead, sqTail       *uint32
	sqMask, sqFlags      *uint32
	sqArray              unsafe.Pointer
	cqHead, cqTail       *uint32
	cqMask               *uint32
	cqes                 unsafe.Pointer
	sqEntries, unsubmitd uint32

	bufRing []byte // the kernel's view of free buffers
	bufs    []byte // recvBufs buffers of recvBufSize bytes
	bufTail uint16
	msgh    syscall.Msghdr // what each recvmsg asks for: control data only
}

const (
	sysIOUringSetup    = 425
	sysIOUringEnter    = 426
	sysIOUringRegister = 427

	ioringOpRecvmsg       = 10
	ioringSetupCQSize     = 1 << 3
	ioringSetupSubmitAll  = 1 << 7
	ioringSetupTaskrunFlg = 1 << 9
	ioringSetupSingleIss  = 1 << 12
	ioringSetupDeferTask  = 1 << 13
	ioringFeatSingleMmap  = 1 << 0
	ioringEnterGetevents  = 1 << 0
	ioringSQTaskrun       = 1 << 1
	ioringRecvMultishot   = 1 << 1
	iosqeBufferSelect     = 1 << 5
	ioringCQEFMore        = 1 << 1
	ioringRegisterPbuf    = 22
	ioringOffSQRing       = 0
	ioringOffCQRing       = 0x8000000
	ioringOffSQEs         = 0x10000000

	recvBufs    = 8192 // more than a reader's sockets: each has at most one buffer filling
	recvBufSize = 4096
	recvOOB     = 64 // control data room in each buffer
	recvGroup   = 1
)

type uringParams struct {
	sqEntries, cqEntries, flags, sqThreadCPU, sqThreadIdle, features, wqFd uint32
	resv                                                                   [3]uint32
	sqOff                                                                  [10]uint32 // head, tail, mask, entries, flags, dropped, array, resv1, user_addr (2)
	cqOff                                                                  [10]uint32 // head, tail, mask, entries, overflow, cqes, flags, resv1, user_addr (2)
}

type uringSQE struct {
	opcode, flags uint8
	ioprio        uint16
	fd            int32
	off, addr     uint64
	len, opFlags  uint32
	userData      uint64
	bufGroup      uint16
	personality   uint16
	spliceFdIn    int32
	addr3, pad    uint64
}

type uringCQE struct {
	userData uint64
	res      int32
	flags    uint32
}

// recvmsgOut heads each filled buffer (struct io_uring_recvmsg_out).
type recvmsgOut struct {
	namelen, controllen, payloadlen, flags uint32
}

var errNoRing = errors.New("io_uring unavailable")

func newRecvRing() (*recvRing, error) {
	p := uringParams{flags: ioringSetupCQSize | ioringSetupSubmitAll | ioringSetupTaskrunFlg | ioringSetupSingleIss | ioringSetupDeferTask, cqEntries: 2 * recvBufs}
	fd, _, errno := syscall.Syscall(sysIOUringSetup, 1024, uintptr(unsafe.Pointer(&p)), 0)
	if errno != 0 {
		return nil, errNoRing
	}
	r := &recvRing{fd: int(fd), sqEntries: p.sqEntries}
	mmap := func(off int64, size int) ([]byte, error) {
		return syscall.Mmap(r.fd, off, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED|syscall.MAP_POPULATE)
	}
	sqSize := int(p.sqOff[6] + p.sqEntries*4)
	cqSize := int(p.cqOff[5] + p.cqEntries*uint32(unsafe.Sizeof(uringCQE{})))
	var err error
	if p.features&ioringFeatSingleMmap != 0 {
		r.sqMem, err = mmap(ioringOffSQRing, max(sqSize, cqSize))
		r.cqMem = r.sqMem
	} else if r.sqMem, err = mmap(ioringOffSQRing, sqSize); err == nil {
		r.cqMem, err = mmap(ioringOffCQRing, cqSize)
	}
	if err == nil {
		r.sqes, err = mmap(ioringOffSQEs, int(p.sqEntries)*int(unsafe.Sizeof(uringSQE{})))
	}
	if err != nil {
		syscall.Close(r.fd)
		return nil, err
	}
	sq, cq := unsafe.Pointer(&r.sqMem[0]), unsafe.Pointer(&r.cqMem[0])
	r.sqHead, r.sqTail = (*uint32)(unsafe.Add(sq, p.sqOff[0])), (*uint32)(unsafe.Add(sq, p.sqOff[1]))
	r.sqMask, r.sqFlags = (*uint32)(unsafe.Add(sq, p.sqOff[2])), (*uint32)(unsafe.Add(sq, p.sqOff[4]))
	r.sqArray = unsafe.Add(sq, p.sqOff[6])
	r.cqHead, r.cqTail = (*uint32)(unsafe.Add(cq, p.cqOff[0])), (*uint32)(unsafe.Add(cq, p.cqOff[1]))
	r.cqMask, r.cqes = (*uint32)(unsafe.Add(cq, p.cqOff[2])), unsafe.Add(cq, p.cqOff[5])

	// The buffer ring: entries of {addr u64, len u32, bid u16, tail u16 in entry 0}.
	if r.bufRing, err = syscall.Mmap(-1, 0, recvBufs*16, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED|syscall.MAP_ANONYMOUS); err != nil {
		return nil, err
	}
	r.bufs = make([]byte, recvBufs*recvBufSize)
	reg := struct {
		ringAddr    uint64
		ringEntries uint32
		bgid, flags uint16
		resv        [3]uint64
	}{ringAddr: uint64(uintptr(unsafe.Pointer(&r.bufRing[0]))), ringEntries: recvBufs, bgid: recvGroup}
	if _, _, errno := syscall.Syscall6(sysIOUringRegister, uintptr(r.fd), ioringRegisterPbuf, uintptr(unsafe.Pointer(&reg)), 1, 0, 0); errno != 0 {
		return nil, errno
	}
	for bid := range recvBufs {
		r.giveBuffer(uint16(bid))
	}
	r.publishBuffers()
	r.msgh.SetControllen(recvOOB)
	return r, nil
}

// giveBuffer hands buffer bid back to the kernel (once publishBuffers runs).
func (r *recvRing) giveBuffer(bid uint16) {
	e := unsafe.Pointer(&r.bufRing[int(r.bufTail&(recvBufs-1))*16])
	*(*uint64)(e) = uint64(uintptr(unsafe.Pointer(&r.bufs[int(bid)*recvBufSize])))
	*(*uint32)(unsafe.Add(e, 8)) = recvBufSize
	*(*uint16)(unsafe.Add(e, 12)) = bid
	r.bufTail++
}

// publishBuffers makes the buffers given back visible to the kernel: the
// ring's tail is the top half of entry 0's last word, whose bottom half
// is entry 0's buffer id (written by this goroutine only).
func (r *recvRing) publishBuffers() {
	word := (*uint32)(unsafe.Pointer(&r.bufRing[12]))
	atomic.StoreUint32(word, uint32(r.bufTail)<<16|*word&0xffff)
}

// arm queues a multishot recvmsg on fd.
func (r *recvRing) arm(fd int) {
	if *r.sqTail-atomic.LoadUint32(r.sqHead) == r.sqEntries {
		r.enter(0)
	}
	tail := *r.sqTail
	i := tail & *r.sqMask
	*(*uringSQE)(unsafe.Add(unsafe.Pointer(&r.sqes[0]), uintptr(i)*unsafe.Sizeof(uringSQE{}))) = uringSQE{
		opcode: ioringOpRecvmsg, flags: iosqeBufferSelect, ioprio: ioringRecvMultishot, fd: int32(fd),
		addr: uint64(uintptr(unsafe.Pointer(&r.msgh))), userData: uint64(fd), bufGroup: recvGroup,
	}
	*(*uint32)(unsafe.Add(r.sqArray, uintptr(i)*4)) = i
	atomic.StoreUint32(r.sqTail, tail+1)
	r.unsubmitd++
}

// enter submits what is queued and runs the receives that arrivals have
// queued (with DEFER_TASKRUN they run only here, in this thread). It
// never waits.
func (r *recvRing) enter(flags uintptr) error {
	n := r.unsubmitd
	r.unsubmitd = 0
	_, _, errno := syscall.RawSyscall6(sysIOUringEnter, uintptr(r.fd), uintptr(n), 0, flags, 0, 0)
	if errno != 0 && errno != syscall.EINTR && errno != syscall.EAGAIN && errno != syscall.EBUSY {
		return errno
	}
	return nil
}

// runRing is run's io_uring counterpart; it returns errNoRing at once,
// having read nothing, where io_uring cannot be used.
func (r *reader) runRing(stop <-chan struct{}, wg *sync.WaitGroup, poll time.Duration, ready chan<- error) {
	defer wg.Done()
	// The ring's receives run in the thread that set it up.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	rr, err := newRecvRing()
	if err == nil {
		for _, s := range r.conns {
			if s != nil {
				rr.arm(s.fd)
			}
		}
		err = rr.enter(0)
	}
	ready <- err
	if err != nil {
		return
	}
	defer syscall.Close(rr.fd)
	for {
		select {
		case <-stop:
			return
		default:
		}
		// Each call runs a bounded number of receives: go on while the
		// kernel says more are queued.
		for {
			if rr.enter(ioringEnterGetevents) != nil {
				return
			}
			got := r.reap(rr)
			if got == 0 && atomic.LoadUint32(rr.sqFlags)&ioringSQTaskrun == 0 {
				break
			}
		}
		if rr.unsubmitd > 0 {
			rr.enter(0)
		}
		time.Sleep(poll)
	}
}

// reap consumes the completions, hands their buffers back, re-arms
// receives that ended without the socket closing, and reports how many
// it took.
func (r *reader) reap(rr *recvRing) int {
	head, tail := atomic.LoadUint32(rr.cqHead), atomic.LoadUint32(rr.cqTail)
	n := int(tail - head)
	for ; head != tail; head++ {
		c := (*uringCQE)(unsafe.Add(rr.cqes, uintptr(head&*rr.cqMask)*unsafe.Sizeof(uringCQE{})))
		fd := int(c.userData)
		s := r.conns[fd]
		more := c.flags&ioringCQEFMore != 0
		if c.res < 0 {
			if syscall.Errno(-c.res) == syscall.ENOBUFS && s != nil {
				rr.arm(fd)
			} else if s != nil && !more {
				r.drop(s)
			}
			continue
		}
		bid := uint16(c.flags >> 16)
		buf := rr.bufs[int(bid)*recvBufSize : int(bid+1)*recvBufSize]
		out := (*recvmsgOut)(unsafe.Pointer(&buf[0]))
		payload := buf[16+recvOOB : 16+recvOOB+int(out.payloadlen)]
		open := s != nil
		if open && len(payload) > 0 {
			open = r.consume(s, payload, arrivalStamp(buf[16:16+min(out.controllen, recvOOB)]))
		}
		rr.giveBuffer(bid)
		switch {
		case !open || more:
		case len(payload) == 0:
			r.drop(s) // the server closed without a close frame
		default:
			rr.arm(fd) // ended for another reason (CQ overflow): go on
		}
	}
	atomic.StoreUint32(rr.cqHead, head)
	rr.publishBuffers()
	return n
}
