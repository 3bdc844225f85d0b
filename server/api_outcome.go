package server

import (
	"net/http"
	"time"

	"github.com/consult-platform/consult/consultations"
)

// outcome is a consultation's published "we asked, you said, we did".
type outcome struct {
	ConsultationID string                   `json:"consultation_id"`
	Summary        consultations.LocalText  `json:"summary"`
	PublishedAt    *time.Time               `json:"published_at"`
	Decisions      []consultations.Decision `json:"decisions"`
}

func (s *Server) outcomeOf(r *http.Request, c *consultations.Consultation) (*outcome, error) {
	ds, err := s.store.Decisions(r.Context(), c.ID)
	if err != nil {
		return nil, err
	}
	for i := range ds {
		if ds[i].CommentIDs == nil {
			ds[i].CommentIDs = []string{}
		}
	}
	if ds == nil {
		ds = []consultations.Decision{}
	}
	return &outcome{ConsultationID: c.ID, Summary: c.OutcomeSummary, PublishedAt: c.OutcomePublishedAt, Decisions: ds}, nil
}

func (s *Server) handleAPIOutcomeGet(w http.ResponseWriter, r *http.Request) {
	c, err := s.apiConsultation(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if c.OutcomePublishedAt == nil {
		s.fail(w, r, consultations.Errorf(consultations.ENOTFOUND, "ErrOutcomeNotPublished"))
		return
	}
	o, err := s.outcomeOf(r, c)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, o)
}

// handleAPIOutcomePublish publishes (or replaces) a closed consultation's
// outcome. Participants are notified the first time only, so a retry is
// harmless.
func (s *Server) handleAPIOutcomePublish(w http.ResponseWriter, r *http.Request) {
	if user(r) == nil {
		s.fail(w, r, errSignInRequired)
		return
	}
	var in consultations.OutcomeDraft
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.store.PublishOutcome(r.Context(), user(r), r.PathValue("id"), in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	o, err := s.outcomeOf(r, c)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, o)
}
