package server

import (
	"fmt"
	"net/http"

	"github.com/consult-platform/consult/consultations"
)

// manageConsultationView is one consultation's staff page: its state,
// dates, counts and what may be done with it next.
type manageConsultationView struct {
	C           *consultations.Consultation
	Status      consultations.Status
	TimeZone    string
	Langs       []langInfo
	Editable    bool
	CanSchedule bool
	CanOpen     bool
	CanClose    bool
	CanOutcome  bool
	CanAssist   bool
	Done        string // a translated "what just happened" message
}

// doneMessages are the outcomes a redirect may announce (?done=…).
var doneMessages = map[string]string{
	"created": "ManageDoneCreated", "saved": "ManageDoneSaved", "scheduled": "ManageDoneScheduled",
	"open": "ManageDoneOpened", "closed": "ManageDoneClosed", "published": "ManageDonePublished",
}

func (s *Server) manageConsultationView(r *http.Request, c *consultations.Consultation) *manageConsultationView {
	now := s.store.Now()
	st := c.EffectiveStatus(now)
	v := &manageConsultationView{
		C: c, Status: st, TimeZone: orgLocation(c.Organisation).String(),
		Langs:       s.langInfos(c.Title.Languages(), c.DefaultLocale),
		Editable:    editable(c, now),
		CanSchedule: st == consultations.StatusDraft && c.OpensAt.After(now),
		CanOpen:     st == consultations.StatusDraft || st == consultations.StatusScheduled,
		CanClose:    st == consultations.StatusOpen,
		CanOutcome:  st == consultations.StatusClosed || st == consultations.StatusOutcomePublished,
		CanAssist:   c.AcceptsInput(now),
	}
	if id, ok := doneMessages[r.URL.Query().Get("done")]; ok {
		v.Done = reqOf(r).loc.T(id)
	}
	return v
}

func (s *Server) handleManageConsultation(w http.ResponseWriter, r *http.Request) {
	c, ok := s.managedConsultation(w, r)
	if !ok {
		return
	}
	title, _ := c.Title.Pick(reqOf(r).loc.Tag, c.DefaultLocale)
	s.render(w, r, http.StatusOK, "manage-consultation", s.newPage(r, title, s.manageConsultationView(r, c)))
}

// handleManageStatus schedules, opens or closes a consultation. Opening
// and closing are shown on a confirmation page first (confirm=yes sends).
func (s *Server) handleManageStatus(w http.ResponseWriter, r *http.Request) {
	c, ok := s.managedConsultation(w, r)
	if !ok {
		return
	}
	loc := reqOf(r).loc
	to := consultations.Status(r.PostFormValue("status"))
	var err error
	switch to {
	case consultations.StatusOpen, consultations.StatusClosed:
		if r.PostFormValue("confirm") != "yes" {
			title := loc.T("ManageConfirm_" + string(to))
			s.render(w, r, http.StatusOK, "manage-confirm", s.newPage(r, title, struct {
				C        *consultations.Consultation
				To       consultations.Status
				TimeZone string
			}{c, to, orgLocation(c.Organisation).String()}))
			return
		}
		_, err = s.store.SetStatus(r.Context(), user(r), c.ID, to)
	case consultations.StatusScheduled:
		_, err = s.store.SetStatus(r.Context(), user(r), c.ID, to)
	default:
		err = invalidField("", "ErrStatusInvalid")
	}
	if err != nil {
		if !manageFormError(err) {
			s.fail(w, r, err)
			return
		}
		_, status, _, _ := classify(err)
		title, _ := c.Title.Pick(loc.Tag, c.DefaultLocale)
		p := s.newPage(r, loc.T("ManageErrorPrefix")+" "+title, s.manageConsultationView(r, c))
		p.Errors, _ = s.formErrors(r, s.readableTransition(r, err), nil)
		s.render(w, r, status, "manage-consultation", p)
		return
	}
	http.Redirect(w, r, "/manage/consultations/"+c.ID+"?done="+string(to), http.StatusSeeOther)
}

// readableTransition names the statuses in a refused transition in the
// reader's language rather than as stored words.
func (s *Server) readableTransition(r *http.Request, err error) error {
	e, ok := err.(*consultations.Error)
	if !ok || e.Message.ID != "ErrBadTransition" {
		return err
	}
	loc := reqOf(r).loc
	data := map[string]any{}
	for k, v := range e.Message.Data {
		data[k] = loc.T("ManageStatusWord_" + fmt.Sprint(v))
	}
	return &consultations.Error{Code: e.Code, Message: consultations.Message{ID: e.Message.ID, Data: data}}
}
