package server

import (
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/consult-platform/consult/consultations"
	"github.com/consult-platform/consult/i18n"
)

// respondView is the response form, the check-your-answers page and the
// "not sent" page: the same answers shown three ways.
type respondView struct {
	C         *consultations.Consultation
	Title     localized
	Questions []questionView
	Anonymous bool   // the respondent ticked "respond anonymously"
	AnonBox   bool   // offer that box: allowed here and signed in
	AnonOnly  bool   // not signed in: the response is anonymous anyway
	AnonError string // inline error for the box
	Idem      string // idempotency key carried from check to submit
	NotSent   string // why the answers were not sent (closed, signed out)

	Profile *profileView // optional "about you" questions and consent
}

// questionView is one question with what the respondent typed or chose.
type questionView struct {
	ID, Field   string // Field is the form name and the first input's id
	Kind        string
	Number      int
	Required    bool
	Prompt      localized
	Hint        localized
	Options     []optionView
	Text        string
	Limit       int
	LimitText   string // the limit formatted for the reader's language
	Error       string
	Shown       []string // the answer as the check page shows it
	ShownLocale []localized
}

type optionView struct {
	ID, Value string
	Label     localized
	Checked   bool
}

// pickLocal picks a staff text in the reader's language, as the "pick"
// template function does.
func pickLocal(t consultations.LocalText, lang, fallback string) localized {
	text, got := t.Pick(lang, fallback)
	return localized{Text: text, Lang: got, Fallback: got != lang, Dir: i18n.Dir(got)}
}

// answerField is the form name of a question's answer.
func answerField(questionID string) string { return "answer-" + questionID }

// readAnswers takes the answers from a posted form, as typed.
func readAnswers(r *http.Request, c *consultations.Consultation) []consultations.Answer {
	var out []consultations.Answer
	for _, q := range c.Questions {
		vals := r.PostForm[answerField(q.ID)]
		a := consultations.Answer{QuestionID: q.ID}
		switch q.Kind {
		case consultations.QuestionText:
			if len(vals) > 0 {
				// Browsers send line breaks as CRLF; count them as one character,
				// as the character counter does.
				a.Text = strings.ReplaceAll(vals[0], "\r\n", "\n")
			}
		case consultations.QuestionScale:
			if len(vals) > 0 && vals[0] != "" {
				if a.Scale, _ = strconv.Atoi(vals[0]); a.Scale == 0 {
					a.Scale = -1 // not a number: let validation say so
				}
			}
		default:
			for _, v := range vals {
				if v != "" {
					a.Choices = append(a.Choices, v)
				}
			}
		}
		if !a.Empty() || a.Scale != 0 {
			out = append(out, a)
		}
	}
	return out
}

func (s *Server) respondView(r *http.Request, c *consultations.Consultation, answers []consultations.Answer, anonymous bool, inline map[string]string) *respondView {
	lang := reqOf(r).loc.Tag
	loc := reqOf(r).loc
	byID := map[string]consultations.Answer{}
	for _, a := range answers {
		byID[a.QuestionID] = a
	}
	v := &respondView{C: c, Title: pickLocal(c.Title, lang, c.DefaultLocale), Anonymous: anonymous,
		AnonOnly: user(r) == nil, AnonBox: user(r) != nil && c.AllowAnonymous, AnonError: inline["anonymous"]}
	for i, q := range c.Questions {
		a := byID[q.ID]
		qv := questionView{
			ID: q.ID, Field: answerField(q.ID), Kind: string(q.Kind), Number: i + 1, Required: q.Required,
			Prompt: pickLocal(q.Prompt, lang, c.DefaultLocale), Hint: pickLocal(q.Hint, lang, c.DefaultLocale),
			Text: a.Text, Limit: q.Limit(), LimitText: formatCount(lang, q.Limit()), Error: inline[answerField(q.ID)],
		}
		switch q.Kind {
		case consultations.QuestionText:
			if strings.TrimSpace(a.Text) != "" {
				qv.Shown = []string{a.Text}
			}
		case consultations.QuestionScale:
			for n := 1; n <= 5; n++ {
				val := strconv.Itoa(n)
				qv.Options = append(qv.Options, optionView{ID: optionID(qv.Field, n-1), Value: val,
					Label: localized{Text: val, Lang: lang}, Checked: a.Scale == n})
			}
			if a.Scale >= 1 && a.Scale <= 5 {
				qv.Shown = []string{loc.T("ScaleAnswer", map[string]any{"Value": a.Scale})}
			}
		default:
			for j, o := range q.Options {
				ov := optionView{ID: optionID(qv.Field, j), Value: o.ID, Label: pickLocal(o.Label, lang, c.DefaultLocale)}
				for _, ch := range a.Choices {
					if ch == o.ID {
						ov.Checked = true
						qv.ShownLocale = append(qv.ShownLocale, ov.Label)
					}
				}
				qv.Options = append(qv.Options, ov)
			}
		}
		v.Questions = append(v.Questions, qv)
	}
	s.addProfile(r, c, v)
	return v
}

// optionID gives the first input of a group the group's own id, so that
// the error summary's link lands on it.
func optionID(field string, i int) string {
	if i == 0 {
		return field
	}
	return field + "-" + strconv.Itoa(i+1)
}

// respondTarget loads the consultation and makes sure the reader may
// respond, else answers for them and returns nil.
func (s *Server) respondTarget(w http.ResponseWriter, r *http.Request) *consultations.Consultation {
	c, err := s.visibleConsultation(r, r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return nil
	}
	if len(c.Questions) == 0 {
		s.fail(w, r, errNotFound)
		return nil
	}
	return c
}

func signInURL(returnTo string) string {
	return "/sign-in?return=" + url.QueryEscape(safeReturn(returnTo))
}

func (s *Server) handleRespondForm(w http.ResponseWriter, r *http.Request) {
	c := s.respondTarget(w, r)
	if c == nil {
		return
	}
	if user(r) == nil && !c.AllowAnonymous {
		http.Redirect(w, r, signInURL(r.URL.Path), http.StatusSeeOther)
		return
	}
	v := s.respondView(r, c, nil, false, nil)
	if !c.AcceptsInput(s.store.Now()) {
		s.renderNotSent(w, r, v, s.closedError(c))
		return
	}
	s.render(w, r, http.StatusOK, "web-respond", s.newPage(r, v.Title.Text, v))
}

// closedError is the ECLOSED error the store would give for c now.
func (s *Server) closedError(c *consultations.Consultation) error {
	if s.store.Now().Before(c.OpensAt) {
		return consultations.Errorf(consultations.ECLOSED, "ErrNotYetOpen")
	}
	return consultations.Errorf(consultations.ECLOSED, "ErrClosed")
}

// handleRespond takes the form through its steps: "check" validates and
// shows the answers back, "change" shows the form again filled in, and
// "submit" stores the response.
func (s *Server) handleRespond(w http.ResponseWriter, r *http.Request) {
	c := s.respondTarget(w, r)
	if c == nil {
		return
	}
	n := consultations.NewResponse{
		Answers:   readAnswers(r, c),
		Anonymous: user(r) == nil || c.AllowAnonymous && r.PostFormValue("anonymous") == "1",
		Locale:    reqOf(r).loc.Tag,
		Channel:   channelFor(r.UserAgent()),
		Profile:   readProfile(r),
	}
	v := s.respondView(r, c, n.Answers, n.Anonymous && user(r) != nil, nil)
	switch {
	case user(r) == nil && !c.AllowAnonymous:
		s.renderNotSent(w, r, v, consultations.Errorf(consultations.EUNAUTHENTICATED, "ErrSignInToRespond"))
		return
	case !c.AcceptsInput(s.store.Now()):
		s.renderNotSent(w, r, v, s.closedError(c))
		return
	}
	switch r.PostFormValue("action") {
	case "change":
		s.render(w, r, http.StatusOK, "web-respond", s.newPage(r, v.Title.Text, v))
	case "submit":
		s.submitResponse(w, r, c, n, v)
	default:
		if err := n.Validate(c); err != nil {
			s.renderRespondErrors(w, r, c, n, err)
			return
		}
		v.Idem = randomToken()
		s.render(w, r, http.StatusOK, "web-respond-check", s.newPage(r, reqOf(r).loc.T("CheckAnswersTitle"), v))
	}
}

func (s *Server) submitResponse(w http.ResponseWriter, r *http.Request, c *consultations.Consultation, n consultations.NewResponse, v *respondView) {
	key := consultations.IdemKey{Scope: "web response " + c.ID, Key: r.PostFormValue("idem")}
	if len(key.Key) > 200 {
		key.Key = ""
	}
	resp, err := s.store.SubmitResponse(r.Context(), user(r), c.ID, n, key)
	if errors.Is(err, consultations.ErrIdempotentReplay) {
		// A second press of Submit: show the first response's reference.
		ref, ok, rerr := s.store.IdempotentRef(r.Context(), key)
		if rerr == nil && ok {
			if resp, rerr = s.store.ResponseByID(r.Context(), strings.TrimPrefix(ref, "response:")); rerr == nil {
				err = nil
			}
		}
	}
	switch consultations.ErrorCode(err) {
	case consultations.EINVALID:
		s.renderRespondErrors(w, r, c, n, err)
		return
	case consultations.ECLOSED, consultations.EUNAUTHENTICATED:
		s.renderNotSent(w, r, v, err)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/consultations/"+c.Slug+"/respond/done?ref="+url.QueryEscape(resp.Reference), http.StatusSeeOther)
}

// renderRespondErrors shows the form again with an error summary that
// links to each field, the errors beside the fields, and every answer kept.
func (s *Server) renderRespondErrors(w http.ResponseWriter, r *http.Request, c *consultations.Consultation, n consultations.NewResponse, err error) {
	var de *consultations.Error
	if errors.As(err, &de) {
		// Validation keys problems by question id; the form's ids differ.
		renamed := map[string]consultations.Message{}
		for f, m := range de.Fields {
			if f != "anonymous" {
				f = answerField(f)
			}
			renamed[f] = m
		}
		err = &consultations.Error{Code: de.Code, Message: de.Message, Fields: renamed}
	}
	order := []string{}
	for _, q := range c.Questions {
		order = append(order, answerField(q.ID))
	}
	order = append(order, "anonymous")
	summary, inline := s.formErrors(r, err, order)
	v := s.respondView(r, c, n.Answers, n.Anonymous && user(r) != nil, inline)
	// Say which question each summary entry is about: several may read
	// "Answer this question".
	for i, e := range summary {
		for _, q := range v.Questions {
			if e.Field == q.Field {
				summary[i].Message = reqOf(r).loc.T("QuestionError", map[string]any{"N": q.Number, "Message": e.Message})
			}
		}
	}
	p := s.newPage(r, reqOf(r).loc.T("ErrorPrefix")+" "+v.Title.Text, v)
	p.Errors = summary
	s.render(w, r, http.StatusBadRequest, "web-respond", p)
}

// renderNotSent explains why the answers could not be sent and shows them,
// so that nothing typed is lost.
func (s *Server) renderNotSent(w http.ResponseWriter, r *http.Request, v *respondView, err error) {
	_, status, msg, _ := classify(err)
	v.NotSent = reqOf(r).loc.T(msg.ID, msg.Data)
	if r.Method == http.MethodGet {
		status = http.StatusOK
	}
	s.render(w, r, status, "web-respond-closed", s.newPage(r, v.Title.Text, v))
}

var referencePattern = regexp.MustCompile(`^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$`)

// handleRespondDone is the confirmation page. The reference comes in the
// address (it is no secret: it opens nothing), checked for its shape.
func (s *Server) handleRespondDone(w http.ResponseWriter, r *http.Request) {
	c, err := s.visibleConsultation(r, r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ref := r.URL.Query().Get("ref")
	if !referencePattern.MatchString(ref) {
		s.fail(w, r, errNotFound)
		return
	}
	lang := reqOf(r).loc.Tag
	s.render(w, r, http.StatusOK, "web-respond-done", s.newPage(r, reqOf(r).loc.T("ResponseSentTitle"), struct {
		C         *consultations.Consultation
		Title     localized
		Reference string
	}{c, pickLocal(c.Title, lang, c.DefaultLocale), ref}))
}

// formatCount writes n as the reader's language writes numbers ("1,200").
func formatCount(lang string, n int) string { return i18n.FormatNumber(lang, n) }

// channelFor tells phones from desktops by the User-Agent, for the
// participation figures only; nothing else depends on it.
func channelFor(userAgent string) consultations.Channel {
	ua := strings.ToLower(userAgent)
	for _, m := range []string{"mobi", "android", "iphone", "ipod", "opera mini", "blackberry", "kaios", "windows phone"} {
		if strings.Contains(ua, m) {
			return consultations.ChannelWebMobile
		}
	}
	return consultations.ChannelWebDesktop
}
