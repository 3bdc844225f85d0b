//go:build !linux

package live

// ring batches sends through io_uring on Linux; elsewhere there is none
// and shards write with write(2).
type ring struct{}

func newRing(uint32) *ring                    { return nil }
func (*ring) close()                          {}
func (*ring) full() bool                      { return true }
func (*ring) send(int, bool, []byte, uint64)  {}
func (*ring) registerFiles(int32) bool        { return false }
func (*ring) setFile(int32, int) bool         { return false }
func (*ring) submit(func(uint64, int32)) bool { return false }
