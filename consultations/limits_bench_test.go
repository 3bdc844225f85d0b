package consultations

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/consult-platform/consult/database"
)

// BenchmarkLimiterAllow takes a token for an address and an account, as
// every state-changing request does: in memory on SQLite, one statement
// on the shared table on PostgreSQL. Clients are spread over 1,000
// addresses and accounts.
func BenchmarkLimiterAllow(b *testing.B) {
	s := NewStore(database.OpenTest(b), NewSanitizer())
	l := s.NewLimiter(1e9, 1e9) // never refuses: the cost of a granted request
	ctx := context.Background()
	var n atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := strconv.FormatInt(n.Add(1)%1000, 10)
			if !l.Allow(ctx, "ip:"+i, "user:"+i) {
				b.Fatal("refused")
			}
		}
	})
}
