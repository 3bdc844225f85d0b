package analytics

import (
	"testing"
	"time"

	"github.com/consult-platform/consult/consultations"
)

func TestPublicFiguresWaitForTheCloseAndThenNeverChange(t *testing.T) {
	f := newFixture(t, 1)
	c := f.open("clean-air", consultations.KindPolicy)
	for i := range 30 {
		f.respond(c, nil, i)
	}
	r, err := f.svc.PublicReport(f.ctx, c, f.now)
	if err != nil {
		t.Fatal(err)
	}
	if r.Published || len(r.Breakdowns) != 0 {
		t.Fatalf("an open consultation's public report has %d breakdowns; want none until it closes", len(r.Breakdowns))
	}
	if _, err := f.s.SetStatus(f.ctx, f.staff, c.ID, consultations.StatusClosed); err != nil {
		t.Fatal(err)
	}
	c, _ = f.s.Consultation(f.ctx, c.ID)
	first, err := f.svc.PublicReport(f.ctx, c, f.now)
	if err != nil {
		t.Fatal(err)
	}
	channels, ok := first.Find(DimResponsesByChannel)
	if !ok || !first.Published || channels.Total.N != 30 {
		t.Fatalf("closed report: published %v, channels %+v", first.Published, channels)
	}
	// Staff see exact figures, live.
	f.s.SetTally(nil) // (a write the public snapshot must not show)
	f.svc.Recompute(f.ctx, c.ID)
	f.now = f.now.Add(time.Hour)
	again, _ := f.svc.PublicReport(f.ctx, c, f.now)
	if !again.AsOf.Equal(*first.AsOf) {
		t.Errorf("the public snapshot changed: as of %v, then %v", first.AsOf, again.AsOf)
	}
	staff, _ := f.svc.StaffReport(f.ctx, c, f.now)
	if staff.Suppressed {
		t.Error("the staff report is suppressed")
	}
}
