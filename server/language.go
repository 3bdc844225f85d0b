package server

import (
	"net/http"
	"net/url"
	"time"

	"github.com/consult-platform/consult/consultations"
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

// languageChoice is the reader's explicit choice of language: ?lang= in
// the address (the alternate-language links; it lasts for that request
// only), else the switcher's cookie, else the account's language.
func (s *Server) languageChoice(r *http.Request, u *consultations.User) string {
	if q := r.URL.Query().Get("lang"); s.i18n.Supported(q) {
		return q
	}
	if c, err := r.Cookie(langCookie); err == nil && s.i18n.Supported(c.Value) {
		return c.Value
	}
	if u != nil && s.i18n.Supported(u.Locale) {
		return u.Locale
	}
	return ""
}

// useOrganisationLanguage lets a page that belongs to an organisation
// fall back to its default language when the reader made no choice and
// Accept-Language names none of ours.
func (s *Server) useOrganisationLanguage(r *http.Request, orgDefault string) {
	rq := reqOf(r)
	if rq.loc == nil || rq.langChoice != "" {
		return
	}
	rq.loc = s.i18n.Localizer(s.i18n.Match("", r.Header.Get("Accept-Language"), orgDefault))
}

// alternate is a link to the same page in another interface language.
type alternate struct {
	Lang string
	URL  string
}

// withoutLang is the request's address without its ?lang= parameter, so
// that returning to it after changing language keeps the new choice.
func withoutLang(u *url.URL) string {
	q := u.Query()
	if !q.Has("lang") {
		return u.RequestURI()
	}
	q.Del("lang")
	v := *u
	v.RawQuery = q.Encode()
	return v.RequestURI()
}

// alternates lists the page's address in every interface language, for
// <link rel="alternate" hreflang>.
func (s *Server) alternates(u *url.URL) []alternate {
	langs := s.i18n.Languages()
	out := make([]alternate, 0, len(langs))
	for _, l := range langs {
		q := u.Query()
		q.Set("lang", l.Tag)
		v := url.URL{Path: u.Path, RawQuery: q.Encode()}
		out = append(out, alternate{Lang: l.Tag, URL: v.RequestURI()})
	}
	return out
}
