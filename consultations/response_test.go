package consultations

import (
	"context"
	"strings"
	"testing"
)

func TestResponseValidationNamesTheQuestion(t *testing.T) {
	f := newFixture(t)
	c := f.open(t, f.draft("air"))
	q := c.Questions
	tests := []struct {
		name    string
		answers []Answer
		field   string
		msg     string
	}{
		{"required text missing", nil, q[0].ID, "ErrAnswerRequired"},
		{"text over the limit", []Answer{{QuestionID: q[0].ID, Text: strings.Repeat("é", 21)}}, q[0].ID, "ErrAnswerTooLong"},
		{"unknown option", []Answer{{QuestionID: q[0].ID, Text: "ok"}, {QuestionID: q[1].ID, Choices: []string{"o9"}}}, q[1].ID, "ErrChooseOne"},
		{"two options for single choice", []Answer{{QuestionID: q[0].ID, Text: "ok"}, {QuestionID: q[1].ID, Choices: []string{"o1", "o2"}}}, q[1].ID, "ErrChooseOne"},
		{"repeated choice", []Answer{{QuestionID: q[0].ID, Text: "ok"}, {QuestionID: q[2].ID, Choices: []string{"o1", "o1"}}}, q[2].ID, "ErrChoiceInvalid"},
		{"scale out of range", []Answer{{QuestionID: q[0].ID, Text: "ok"}, {QuestionID: q[3].ID, Scale: 6}}, q[3].ID, "ErrScaleRange"},
		{"unknown question", []Answer{{QuestionID: q[0].ID, Text: "ok"}, {QuestionID: "nope", Text: "x"}}, "nope", "ErrUnknownQuestion"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.s.SubmitResponse(context.Background(), f.citizen, c.ID, NewResponse{Answers: tt.answers}, IdemKey{})
			e, ok := err.(*Error)
			if !ok || e.Code != EINVALID {
				t.Fatalf("SubmitResponse = %v; want invalid", err)
			}
			if got := e.Fields[tt.field].ID; got != tt.msg {
				t.Errorf("field %s: %q; want %q (all: %v)", tt.field, got, tt.msg, e.Fields)
			}
		})
	}
	got, _ := f.s.Consultation(context.Background(), c.ID)
	if got.ResponseCount != 0 {
		t.Errorf("response count = %d after invalid responses; want 0", got.ResponseCount)
	}
}

func TestValidResponseIsStoredWithAReference(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c := f.open(t, f.draft("air"))
	q := c.Questions
	r, err := f.s.SubmitResponse(ctx, f.citizen, c.ID, NewResponse{Answers: []Answer{
		{QuestionID: q[0].ID, Text: "  Because <b>air</b>  "},
		{QuestionID: q[1].ID, Choices: []string{"o2"}},
		{QuestionID: q[2].ID, Choices: []string{"o1", "o3"}},
		{QuestionID: q[3].ID, Scale: 4},
	}}, IdemKey{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Reference) != 14 {
		t.Errorf("reference %q; want XXXX-XXXX-XXXX", r.Reference)
	}
	back, err := f.s.Response(ctx, f.citizen, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Answers) != 4 || back.Answers[0].Text != "Because air" || back.Answers[2].Choices[1] != "o3" || back.Answers[3].Scale != 4 {
		t.Errorf("answers read back = %+v", back.Answers)
	}
	// Another citizen, and staff of another organisation, cannot read it.
	for _, u := range []*User{f.citizen2, f.otherStaff, nil} {
		_, err := f.s.Response(ctx, u, r.ID)
		wantCode(t, err, ENOTFOUND)
	}
	if _, err := f.s.Response(ctx, f.staff, r.ID); err != nil {
		t.Errorf("owning staff cannot read the response: %v", err)
	}
}

func TestAnonymousResponsesOnlyWhereAllowed(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	d := f.draft("air")
	c := f.open(t, d)
	answers := []Answer{{QuestionID: c.Questions[0].ID, Text: "hi"}}
	_, err := f.s.SubmitResponse(ctx, nil, c.ID, NewResponse{Answers: answers}, IdemKey{})
	wantCode(t, err, EUNAUTHENTICATED)
	_, err = f.s.SubmitResponse(ctx, f.citizen, c.ID, NewResponse{Answers: answers, Anonymous: true}, IdemKey{})
	wantCode(t, err, EINVALID)

	d2 := f.draft("water")
	d2.AllowAnonymous = true
	c2 := f.open(t, d2)
	answers = []Answer{{QuestionID: c2.Questions[0].ID, Text: "hi"}}
	r, err := f.s.SubmitResponse(ctx, nil, c2.ID, NewResponse{Answers: answers}, IdemKey{})
	if err != nil || !r.Anonymous || r.UserID != nil {
		t.Fatalf("anonymous response = %+v, %v; want stored without an account", r, err)
	}
	r2, err := f.s.SubmitResponse(ctx, f.citizen, c2.ID, NewResponse{Answers: answers, Anonymous: true}, IdemKey{})
	if err != nil || r2.UserID != nil {
		t.Fatalf("signed-in anonymous response kept the account: %+v, %v", r2, err)
	}
	mine, _ := f.s.ResponsesByUser(ctx, f.citizen.ID)
	if len(mine) != 0 {
		t.Errorf("anonymous response listed under the account")
	}
}

func TestAssistedResponseNeedsStaffOfTheOrganisation(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c := f.open(t, f.draft("air"))
	n := NewResponse{Answers: []Answer{{QuestionID: c.Questions[0].ID, Text: "by phone"}}}
	_, err := f.s.SubmitAssistedResponse(ctx, f.citizen, c.ID, n, IdemKey{})
	wantCode(t, err, EFORBIDDEN)
	_, err = f.s.SubmitAssistedResponse(ctx, f.otherStaff, c.ID, n, IdemKey{})
	wantCode(t, err, EFORBIDDEN)
	r, err := f.s.SubmitAssistedResponse(ctx, f.staff, c.ID, n, IdemKey{})
	if err != nil || r.Channel != ChannelAssisted {
		t.Fatalf("assisted response = %+v, %v", r, err)
	}
}

func TestRespondentDeletesOwnResponseOnly(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c := f.open(t, f.draft("air"))
	r, _ := f.s.SubmitResponse(ctx, f.citizen, c.ID, NewResponse{Answers: []Answer{{QuestionID: c.Questions[0].ID, Text: "x"}}}, IdemKey{})
	wantCode(t, f.s.DeleteResponse(ctx, f.citizen2, r.ID), ENOTFOUND)
	if err := f.s.DeleteResponse(ctx, f.citizen, r.ID); err != nil {
		t.Fatal(err)
	}
	got, _ := f.s.Consultation(ctx, c.ID)
	if got.ResponseCount != 0 {
		t.Errorf("response count = %d; want 0", got.ResponseCount)
	}
}
