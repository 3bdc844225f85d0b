package server

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/consult-platform/consult/consultations"
)

var hiddenInput = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)

// hiddenFields reads the hidden inputs of a page, as a browser would send them.
func hiddenFields(body string) url.Values {
	v := url.Values{}
	for _, m := range hiddenInput.FindAllStringSubmatch(body, -1) {
		if m[1] != "csrf_token" {
			v.Add(m[1], html.UnescapeString(m[2]))
		}
	}
	return v
}

// answersFor fills every question of the demo policy consultation.
func answersFor(c *consultations.Consultation, text string) url.Values {
	q := c.Questions
	return url.Values{
		"action":             {"check"},
		answerField(q[0].ID): {q[0].Options[1].ID},
		answerField(q[1].ID): {"4"},
		answerField(q[2].ID): {q[2].Options[0].ID, q[2].Options[2].ID},
		answerField(q[3].ID): {text},
	}
}

func TestResponseGoesThroughCheckYourAnswersToAConfirmationWithAReference(t *testing.T) {
	e := newWebEnv(t)
	c := e.consultation(demoPolicy)
	before := c.ResponseCount
	cl := e.client()
	cl.ua = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"
	cl.signIn(demoCitizen)
	form := cl.get("/consultations/" + demoPolicy + "/respond")
	form.wantStatus(t, http.StatusOK)
	form.mustContain(t, "You can enter up to 1,200 characters", "<legend", `type="checkbox"`, `type="radio"`, `name="anonymous"`)

	check := cl.post("/consultations/"+demoPolicy+"/respond", answersFor(c, "Slow down near the school,\r\nplease."))
	check.wantStatus(t, http.StatusOK)
	check.mustContain(t, "Check your answers", "4 out of 5", "Disagree", "Main roads through towns", "Bus routes", "Slow down near the school,\nplease.", `value="submit"`, `value="change"`)

	// "Change your answers" shows the form filled in.
	change := hiddenFields(check.Body)
	change.Set("action", "change")
	back := cl.post("/consultations/"+demoPolicy+"/respond", change)
	back.wantStatus(t, http.StatusOK)
	back.mustContain(t, `value="o2" checked`, `value="4" checked`, "Slow down near the school,\nplease.</textarea>")

	submit := hiddenFields(check.Body)
	submit.Set("action", "submit")
	done := cl.post("/consultations/"+demoPolicy+"/respond", submit)
	done.wantStatus(t, http.StatusSeeOther)
	if !strings.HasPrefix(done.Location, "/consultations/"+demoPolicy+"/respond/done?ref=") {
		t.Fatalf("redirected to %q; want the confirmation page", done.Location)
	}
	ref, _ := url.Parse(done.Location)
	reference := ref.Query().Get("ref")
	confirm := cl.get(done.Location)
	confirm.wantStatus(t, http.StatusOK)
	confirm.mustContain(t, "Response sent", reference, "What happens next")

	// Pressing Submit again stores nothing more and shows the same reference.
	again := cl.post("/consultations/"+demoPolicy+"/respond", submit)
	if again.Location != done.Location {
		t.Errorf("second submit went to %q; want %q", again.Location, done.Location)
	}
	if got := e.consultation(demoPolicy).ResponseCount; got != before+1 {
		t.Errorf("response count %d; want %d (stored once)", got, before+1)
	}

	u, _ := e.store.Authenticate(context.Background(), demoCitizen, "consult-demo-2026")
	all, _ := e.store.ResponsesByUser(context.Background(), u.ID)
	var mine []consultations.Response
	for _, r := range all {
		if r.Reference == reference {
			mine = append(mine, r)
		}
	}
	if len(mine) != 1 || mine[0].Channel != consultations.ChannelWebMobile {
		t.Errorf("stored responses %+v; want one with reference %s from web-mobile", mine, reference)
	}
	cl.get("/me").mustContain(t, reference)
}

func TestResponseValidationErrorsLinkToFieldsAndKeepWhatWasTyped(t *testing.T) {
	e := newWebEnv(t)
	c := e.newConsultation(consultationOptions{slug: "validation", anonymous: true})
	cl := e.client()
	cl.get("/consultations/validation/respond").wantStatus(t, http.StatusOK)
	long := strings.Repeat("é", 101)
	p := cl.post("/consultations/validation/respond", url.Values{"action": {"check"}, answerField(c.Questions[1].ID): {long}})
	p.wantStatus(t, http.StatusBadRequest)
	p.mustContain(t,
		`class="error-summary" role="alert"`,
		`href="#`+answerField(c.Questions[0].ID)+`"`, "Answer this question",
		`href="#`+answerField(c.Questions[1].ID)+`"`, "100 characters or fewer; it has 101",
		long+"</textarea>", `aria-invalid="true"`, "<title>Error:")
	if e.consultation("validation").ResponseCount != 0 {
		t.Error("an invalid response was stored")
	}
}

func TestRespondingWithoutAnAccount(t *testing.T) {
	e := newWebEnv(t)
	e.newConsultation(consultationOptions{slug: "open-to-all", anonymous: true})
	e.newConsultation(consultationOptions{slug: "accounts-only"})

	t.Run("allowed", func(t *testing.T) {
		cl := e.client()
		p := cl.get("/consultations/open-to-all/respond")
		p.wantStatus(t, http.StatusOK)
		p.mustContain(t, "your response will be anonymous")
		p.mustNotContain(t, `name="anonymous"`)
	})
	t.Run("not allowed redirects to sign in", func(t *testing.T) {
		cl := e.client()
		p := cl.get("/consultations/accounts-only/respond")
		p.wantStatus(t, http.StatusSeeOther)
		if p.Location != "/sign-in?return=%2Fconsultations%2Faccounts-only%2Frespond" {
			t.Errorf("redirected to %q", p.Location)
		}
		cl.get("/consultations/open-to-all/respond")
		post := cl.post("/consultations/accounts-only/respond", url.Values{"action": {"submit"}})
		post.mustContain(t, "Sign in to respond")
		if e.consultation("accounts-only").ResponseCount != 0 {
			t.Error("stored a response without an account")
		}
	})
	t.Run("signed in without the anonymous choice", func(t *testing.T) {
		cl := e.client()
		cl.signIn(demoCitizen)
		p := cl.get("/consultations/accounts-only/respond")
		p.wantStatus(t, http.StatusOK)
		p.mustNotContain(t, `name="anonymous"`)
	})
}

func TestSignedInRespondentMayRespondAnonymously(t *testing.T) {
	e := newWebEnv(t)
	c := e.newConsultation(consultationOptions{slug: "anon", anonymous: true})
	cl := e.client()
	cl.signIn(demoCitizen)
	cl.get("/consultations/anon/respond").mustContain(t, `name="anonymous"`, "you will not be able to see it or delete it later")
	check := cl.post("/consultations/anon/respond", url.Values{"action": {"check"}, "anonymous": {"1"}, answerField(c.Questions[0].ID): {c.Questions[0].Options[0].ID}})
	check.wantStatus(t, http.StatusOK)
	check.mustContain(t, "Your response will be anonymous")
	submit := hiddenFields(check.Body)
	submit.Set("action", "submit")
	cl.post("/consultations/anon/respond", submit).wantStatus(t, http.StatusSeeOther)
	u, _ := e.store.Authenticate(context.Background(), demoCitizen, "consult-demo-2026")
	mine, _ := e.store.ResponsesByUser(context.Background(), u.ID)
	for _, r := range mine {
		if r.ConsultationID == c.ID {
			t.Errorf("an anonymous response is linked to the account: %+v", r)
		}
	}
	if got := e.consultation("anon").ResponseCount; got != 1 {
		t.Errorf("response count %d; want 1", got)
	}
}

func TestResponseToAClosedConsultationIsRefusedAndKeepsTheAnswers(t *testing.T) {
	e := newWebEnv(t)
	c := e.newConsultation(consultationOptions{slug: "closing", anonymous: true})
	cl := e.client()
	cl.get("/consultations/closing/respond").wantStatus(t, http.StatusOK)
	if _, err := e.store.SetStatus(context.Background(), e.staff, c.ID, consultations.StatusClosed); err != nil {
		t.Fatal(err)
	}
	for _, action := range []string{"check", "submit"} {
		p := cl.post("/consultations/closing/respond", url.Values{"action": {action},
			answerField(c.Questions[0].ID): {c.Questions[0].Options[0].ID}, answerField(c.Questions[1].ID): {"My carefully typed answer"}})
		p.wantStatus(t, http.StatusConflict)
		p.mustContain(t, "This consultation is closed", "My carefully typed answer", "Yes")
	}
	get := cl.get("/consultations/closing/respond")
	get.mustContain(t, "This consultation is closed")
	get.mustNotContain(t, "<textarea")
	if e.consultation("closing").ResponseCount != 0 {
		t.Error("a response to a closed consultation was stored")
	}
}

func TestConfirmationPageRefusesAMalformedReference(t *testing.T) {
	e := newWebEnv(t)
	p := e.client().get("/consultations/" + demoPolicy + "/respond/done?ref=" + url.QueryEscape("<b>hi</b>"))
	p.wantStatus(t, http.StatusNotFound)
}

func TestChannelIsTakenFromTheUserAgent(t *testing.T) {
	cases := []struct {
		ua   string
		want consultations.Channel
	}{
		{"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36", consultations.ChannelWebMobile},
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148", consultations.ChannelWebMobile},
		{"Opera/9.80 (J2ME/MIDP; Opera Mini/9.80)", consultations.ChannelWebMobile},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36", consultations.ChannelWebDesktop},
		{"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) Firefox/127.0", consultations.ChannelWebDesktop},
		{"", consultations.ChannelWebDesktop},
	}
	for _, tc := range cases {
		if got := channelFor(tc.ua); got != tc.want {
			t.Errorf("channelFor(%q) = %q; want %q", tc.ua, got, tc.want)
		}
	}
}
