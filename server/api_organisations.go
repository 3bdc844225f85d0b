package server

import (
	"net/http"

	"github.com/consult-platform/consult/consultations"
)

func (s *Server) handleAPIOrganisations(w http.ResponseWriter, r *http.Request) {
	orgs, err := s.store.Organisations(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if orgs == nil {
		orgs = []consultations.Organisation{}
	}
	s.writeJSON(w, http.StatusOK, listResponse[consultations.Organisation]{Items: orgs})
}
