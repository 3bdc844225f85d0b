package consultations

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestPasswordsAreHashedWithArgon2id(t *testing.T) {
	f := newFixture(t)
	if !strings.HasPrefix(f.citizen.PasswordHash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash = %q; want Argon2id with OWASP parameters", f.citizen.PasswordHash)
	}
	ctx := context.Background()
	if _, err := f.s.Authenticate(ctx, "ALICE@example.org ", "correct horse"); err != nil {
		t.Errorf("sign-in with the right password (email in other case) failed: %v", err)
	}
	_, err := f.s.Authenticate(ctx, "alice@example.org", "wrong horse")
	wantCode(t, err, EUNAUTHENTICATED)
	_, err2 := f.s.Authenticate(ctx, "nobody@example.org", "correct horse")
	if err.Error() != err2.Error() {
		t.Errorf("unknown email and wrong password give different errors: %v / %v", err, err2)
	}
}

func TestPasswordLengthRules(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		password string
		ok       bool
	}{
		{"short", false},
		{"12345678", true}, // no composition rules
		{strings.Repeat("a", 128), true},
		{strings.Repeat("a", 129), false},
		{"pässwörd", true},
	}
	for i, tt := range tests {
		_, err := f.s.CreateUser(context.Background(), NewAccount{
			Email: "p" + string(rune('a'+i)) + "@example.org", Password: tt.password, DisplayName: "P",
		})
		if (err == nil) != tt.ok {
			t.Errorf("CreateUser(password of %d chars) = %v; want ok=%v", len([]rune(tt.password)), err, tt.ok)
		}
	}
}

func TestDuplicateEmailIsAConflict(t *testing.T) {
	f := newFixture(t)
	_, err := f.s.CreateUser(context.Background(), NewAccount{Email: "Alice@Example.org", Password: "long enough", DisplayName: "A2"})
	wantCode(t, err, ECONFLICT)
}

func TestSessionsEndWhenIdleOrTooOld(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	token, err := f.s.CreateSession(ctx, f.citizen.ID)
	if err != nil {
		t.Fatal(err)
	}
	if u, err := f.s.SessionUser(ctx, token); err != nil || u.ID != f.citizen.ID {
		t.Fatalf("SessionUser = %v, %v", u, err)
	}
	f.now = f.now.Add(f.s.Times.Idle + time.Minute)
	_, err = f.s.SessionUser(ctx, token)
	wantCode(t, err, EUNAUTHENTICATED)

	// Kept busy, a session still ends at its absolute limit.
	token, _ = f.s.CreateSession(ctx, f.citizen.ID)
	for elapsed := time.Duration(0); elapsed < f.s.Times.Absolute; elapsed += time.Hour {
		f.now = f.now.Add(time.Hour)
		f.s.SessionUser(ctx, token)
	}
	f.now = f.now.Add(time.Hour)
	_, err = f.s.SessionUser(ctx, token)
	wantCode(t, err, EUNAUTHENTICATED)
}

func TestEachSignInGetsANewSession(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a, _ := f.s.CreateSession(ctx, f.citizen.ID)
	b, _ := f.s.CreateSession(ctx, f.citizen.ID)
	if a == b || len(a) < 40 {
		t.Fatalf("sessions %q and %q; want distinct long secrets", a, b)
	}
	f.s.DeleteSession(ctx, a)
	if _, err := f.s.SessionUser(ctx, a); err == nil {
		t.Error("signed-out session still works")
	}
	if _, err := f.s.SessionUser(ctx, b); err != nil {
		t.Error("signing out one session ended another")
	}
}
