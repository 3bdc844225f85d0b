package consultations

import (
	"context"
	"testing"
	"time"
)

func TestCitizenCannotCreateConsultation(t *testing.T) {
	f := newFixture(t)
	_, err := f.s.CreateConsultation(context.Background(), f.citizen, f.draft("air"))
	wantCode(t, err, EFORBIDDEN)
}

func TestStaffCannotCreateForAnotherOrganisation(t *testing.T) {
	f := newFixture(t)
	d := f.draft("air")
	d.OrgID = f.otherOrg.ID
	_, err := f.s.CreateConsultation(context.Background(), f.staff, d)
	wantCode(t, err, EFORBIDDEN)
}

func TestStaffOfAnotherOrganisationCannotManageConsultation(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c, err := f.s.CreateConsultation(ctx, f.staff, f.draft("air"))
	if err != nil {
		t.Fatal(err)
	}
	// A draft of another organisation does not even exist for them.
	_, err = f.s.UpdateConsultation(ctx, f.otherStaff, c.ID, f.draft("air"))
	wantCode(t, err, ENOTFOUND)
	_, err = f.s.SetStatus(ctx, f.otherStaff, c.ID, StatusOpen)
	wantCode(t, err, ENOTFOUND)
	f.s.SetStatus(ctx, f.staff, c.ID, StatusOpen)
	_, err = f.s.SetStatus(ctx, f.otherStaff, c.ID, StatusClosed)
	wantCode(t, err, EFORBIDDEN)
	_, err = f.s.SetStatus(ctx, f.citizen, c.ID, StatusClosed)
	wantCode(t, err, EFORBIDDEN)
	if _, err := f.s.SetStatus(ctx, f.admin, c.ID, StatusClosed); err != nil {
		t.Fatalf("admin could not close: %v", err)
	}
}

func TestDraftValidationNamesEachBadField(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name  string
		edit  func(*Draft)
		field string
	}{
		{"no title", func(d *Draft) { d.Title = nil }, "title"},
		{"bad slug", func(d *Draft) { d.Slug = "Not A Slug!" }, "slug"},
		{"closes before opens", func(d *Draft) { d.ClosesAt = d.OpensAt.Add(-time.Hour) }, "closes_at"},
		{"one option", func(d *Draft) { d.Questions[1].Options = d.Questions[1].Options[:1] }, "questions.1.options"},
		{"unknown kind", func(d *Draft) { d.Kind = "poll" }, "kind"},
		{"bad document url", func(d *Draft) {
			d.Documents = []DocumentDraft{{Title: LocalText{"en": "x"}, URL: "javascript:alert(1)"}}
		}, "documents.0.url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := f.draft("air")
			tt.edit(&d)
			_, err := f.s.CreateConsultation(context.Background(), f.staff, d)
			e, ok := err.(*Error)
			if !ok || e.Code != EINVALID {
				t.Fatalf("CreateConsultation = %v; want invalid", err)
			}
			if _, ok := e.Fields[tt.field]; !ok {
				t.Errorf("fields = %v; want a problem with %q", e.Fields, tt.field)
			}
		})
	}
}

func TestStatusTransitions(t *testing.T) {
	tests := []struct {
		from, to Status
		ok       bool
	}{
		{StatusDraft, StatusOpen, true},
		{StatusDraft, StatusScheduled, true},
		{StatusDraft, StatusClosed, false},
		{StatusOpen, StatusClosed, true},
		{StatusOpen, StatusScheduled, false},
		{StatusClosed, StatusOpen, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.from)+"->"+string(tt.to), func(t *testing.T) {
			f := newFixture(t)
			ctx := context.Background()
			d := f.draft("air")
			d.OpensAt = f.now.Add(time.Hour) // so that scheduling is possible
			c, err := f.s.CreateConsultation(ctx, f.staff, d)
			if err != nil {
				t.Fatal(err)
			}
			switch tt.from {
			case StatusOpen:
				f.s.SetStatus(ctx, f.staff, c.ID, StatusOpen)
			case StatusClosed:
				f.s.SetStatus(ctx, f.staff, c.ID, StatusOpen)
				f.s.SetStatus(ctx, f.staff, c.ID, StatusClosed)
			}
			_, err = f.s.SetStatus(ctx, f.staff, c.ID, tt.to)
			if tt.ok && err != nil {
				t.Fatalf("SetStatus(%s -> %s) = %v; want success", tt.from, tt.to, err)
			}
			if !tt.ok {
				wantCode(t, err, ECONFLICT)
			}
		})
	}
}

func TestScheduledConsultationOpensAndClosesWithTime(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	d := f.draft("air")
	d.OpensAt, d.ClosesAt = f.now.Add(time.Hour), f.now.Add(2*time.Hour)
	c, _ := f.s.CreateConsultation(ctx, f.staff, d)
	if _, err := f.s.SetStatus(ctx, f.staff, c.ID, StatusScheduled); err != nil {
		t.Fatal(err)
	}
	_, err := f.s.PostComment(ctx, f.citizen, c.ID, NewComment{Body: "early"}, IdemKey{})
	wantCode(t, err, ECLOSED)

	f.now = f.now.Add(90 * time.Minute)
	changed, err := f.s.AdvanceSchedules(ctx)
	if err != nil || len(changed) != 1 || changed[0].Status != StatusOpen {
		t.Fatalf("AdvanceSchedules = %v, %v; want it opened", changed, err)
	}
	if _, err := f.s.PostComment(ctx, f.citizen, c.ID, NewComment{Body: "on time"}, IdemKey{}); err != nil {
		t.Fatalf("comment while open: %v", err)
	}
	f.now = f.now.Add(time.Hour)
	_, err = f.s.PostComment(ctx, f.citizen, c.ID, NewComment{Body: "late"}, IdemKey{})
	wantCode(t, err, ECLOSED)
}

func TestDraftsAreInvisibleToThePublic(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c, _ := f.s.CreateConsultation(ctx, f.staff, f.draft("air"))
	for _, u := range []*User{nil, f.citizen, f.otherStaff} {
		list, _, err := f.s.ListConsultations(ctx, u, ConsultationFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 0 {
			t.Errorf("viewer %v sees %d consultations; want the draft hidden", u, len(list))
		}
	}
	list, _, _ := f.s.ListConsultations(ctx, f.staff, ConsultationFilter{})
	if len(list) != 1 || list[0].ID != c.ID {
		t.Errorf("own staff see %v; want the draft", list)
	}
}
