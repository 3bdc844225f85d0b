package opinion

import (
	"context"
	"strconv"
	"sync"
	"testing"

	c "github.com/consult-platform/consult/consultations"
)

// BenchmarkVote64Participants casts votes from 64 participants at once
// through Store.Vote (no HTTP), each voting down its own list of 1,000
// statements, and reports votes per second and commits per batch. It
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
	b.ResetTimer()
	var next sync.WaitGroup
	per := b.N/clients + 1
	for w := range clients {
		next.Add(1)
		go func() {
			defer next.Done()
			for n := range per {
				if err := f.s.Vote(ctx, voters[w], ids[(n+w*7)%len(ids)], n%3-1); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	next.Wait()
	b.StopTimer()
	after := f.s.db.WriteStats()
	b.ReportMetric(float64(per*clients)/b.Elapsed().Seconds(), "votes/s")
	b.ReportMetric(float64(per*clients)/float64(after.Commits-before.Commits), "votes/commit")
}
