package opinion

import (
	"context"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	c "github.com/consult-platform/consult/consultations"
)

// BenchmarkVote64Participants casts votes from 64 participants at once
// through Store.Vote (no HTTP), each voting down its own list of 1,000
// statements from its own starting point (spread as consult-load spreads
// them), and reports votes per second, votes per commit and CPU per vote. It
// isolates the database side of vote ingest from the server's.
func BenchmarkVote64Participants(b *testing.B) {
	f := newFixture(b, false)
	ctx := context.Background()
	ids := make([]string, 1000)
	for i := range ids {
		ids[i] = f.statement(b, f.staff, "Statement number "+strconv.Itoa(i)).ID
	}
	const clients = 64
	voters := make([]*c.User, clients)
	for i := range voters {
		// Votes never read the account: a user value is enough.
		voters[i] = &c.User{ID: "bench-voter-" + strconv.Itoa(i), Role: c.RoleCitizen}
	}
	before := f.s.db.WriteStats()
	cpu := processCPU()
	b.ResetTimer()
	var next sync.WaitGroup
	per := b.N/clients + 1
	for w := range clients {
		next.Add(1)
		go func() {
			defer next.Done()
			for n := range per {
				if err := f.s.Vote(ctx, voters[w], ids[(n+w*len(ids)/clients)%len(ids)], n%3-1); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	next.Wait()
	b.StopTimer()
	// CPU per vote is what a shared machine does not distort much.
	b.ReportMetric((processCPU()-cpu).Seconds()*1e6/float64(per*clients), "cpu-µs/vote")
	after := f.s.db.WriteStats()
	b.ReportMetric(float64(per*clients)/b.Elapsed().Seconds(), "votes/s")
	b.ReportMetric(float64(per*clients)/float64(after.Commits-before.Commits), "votes/commit")
}

// processCPU is the process's user and system CPU time so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
