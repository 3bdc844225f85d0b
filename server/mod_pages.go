package server

import (
	"net/http"
	"strings"

	"github.com/consult-platform/consult/consultations"
	"github.com/consult-platform/consult/moderation"
)

// modAppealsView lists open appeals for moderators.
type modAppealsView struct {
	Appeals []moderation.OpenAppeal
	Failed  string // the appeal whose form had errors
	Outcome string
	Text    string
	Inline  map[string]string
}

func (s *Server) handleModAppeals(w http.ResponseWriter, r *http.Request) {
	s.renderModAppeals(w, r, http.StatusOK, modAppealsView{}, nil)
}

func (s *Server) renderModAppeals(w http.ResponseWriter, r *http.Request, status int, v modAppealsView, formErr error) {
	if user(r) == nil {
		http.Redirect(w, r, signInURL("/moderation/appeals"), http.StatusSeeOther)
		return
	}
	list, err := s.mod.OpenAppeals(r.Context(), actorOf(user(r)))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Appeals = list
	p := s.newPage(r, reqOf(r).loc.T("ModAppealsTitle"), &v)
	if formErr != nil {
		id := "appeal-" + v.Failed
		p.Errors, v.Inline = s.formErrors(r, renameFields(formErr, map[string]string{"outcome": id + "-outcome", "response": id + "-response"}), []string{id + "-outcome", id + "-response"})
	}
	s.render(w, r, status, "mod-appeals", p)
}

func (s *Server) handleModAppealDecision(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	in := moderation.AppealDecisionInput{Outcome: r.PostFormValue("outcome"), Response: strings.ReplaceAll(r.PostFormValue("response"), "\r\n", "\n")}
	if _, err := s.mod.DecideAppeal(r.Context(), actorOf(user(r)), id, in); err != nil {
		if code, _, _, _ := classify(err); code != consultations.EINVALID {
			s.fail(w, r, err)
			return
		}
		s.renderModAppeals(w, r, http.StatusBadRequest, modAppealsView{Failed: id, Outcome: in.Outcome, Text: in.Response}, err)
		return
	}
	http.Redirect(w, r, "/moderation/appeals", http.StatusSeeOther)
}

// myModerationView is the citizen's page of decisions on their
// contributions, each with its statement of reasons and appeal.
type myModerationView struct {
	Decisions []myDecision
	Failed    string
	Text      string
	Inline    map[string]string
}

type myDecision struct {
	moderation.AppealDecision
	Slug string
}

func (s *Server) handleMyModeration(w http.ResponseWriter, r *http.Request) {
	s.renderMyModeration(w, r, http.StatusOK, myModerationView{}, nil)
}

func (s *Server) renderMyModeration(w http.ResponseWriter, r *http.Request, status int, v myModerationView, formErr error) {
	if user(r) == nil {
		http.Redirect(w, r, signInURL("/me/moderation"), http.StatusSeeOther)
		return
	}
	ds, err := s.mod.MyDecisions(r.Context(), actorOf(user(r)))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	slugs := map[string]string{}
	for _, d := range ds {
		slug, ok := slugs[d.ConsultationID]
		if !ok {
			if c, err := s.store.Consultation(r.Context(), d.ConsultationID); err == nil {
				slug = c.Slug
			}
			slugs[d.ConsultationID] = slug
		}
		v.Decisions = append(v.Decisions, myDecision{d, slug})
	}
	p := s.newPage(r, reqOf(r).loc.T("ModMyTitle"), &v)
	if formErr != nil {
		id := "appeal-" + v.Failed
		p.Errors, v.Inline = s.formErrors(r, renameFields(formErr, map[string]string{"text": id}), []string{id})
	}
	s.render(w, r, status, "mod-mine", p)
}

func (s *Server) handleMyAppeal(w http.ResponseWriter, r *http.Request) {
	if user(r) == nil {
		http.Redirect(w, r, signInURL("/me/moderation"), http.StatusSeeOther)
		return
	}
	id := r.PathValue("id")
	text := strings.ReplaceAll(r.PostFormValue("text"), "\r\n", "\n")
	if _, err := s.mod.FileAppeal(r.Context(), actorOf(user(r)), id, text); err != nil {
		if code, _, _, _ := classify(err); code != consultations.EINVALID {
			s.fail(w, r, err)
			return
		}
		s.renderMyModeration(w, r, http.StatusBadRequest, myModerationView{Failed: id, Text: text}, err)
		return
	}
	http.Redirect(w, r, "/me/moderation#decision-"+id, http.StatusSeeOther)
}

// modLogView is a consultation's public moderation log.
type modLogView struct {
	C   *consultations.Consultation
	Log *moderation.PublicLog
}

func (s *Server) handleModLogPage(w http.ResponseWriter, r *http.Request) {
	c, err := s.visibleConsultation(r, r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l, err := s.mod.ModerationLog(r.Context(), c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "mod-log", s.newPage(r, reqOf(r).loc.T("ModLogTitle"), modLogView{c, l}))
}
