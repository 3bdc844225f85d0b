package server

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/consult-platform/consult/consultations"
)

// manageAssistedView is the form on which staff enter a paper or
// telephone response for someone without an account.
type manageAssistedView struct {
	C         *consultations.Consultation
	Values    map[string][]string // question id → what was chosen or typed
	Locale    string
	Langs     []langInfo
	Inline    map[string]string
	Token     string // the form's idempotency key: sending twice stores once
	Reference string // set once stored
}

func (s *Server) assistedAllowed(w http.ResponseWriter, r *http.Request, c *consultations.Consultation) bool {
	now := s.store.Now()
	if c.AcceptsInput(now) {
		return true
	}
	id := "ErrClosed"
	if now.Before(c.OpensAt) {
		id = "ErrNotYetOpen"
	}
	s.fail(w, r, consultations.Errorf(consultations.ECLOSED, id))
	return false
}

func (s *Server) handleManageAssisted(w http.ResponseWriter, r *http.Request) {
	c, ok := s.managedConsultation(w, r)
	if !ok || !s.assistedAllowed(w, r, c) {
		return
	}
	s.renderAssisted(w, r, http.StatusOK, c, url.Values{}, c.DefaultLocale, randomToken(), nil)
}

func (s *Server) handleManageAssistedSubmit(w http.ResponseWriter, r *http.Request) {
	c, ok := s.managedConsultation(w, r)
	if !ok || !s.assistedAllowed(w, r, c) {
		return
	}
	r.ParseForm()
	n, values := decodeAssistedForm(r.PostForm, c)
	token := r.PostFormValue("token")
	if len(token) > 100 {
		token = ""
	}
	key := consultations.IdemKey{Scope: "user:" + user(r).ID + " assisted " + c.ID, Key: token}
	resp, err := s.store.SubmitAssistedResponse(r.Context(), user(r), c.ID, n, key)
	if errors.Is(err, consultations.ErrIdempotentReplay) {
		resp, err = s.firstAssisted(r, key)
	}
	if err != nil {
		if !manageFormError(err) {
			s.fail(w, r, err)
			return
		}
		_, status, _, _ := classify(err)
		s.renderAssisted(w, r, status, c, values, n.Locale, token, err)
		return
	}
	loc := reqOf(r).loc
	s.render(w, r, http.StatusOK, "manage-assisted-done", s.newPage(r, loc.T("ManageAssistedDoneTitle"),
		&manageAssistedView{C: c, Reference: resp.Reference}))
}

// firstAssisted finds the response a repeated form sending stored.
func (s *Server) firstAssisted(r *http.Request, key consultations.IdemKey) (*consultations.Response, error) {
	ref, ok, err := s.store.IdempotentRef(r.Context(), key)
	if err != nil || !ok {
		return nil, consultations.ErrIdempotentReplay
	}
	_, id, _ := strings.Cut(ref, ":")
	return s.store.ResponseByID(r.Context(), id)
}

// decodeAssistedForm reads answer.QUESTION_ID fields (repeated for
// multiple choice) and the respondent's language.
func decodeAssistedForm(v url.Values, c *consultations.Consultation) (consultations.NewResponse, map[string][]string) {
	n := consultations.NewResponse{Locale: c.DefaultLocale, Channel: consultations.ChannelAssisted}
	if l := v.Get("locale"); consultations.ValidLocale(l) {
		n.Locale = l
	}
	values := map[string][]string{}
	for _, q := range c.Questions {
		got := v["answer."+q.ID]
		values[q.ID] = got
		a := consultations.Answer{QuestionID: q.ID}
		switch q.Kind {
		case consultations.QuestionText:
			if len(got) > 0 {
				a.Text = got[0]
			}
		case consultations.QuestionScale:
			if len(got) > 0 && got[0] != "" {
				if a.Scale, _ = strconv.Atoi(got[0]); a.Scale == 0 {
					a.Scale = -1 // not a number: refused, not skipped
				}
			}
		default:
			for _, g := range got {
				if g != "" {
					a.Choices = append(a.Choices, g)
				}
			}
		}
		if !a.Empty() {
			n.Answers = append(n.Answers, a)
		}
	}
	return n, values
}

func (s *Server) renderAssisted(w http.ResponseWriter, r *http.Request, status int, c *consultations.Consultation, values map[string][]string, locale, token string, err error) {
	loc := reqOf(r).loc
	v := &manageAssistedView{
		C: c, Values: values, Locale: locale, Token: token, Inline: map[string]string{},
		Langs: s.langInfos(c.Title.Languages(), c.DefaultLocale),
	}
	title := loc.T("ManageAssistedTitle")
	p := s.newPage(r, title, v)
	if err != nil {
		order := make([]string, len(c.Questions))
		extra := map[string]string{}
		for i, q := range c.Questions {
			order[i] = q.ID
			extra[q.ID] = "answer-" + q.ID
			extra["label:"+q.ID] = loc.T("ManageQuestionN", map[string]any{"N": i + 1})
		}
		var summary []fieldError
		summary, v.Inline = s.formErrors(r, err, order)
		p.Errors = anchorErrors(loc, summary, v.Inline, c.DefaultLocale, extra)
		p.Title = loc.T("ManageErrorPrefix") + " " + title
	}
	s.render(w, r, status, "manage-assisted", p)
}
