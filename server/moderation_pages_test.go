package server

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/consult-platform/consult/consultations"
)

var itemAnchor = regexp.MustCompile(`id="item-([0-9A-Z]+)"`)

// TestReportReviewNotifyAndAppealWorkWithoutJavaScript walks the whole
// path with plain forms: a citizen reports, a moderator hides with a
// statement of reasons, the public sees the category, the author reads
// why and appeals.
func TestReportReviewNotifyAndAppealWorkWithoutJavaScript(t *testing.T) {
	e := newWebEnv(t)
	ctx := context.Background()
	policy := e.consultation(demoPolicy)
	amira, err := e.store.Authenticate(ctx, demoAmira, "consult-demo-2026")
	if err != nil {
		t.Fatal(err)
	}
	cm, err := e.store.PostComment(ctx, amira, policy.ID, consultations.NewComment{Body: "The people on Acacia Avenue are all thieves and liars."}, consultations.IdemKey{})
	if err != nil {
		t.Fatal(err)
	}

	citizen := e.client()
	citizen.signIn(demoCitizen)
	citizen.get("/consultations/"+demoPolicy).mustContain(t, `href="/comments/`+cm.ID+`/report"`)
	form := citizen.get("/comments/" + cm.ID + "/report")
	form.wantStatus(t, http.StatusOK)
	bad := citizen.post("/comments/"+cm.ID+"/report", url.Values{"text": {"kept text"}})
	bad.wantStatus(t, http.StatusBadRequest)
	bad.mustContain(t, `href="#report-reason"`, "kept text")
	citizen.post("/comments/"+cm.ID+"/report", url.Values{"reason": {"abusive"}}).mustContain(t, "Report received")
	citizen.get("/moderation").wantStatus(t, http.StatusForbidden)

	mod := e.client()
	mod.signIn("moderator@demo.consult.example")
	queue := mod.get("/moderation")
	queue.wantStatus(t, http.StatusOK)
	queue.mustContain(t, "Acacia Avenue", "Abusive")
	m := itemAnchor.FindStringSubmatch(queue.Body)
	if m == nil {
		t.Fatal("no item on the queue page")
	}
	item := m[1]
	noReason := mod.post("/moderation/items/"+item+"/decision", url.Values{"action": {"hide"}, "category": {"abusive"}})
	noReason.wantStatus(t, http.StatusBadRequest)
	noReason.mustContain(t, `href="#decision-`+item+`-explanation"`, `<option value="abusive" selected>`)
	done := mod.post("/moderation/items/"+item+"/decision", url.Values{"action": {"hide"}, "category": {"abusive"},
		"explanation": {"It accuses named neighbours of crimes."}, "return": {"/moderation"}})
	if done.Status != http.StatusSeeOther {
		t.Fatalf("decision = %d %s", done.Status, done.Body)
	}
	public := e.client().get("/consultations/" + demoPolicy)
	public.mustNotContain(t, "Acacia Avenue")
	e.client().get("/consultations/"+demoPolicy+"/moderation").mustContain(t, "Contributions hidden", "Abusive content")

	author := e.client()
	author.signIn(demoAmira)
	author.get("/language?lang=en&return=/") // her account reads Arabic; these checks are in English
	author.get("/me").mustContain(t, "A moderator hid your contribution")
	mine := author.get("/me/moderation")
	mine.mustContain(t, "It accuses named neighbours of crimes.", "Appeal this decision")
	m = regexp.MustCompile(`action="/me/moderation/([0-9A-Z]+)/appeal"`).FindStringSubmatch(mine.Body)
	if m == nil {
		t.Fatal("no appeal form")
	}
	if p := author.post("/me/moderation/"+m[1]+"/appeal", url.Values{"text": {"I exaggerated; please restore it with the names removed."}}); p.Status != http.StatusSeeOther {
		t.Fatalf("appeal = %d %s", p.Status, p.Body)
	}
	author.get("/me/moderation").mustContain(t, "Appeal waiting for a moderator")
	mod.get("/moderation/appeals").mustContain(t, "You made this decision")
}
