package server

import (
	"errors"
	"net/http"
	"time"

	"github.com/consult-platform/consult/consultations"
)

// receipt is what a respondent gets back: never the answers of others,
// just enough to find their own again.
type receipt struct {
	ID             string    `json:"id"`
	ConsultationID string    `json:"consultation_id"`
	Reference      string    `json:"reference"`
	Anonymous      bool      `json:"anonymous"`
	CreatedAt      time.Time `json:"created_at"`
}

func responseReceipt(r *consultations.Response) receipt {
	return receipt{r.ID, r.ConsultationID, r.Reference, r.Anonymous, r.CreatedAt}
}

func (s *Server) handleAPIResponseCreate(w http.ResponseWriter, r *http.Request) {
	key, err := idemKey(r, "responses")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if s.replayed(w, r, key) {
		return
	}
	var in consultations.NewResponse
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	in.Channel = consultations.ChannelAPI
	if in.Locale == "" {
		in.Locale = reqOf(r).loc.Tag
	}
	resp, err := s.store.SubmitResponse(r.Context(), user(r), r.PathValue("id"), in, key)
	if errors.Is(err, consultations.ErrIdempotentReplay) && s.replayed(w, r, key) {
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusCreated, responseReceipt(resp))
}

// handleAPIResponseGet shows a response with its answers to its respondent
// and to staff of the consultation's organisation; to anyone else it does
// not exist.
func (s *Server) handleAPIResponseGet(w http.ResponseWriter, r *http.Request) {
	if user(r) == nil {
		s.fail(w, r, errSignInRequired)
		return
	}
	resp, err := s.store.Response(r.Context(), user(r), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, resp)
}

// handleAPIResponseDelete lets a respondent withdraw their own response.
func (s *Server) handleAPIResponseDelete(w http.ResponseWriter, r *http.Request) {
	if user(r) == nil {
		s.fail(w, r, errSignInRequired)
		return
	}
	if err := s.store.DeleteResponse(r.Context(), user(r), r.PathValue("id")); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// handleAPIAssistedResponseCreate lets staff enter a paper or telephone
// response on a citizen's behalf.
func (s *Server) handleAPIAssistedResponseCreate(w http.ResponseWriter, r *http.Request) {
	if user(r) == nil {
		s.fail(w, r, errSignInRequired)
		return
	}
	key, err := idemKey(r, "assisted-responses")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if s.replayed(w, r, key) {
		return
	}
	var in consultations.NewResponse
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	resp, err := s.store.SubmitAssistedResponse(r.Context(), user(r), r.PathValue("id"), in, key)
	if errors.Is(err, consultations.ErrIdempotentReplay) && s.replayed(w, r, key) {
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusCreated, responseReceipt(resp))
}
