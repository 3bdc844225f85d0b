package server

import (
	"net/http"
	"strconv"

	"github.com/consult-platform/consult/consultations/opinion"
)

// opinionMapState is a map's settings with where the caller stands.
type opinionMapState struct {
	*opinion.Map
	Open bool `json:"open"` // votes and statements are taken now
}

func (s *Server) handleAPIOpinionGet(w http.ResponseWriter, r *http.Request) {
	c, err := s.apiConsultation(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	m, err := s.opinion.Map(r.Context(), c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, opinionMapState{Map: m, Open: c.AcceptsInput(s.store.Now())})
}

// handleAPIOpinionEnable turns a consultation's opinion map on, or
// changes whether participants may add statements: staff only.
func (s *Server) handleAPIOpinionEnable(w http.ResponseWriter, r *http.Request) {
	if user(r) == nil {
		s.fail(w, r, errSignInRequired)
		return
	}
	var in struct {
		ParticipantStatements bool `json:"participant_statements"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	m, err := s.opinion.EnableMap(r.Context(), user(r), r.PathValue("id"), in.ParticipantStatements)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.Changed(m.ConsultationID)
	s.writeJSON(w, http.StatusOK, m)
}

func (s *Server) handleAPIOpinionStatements(w http.ResponseWriter, r *http.Request) {
	c, err := s.apiConsultation(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.opinion.Map(r.Context(), c.ID); err != nil {
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
	items, next, err := s.opinion.Statements(r.Context(), c.ID, user(r).IsStaffOf(c.OrgID), r.URL.Query().Get("cursor"), limit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if items == nil {
		items = []opinion.Statement{}
	}
	s.writeJSON(w, http.StatusOK, listResponse[opinion.Statement]{items, next})
}

func (s *Server) handleAPIOpinionStatementCreate(w http.ResponseWriter, r *http.Request) {
	if user(r) == nil {
		s.fail(w, r, errSignInRequired)
		return
	}
	var in opinion.NewStatement
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if in.Locale == "" {
		in.Locale = reqOf(r).loc.Tag
	}
	st, err := s.opinion.AddStatement(r.Context(), user(r), r.PathValue("id"), in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusCreated, st)
}

// handleAPIOpinionNext gives the signed-in participant the statement to
// vote on next, or 204 when none is left.
func (s *Server) handleAPIOpinionNext(w http.ResponseWriter, r *http.Request) {
	if user(r) == nil {
		s.fail(w, r, errSignInRequired)
		return
	}
	c, err := s.apiConsultation(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.opinion.Map(r.Context(), c.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	st, err := s.opinion.Next(r.Context(), user(r).ID, c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if st == nil {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	s.writeJSON(w, http.StatusOK, st)
}

// opinionReport is the public report with the caller's own standing.
type opinionReport struct {
	*opinion.Report
	Standing *opinion.Standing `json:"standing"`
}

func (s *Server) handleAPIOpinionReport(w http.ResponseWriter, r *http.Request) {
	c, err := s.apiConsultation(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rep, err := s.opinion.Report(r.Context(), user(r), c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if rep == nil {
		rep = &opinion.Report{}
	}
	st, err := s.opinion.Standing(r.Context(), user(r), c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, opinionReport{Report: rep, Standing: st})
}

// handleAPIOpinionExport sends the map in Pol.is's format, one file per
// request: comments.csv or votes.csv. Staff only.
func (s *Server) handleAPIOpinionExport(w http.ResponseWriter, r *http.Request) {
	if user(r) == nil {
		s.fail(w, r, errSignInRequired)
		return
	}
	file := r.PathValue("file")
	if file != "comments.csv" && file != "votes.csv" {
		s.fail(w, r, errNotFound)
		return
	}
	var comments, votes discardOr
	target := &comments
	if file == "votes.csv" {
		target = &votes
	}
	target.keep = true
	if err := s.opinion.Export(r.Context(), user(r), r.PathValue("id"), &comments, &votes); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+file+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(target.buf)
}

// discardOr keeps what is written to it only when keep is set.
type discardOr struct {
	keep bool
	buf  []byte
}

func (d *discardOr) Write(p []byte) (int, error) {
	if d.keep {
		d.buf = append(d.buf, p...)
	}
	return len(p), nil
}

// opinionVote is a vote as the API takes and returns it.
type opinionVote struct {
	StatementID string `json:"statement_id"`
	Vote        *int   `json:"vote"`
}

func (s *Server) handleAPIOpinionVote(w http.ResponseWriter, r *http.Request) {
	if user(r) == nil {
		s.fail(w, r, errSignInRequired)
		return
	}
	var in struct {
		Vote *int `json:"vote"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if in.Vote == nil {
		s.fail(w, r, invalidField("vote", "ErrOpinionVoteInvalid"))
		return
	}
	// HOOK(moderation): votes pass the same per-client rate limit as
	// comments (middleware); campaign detection plugs in as opinion.Store.Guard.
	id := r.PathValue("id")
	if err := s.opinion.Vote(r.Context(), user(r), id, *in.Vote); err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, opinionVote{StatementID: id, Vote: in.Vote})
}

func (s *Server) handleAPIOpinionModerate(w http.ResponseWriter, r *http.Request) {
	if user(r) == nil {
		s.fail(w, r, errSignInRequired)
		return
	}
	var in struct {
		Status opinion.StatementStatus `json:"status"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	st, err := s.opinion.ModerateStatement(r.Context(), user(r), r.PathValue("id"), in.Status)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, st)
}
