package server

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"testing"
)

func TestMyContributionsListsResponsesCommentsAndNotifications(t *testing.T) {
	e := newWebEnv(t)
	cl := e.client()
	cl.signIn(demoCitizen)
	home := cl.get("/")
	home.mustContain(t, "1 new")

	me := cl.get("/me")
	me.wantStatus(t, http.StatusOK)
	me.mustContain(t, "The outcome of", `href="/consultations/`+demoOutcome+`/outcome"`, "Protected lanes on the ring road", "Published", "My responses")
	cl.get("/").mustNotContain(t, "1 new")
}

func TestDeletingMyResponse(t *testing.T) {
	e := newWebEnv(t)
	cl := e.client()
	cl.signIn(demoCitizen)
	u, _ := e.store.Authenticate(context.Background(), demoCitizen, "consult-demo-2026")
	mine, _ := e.store.ResponsesByUser(context.Background(), u.ID)
	if len(mine) == 0 {
		t.Fatal("the demo citizen has no response")
	}
	r := mine[0]
	me := cl.get("/me")
	me.mustContain(t, r.Reference, `action="/me/responses/`+r.ID+`/delete"`)

	other := e.client()
	other.signIn(demoAmira)
	for _, confirm := range []string{"", "1"} {
		if p := other.post("/me/responses/"+r.ID+"/delete", url.Values{"confirm": {confirm}}); p.Status != http.StatusNotFound {
			t.Errorf("another citizen deleting (confirm=%q): status %d; want 404", confirm, p.Status)
		}
	}

	ask := cl.post("/me/responses/"+r.ID+"/delete", nil)
	ask.wantStatus(t, http.StatusOK)
	ask.mustContain(t, "Are you sure", r.Reference)
	cl.post("/me/responses/"+r.ID+"/delete", hiddenFields(ask.Body)).wantStatus(t, http.StatusSeeOther)
	cl.get("/me").mustNotContain(t, r.Reference)
}

func TestOutcomePageLinksDecisionsToComments(t *testing.T) {
	e := newWebEnv(t)
	p := e.client().get("/consultations/" + demoOutcome + "/outcome")
	p.wantStatus(t, http.StatusOK)
	p.mustContain(t, "We asked", "You said", "We did", "kerb-protected lanes", "Protected lanes on the ring road")
	links := regexp.MustCompile(`href="/consultations/`+demoOutcome+`#comment-([0-9A-Z]+)"`).FindAllStringSubmatch(p.Body, -1)
	if len(links) != 2 {
		t.Fatalf("%d links to comments; want 2", len(links))
	}
	thread := e.client().get("/consultations/" + demoOutcome)
	for _, l := range links {
		thread.mustContain(t, `id="comment-`+l[1]+`"`)
	}
	if p := e.client().get("/consultations/" + demoPolicy + "/outcome"); p.Status != http.StatusNotFound {
		t.Errorf("outcome of an open consultation: status %d; want 404", p.Status)
	}
}
