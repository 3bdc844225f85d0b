package server

import (
	"net/http"

	"github.com/consult-platform/consult/consultations"
)

func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	open, _, err := s.store.ListConsultations(ctx, user(r), consultations.ConsultationFilter{
		Statuses: []consultations.Status{consultations.StatusOpen}, Limit: 50,
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	past, _, err := s.store.ListConsultations(ctx, user(r), consultations.ConsultationFilter{
		Statuses: []consultations.Status{consultations.StatusClosed, consultations.StatusOutcomePublished}, Limit: 20,
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// A stored "open" row may have passed its closing time already.
	var stillOpen []consultations.Consultation
	for _, c := range open {
		if c.Status == consultations.StatusOpen {
			stillOpen = append(stillOpen, c)
		} else {
			past = append([]consultations.Consultation{c}, past...)
		}
	}
	// Cards give closing dates in each organisation's time zone.
	orgs, err := s.store.Organisations(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	byID := map[string]*consultations.Organisation{}
	for i := range orgs {
		byID[orgs[i].ID] = &orgs[i]
	}
	for _, list := range [][]consultations.Consultation{stillOpen, past} {
		for i := range list {
			list[i].Organisation = byID[list[i].OrgID]
		}
	}
	loc := reqOf(r).loc
	s.render(w, r, http.StatusOK, "home", s.newPage(r, loc.T("HomeTitle"), struct {
		Open, Past []consultations.Consultation
	}{stillOpen, past}))
}
