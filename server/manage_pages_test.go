package server

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/consult-platform/consult/consultations"
)

func assertContains(t *testing.T, body string, want ...string) {
	t.Helper()
	for _, s := range want {
		if !strings.Contains(body, s) {
			t.Errorf("page lacks %q", s)
		}
	}
}

func TestStaffCreateADraftInTwoLanguages(t *testing.T) {
	e := newManageEnv(t)
	b := e.as("staffA")
	form := url.Values{
		"kind": {"codesign"}, "default_locale": {"en"}, "langs": {"en", "cy"},
		"title.en": {"Better buses"}, "title.cy": {"Bysiau gwell"}, "summary.en": {"Help us design it."},
		"sections.0.heading.en": {"Background"}, "sections.0.body.en": {"Buses are late."}, "sections.0.heading.cy": {"Cefndir"},
		"documents.0.title.en": {"Evidence"}, "documents.0.url": {"https://example.org/evidence.pdf"},
		"questions.0.kind": {"multiple"}, "questions.0.required": {"on"}, "questions.0.prompt.en": {"Which routes?"},
		"questions.0.options.en": {"Route 1\nRoute 2"}, "questions.0.options.cy": {"Llwybr 1\nLlwybr 2"},
		"opens_at": {"2031-07-01T09:00"}, "closes_at": {"2031-08-01T17:00"},
		"allow_anonymous": {"on"}, "moderation": {"pre"}, "action": {"save"},
	}
	got := b.post("/manage/consultations", form)
	if got.Status != http.StatusSeeOther {
		t.Fatalf("status %d; want 303\n%s", got.Status, got.Body)
	}
	c, err := e.store.ConsultationBySlug(context.Background(), "better-buses")
	if err != nil {
		t.Fatal(err)
	}
	if got.Location != "/manage/consultations/"+c.ID+"?done=created" {
		t.Errorf("redirect to %q", got.Location)
	}
	if c.Kind != consultations.KindCodesign || c.Title["cy"] != "Bysiau gwell" || c.Status != consultations.StatusDraft || !c.AllowAnonymous || !c.Premoderation {
		t.Errorf("stored %+v", c)
	}
	if want := time.Date(2031, 7, 1, 8, 0, 0, 0, time.UTC); !c.OpensAt.Equal(want) {
		t.Errorf("opens %v; want %v (09:00 in London, summer time)", c.OpensAt, want)
	}
	if len(c.Sections) != 1 || c.Sections[0].Heading["cy"] != "Cefndir" || len(c.Documents) != 1 || len(c.Questions) != 1 {
		t.Fatalf("parts: %d sections, %d documents, %d questions", len(c.Sections), len(c.Documents), len(c.Questions))
	}
	if q := c.Questions[0]; !q.Required || len(q.Options) != 2 || q.Options[1].Label["cy"] != "Llwybr 2" {
		t.Errorf("question %+v", q)
	}
	page := b.get(got.Location)
	assertContains(t, page.Body, "The draft has been created.", "Better buses", "Draft", "1 July 2031, 09:00 BST", "Pre-moderated")
}

func TestDraftFormErrorsAreSummarisedAndNothingTypedIsLost(t *testing.T) {
	e := newManageEnv(t)
	form := url.Values{
		"kind": {"policy"}, "default_locale": {"en"}, "langs": {"en", "fr"},
		"summary.en": {"My typed summary"}, "title.fr": {"Titre seulement en français"},
		"sections.0.body.en": {"A body without heading"},
		"questions.0.kind":   {"single"}, "questions.0.options.en": {"Only one <option>"},
		"opens_at": {"not a date"}, "closes_at": {"2031-04-01T17:00"}, "action": {"save"},
	}
	got := e.as("staffA").post("/manage/consultations", form)
	if got.Status != http.StatusBadRequest {
		t.Fatalf("status %d; want 400", got.Status)
	}
	assertContains(t, got.Body,
		`class="error-summary"`, "<title>Error:",
		`href="#title-en"`, "Give a title in the consultation&#39;s main language.",
		`href="#sections.0.heading-en"`, `href="#questions.0.prompt-en"`, `href="#questions.0.options-en"`,
		`href="#opens_at"`, "Opening date: Enter a real date and time", "Section 1 heading: This is required.",
		`id="title-en"`, `id="opens_at-error"`,
		`value="Titre seulement en français"`, ">My typed summary</textarea>", ">A body without heading</textarea>",
		"Only one &lt;option&gt;</textarea>", `value="not a date"`,
	)
	// The summary lists errors in the order of the form.
	if strings.Index(got.Body, `href="#title-en"`) > strings.Index(got.Body, `href="#opens_at"`) {
		t.Error("error summary is not in form order")
	}
	if strings.Contains(got.Body, "<option>") {
		t.Error("typed markup was not escaped")
	}
}

func TestFormButtonsAddFieldsWithoutSaving(t *testing.T) {
	e := newManageEnv(t)
	b := e.as("staffA")
	base := url.Values{"default_locale": {"en"}, "langs": {"en"}, "title.en": {"Typed title"}, "kind": {"policy"}}
	tests := []struct {
		action, addLang string
		want            []string
	}{
		{"add_section", "", []string{`id="sections.0.heading-en"`, "Remove section 1"}},
		{"add_question", "", []string{`id="questions.0.prompt-en"`, `name="questions.0.kind"`, "Remove question 1"}},
		{"add_document", "", []string{`name="documents.0.url"`}},
		{"add_language", "fr", []string{`name="title.fr"`, `name="langs" value="fr"`, "Remove Français"}},
	}
	for _, tt := range tests {
		form := url.Values{"action": {tt.action}, "add_lang": {tt.addLang}}
		for k, v := range base {
			form[k] = v
		}
		got := b.post("/manage/consultations", form)
		if got.Status != http.StatusOK {
			t.Errorf("%s: status %d", tt.action, got.Status)
		}
		assertContains(t, got.Body, append(tt.want, `value="Typed title"`)...)
		if strings.Contains(got.Body, "error-summary") {
			t.Errorf("%s: shows errors before saving", tt.action)
		}
	}
	list, _, _ := e.store.ListConsultations(context.Background(), e.people["staffA"], consultations.ConsultationFilter{OrgID: e.orgA.ID})
	if len(list) != 3 {
		t.Errorf("%d consultations; want the 3 seeded, none saved by buttons", len(list))
	}
}

func TestStaffEditADraft(t *testing.T) {
	e := newManageEnv(t)
	b := e.as("staffA")
	path := "/manage/consultations/" + e.draftA.ID
	edit := b.get(path + "/edit")
	if edit.Status != http.StatusOK {
		t.Fatalf("edit page status %d", edit.Status)
	}
	assertContains(t, edit.Body, `value="Consultation draft-a"`, "What do you think?", `value="draft-a"`, "Yes\nNo</textarea>")
	form := validDraftForm("Renamed draft")
	form.Set("slug", "draft-a")
	got := b.post(path, form)
	if got.Status != http.StatusSeeOther || got.Location != path+"?done=saved" {
		t.Fatalf("status %d to %q; want 303 to the manage page\n%s", got.Status, got.Location, got.Body)
	}
	if c := e.reload(e.draftA.ID); c.Title["en"] != "Renamed draft" || c.OrgID != e.orgA.ID {
		t.Errorf("title %q, org %s", c.Title["en"], c.OrgID)
	}
}

func TestAnOpenConsultationCannotBeEdited(t *testing.T) {
	e := newManageEnv(t)
	b := e.as("staffA")
	path := "/manage/consultations/" + e.openA.ID
	if got := b.get(path + "/edit"); got.Status != http.StatusConflict || !strings.Contains(got.Body, "cannot be edited once it has opened") {
		t.Errorf("GET edit = %d", got.Status)
	}
	if got := b.post(path, validDraftForm("Changed after opening")); got.Status != http.StatusConflict {
		t.Errorf("POST = %d; want 409", got.Status)
	}
	if strings.Contains(b.get(path).Body, "/edit") {
		t.Error("manage page of an open consultation offers editing")
	}
}

func TestOpeningAndClosingAskForConfirmation(t *testing.T) {
	e := newManageEnv(t)
	b := e.as("staffA")
	path := "/manage/consultations/" + e.draftA.ID
	got := b.post(path+"/status", url.Values{"status": {"open"}})
	if got.Status != http.StatusOK {
		t.Fatalf("status %d", got.Status)
	}
	assertContains(t, got.Body, "Open this consultation now?", `name="confirm" value="yes"`, "Yes, open it now")
	if c := e.reload(e.draftA.ID); c.Status != consultations.StatusDraft {
		t.Fatalf("opened without confirmation: %s", c.Status)
	}
	got = b.post(path+"/status", url.Values{"status": {"open"}, "confirm": {"yes"}})
	if got.Status != http.StatusSeeOther || got.Location != path+"?done=open" {
		t.Fatalf("confirmed: %d to %q", got.Status, got.Location)
	}
	if c := e.reload(e.draftA.ID); c.Status != consultations.StatusOpen {
		t.Errorf("status %s; want open", c.Status)
	}
	assertContains(t, b.get(got.Location).Body, "The consultation is open.", "Close it now")

	got = b.post(path+"/status", url.Values{"status": {"closed"}})
	assertContains(t, got.Body, "Close this consultation now?", "Yes, close it now")
	b.post(path+"/status", url.Values{"status": {"closed"}, "confirm": {"yes"}})
	if c := e.reload(e.draftA.ID); c.Status != consultations.StatusClosed {
		t.Errorf("status %s; want closed", c.Status)
	}
}

func TestSchedulingADraftNeedsNoConfirmation(t *testing.T) {
	e := newManageEnv(t)
	b := e.as("staffA")
	path := "/manage/consultations/" + e.draftA.ID
	assertContains(t, b.get(path).Body, "Schedule it", "Open it now")
	got := b.post(path+"/status", url.Values{"status": {"scheduled"}})
	if got.Status != http.StatusSeeOther {
		t.Fatalf("status %d\n%s", got.Status, got.Body)
	}
	if c := e.reload(e.draftA.ID); c.Status != consultations.StatusScheduled {
		t.Errorf("status %s; want scheduled", c.Status)
	}
}

func TestARefusedStatusChangeIsExplained(t *testing.T) {
	e := newManageEnv(t)
	b := e.as("staffA")
	tests := []struct {
		c      *consultations.Consultation
		form   url.Values
		status int
		want   string
	}{
		{e.draftA, url.Values{"status": {"closed"}, "confirm": {"yes"}}, http.StatusConflict, "A consultation that is a draft cannot be moved to closed."},
		{e.closedA, url.Values{"status": {"open"}, "confirm": {"yes"}}, http.StatusConflict, "A consultation that is closed cannot be moved to open."},
		{e.draftA, url.Values{"status": {"outcome_published"}}, http.StatusBadRequest, "Choose scheduled, open or closed."},
	}
	for _, tt := range tests {
		got := b.post("/manage/consultations/"+tt.c.ID+"/status", tt.form)
		if got.Status != tt.status {
			t.Errorf("%s %v: status %d; want %d", tt.c.Slug, tt.form, got.Status, tt.status)
		}
		assertContains(t, got.Body, `class="error-summary"`, tt.want)
	}
}

func TestOutcomeIsOnlyForClosedConsultations(t *testing.T) {
	e := newManageEnv(t)
	got := e.as("staffA").get("/manage/consultations/" + e.openA.ID + "/outcome")
	if got.Status != http.StatusConflict || !strings.Contains(got.Body, "once the consultation has closed") {
		t.Errorf("status %d", got.Status)
	}
}

func TestPublishAnOutcomeLinkedToComments(t *testing.T) {
	e := newManageEnv(t)
	b := e.as("staffA")
	path := "/manage/consultations/" + e.closedA.ID + "/outcome"
	form := b.get(path)
	if form.Status != http.StatusOK {
		t.Fatalf("status %d", form.Status)
	}
	assertContains(t, form.Body, "citizen person", "Please fix the potholes on Mill Lane", `value="`+e.commentA.ID+`"`, "Decision 1")
	got := b.post(path, outcomeForm1(e.commentA.ID))
	if got.Status != http.StatusSeeOther {
		t.Fatalf("status %d\n%s", got.Status, got.Body)
	}
	ctx := context.Background()
	if c := e.reload(e.closedA.ID); c.Status != consultations.StatusOutcomePublished || c.OutcomeSummary["en"] != "We listened." {
		t.Errorf("status %s, summary %v", c.Status, c.OutcomeSummary)
	}
	ds, err := e.store.Decisions(ctx, e.closedA.ID)
	if err != nil || len(ds) != 1 || len(ds[0].CommentIDs) != 1 || ds[0].CommentIDs[0] != e.commentA.ID {
		t.Fatalf("decisions %+v, %v", ds, err)
	}
	if n, _ := e.store.UnreadNotifications(ctx, e.people["citizen"].ID); n != 1 {
		t.Errorf("citizen has %d notifications; want 1", n)
	}
	// Coming back shows the published outcome, ready to update.
	again := b.get(path)
	assertContains(t, again.Body, ">We listened.</textarea>", ">We will resurface Mill Lane in May.</textarea>", "(1 linked)")
}

func TestOutcomeErrorsKeepWhatWasTyped(t *testing.T) {
	e := newManageEnv(t)
	got := e.as("staffA").post("/manage/consultations/"+e.closedA.ID+"/outcome", url.Values{
		"langs": {"en"}, "decisions.0.asked.en": {"Typed question"}, "decisions.0.ids": {"nope"},
		"decisions.0.link": {e.commentA.ID}, "action": {"publish"},
	})
	if got.Status != http.StatusBadRequest {
		t.Fatalf("status %d", got.Status)
	}
	assertContains(t, got.Body, `href="#summary-en"`, `href="#decisions.0.said-en"`,
		">Typed question</textarea>", ">nope</textarea>", `value="`+e.commentA.ID+`" checked`)

	form := outcomeForm1(e.commentA.ID)
	form.Set("decisions.0.ids", "nope")
	got = e.as("staffA").post("/manage/consultations/"+e.closedA.ID+"/outcome", form)
	if got.Status != http.StatusBadRequest {
		t.Fatalf("status %d with an unknown id", got.Status)
	}
	assertContains(t, got.Body, `href="#decisions.0.ids"`, "Contribution nope is not a published contribution", `id="decisions.0.ids-error"`)
	if c := e.reload(e.closedA.ID); c.Status != consultations.StatusClosed {
		t.Errorf("status %s; want closed", c.Status)
	}
}

var shownReference = regexp.MustCompile(`[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}`)

func TestStaffEnterAnAssistedResponseAndSeeItsReference(t *testing.T) {
	e := newManageEnv(t)
	b := e.as("staffA")
	path := "/manage/consultations/" + e.openA.ID + "/assisted"
	form := b.get(path)
	m := regexp.MustCompile(`name="token" value="([^"]+)"`).FindStringSubmatch(form.Body)
	if form.Status != http.StatusOK || m == nil {
		t.Fatalf("status %d, token %v", form.Status, m)
	}
	q := e.openA.Questions
	answers := url.Values{"token": {m[1]}, "answer." + q[0].ID: {"By telephone: more buses"}, "answer." + q[1].ID: {q[1].Options[0].ID}}
	first := b.post(path, answers)
	ref := shownReference.FindString(first.Body)
	if first.Status != http.StatusOK || ref == "" {
		t.Fatalf("status %d, reference %q\n%s", first.Status, ref, first.Body)
	}
	assertContains(t, first.Body, "Response saved")
	// Sending the same form again (a double click, a reload) stores nothing twice.
	second := b.post(path, answers)
	if got := shownReference.FindString(second.Body); got != ref {
		t.Errorf("resent form shows reference %q; want %q", got, ref)
	}
	c := e.reload(e.openA.ID)
	if c.ResponseCount != 1 {
		t.Errorf("%d responses; want 1", c.ResponseCount)
	}
}

func TestAssistedResponseErrorsPointAtTheQuestion(t *testing.T) {
	e := newManageEnv(t)
	q := e.openA.Questions
	got := e.as("staffA").post("/manage/consultations/"+e.openA.ID+"/assisted", url.Values{"answer." + q[1].ID: {q[1].Options[1].ID}})
	if got.Status != http.StatusBadRequest {
		t.Fatalf("status %d", got.Status)
	}
	assertContains(t, got.Body, `href="#answer-`+q[0].ID+`"`, `id="answer-`+q[0].ID+`"`, "Answer this question.",
		`value="`+q[1].Options[1].ID+`" checked`)
	if c := e.reload(e.openA.ID); c.ResponseCount != 0 {
		t.Errorf("%d responses; want 0", c.ResponseCount)
	}
}

func TestManagePagesEscapeHostileText(t *testing.T) {
	e := newManageEnv(t)
	b := e.as("staffA")
	hostile := `<script>alert(1)</script>"><img src=x onerror=alert(2)>`
	got := b.post("/manage/consultations", url.Values{"default_locale": {"en"}, "langs": {"en"}, "title.en": {hostile}, "action": {"add_section"}})
	if strings.Contains(got.Body, "<script>alert") || strings.Contains(got.Body, "<img src=x") {
		t.Error("hostile title rendered as markup on the form")
	}
	if !strings.Contains(got.Body, html.EscapeString(hostile)) && !strings.Contains(got.Body, "&lt;script&gt;") {
		t.Error("hostile title not shown back escaped")
	}
}
