package server

import (
	"net/http"
	"net/url"

	"github.com/consult-platform/consult/consultations"
	"github.com/consult-platform/consult/moderation"
)

// modWordsView is the staff page of an organisation's watched words.
type modWordsView struct {
	Orgs    []consultations.Organisation
	OrgID   string
	Words   []moderation.WatchedWord
	Actions []moderation.WordAction
	Form    moderation.NewWatchedWord
	Inline  map[string]string
}

// wordsOrg picks the organisation whose words the page shows: staff see
// their own; admins choose.
func wordsOrg(r *http.Request, u *consultations.User) string {
	if u.Role == consultations.RoleAdmin {
		if o := r.FormValue("org"); o != "" {
			return o
		}
	}
	if u.OrgID != nil {
		return *u.OrgID
	}
	return ""
}

func (s *Server) handleModWords(w http.ResponseWriter, r *http.Request) {
	s.renderModWords(w, r, http.StatusOK, moderation.NewWatchedWord{}, nil)
}

func (s *Server) renderModWords(w http.ResponseWriter, r *http.Request, status int, form moderation.NewWatchedWord, formErr error) {
	u := user(r)
	if u == nil {
		http.Redirect(w, r, signInURL("/manage/watched-words"), http.StatusSeeOther)
		return
	}
	v := &modWordsView{OrgID: wordsOrg(r, u), Form: form, Actions: []moderation.WordAction{moderation.WordBlock, moderation.WordHold, moderation.WordFlag, moderation.WordMask}}
	if u.Role == consultations.RoleAdmin {
		orgs, err := s.store.Organisations(r.Context())
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.Orgs = orgs
		if v.OrgID == "" && len(orgs) > 0 {
			v.OrgID = orgs[0].ID
		}
	}
	words, err := s.mod.WatchedWords(r.Context(), actorOf(u), v.OrgID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Words = words
	p := s.newPage(r, reqOf(r).loc.T("ModWordsTitle"), v)
	if formErr != nil {
		p.Errors, v.Inline = s.formErrors(r, renameFields(formErr, map[string]string{"word": "word", "action": "word-action", "locale": "word-locale"}), []string{"word", "word-locale", "word-action"})
	}
	s.render(w, r, status, "mod-words", p)
}

func (s *Server) handleModWordAdd(w http.ResponseWriter, r *http.Request) {
	u := user(r)
	if u == nil {
		http.Redirect(w, r, signInURL("/manage/watched-words"), http.StatusSeeOther)
		return
	}
	org := wordsOrg(r, u)
	n := moderation.NewWatchedWord{Word: r.PostFormValue("word"), Locale: r.PostFormValue("locale"), Action: moderation.WordAction(r.PostFormValue("action"))}
	if _, err := s.mod.AddWatchedWord(r.Context(), actorOf(u), org, n); err != nil {
		if code, _, _, _ := classify(err); code != consultations.EINVALID {
			s.fail(w, r, err)
			return
		}
		s.renderModWords(w, r, http.StatusBadRequest, n, err)
		return
	}
	http.Redirect(w, r, "/manage/watched-words?org="+url.QueryEscape(org), http.StatusSeeOther)
}

func (s *Server) handleModWordDelete(w http.ResponseWriter, r *http.Request) {
	if err := s.mod.RemoveWatchedWord(r.Context(), actorOf(user(r)), r.PathValue("id")); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/manage/watched-words?org="+url.QueryEscape(r.PostFormValue("org")), http.StatusSeeOther)
}

// modAuditView is the admin's audit log search.
type modAuditView struct {
	Entries    []moderation.AuditEntry
	NextCursor string
	Query      url.Values
	CSV        string
}

func (s *Server) handleModAudit(w http.ResponseWriter, r *http.Request) {
	if user(r) == nil {
		http.Redirect(w, r, signInURL("/admin/audit"), http.StatusSeeOther)
		return
	}
	f, err := auditFilter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	entries, next, err := s.mod.Audit(r.Context(), actorOf(user(r)), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	q.Del("cursor")
	v := modAuditView{Entries: entries, NextCursor: next, Query: q, CSV: "/admin/audit.csv?" + q.Encode()}
	s.render(w, r, http.StatusOK, "mod-audit", s.newPage(r, reqOf(r).loc.T("ModAuditTitle"), v))
}

// NextURL is the link to the next page of results.
func (v modAuditView) NextURL() string {
	q := url.Values{}
	for k, vs := range v.Query {
		q[k] = vs
	}
	q.Set("cursor", v.NextCursor)
	return "/admin/audit?" + q.Encode()
}
