package analytics

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/consult-platform/consult/consultations"
	"github.com/consult-platform/consult/database"
)

// fixture is a store with figures kept on write, an organisation, its
// staff, a few citizens and a clock the test moves.
type fixture struct {
	t        *testing.T
	ctx      context.Context
	s        *consultations.Store
	svc      *Service
	now      time.Time
	org      *consultations.Organisation
	staff    *consultations.User
	citizens []*consultations.User
}

func newFixture(t *testing.T, citizens int) *fixture {
	t.Helper()
	ctx := context.Background()
	db := database.OpenTest(t)
	var err error
	f := &fixture{t: t, ctx: ctx, s: consultations.NewStore(db, consultations.NewSanitizer()), now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	f.s.Now = func() time.Time { return f.now }
	f.svc = New(f.s, Options{})
	if f.org, err = f.s.CreateOrganisation(ctx, "health", "Ministry of Health", "en", "UTC"); err != nil {
		t.Fatal(err)
	}
	f.staff = f.user("staff@example.org", consultations.RoleStaff, "health")
	for i := range citizens {
		f.citizens = append(f.citizens, f.user(fmt.Sprintf("citizen%d@example.org", i), consultations.RoleCitizen, ""))
	}
	return f
}

func (f *fixture) user(email string, role consultations.Role, org string) *consultations.User {
	u, err := f.s.CreateUser(f.ctx, consultations.NewAccount{Email: email, Password: "correct horse", DisplayName: "Person", Role: role, OrgSlug: org})
	if err != nil {
		f.t.Fatal(err)
	}
	return u
}

// open creates and opens a consultation of kind with one question of each
// kind, open from a day ago for a week, anonymous responses allowed.
func (f *fixture) open(slug string, kind consultations.Kind) *consultations.Consultation {
	f.t.Helper()
	d := consultations.Draft{
		Slug: slug, Kind: kind, DefaultLocale: "en", AllowAnonymous: true,
		Title:   consultations.LocalText{"en": "Clean air"},
		Summary: consultations.LocalText{"en": "What should we do about air quality?"},
		OpensAt: f.now.Add(-24 * time.Hour), ClosesAt: f.now.Add(7 * 24 * time.Hour),
	}
	if kind == consultations.KindPolicy {
		d.Questions = []consultations.QuestionDraft{
			{Kind: consultations.QuestionText, Prompt: consultations.LocalText{"en": "Why?"}},
			{Kind: consultations.QuestionSingle, Prompt: consultations.LocalText{"en": "Pick one"}, Options: []consultations.LocalText{{"en": "A"}, {"en": "B"}, {"en": "C"}}},
			{Kind: consultations.QuestionMultiple, Prompt: consultations.LocalText{"en": "Pick some"}, Options: []consultations.LocalText{{"en": "A"}, {"en": "B"}, {"en": "C"}}},
			{Kind: consultations.QuestionScale, Prompt: consultations.LocalText{"en": "How much?"}},
		}
	}
	c, err := f.s.CreateConsultation(f.ctx, f.staff, d)
	if err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.s.SetStatus(f.ctx, f.staff, c.ID, consultations.StatusOpen); err != nil {
		f.t.Fatal(err)
	}
	if c, err = f.s.Consultation(f.ctx, c.ID); err != nil {
		f.t.Fatal(err)
	}
	return c
}

// respond answers c as who (nil: anonymously) with the i-th of a few
// varied answer sets and profiles.
func (f *fixture) respond(c *consultations.Consultation, who *consultations.User, i int) *consultations.Response {
	f.t.Helper()
	n := consultations.NewResponse{Locale: []string{"en", "fr", "ar"}[i%3], Channel: []consultations.Channel{
		consultations.ChannelWebMobile, consultations.ChannelWebDesktop, consultations.ChannelAPI}[i%3]}
	n.Region = []string{"north", "south", "islands", "", consultations.PreferNotToSay}[i%5]
	n.AgeBand = consultations.AgeBands[i%len(consultations.AgeBands)]
	n.Gender = []string{"woman", "man", "", "another", consultations.PreferNotToSay}[i%5]
	n.PublishConsent = i%2 == 0
	if len(c.Questions) == 4 {
		q := c.Questions
		n.Answers = []consultations.Answer{
			{QuestionID: q[1].ID, Choices: []string{q[1].Options[i%3].ID}},
			{QuestionID: q[2].ID, Choices: []string{q[2].Options[i%3].ID, q[2].Options[(i+1)%3].ID}},
			{QuestionID: q[3].ID, Scale: 1 + i%5},
		}
		if i%4 == 0 {
			n.Answers = append(n.Answers, consultations.Answer{QuestionID: q[0].ID, Text: fmt.Sprintf("Because %d", i)})
		}
	}
	r, err := f.s.SubmitResponse(f.ctx, who, c.ID, n, consultations.IdemKey{})
	if err != nil {
		f.t.Fatal(err)
	}
	return r
}

func (f *fixture) comment(c *consultations.Consultation, who *consultations.User, n consultations.NewComment) *consultations.Comment {
	f.t.Helper()
	if n.Body == "" {
		n.Body = "A thought"
	}
	cm, err := f.s.PostComment(f.ctx, who, c.ID, n, consultations.IdemKey{})
	if err != nil {
		f.t.Fatal(err)
	}
	return cm
}

func (f *fixture) live(c *consultations.Consultation) *Figures {
	f.t.Helper()
	fig, err := f.svc.Live(f.ctx, c.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return fig
}

// nonZero drops zero counts, which on-write counting leaves behind and
// recomputing does not.
func nonZero(counts map[string]map[string]int64) map[string]map[string]int64 {
	out := map[string]map[string]int64{}
	for dim, cells := range counts {
		for v, n := range cells {
			if n != 0 {
				if out[dim] == nil {
					out[dim] = map[string]int64{}
				}
				out[dim][v] = n
			}
		}
	}
	return out
}
