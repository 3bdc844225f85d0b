package opinion

import (
	"context"
	"strconv"
	"sync"
	"testing"

	c "github.com/consult-platform/consult/consultations"
)

// Votes cast at the same time share batches; whatever the batching, every
// accepted vote is stored once per person and statement and the counts
// match the stored votes.
func TestConcurrentVotesAreEachStoredOnceWithExactCounts(t *testing.T) {
	f := newFixture(t, false)
	ctx := context.Background()
	statements := make([]*Statement, 5)
	for i := range statements {
		statements[i] = f.statement(t, f.staff, "Statement "+strconv.Itoa(i))
	}
	voters := make([]*c.User, 12)
	for i := range voters {
		u, err := f.cs.CreateUser(ctx, c.NewAccount{Email: "voter" + strconv.Itoa(i) + "@example.org", Password: "correct horse", DisplayName: "Voter"})
		if err != nil {
			t.Fatal(err)
		}
		voters[i] = u
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(voters)*len(statements)*3)
	for i, u := range voters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Each voter votes every statement, then changes its mind
			// twice; the last vote is Agree for even voters.
			for _, st := range statements {
				for _, v := range []int{Disagree, Pass, []int{Agree, Disagree}[i%2]} {
					errs <- f.s.Vote(ctx, u, st.ID, v)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, st := range statements {
		got, err := f.s.Statement(ctx, nil, st.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.VoteCount != 12 || got.AgreeCount != 6 || got.DisagreeCount != 6 {
			t.Errorf("%s: votes %d, agree %d, disagree %d; want 12, 6, 6", st.Body, got.VoteCount, got.AgreeCount, got.DisagreeCount)
		}
	}
	mine, _ := f.s.MyVotes(ctx, voters[1].ID, f.consultation.ID)
	if len(mine) != 5 || mine[statements[0].ID] != Disagree {
		t.Errorf("votes of voter 1 = %v; want 5 disagrees", mine)
	}
}

func TestVoteOnAnUnknownStatementIsNotFound(t *testing.T) {
	f := newFixture(t, false)
	wantCode(t, f.s.Vote(context.Background(), f.citizen, "no-such-statement", Agree), c.ENOTFOUND)
}

// Closing a consultation by hand refuses votes from that moment, with no
// cache to expire first.
func TestVoteRightAfterStaffCloseTheConsultationIsRefused(t *testing.T) {
	f := newFixture(t, false)
	ctx := context.Background()
	st := f.statement(t, f.staff, "Statement A")
	if err := f.s.Vote(ctx, f.citizen, st.ID, Agree); err != nil {
		t.Fatal(err)
	}
	if _, err := f.cs.SetStatus(ctx, f.staff, f.consultation.ID, c.StatusClosed); err != nil {
		t.Fatal(err)
	}
	wantCode(t, f.s.Vote(ctx, f.citizen2, st.ID, Agree), c.ECLOSED)
}
