package server

import "net/http"

func (s *Server) handleNotFound(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, errNotFound)
}

// handleAccessibility is the accessibility statement: what conforms, the
// known gaps, and how to report a problem.
func (s *Server) handleAccessibility(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "accessibility", s.newPage(r, reqOf(r).loc.T("AccessibilityTitle"), nil))
}
