package server

import (
	"net/http"
	"time"

	"github.com/consult-platform/consult/consultations"
)

// manageEditView is the consultation form, new or editing.
type manageEditView struct {
	Form     *draftForm
	Action   string                      // where the form posts
	C        *consultations.Consultation // nil for a new consultation
	Langs    []langInfo                  // languages in use, main first
	Addable  []langInfo                  // languages that may be added
	Choices  []langInfo                  // for the main language
	Orgs     []consultations.Organisation
	TimeZone string
	Inline   map[string]string
	Limits   map[string]int
}

func (s *Server) handleManageNew(w http.ResponseWriter, r *http.Request) {
	u, ok := s.staffOnly(w, r)
	if !ok {
		return
	}
	main := "en"
	org, err := s.draftOrg(r, u, "")
	if err == nil {
		main = org.DefaultLocale
	}
	f := newDraftForm(main)
	if org != nil {
		f.OrgID = org.ID
	}
	s.renderDraftForm(w, r, http.StatusOK, f, nil, nil)
}

// draftOrg is the organisation a new consultation belongs to: the staff
// member's own, whatever the form says, or for admins the one they chose.
func (s *Server) draftOrg(r *http.Request, u *consultations.User, chosen string) (*consultations.Organisation, error) {
	id := chosen
	if u.Role != consultations.RoleAdmin || id == "" {
		if u.OrgID == nil {
			return nil, &consultations.Error{Code: consultations.EINVALID, Message: consultations.Message{ID: "ErrInvalidInput"},
				Fields: map[string]consultations.Message{"org_id": {ID: "ErrManageOrgRequired"}}}
		}
		id = *u.OrgID
	}
	org, err := s.store.Organisation(r.Context(), id)
	if consultations.ErrorCode(err) == consultations.ENOTFOUND {
		return nil, &consultations.Error{Code: consultations.EINVALID, Message: consultations.Message{ID: "ErrInvalidInput"},
			Fields: map[string]consultations.Message{"org_id": {ID: "ErrManageOrgRequired"}}}
	}
	return org, err
}

func (s *Server) handleManageCreate(w http.ResponseWriter, r *http.Request) {
	u, ok := s.staffOnly(w, r)
	if !ok {
		return
	}
	r.ParseForm()
	f := decodeDraftForm(r.PostForm)
	org, orgErr := s.draftOrg(r, u, f.OrgID)
	if orgErr != nil && !manageFormError(orgErr) {
		s.fail(w, r, orgErr)
		return
	}
	f.OrgID = ""
	if org != nil {
		f.OrgID = org.ID
	}
	if f.apply(r.PostFormValue("action"), r.PostFormValue("add_lang")) {
		s.renderDraftForm(w, r, http.StatusOK, f, nil, nil)
		return
	}
	if orgErr != nil {
		s.renderDraftForm(w, r, http.StatusBadRequest, f, nil, orgErr)
		return
	}
	d, problems := f.draft(orgLocation(org))
	c, err := s.store.CreateConsultation(r.Context(), u, d)
	if err != nil {
		s.draftFailed(w, r, f, nil, mergeProblems(err, problems))
		return
	}
	http.Redirect(w, r, "/manage/consultations/"+c.ID+"?done=created", http.StatusSeeOther)
}

func (s *Server) handleManageEdit(w http.ResponseWriter, r *http.Request) {
	c, ok := s.managedConsultation(w, r)
	if !ok {
		return
	}
	if !editable(c, s.store.Now()) {
		s.fail(w, r, consultations.Errorf(consultations.ECONFLICT, "ErrEditAfterOpen"))
		return
	}
	s.renderDraftForm(w, r, http.StatusOK, draftFormFrom(c, orgLocation(c.Organisation)), c, nil)
}

func (s *Server) handleManageUpdate(w http.ResponseWriter, r *http.Request) {
	c, ok := s.managedConsultation(w, r)
	if !ok {
		return
	}
	r.ParseForm()
	f := decodeDraftForm(r.PostForm)
	f.OrgID = c.OrgID // a consultation never moves between organisations
	if f.apply(r.PostFormValue("action"), r.PostFormValue("add_lang")) {
		s.renderDraftForm(w, r, http.StatusOK, f, c, nil)
		return
	}
	d, problems := f.draft(orgLocation(c.Organisation))
	if _, err := s.store.UpdateConsultation(r.Context(), user(r), c.ID, d); err != nil {
		s.draftFailed(w, r, f, c, mergeProblems(err, problems))
		return
	}
	http.Redirect(w, r, "/manage/consultations/"+c.ID+"?done=saved", http.StatusSeeOther)
}

// draftFailed shows the form again with the store's objections, or an
// error page when the objection is not about the form (forbidden, gone).
func (s *Server) draftFailed(w http.ResponseWriter, r *http.Request, f *draftForm, c *consultations.Consultation, err error) {
	if !manageFormError(err) {
		s.fail(w, r, err)
		return
	}
	_, status, _, _ := classify(err)
	s.renderDraftForm(w, r, status, f, c, err)
}

func (s *Server) renderDraftForm(w http.ResponseWriter, r *http.Request, status int, f *draftForm, c *consultations.Consultation, err error) {
	loc := reqOf(r).loc
	v := &manageEditView{
		Form: f, C: c, Action: "/manage/consultations", Inline: map[string]string{},
		Langs: s.langInfos(f.Langs, f.DefaultLocale), Addable: s.langChoices(nil, f.Langs),
		Choices: s.langChoices(f.Langs, nil),
		Limits: map[string]int{
			"Sections": consultations.MaxSections, "Documents": maxFormDocuments, "Questions": consultations.MaxQuestions,
			"Langs": maxFormLangs,
		},
	}
	title := loc.T("ManageNewTitle")
	var org *consultations.Organisation
	if c != nil {
		v.Action = "/manage/consultations/" + c.ID
		title = loc.T("ManageEditTitle")
		org = c.Organisation
	} else {
		u := user(r)
		if u.Role == consultations.RoleAdmin {
			v.Orgs, _ = s.store.Organisations(r.Context())
		}
		org, _ = s.draftOrg(r, u, f.OrgID)
	}
	v.TimeZone = orgLocation(org).String()
	p := s.newPage(r, title, v)
	if err != nil {
		var summary []fieldError
		summary, v.Inline = s.formErrors(r, err, f.fieldOrder())
		p.Errors = anchorErrors(loc, summary, v.Inline, f.DefaultLocale, nil)
		p.Title = loc.T("ManageErrorPrefix") + " " + title
	}
	s.render(w, r, status, "manage-edit", p)
}

// editable reports whether a consultation's content may still change.
func editable(c *consultations.Consultation, now time.Time) bool {
	st := c.EffectiveStatus(now)
	return st == consultations.StatusDraft || st == consultations.StatusScheduled
}
