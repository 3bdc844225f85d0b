package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/consult-platform/consult/consultations"
)

func (s *Server) handleAPICommentList(w http.ResponseWriter, r *http.Request) {
	c, err := s.apiConsultation(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	limit := 100
	if l := r.URL.Query().Get("limit"); l != "" {
		if limit, err = strconv.Atoi(l); err != nil || limit < 1 || limit > 500 {
			s.fail(w, r, invalidFieldData("limit", "ErrLimitRange", map[string]any{"Max": 500}))
			return
		}
	}
	items, next, err := s.store.CommentPage(r.Context(), c.ID, r.URL.Query().Get("cursor"), limit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if items == nil {
		items = []consultations.Comment{}
	}
	s.writeJSON(w, http.StatusOK, listResponse[consultations.Comment]{items, next})
}

// idemKey scopes a client's Idempotency-Key to the caller and the route,
// so one client's key can never replay another's result.
func idemKey(r *http.Request, route string) (consultations.IdemKey, error) {
	key := r.Header.Get("Idempotency-Key")
	if len(key) > 200 {
		return consultations.IdemKey{}, invalidField("Idempotency-Key", "ErrIdempotencyKeyTooLong")
	}
	who := "ip:" + clientIP(r)
	if u := user(r); u != nil {
		who = "user:" + u.ID
	}
	return consultations.IdemKey{Scope: who + " " + route + " " + r.PathValue("id"), Key: key}, nil
}

// replayed answers a retried request with what its first attempt made.
// It reports false when the key has not been used.
func (s *Server) replayed(w http.ResponseWriter, r *http.Request, key consultations.IdemKey) bool {
	ref, ok, err := s.store.IdempotentRef(r.Context(), key)
	if err != nil {
		s.fail(w, r, err)
		return true
	}
	if !ok {
		return false
	}
	kind, id, _ := strings.Cut(ref, ":")
	w.Header().Set("Idempotent-Replayed", "true")
	switch kind {
	case "comment":
		s.replayComment(w, r, id)
	case "response":
		resp, err := s.store.ResponseByID(r.Context(), id)
		if err != nil {
			s.fail(w, r, err)
			return true
		}
		s.writeJSON(w, http.StatusCreated, responseReceipt(resp))
	case "consultation":
		c, err := s.store.Consultation(r.Context(), id)
		if err != nil {
			s.fail(w, r, err)
			return true
		}
		s.writeJSON(w, http.StatusCreated, c)
	case "user":
		u, err := s.store.User(r.Context(), id)
		if err != nil {
			s.fail(w, r, err)
			return true
		}
		s.writeJSON(w, http.StatusCreated, u)
	default:
		s.fail(w, r, errors.New("unknown idempotency ref "+ref))
	}
	return true
}

func (s *Server) handleAPICommentCreate(w http.ResponseWriter, r *http.Request) {
	if user(r) == nil {
		s.fail(w, r, errSignInRequired)
		return
	}
	key, err := idemKey(r, "comments")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// A retry is recognised when posting fails (its key is taken, or the
	// consultation has closed since the first attempt): looking the key up
	// before every post would cost the hot path a read for a rare case.
	var in consultations.NewComment
	if err := decodeJSON(r, &in); err != nil {
		if key.Key == "" || !s.commentReplayed(w, r, key) {
			s.fail(w, r, err)
		}
		return
	}
	in.Channel = string(consultations.ChannelAPI)
	if in.Locale == "" {
		in.Locale = reqOf(r).loc.Tag
	}
	cm, err := s.store.PostComment(r.Context(), user(r), r.PathValue("id"), in, key)
	if err != nil {
		if key.Key == "" || !s.commentReplayed(w, r, key) {
			s.fail(w, r, err)
		}
		return
	}
	s.writeJSON(w, http.StatusCreated, cm)
}

// commentReplayed answers a retried comment with the comment its first
// attempt stored, found by its retry key (kept in the comment row, or in
// idempotency_keys for comments stored before migration 0014 that could
// not keep theirs). It reports false when the key has not been used.
func (s *Server) commentReplayed(w http.ResponseWriter, r *http.Request, key consultations.IdemKey) bool {
	id, ok, err := s.store.RetriedComment(r.Context(), user(r), r.PathValue("id"), key.Key)
	if err != nil {
		s.fail(w, r, err)
		return true
	}
	if !ok {
		return s.replayed(w, r, key)
	}
	w.Header().Set("Idempotent-Replayed", "true")
	s.replayComment(w, r, id)
	return true
}

// replayComment answers a retry with the comment its first attempt stored.
func (s *Server) replayComment(w http.ResponseWriter, r *http.Request, id string) {
	cm, err := s.store.Comment(r.Context(), user(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusCreated, cm)
}

// handleAPICommentGet shows one comment, reply or idea: published ones to
// everyone, a pending one to its author only, a removed one as a notice
// without its text.
func (s *Server) handleAPICommentGet(w http.ResponseWriter, r *http.Request) {
	cm, err := s.store.Comment(r.Context(), user(r), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, cm)
}

// handleAPICommentDelete lets an author delete their own contribution.
func (s *Server) handleAPICommentDelete(w http.ResponseWriter, r *http.Request) {
	if user(r) == nil {
		s.fail(w, r, errSignInRequired)
		return
	}
	if err := s.store.DeleteComment(r.Context(), user(r), r.PathValue("id")); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
