package server

import (
	"bytes"
	"fmt"
	"net/http"
)

// renderFragment sends one named template of a page without the layout,
// for live scripts that swap part of a page in place.
func (s *Server) renderFragment(w http.ResponseWriter, r *http.Request, pageName, fragment string, p *page) {
	t, ok := s.pages.pages[pageName]
	if !ok {
		s.fail(w, r, fmt.Errorf("no template %q", pageName))
		return
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := t.ExecuteTemplate(buf, fragment, p); err != nil {
		s.log.Error("render", "page", pageName, "fragment", fragment, "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	s.sendHTML(w, r, http.StatusOK, p.Lang, buf.Bytes())
}
