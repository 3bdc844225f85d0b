package consultations

import (
	"context"
	"testing"
)

// TestAClosedConsultationRefusesTheNextComment posts just before and just
// after staff close a consultation: what decides whether a consultation
// takes comments may be remembered between posts, but never across a
// change of its status.
func TestAClosedConsultationRefusesTheNextComment(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c := f.open(t, f.draft("gate"))
	if _, err := f.s.PostComment(ctx, f.citizen, c.ID, NewComment{Body: "Before the close."}, IdemKey{}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.SetStatus(ctx, f.staff, c.ID, StatusClosed); err != nil {
		t.Fatal(err)
	}
	_, err := f.s.PostComment(ctx, f.citizen2, c.ID, NewComment{Body: "Just after the close."}, IdemKey{})
	wantCode(t, err, ECLOSED)
}
