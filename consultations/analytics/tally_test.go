package analytics

import (
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/consult-platform/consult/consultations"
)

// TestFiguresKeptOnWriteEqualAFullRecount does what people do over several
// days (respond, comment, reply, propose and support ideas, withdraw
// support, delete a response and a comment) and checks that the counts
// kept on write are exactly what recomputing from scratch finds.
func TestFiguresKeptOnWriteEqualAFullRecount(t *testing.T) {
	f := newFixture(t, 4)
	policy := f.open("clean-air", consultations.KindPolicy)
	ideas := f.open("bus-ideas", consultations.KindCodesign)
	var mine *consultations.Response
	for i := range 23 {
		if i%6 == 5 {
			f.now = f.now.Add(24 * time.Hour)
		}
		var who *consultations.User
		if i%3 == 0 {
			who = f.citizens[i%4]
		}
		r := f.respond(policy, who, i)
		if i == 15 { // citizen 3's second response: their first day stays
			mine = r
		}
	}
	c1 := f.comment(policy, f.citizens[0], consultations.NewComment{Stance: consultations.StanceFor})
	f.comment(policy, f.citizens[1], consultations.NewComment{ParentID: c1.ID})
	doomed := f.comment(policy, f.citizens[2], consultations.NewComment{})
	idea := f.comment(ideas, f.citizens[0], consultations.NewComment{Kind: consultations.KindIdea, Title: "More buses"})
	idea2 := f.comment(ideas, f.citizens[1], consultations.NewComment{Kind: consultations.KindIdea, Title: "Live times"})
	for _, u := range f.citizens {
		if _, err := f.s.Support(f.ctx, u, idea.ID, true); err != nil {
			t.Fatal(err)
		}
	}
	f.now = f.now.Add(24 * time.Hour)
	f.s.Support(f.ctx, f.citizens[2], idea2.ID, true)
	f.s.Support(f.ctx, f.citizens[2], idea2.ID, true) // twice: counted once
	f.s.Support(f.ctx, f.citizens[3], idea.ID, false)
	if err := f.s.DeleteResponse(f.ctx, f.citizens[3], mine.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.s.DeleteComment(f.ctx, f.citizens[2], doomed.ID); err != nil {
		t.Fatal(err)
	}

	for _, c := range []*consultations.Consultation{policy, ideas} {
		kept := nonZero(f.live(c).Counts)
		if err := f.svc.Recompute(f.ctx, c.ID); err != nil {
			t.Fatal(err)
		}
		recounted := nonZero(f.live(c).Counts)
		if !reflect.DeepEqual(kept, recounted) {
			for dim := range recounted {
				if !reflect.DeepEqual(kept[dim], recounted[dim]) {
					t.Errorf("%s %s: kept on write %v; recounted %v", c.Slug, dim, kept[dim], recounted[dim])
				}
			}
			for dim := range kept {
				if _, ok := recounted[dim]; !ok {
					t.Errorf("%s %s: kept on write %v; recounted nothing", c.Slug, dim, kept[dim])
				}
			}
		}
	}
	fig := f.live(policy)
	if got := fig.Count(DimTotals, TotalResponses); got != 22 {
		t.Errorf("responses = %d; want 22", got)
	}
	// 4 citizens (one of whom commented too) and the anonymous responses.
	if got, want := fig.Count(DimTotals, TotalParticipants), int64(4+15); got != want {
		t.Errorf("participants = %d; want %d", got, want)
	}
	ideaFig := f.live(ideas)
	if got := ideaFig.Count(DimTotals, TotalSupports); got != 4 {
		t.Errorf("supports = %d; want 4", got)
	}
	if len(ideaFig.TopIdeas) != 2 || ideaFig.TopIdeas[0].Title != "More buses" || ideaFig.TopIdeas[0].Supports != 3 {
		t.Errorf("top ideas = %+v; want More buses with 3 first", ideaFig.TopIdeas)
	}
}

// TestRepairRecountsConsultationsWrittenWithoutFigures covers content
// written before the figures existed.
func TestRepairRecountsConsultationsWrittenWithoutFigures(t *testing.T) {
	f := newFixture(t, 1)
	c := f.open("clean-air", consultations.KindPolicy)
	f.s.SetTally(nil)
	f.respond(c, nil, 1)
	f.respond(c, f.citizens[0], 2)
	f.svc = New(f.s, Options{})
	n, err := f.svc.Repair(f.ctx)
	if err != nil || n != 1 {
		t.Fatalf("Repair = %d, %v; want 1 consultation", n, err)
	}
	if got := f.live(c).Count(DimTotals, TotalParticipants); got != 2 {
		t.Errorf("participants = %d; want 2", got)
	}
	if n, _ := f.svc.Repair(f.ctx); n != 0 {
		t.Errorf("a second Repair recounted %d consultations; want none", n)
	}
}

// TestRecomputeAmidWritesLosesNothing recomputes while responses keep
// arriving: a recompute that shares a group commit with earlier writes of
// its consultation must count them too, although they are not committed
// yet when it reads.
func TestRecomputeAmidWritesLosesNothing(t *testing.T) {
	f := newFixture(t, 4)
	c := f.open("clean-air", consultations.KindPolicy)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 15 {
				var who *consultations.User
				if i%2 == 0 {
					who = f.citizens[w]
				}
				f.respond(c, who, w*15+i)
			}
		})
	}
	for range 10 {
		if err := f.svc.Recompute(f.ctx, c.ID); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	kept := nonZero(f.live(c).Counts)
	if got := kept[DimTotals][TotalResponses]; got != 60 {
		t.Errorf("responses = %d; want 60", got)
	}
	if err := f.svc.Recompute(f.ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if recounted := nonZero(f.live(c).Counts); !reflect.DeepEqual(kept, recounted) {
		t.Errorf("counts after recomputes amid writes %v; a quiet recount finds %v", kept, recounted)
	}
}
