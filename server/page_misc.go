package server

import (
	"net/http"
	"time"
)

// handleLanguage remembers an explicit language choice in a cookie and
// returns to the page the reader was on. It works without JavaScript.
func (s *Server) handleLanguage(w http.ResponseWriter, r *http.Request) {
	lang := r.URL.Query().Get("lang")
	if s.i18n.Supported(lang) {
		setCookie(w, r, s.cfg, langCookie, lang, 365*24*time.Hour)
	}
	http.Redirect(w, r, safeReturn(r.URL.Query().Get("return")), http.StatusSeeOther)
}

func (s *Server) handleNotFound(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, errNotFound)
}
