package consultations

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/consult-platform/consult/database"
)

func newAPITestStore(t *testing.T) *Store {
	t.Helper()
	db := database.OpenTest(t)
	return NewStore(db, NewSanitizer())
}

func TestCreateConsultationOnceStoresOnePerKey(t *testing.T) {
	ctx := context.Background()
	s := newAPITestStore(t)
	if _, err := s.CreateOrganisation(ctx, "health", "Health", "en", "UTC"); err != nil {
		t.Fatal(err)
	}
	staff, err := s.CreateUser(ctx, NewAccount{Email: "s@example.org", Password: "long enough", DisplayName: "S", Role: RoleStaff, OrgSlug: "health"})
	if err != nil {
		t.Fatal(err)
	}
	now := s.Now()
	d := Draft{Kind: KindPolicy, Title: LocalText{"en": "A title"}, Summary: LocalText{"en": "A summary"}, OpensAt: now.Add(time.Hour), ClosesAt: now.Add(48 * time.Hour)}
	key := IdemKey{Scope: "user:" + staff.ID + " consultations", Key: "k1"}
	first, err := s.CreateConsultationOnce(ctx, staff, d, key)
	if err != nil {
		t.Fatal(err)
	}
	d.Slug = "another-slug"
	if _, err := s.CreateConsultationOnce(ctx, staff, d, key); !errors.Is(err, ErrIdempotentReplay) {
		t.Fatalf("second create with the same key: err = %v; want ErrIdempotentReplay", err)
	}
	ref, ok, err := s.IdempotentRef(ctx, key)
	if err != nil || !ok || ref != "consultation:"+first.ID {
		t.Fatalf("IdempotentRef = %q, %v, %v; want consultation:%s", ref, ok, err, first.ID)
	}
	list, _, err := s.ListConsultations(ctx, staff, ConsultationFilter{})
	if err != nil || len(list) != 1 {
		t.Fatalf("ListConsultations = %d items, %v; want 1", len(list), err)
	}
}

func TestCreateUserOnceStoresOnePerKeyAndSanitisesTheName(t *testing.T) {
	ctx := context.Background()
	s := newAPITestStore(t)
	key := IdemKey{Scope: "ip:192.0.2.1 accounts", Key: "k"}
	u, err := s.CreateUserOnce(ctx, NewAccount{Email: "a@example.org", Password: "long enough", DisplayName: "<b>Ann</b>"}, key)
	if err != nil {
		t.Fatal(err)
	}
	if u.DisplayName != "Ann" {
		t.Errorf("DisplayName = %q; want Ann", u.DisplayName)
	}
	if _, err := s.CreateUserOnce(ctx, NewAccount{Email: "b@example.org", Password: "long enough", DisplayName: "B"}, key); !errors.Is(err, ErrIdempotentReplay) {
		t.Fatalf("second create with the same key: err = %v; want ErrIdempotentReplay", err)
	}
	if _, err := s.Authenticate(ctx, "b@example.org", "long enough"); ErrorCode(err) != EUNAUTHENTICATED {
		t.Errorf("the replayed account was stored: Authenticate err = %v", err)
	}
	if _, err := s.CreateUser(ctx, NewAccount{Email: "c@example.org", Password: "long enough", DisplayName: "<img src=x onerror=alert(1)>"}); ErrorCode(err) != EINVALID {
		t.Errorf("a display name that is only markup: err = %v; want invalid", err)
	}
}

func TestDeletedAPITokenNoLongerSignsIn(t *testing.T) {
	ctx := context.Background()
	s := newAPITestStore(t)
	u, err := s.CreateUser(ctx, NewAccount{Email: "a@example.org", Password: "long enough", DisplayName: "A"})
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := s.CreateAPIToken(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	other, _, err := s.CreateAPIToken(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteAPIToken(ctx, token); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TokenUser(ctx, token); ErrorCode(err) != EUNAUTHENTICATED {
		t.Errorf("revoked token: err = %v; want unauthenticated", err)
	}
	if _, err := s.TokenUser(ctx, other); err != nil {
		t.Errorf("the user's other token stopped working: %v", err)
	}
	if err := s.DeleteAPIToken(ctx, token); err != nil {
		t.Errorf("revoking twice: %v", err)
	}
}
