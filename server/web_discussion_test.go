package server

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/consult-platform/consult/consultations"
)

var commentAnchor = regexp.MustCompile(`#comment-([0-9A-Z]+)$`)

// postComment posts through the consultation page's form and returns the
// new contribution's id from the redirect.
func (c *webClient) postComment(slug string, form url.Values) string {
	c.t.Helper()
	c.get("/consultations/" + slug)
	p := c.post("/consultations/"+slug+"/comments", form)
	if p.Status != http.StatusSeeOther {
		c.t.Fatalf("posting %v: status %d; want 303\n%s", form, p.Status, p.Body)
	}
	m := commentAnchor.FindStringSubmatch(p.Location)
	if m == nil || !strings.HasPrefix(p.Location, "/consultations/"+slug) {
		c.t.Fatalf("redirected to %q; want the comment's anchor", p.Location)
	}
	return m[1]
}

func TestCommentAndReplyAppearInTheThread(t *testing.T) {
	e := newWebEnv(t)
	cl := e.client()
	cl.signIn(demoCitizen)
	id := cl.postComment(demoPolicy, url.Values{"body": {"Please add crossings near the park."}, "stance": {"for"}})
	page := cl.get("/consultations/" + demoPolicy)
	page.mustContain(t, `id="comment-`+id+`"`, "Please add crossings near the park.", `class="stance stance-for"`)

	other := e.client()
	other.signIn(demoAmira)
	reply := other.postComment(demoPolicy, url.Values{"body": {"أوافق تماماً"}, "parent_id": {id}})
	page = e.client().get("/consultations/" + demoPolicy)
	page.mustContain(t, `id="comment-`+reply+`"`, "أوافق تماماً", `lang="ar" dir="auto"`)
	if strings.Index(page.Body, `id="comment-`+reply+`"`) < strings.Index(page.Body, `id="comment-`+id+`"`) {
		t.Error("the reply comes before the comment it answers")
	}
}

func TestCommentFormErrorsKeepTheText(t *testing.T) {
	e := newWebEnv(t)
	cl := e.client()
	cl.signIn(demoCitizen)
	cl.get("/consultations/" + demoPolicy)
	p := cl.post("/consultations/"+demoPolicy+"/comments", url.Values{"body": {"   "}, "stance": {"sideways"}})
	p.wantStatus(t, http.StatusBadRequest)
	p.mustContain(t, `href="#comment-body"`, `href="#comment-stance"`, "Enter your comment")

	long := strings.Repeat("word ", 1001)
	c := e.consultation(demoPolicy)
	threads, _, _ := e.store.ThreadPage(context.Background(), nil, c.ID, "", 1)
	parent := threads[0].ID
	p = cl.post("/consultations/"+demoPolicy+"/comments", url.Values{"body": {long}, "parent_id": {parent}})
	p.wantStatus(t, http.StatusBadRequest)
	p.mustContain(t, `href="#reply-body-`+parent+`"`, "5000 characters or fewer", strings.TrimSpace(long), "<details class=\"reply\" open>")
}

func TestPendingCommentIsShownOnlyToItsAuthor(t *testing.T) {
	e := newWebEnv(t)
	e.newConsultation(consultationOptions{slug: "premod", premoderation: true})
	author := e.client()
	author.signIn(demoCitizen)
	id := author.postComment("premod", url.Values{"body": {"Held for a moderator."}})
	author.get("/consultations/premod").mustContain(t, `id="comment-`+id+`"`, "Held for a moderator.", "Awaiting moderation")
	author.get("/me").mustContain(t, "Held for a moderator.", "Awaiting moderation")

	for name, cl := range map[string]*webClient{"anonymous reader": e.client(), "other citizen": func() *webClient { c := e.client(); c.signIn(demoAmira); return c }()} {
		p := cl.get("/consultations/premod")
		if strings.Contains(p.Body, "Held for a moderator.") {
			t.Errorf("%s sees a pending comment", name)
		}
	}
}

func TestIdeaSupportCountsOncePerAccountAndCanBeWithdrawn(t *testing.T) {
	e := newWebEnv(t)
	author := e.client()
	author.signIn(demoCitizen)
	id := author.postComment(demoIdeas, url.Values{"kind": {"idea"}, "title": {"Real-time seat counts"}, "body": {"Show how full the next bus is."}})
	author.get("/consultations/"+demoIdeas).mustContain(t, "Real-time seat counts", "0 supporters")

	fan := e.client()
	fan.signIn(demoAmira)
	fan.get("/language?lang=en&return=/") // her account reads Arabic; these checks are in English
	fan.get("/consultations/" + demoIdeas)
	for i := 0; i < 2; i++ {
		p := fan.post("/ideas/"+id+"/support", url.Values{"on": {"1"}})
		p.wantStatus(t, http.StatusSeeOther)
		if p.Location != "/consultations/"+demoIdeas+"#comment-"+id {
			t.Errorf("redirected to %q", p.Location)
		}
	}
	page := fan.get("/consultations/" + demoIdeas)
	page.mustContain(t, "1 supporter<", "You support this idea")
	if !regexp.MustCompile(`action="/ideas/` + id + `/support"[^>]*>\s*<input[^>]*><input type="hidden" name="on" value="0">\s*<button[^>]*aria-pressed="true"`).MatchString(page.Body) {
		t.Error("the support button is not shown pressed")
	}

	fan.post("/ideas/"+id+"/support", url.Values{"on": {"0"}}).wantStatus(t, http.StatusSeeOther)
	fan.get("/consultations/"+demoIdeas).mustContain(t, "0 supporters")

	anon := e.client().get("/consultations/" + demoIdeas)
	anon.mustContain(t, "Sign in to support", "Sign in to propose")
	anon.mustNotContain(t, `action="/ideas/`)
}

func TestIdeaNeedsATitle(t *testing.T) {
	e := newWebEnv(t)
	cl := e.client()
	cl.signIn(demoCitizen)
	cl.get("/consultations/" + demoIdeas)
	p := cl.post("/consultations/"+demoIdeas+"/comments", url.Values{"kind": {"idea"}, "body": {"A description without a title"}})
	p.wantStatus(t, http.StatusBadRequest)
	p.mustContain(t, `href="#idea-title"`, "A description without a title</textarea>")
}

func TestDeletingContributions(t *testing.T) {
	e := newWebEnv(t)
	author := e.client()
	author.signIn(demoCitizen)
	id := author.postComment(demoPolicy, url.Values{"body": {"I will think again."}})

	t.Run("another citizen cannot delete it", func(t *testing.T) {
		other := e.client()
		other.signIn(demoAmira)
		other.get("/consultations/"+demoPolicy).mustNotContain(t, `action="/comments/`+id+`/delete"`)
		for _, confirm := range []string{"", "1"} {
			p := other.post("/comments/"+id+"/delete", url.Values{"confirm": {confirm}})
			if p.Status != http.StatusForbidden && p.Status != http.StatusNotFound {
				t.Errorf("confirm=%q: status %d; want 403 or 404", confirm, p.Status)
			}
		}
	})
	t.Run("its author is asked to confirm, then it is gone", func(t *testing.T) {
		author.get("/consultations/"+demoPolicy).mustContain(t, `action="/comments/`+id+`/delete"`)
		ask := author.post("/comments/"+id+"/delete", url.Values{"return": {"/consultations/" + demoPolicy}})
		ask.wantStatus(t, http.StatusOK)
		ask.mustContain(t, "Are you sure", "I will think again.", `name="confirm" value="1"`)
		done := author.post("/comments/"+id+"/delete", hiddenFields(ask.Body))
		done.wantStatus(t, http.StatusSeeOther)
		if done.Location != "/consultations/"+demoPolicy+"#comment-"+id {
			t.Errorf("redirected to %q", done.Location)
		}
		e.client().get("/consultations/"+demoPolicy).mustNotContain(t, "I will think again.")
	})
}

func TestClosedConsultationShowsNoFormsAndRefusesComments(t *testing.T) {
	e := newWebEnv(t)
	c := e.newConsultation(consultationOptions{slug: "closing-talk"})
	cl := e.client()
	cl.signIn(demoCitizen)
	cl.get("/consultations/closing-talk").mustContain(t, `name="body"`)
	if _, err := e.store.SetStatus(context.Background(), e.staff, c.ID, consultations.StatusClosed); err != nil {
		t.Fatal(err)
	}
	p := cl.post("/consultations/closing-talk/comments", url.Values{"body": {"Typed before it closed"}})
	p.wantStatus(t, http.StatusConflict)
	p.mustContain(t, "This consultation is closed", "Typed before it closed")
	page := cl.get("/consultations/closing-talk")
	page.mustContain(t, "no longer accepted")
	page.mustNotContain(t, `name="body"`, "Sign in to comment")
}

// A form sent twice (a double click, a reload) stores one comment and
// takes the second sending to the first one's place on the page.
func TestCommentFormSentTwiceStoresOneComment(t *testing.T) {
	e := newWebEnv(t)
	cl := e.client()
	cl.signIn(demoCitizen)
	cl.get("/consultations/" + demoPolicy)
	form := url.Values{"body": {"Sent once, clicked twice"}, "idem": {"form-token-1"}}
	first := cl.post("/consultations/"+demoPolicy+"/comments", form)
	second := cl.post("/consultations/"+demoPolicy+"/comments", form)
	if first.Status != http.StatusSeeOther || second.Status != http.StatusSeeOther || first.Location != second.Location || !strings.Contains(first.Location, "#comment-") {
		t.Fatalf("first %d %q, second %d %q; want both sent to the same comment", first.Status, first.Location, second.Status, second.Location)
	}
	if n := strings.Count(e.client().get("/consultations/"+demoPolicy).Body, "Sent once, clicked twice"); n != 1 {
		t.Errorf("the comment shows %d times; want once", n)
	}
}
