package database

import (
	"crypto/rand"
	"encoding/binary"
	"sync"
	"time"
)

// crockford is Crockford's base32 alphabet: no I, L, O or U to misread.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

var idGen struct {
	mu     sync.Mutex // mu guards lastMs and seq
	lastMs uint64
	seq    [10]byte
}

// NewID returns a 26-character identifier that sorts by creation time, so
// "oldest first" is "by id" and ids make good pagination cursors. Within one
// millisecond, ids from this process still increase.
func NewID() string {
	ms := uint64(time.Now().UnixMilli())
	idGen.mu.Lock()
	if ms <= idGen.lastMs {
		ms = idGen.lastMs
		incr(idGen.seq[:])
	} else {
		idGen.lastMs = ms
		rand.Read(idGen.seq[:])
		idGen.seq[0] &= 0x7f // room to increment without overflow
	}
	var raw [16]byte
	binary.BigEndian.PutUint16(raw[0:], uint16(ms>>32))
	binary.BigEndian.PutUint32(raw[2:], uint32(ms))
	copy(raw[6:], idGen.seq[:])
	idGen.mu.Unlock()
	return encode(raw)
}

func incr(b []byte) {
	for i := len(b) - 1; i >= 0; i-- {
		b[i]++
		if b[i] != 0 {
			return
		}
	}
}

// encode writes 128 bits as 26 base32 digits, most significant first.
func encode(raw [16]byte) string {
	hi := binary.BigEndian.Uint64(raw[0:8])
	lo := binary.BigEndian.Uint64(raw[8:16])
	var out [26]byte
	for i := 25; i >= 0; i-- {
		out[i] = crockford[lo&31]
		lo = lo>>5 | hi<<59
		hi >>= 5
	}
	return string(out[:])
}
