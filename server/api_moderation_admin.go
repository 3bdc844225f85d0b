package server

import (
	"net/http"
	"time"

	"github.com/consult-platform/consult/moderation"
)

func (s *Server) handleAPIWatchedWordList(w http.ResponseWriter, r *http.Request) {
	words, err := s.mod.WatchedWords(r.Context(), actorOf(user(r)), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"items": words})
}

func (s *Server) handleAPIWatchedWordCreate(w http.ResponseWriter, r *http.Request) {
	var in moderation.NewWatchedWord
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	word, err := s.mod.AddWatchedWord(r.Context(), actorOf(user(r)), r.PathValue("id"), in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusCreated, word)
}

func (s *Server) handleAPIWatchedWordDelete(w http.ResponseWriter, r *http.Request) {
	if err := s.mod.RemoveWatchedWord(r.Context(), actorOf(user(r)), r.PathValue("id")); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// auditFilter reads an audit search from the query string; from and to
// are dates (YYYY-MM-DD), to inclusive.
func auditFilter(r *http.Request) (moderation.AuditFilter, error) {
	q := r.URL.Query()
	f := moderation.AuditFilter{ActorID: q.Get("actor"), Action: q.Get("action"), Subject: q.Get("subject"), Text: q.Get("q"), Cursor: q.Get("cursor")}
	for name, dst := range map[string]*time.Time{"from": &f.From, "to": &f.To} {
		if v := q.Get(name); v != "" {
			t, err := time.Parse("2006-01-02", v)
			if err != nil {
				return f, invalidField(name, "ErrModDateInvalid")
			}
			*dst = t
		}
	}
	if !f.To.IsZero() {
		f.To = f.To.Add(24 * time.Hour)
	}
	return f, nil
}

func (s *Server) handleAPIAudit(w http.ResponseWriter, r *http.Request) {
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
	if entries == nil {
		entries = []moderation.AuditEntry{}
	}
	s.writeJSON(w, http.StatusOK, listResponse[moderation.AuditEntry]{entries, next})
}

// handleAuditCSV exports the audit log (filtered like the search) as CSV.
// It checks the admin role before writing anything, so a refusal is a
// normal error answer.
func (s *Server) handleAuditCSV(w http.ResponseWriter, r *http.Request) {
	f, err := auditFilter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	actor := actorOf(user(r))
	if _, _, err := s.mod.Audit(r.Context(), actor, moderation.AuditFilter{Limit: 1}); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="consult-audit-`+s.store.Now().Format("2006-01-02")+`.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	if err := s.mod.AuditCSV(r.Context(), actor, f, w); err != nil {
		s.log.Error("audit export", "error", err)
	}
}

type scopesRequest struct {
	OrgIDs []string `json:"org_ids"`
}

func (s *Server) handleAPIModeratorScopes(w http.ResponseWriter, r *http.Request) {
	var in scopesRequest
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	id := r.PathValue("id")
	if err := s.mod.SetScopes(r.Context(), actorOf(user(r)), id, in.OrgIDs); err != nil {
		s.fail(w, r, err)
		return
	}
	orgs, err := s.mod.Scopes(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if orgs == nil {
		orgs = []string{}
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"user_id": id, "org_ids": orgs})
}
