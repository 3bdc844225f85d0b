package consultations

import (
	"context"
	"testing"
)

func TestPublishingTheOutcomeNotifiesParticipants(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c := f.open(t, f.draft("air"))
	cm, _ := f.s.PostComment(ctx, f.citizen, c.ID, NewComment{Body: "More trees"}, IdemKey{})
	f.s.SubmitResponse(ctx, f.citizen2, c.ID, NewResponse{Answers: []Answer{{QuestionID: c.Questions[0].ID, Text: "x"}}}, IdemKey{})
	o := OutcomeDraft{
		Summary: LocalText{"en": "Thanks"},
		Decisions: []DecisionDraft{{
			Asked: LocalText{"en": "What to do?"}, Said: LocalText{"en": "Trees"}, Did: LocalText{"en": "Planting 1,000"},
			CommentIDs: []string{cm.ID},
		}},
	}
	_, err := f.s.PublishOutcome(ctx, f.staff, c.ID, o)
	wantCode(t, err, ECONFLICT) // still open
	f.s.SetStatus(ctx, f.staff, c.ID, StatusClosed)
	_, err = f.s.PublishOutcome(ctx, f.otherStaff, c.ID, o)
	wantCode(t, err, EFORBIDDEN)
	got, err := f.s.PublishOutcome(ctx, f.staff, c.ID, o)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != StatusOutcomePublished {
		t.Errorf("status = %q; want outcome_published", got.Status)
	}
	ds, _ := f.s.Decisions(ctx, c.ID)
	if len(ds) != 1 || len(ds[0].CommentIDs) != 1 || ds[0].CommentIDs[0] != cm.ID {
		t.Errorf("decisions = %+v; want one linked to the comment", ds)
	}
	for _, u := range []*User{f.citizen, f.citizen2} {
		if n, _ := f.s.UnreadNotifications(ctx, u.ID); n != 1 {
			t.Errorf("%s has %d unread notifications; want 1", u.Email, n)
		}
	}
	if n, _ := f.s.UnreadNotifications(ctx, f.moderator.ID); n != 0 {
		t.Errorf("a non-participant was notified")
	}
}

func TestOutcomeCannotLinkAnotherConsultationsComment(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := f.open(t, f.draft("air"))
	b := f.open(t, f.draft("water"))
	other, _ := f.s.PostComment(ctx, f.citizen, b.ID, NewComment{Body: "elsewhere"}, IdemKey{})
	f.s.SetStatus(ctx, f.staff, a.ID, StatusClosed)
	_, err := f.s.PublishOutcome(ctx, f.staff, a.ID, OutcomeDraft{
		Summary:   LocalText{"en": "x"},
		Decisions: []DecisionDraft{{Asked: LocalText{"en": "a"}, Said: LocalText{"en": "b"}, Did: LocalText{"en": "c"}, CommentIDs: []string{other.ID}}},
	})
	wantCode(t, err, EINVALID)
}
