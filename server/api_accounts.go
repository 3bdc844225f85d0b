package server

import (
	"net/http"
	"time"

	"github.com/consult-platform/consult/consultations"
)

// handleAPIAccountCreate registers a citizen account.
func (s *Server) handleAPIAccountCreate(w http.ResponseWriter, r *http.Request) {
	var in consultations.NewAccount
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	in.Role = consultations.RoleCitizen
	u, err := s.store.CreateUser(r.Context(), in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusCreated, u)
}

// handleAPITokenCreate exchanges an email and password for a bearer token.
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
