package server

import (
	"net/http"
	"strings"

	"github.com/consult-platform/consult/consultations"
	"github.com/consult-platform/consult/moderation"
)

// modReportView is the report form for one contribution.
type modReportView struct {
	Comment *consultations.Comment
	Slug    string
	Reasons []string
	Reason  string
	Text    string
	Inline  map[string]string
	Done    bool
}

// handleReportForm shows the form to report a contribution.
func (s *Server) handleReportForm(w http.ResponseWriter, r *http.Request) {
	if user(r) == nil {
		http.Redirect(w, r, signInURL(r.URL.Path), http.StatusSeeOther)
		return
	}
	s.renderReport(w, r, http.StatusOK, modReportView{}, nil)
}

// handleReport records a report, then thanks the reporter.
func (s *Server) handleReport(w http.ResponseWriter, r *http.Request) {
	if user(r) == nil {
		http.Redirect(w, r, signInURL(r.URL.Path), http.StatusSeeOther)
		return
	}
	v := modReportView{Reason: r.PostFormValue("reason"), Text: strings.ReplaceAll(r.PostFormValue("text"), "\r\n", "\n")}
	err := s.mod.Report(r.Context(), actorOf(user(r)), moderation.KindComment, r.PathValue("id"), v.Reason, v.Text)
	if err == nil || moderation.ErrorCode(err) == moderation.ECONFLICT {
		v.Done = true
		s.renderReport(w, r, http.StatusOK, v, nil)
		return
	}
	s.renderReport(w, r, http.StatusBadRequest, v, err)
}

func (s *Server) renderReport(w http.ResponseWriter, r *http.Request, status int, v modReportView, formErr error) {
	cm, slug, err := s.contributionTarget(r, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if cm.Status != consultations.CommentPublished {
		s.fail(w, r, consultations.Errorf(consultations.ENOTFOUND, "ErrCommentNotFound"))
		return
	}
	if formErr != nil {
		if code, _, _, _ := classify(formErr); code != consultations.EINVALID {
			s.fail(w, r, formErr)
			return
		}
	}
	v.Comment, v.Slug, v.Reasons = cm, slug, moderation.ReportReasons
	loc := reqOf(r).loc
	title := loc.T("ModReportTitle")
	if v.Done {
		title = loc.T("ModReportDoneTitle")
	}
	p := s.newPage(r, title, v)
	if formErr != nil {
		p.Errors, v.Inline = s.formErrors(r, renameFields(formErr, map[string]string{"reason": "report-reason", "text": "report-text"}), []string{"report-reason", "report-text"})
		p.Title = loc.T("ErrorPrefix") + " " + title
		p.Data = v
	}
	s.render(w, r, status, "mod-report", p)
}

// renameFields maps an error's field names to the ids of a form's inputs.
func renameFields(err error, ids map[string]string) error {
	code, _, msg, fields := classify(err)
	out := &consultations.Error{Code: code, Message: msg, Fields: map[string]consultations.Message{}}
	for f, m := range fields {
		if id, ok := ids[f]; ok {
			f = id
		}
		out.Fields[f] = m
	}
	return out
}
