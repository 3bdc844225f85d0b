package consultations

import (
	"context"
	"testing"
	"time"

	"github.com/consult-platform/consult/database"
)

// fixture is a store with an organisation, people in each role and a
// clock the test can move.
type fixture struct {
	s                                    *Store
	now                                  time.Time
	org, otherOrg                        *Organisation
	staff, otherStaff, citizen, citizen2 *User
	moderator, admin                     *User
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	db := database.OpenTest(t)
	var err error
	f := &fixture{s: NewStore(db, NewSanitizer()), now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	f.s.Now = func() time.Time { return f.now }
	if f.org, err = f.s.CreateOrganisation(ctx, "health", "Ministry of Health", "en", "Europe/Paris"); err != nil {
		t.Fatal(err)
	}
	if f.otherOrg, err = f.s.CreateOrganisation(ctx, "finance", "Ministry of Finance", "en", "UTC"); err != nil {
		t.Fatal(err)
	}
	mk := func(email string, role Role, org string) *User {
		u, err := f.s.CreateUser(ctx, NewAccount{Email: email, Password: "correct horse", DisplayName: email[:5], Role: role, OrgSlug: org})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	f.staff = mk("staff@example.org", RoleStaff, "health")
	f.otherStaff = mk("other@example.org", RoleStaff, "finance")
	f.citizen = mk("alice@example.org", RoleCitizen, "")
	f.citizen2 = mk("bobby@example.org", RoleCitizen, "")
	f.moderator = mk("moder@example.org", RoleModerator, "")
	f.admin = mk("admin@example.org", RoleAdmin, "")
	return f
}

// draft returns a valid policy draft open from a day ago for a week.
func (f *fixture) draft(slug string) Draft {
	return Draft{
		Slug: slug, Kind: KindPolicy, DefaultLocale: "en",
		Title:   LocalText{"en": "Clean air", "fr": "Air pur"},
		Summary: LocalText{"en": "What should we do about air quality?"},
		OpensAt: f.now.Add(-24 * time.Hour), ClosesAt: f.now.Add(7 * 24 * time.Hour),
		Questions: []QuestionDraft{
			{Kind: QuestionText, Required: true, MaxLength: 20, Prompt: LocalText{"en": "Why?"}},
			{Kind: QuestionSingle, Prompt: LocalText{"en": "Pick one"}, Options: []LocalText{{"en": "A"}, {"en": "B"}}},
			{Kind: QuestionMultiple, Prompt: LocalText{"en": "Pick some"}, Options: []LocalText{{"en": "A"}, {"en": "B"}, {"en": "C"}}},
			{Kind: QuestionScale, Prompt: LocalText{"en": "How much?"}},
		},
	}
}

// open creates a consultation from d and opens it.
func (f *fixture) open(t *testing.T, d Draft) *Consultation {
	t.Helper()
	ctx := context.Background()
	c, err := f.s.CreateConsultation(ctx, f.staff, d)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.SetStatus(ctx, f.staff, c.ID, StatusOpen); err != nil {
		t.Fatal(err)
	}
	c, err = f.s.Consultation(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := ErrorCode(err); err == nil || got != code {
		t.Fatalf("error = %v (code %q); want code %q", err, got, code)
	}
}
