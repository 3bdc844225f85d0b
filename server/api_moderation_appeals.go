package server

import (
	"net/http"

	"github.com/consult-platform/consult/moderation"
)

func (s *Server) handleAPIMyModerationDecisions(w http.ResponseWriter, r *http.Request) {
	ds, err := s.mod.MyDecisions(r.Context(), actorOf(user(r)))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if ds == nil {
		ds = []moderation.AppealDecision{}
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"items": ds})
}

type appealRequest struct {
	Text string `json:"text"`
}

func (s *Server) handleAPIAppealCreate(w http.ResponseWriter, r *http.Request) {
	var in appealRequest
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	a, err := s.mod.FileAppeal(r.Context(), actorOf(user(r)), r.PathValue("id"), in.Text)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusCreated, a)
}

func (s *Server) handleAPIAppealList(w http.ResponseWriter, r *http.Request) {
	list, err := s.mod.OpenAppeals(r.Context(), actorOf(user(r)))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if list == nil {
		list = []moderation.OpenAppeal{}
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"items": list})
}

func (s *Server) handleAPIAppealDecision(w http.ResponseWriter, r *http.Request) {
	var in moderation.AppealDecisionInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	a, err := s.mod.DecideAppeal(r.Context(), actorOf(user(r)), r.PathValue("id"), in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, a)
}

func (s *Server) handleAPISuspensionCreate(w http.ResponseWriter, r *http.Request) {
	var in moderation.NewSuspension
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	sp, err := s.mod.Suspend(r.Context(), actorOf(user(r)), in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusCreated, sp)
}
