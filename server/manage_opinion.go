package server

import (
	"net/http"

	"github.com/consult-platform/consult/consultations"
	"github.com/consult-platform/consult/consultations/opinion"
)

// manageOpinionView is the staff page of a consultation's opinion map.
type manageOpinionView struct {
	C          *consultations.Consultation
	Title      string
	Map        *opinion.Map // nil until turned on
	Statements []opinion.Statement
	Body       string
	Inline     string
	Imported   *opinion.ImportSummary
}

func (s *Server) manageOpinionPage(w http.ResponseWriter, r *http.Request, c *consultations.Consultation, status int, v *manageOpinionView, err error) {
	title, _ := c.Title.Pick(reqOf(r).loc.Tag, c.DefaultLocale)
	v.C, v.Title = c, title
	if m, merr := s.opinion.Map(r.Context(), c.ID); merr == nil {
		v.Map = m
		list, _, lerr := s.opinion.Statements(r.Context(), c.ID, true, "", 500)
		if lerr != nil {
			s.fail(w, r, lerr)
			return
		}
		v.Statements = list
	}
	p := s.newPage(r, reqOf(r).loc.T("OpinionManageTitle", map[string]any{"Title": title}), v)
	if err != nil {
		p.Errors, _ = s.formErrors(r, err, []string{"body"})
		for i := range p.Errors {
			if p.Errors[i].Field == "body" || p.Errors[i].Field == "" {
				p.Errors[i].Field = "seed-body"
			}
		}
		v.Inline = p.Errors[0].Message
	}
	s.render(w, r, status, "opinion-manage", p)
}

func (s *Server) handleManageOpinion(w http.ResponseWriter, r *http.Request) {
	c, ok := s.managedConsultation(w, r)
	if !ok {
		return
	}
	s.manageOpinionPage(w, r, c, http.StatusOK, &manageOpinionView{}, nil)
}

// handleManageOpinionSettings turns the map on and sets whether
// participants may add statements.
func (s *Server) handleManageOpinionSettings(w http.ResponseWriter, r *http.Request) {
	c, ok := s.managedConsultation(w, r)
	if !ok {
		return
	}
	if _, err := s.opinion.EnableMap(r.Context(), user(r), c.ID, r.PostFormValue("participant_statements") == "1"); err != nil {
		s.fail(w, r, err)
		return
	}
	s.Changed(c.ID)
	http.Redirect(w, r, "/manage/consultations/"+c.ID+"/opinion", http.StatusSeeOther)
}

func (s *Server) handleManageOpinionSeed(w http.ResponseWriter, r *http.Request) {
	c, ok := s.managedConsultation(w, r)
	if !ok {
		return
	}
	body := r.PostFormValue("body")
	_, err := s.opinion.AddStatement(r.Context(), user(r), c.ID, opinion.NewStatement{Body: body, Locale: c.DefaultLocale})
	if err == nil {
		http.Redirect(w, r, "/manage/consultations/"+c.ID+"/opinion#statements", http.StatusSeeOther)
		return
	}
	code, status, _, _ := classify(err)
	if code != consultations.EINVALID && code != consultations.ECONFLICT && code != consultations.ECLOSED {
		s.fail(w, r, err)
		return
	}
	s.manageOpinionPage(w, r, c, status, &manageOpinionView{Body: body}, err)
}

// handleManageOpinionImport imports a Pol.is export uploaded as two files.
func (s *Server) handleManageOpinionImport(w http.ResponseWriter, r *http.Request) {
	c, ok := s.managedConsultation(w, r)
	if !ok {
		return
	}
	comments, _, err := r.FormFile("comments")
	if err != nil {
		s.manageOpinionPage(w, r, c, http.StatusBadRequest, &manageOpinionView{}, invalidField("body", "ErrOpinionImportFiles"))
		return
	}
	defer comments.Close()
	votes, _, err := r.FormFile("votes")
	if err != nil {
		s.manageOpinionPage(w, r, c, http.StatusBadRequest, &manageOpinionView{}, invalidField("body", "ErrOpinionImportFiles"))
		return
	}
	defer votes.Close()
	conv, err := opinion.ReadPolis(comments, votes)
	if err != nil {
		s.manageOpinionPage(w, r, c, http.StatusBadRequest, &manageOpinionView{},
			invalidFieldData("body", "ErrOpinionImportUnreadable", map[string]any{"Detail": err.Error()}))
		return
	}
	sum, err := s.opinion.Import(r.Context(), user(r), c.ID, conv)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.manageOpinionPage(w, r, c, http.StatusOK, &manageOpinionView{Imported: sum}, nil)
}

// handleManageOpinionModerate publishes or removes a statement.
func (s *Server) handleManageOpinionModerate(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.staffOrModerator(w, r); !ok {
		return
	}
	st, err := s.opinion.ModerateStatement(r.Context(), user(r), r.PathValue("id"), opinion.StatementStatus(r.PostFormValue("status")))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/manage/consultations/"+st.ConsultationID+"/opinion#statement-"+st.ID, http.StatusSeeOther)
}

// staffOrModerator lets staff and moderators through, sending others to
// sign in or refusing them.
func (s *Server) staffOrModerator(w http.ResponseWriter, r *http.Request) (*consultations.User, bool) {
	u := user(r)
	if u != nil && u.Role == consultations.RoleModerator {
		return u, true
	}
	return s.staffOnly(w, r)
}
