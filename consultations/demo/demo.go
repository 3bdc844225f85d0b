// Package demo seeds an empty database with an organisation, its people,
// an open policy consultation, an open co-design thread, a closed
// consultation with its published outcome, and some discussion, so that a
// newcomer can see Consult working at once.
package demo

import (
	"context"
	"fmt"
	"time"

	c "github.com/consult-platform/consult/consultations"
)

// Password is every demo account's password.
const Password = "consult-demo-2026"

// SignInHelp is printed when the demo content has been seeded.
var SignInHelp = fmt.Sprintf(`Demo content is ready. Sign in with any of these (password %q):
  staff@demo.consult.example      ministry staff (Ministry of Transport)
  moderator@demo.consult.example  moderator
  admin@demo.consult.example      administrator
  citizen@demo.consult.example    citizen
`, Password)

type people struct {
	staff, citizen *c.User
	others         []*c.User
}

// Seed fills an empty database and reports whether it did; a database that
// already has an organisation is left alone.
func Seed(ctx context.Context, s *c.Store) (bool, error) {
	orgs, err := s.Organisations(ctx)
	if err != nil || len(orgs) > 0 {
		return false, err
	}
	org, err := s.CreateOrganisation(ctx, "transport", "Ministry of Transport", "en", "Europe/London")
	if err != nil {
		return false, err
	}
	p, err := seedPeople(ctx, s)
	if err != nil {
		return false, err
	}
	now := s.Now()
	policy, err := s.CreateConsultation(ctx, p.staff, streetsDraft(org.ID, now))
	if err != nil {
		return false, err
	}
	codesign, err := s.CreateConsultation(ctx, p.staff, busAppDraft(org.ID, now))
	if err != nil {
		return false, err
	}
	past, err := s.CreateConsultation(ctx, p.staff, cyclingDraft(org.ID, now))
	if err != nil {
		return false, err
	}
	for _, id := range []string{policy.ID, codesign.ID, past.ID} {
		if _, err := s.SetStatus(ctx, p.staff, id, c.StatusOpen); err != nil {
			return false, err
		}
	}
	if err := seedPolicyDiscussion(ctx, s, p, policy); err != nil {
		return false, err
	}
	if err := seedIdeas(ctx, s, p, codesign.ID); err != nil {
		return false, err
	}
	if err := seedOutcome(ctx, s, p, past); err != nil {
		return false, err
	}
	return true, nil
}

func seedPeople(ctx context.Context, s *c.Store) (*people, error) {
	accounts := []c.NewAccount{
		{Email: "staff@demo.consult.example", DisplayName: "Ministry of Transport", Role: c.RoleStaff, OrgSlug: "transport"},
		{Email: "moderator@demo.consult.example", DisplayName: "Moderator", Role: c.RoleModerator},
		{Email: "admin@demo.consult.example", DisplayName: "Administrator", Role: c.RoleAdmin},
		{Email: "citizen@demo.consult.example", DisplayName: "Riverside resident", Role: c.RoleCitizen},
		{Email: "amira@demo.consult.example", DisplayName: "أميرة", Role: c.RoleCitizen, Locale: "ar"},
		{Email: "jean@demo.consult.example", DisplayName: "Jean from Lyon", Role: c.RoleCitizen, Locale: "fr"},
		{Email: "lucia@demo.consult.example", DisplayName: "Lucía M.", Role: c.RoleCitizen, Locale: "es"},
	}
	p := &people{}
	for i, a := range accounts {
		a.Password = Password
		u, err := s.CreateUser(ctx, a)
		if err != nil {
			return nil, err
		}
		switch i {
		case 0:
			p.staff = u
		case 3:
			p.citizen = u
		}
		if a.Role == c.RoleCitizen {
			p.others = append(p.others, u)
		}
	}
	return p, nil
}

func seedPolicyDiscussion(ctx context.Context, s *c.Store, p *people, policy *c.Consultation) error {
	comments := []struct {
		who    int
		stance c.Stance
		locale string
		body   string
		reply  string
	}{
		{0, c.StanceFor, "en", "20 mph has made our street quieter and my children now walk to school on their own. Please keep it.",
			"Agreed. Crossing the road with a buggy is far less stressful than it was."},
		{1, c.StanceNeutral, "ar", "أؤيد خفض السرعة قرب المدارس، لكن يجب تحسين الإشارات على الطرق الرئيسية أيضاً.", ""},
		{2, c.StanceAgainst, "fr", "Sur les grands axes, 20 mph ralentit les bus sans gain de sécurité mesurable. Gardons 30 là où il n'y a pas d'habitations.",
			"The evidence summary in section 2 suggests bus journey times barely changed. Do you have a route in mind?"},
		{3, c.StanceFor, "es", "En mi barrio los conductores siguen yendo rápido. Hace falta control, no solo señales.", ""},
	}
	for i, cm := range comments {
		author := p.others[cm.who]
		posted, err := s.PostComment(ctx, author, policy.ID, c.NewComment{Stance: cm.stance, Body: cm.body, Locale: cm.locale, Channel: "web"}, c.IdemKey{})
		if err != nil {
			return err
		}
		if cm.reply != "" {
			replier := p.others[(i+1)%len(p.others)]
			if _, err := s.PostComment(ctx, replier, policy.ID, c.NewComment{ParentID: posted.ID, Body: cm.reply, Locale: "en", Channel: "web"}, c.IdemKey{}); err != nil {
				return err
			}
		}
	}
	q := policy.Questions
	for i, u := range p.others {
		answers := []c.Answer{
			{QuestionID: q[0].ID, Choices: []string{q[0].Options[i%len(q[0].Options)].ID}},
			{QuestionID: q[1].ID, Scale: 1 + (i*2)%5},
			{QuestionID: q[2].ID, Choices: []string{q[2].Options[0].ID, q[2].Options[(i%3)+1].ID}},
			{QuestionID: q[3].ID, Text: "More crossings near schools, please."},
		}
		if _, err := s.SubmitResponse(ctx, u, policy.ID, c.NewResponse{Answers: answers, Locale: u.Locale, Channel: c.ChannelWebMobile}, c.IdemKey{}); err != nil {
			return err
		}
	}
	return nil
}

func seedIdeas(ctx context.Context, s *c.Store, p *people, id string) error {
	ideas := []struct{ title, body string }{
		{"Show the next three buses, not just the next one", "When the next bus is full I want to know whether to wait or walk. Three departures on the stop screen would help."},
		{"Announce stops in several languages", "Audio announcements in the two or three most spoken languages of each route would help visitors and new residents."},
		{"Let me report a broken stop display", "A simple form from the app, with a photo, so that repairs happen sooner."},
	}
	var ideaIDs []string
	for i, idea := range ideas {
		posted, err := s.PostComment(ctx, p.others[i%len(p.others)], id, c.NewComment{Kind: c.KindIdea, Title: idea.title, Body: idea.body, Locale: "en", Channel: "web"}, c.IdemKey{})
		if err != nil {
			return err
		}
		ideaIDs = append(ideaIDs, posted.ID)
	}
	if _, err := s.PostComment(ctx, p.others[2], id, c.NewComment{ParentID: ideaIDs[0], Body: "Yes, and show whether there is space for a wheelchair.", Locale: "en", Channel: "web"}, c.IdemKey{}); err != nil {
		return err
	}
	for i, u := range p.others {
		for j := 0; j <= i%len(ideaIDs); j++ {
			if _, err := s.Support(ctx, u, ideaIDs[j], true); err != nil {
				return err
			}
		}
	}
	return nil
}

func seedOutcome(ctx context.Context, s *c.Store, p *people, past *c.Consultation) error {
	var commentIDs []string
	for i, body := range []string{
		"Protected lanes on the ring road, please. Paint is not protection.",
		"Secure bike parking at stations matters more to me than new lanes.",
	} {
		cm, err := s.PostComment(ctx, p.others[i], past.ID, c.NewComment{Stance: c.StanceFor, Body: body, Locale: "en", Channel: "web"}, c.IdemKey{})
		if err != nil {
			return err
		}
		commentIDs = append(commentIDs, cm.ID)
	}
	if _, err := s.SetStatus(ctx, p.staff, past.ID, c.StatusClosed); err != nil {
		return err
	}
	_, err := s.PublishOutcome(ctx, p.staff, past.ID, c.OutcomeDraft{
		Summary: c.LocalText{"en": "Thank you to everyone who took part. Here is what we heard and what we will do."},
		Decisions: []c.DecisionDraft{
			{
				Asked:      c.LocalText{"en": "Where should new cycle lanes go first?"},
				Said:       c.LocalText{"en": "Most of you asked for protected lanes on the ring road rather than painted ones."},
				Did:        c.LocalText{"en": "We will build 6 km of kerb-protected lanes on the ring road in 2027."},
				CommentIDs: commentIDs[:1],
			},
			{
				Asked:      c.LocalText{"en": "What else would make cycling easier?"},
				Said:       c.LocalText{"en": "Secure parking at stations came up again and again."},
				Did:        c.LocalText{"en": "Every station with more than 5,000 daily passengers will get a secure bike hub."},
				CommentIDs: commentIDs[1:],
			},
		},
	})
	return err
}

func day(now time.Time, days int) time.Time {
	return now.Add(time.Duration(days) * 24 * time.Hour).Truncate(time.Hour)
}
