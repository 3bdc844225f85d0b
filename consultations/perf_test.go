package consultations

import (
	"context"
	"testing"
	"time"
)

func TestCachedTokenStopsWorkingWhenItExpires(t *testing.T) {
	s, _, u := benchStore(t)
	ctx := context.Background()
	token, expires, err := s.CreateAPIToken(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.TokenUser(ctx, token); err != nil || got.ID != u.ID {
		t.Fatalf("TokenUser = %v, %v; want %s", got, err, u.ID)
	}
	s.Now = func() time.Time { return expires.Add(time.Second) }
	if _, err := s.TokenUser(ctx, token); ErrorCode(err) != EUNAUTHENTICATED {
		t.Errorf("TokenUser after expiry: err = %v; want %s", err, EUNAUTHENTICATED)
	}
}

func TestCommentIsRefusedTheMomentTheConsultationCloses(t *testing.T) {
	s, c, u := benchStore(t)
	ctx := context.Background()
	if _, err := s.PostComment(ctx, u, c.ID, NewComment{Body: "Before closing"}, IdemKey{}); err != nil {
		t.Fatalf("comment while open: %v", err)
	}
	var staff User
	if err := s.db.Reader.Get(&staff, `SELECT `+userColumns+` FROM users WHERE role = 'staff'`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetStatus(ctx, &staff, c.ID, StatusClosed); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PostComment(ctx, u, c.ID, NewComment{Body: "After closing"}, IdemKey{}); ErrorCode(err) != ECLOSED {
		t.Errorf("comment after closing: err = %v; want %s", err, ECLOSED)
	}
}
