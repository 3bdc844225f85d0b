package server

import (
	"net/http"
)

type supportState struct {
	ID           string `json:"id"`
	SupportCount int    `json:"support_count"`
	Supported    bool   `json:"supported"`
}

// handleAPISupportAdd supports a co-design idea; supporting twice counts once.
func (s *Server) handleAPISupportAdd(w http.ResponseWriter, r *http.Request) {
	s.setSupport(w, r, true)
}

// handleAPISupportRemove withdraws the caller's support for an idea.
func (s *Server) handleAPISupportRemove(w http.ResponseWriter, r *http.Request) {
	s.setSupport(w, r, false)
}

func (s *Server) setSupport(w http.ResponseWriter, r *http.Request, on bool) {
	if user(r) == nil {
		s.fail(w, r, errSignInRequired)
		return
	}
	id := r.PathValue("id")
	n, err := s.store.Support(r.Context(), user(r), id, on)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, supportState{ID: id, SupportCount: n, Supported: on})
}
