package server

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/consult-platform/consult/consultations"
)

var errBearerRequired = consultations.Errorf(consultations.EUNAUTHENTICATED, "ErrBearerRequired")

// handleAPIAccountCreate registers a citizen account.
func (s *Server) handleAPIAccountCreate(w http.ResponseWriter, r *http.Request) {
	key, err := idemKey(r, "accounts")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if s.replayed(w, r, key) {
		return
	}
	var in consultations.NewAccount
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	in.Role = consultations.RoleCitizen
	u, err := s.store.CreateUserOnce(r.Context(), in, key)
	if errors.Is(err, consultations.ErrIdempotentReplay) && s.replayed(w, r, key) {
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusCreated, u)
}

// handleAPITokenCreate exchanges an email and password for a bearer token.
// It takes no Idempotency-Key: only the token's hash is kept, so a retry
// cannot be shown the first token again; it gets a new one instead.
func (s *Server) handleAPITokenCreate(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	u, err := s.store.Authenticate(r.Context(), in.Email, in.Password)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	token, expires, err := s.store.CreateAPIToken(r.Context(), u.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusCreated, struct {
		Token     string    `json:"token"`
		ExpiresAt time.Time `json:"expires_at"`
	}{token, expires})
}

// handleAPITokenRevoke revokes the bearer token the request was sent with.
func (s *Server) handleAPITokenRevoke(w http.ResponseWriter, r *http.Request) {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || !reqOf(r).bearer {
		s.fail(w, r, errBearerRequired)
		return
	}
	if err := s.store.DeleteAPIToken(r.Context(), strings.TrimSpace(token)); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
