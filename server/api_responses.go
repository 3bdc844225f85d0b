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
