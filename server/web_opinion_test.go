package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/consult-platform/consult/consultations/opinion"
)

// opinionSetUp has staff turn on the opinion map of the demo policy
// consultation and write seed statements, through the staff pages.
func opinionSetUp(t *testing.T, e *webEnv, seeds ...string) {
	t.Helper()
	c := e.consultation(demoPolicy)
	staff := e.client()
	staff.signIn(demoStaff)
	staff.get("/manage/consultations/"+c.ID+"/opinion").wantStatus(t, http.StatusOK)
	staff.post("/manage/consultations/"+c.ID+"/opinion", url.Values{"participant_statements": {"1"}}).wantStatus(t, http.StatusSeeOther)
	for _, s := range seeds {
		staff.post("/manage/consultations/"+c.ID+"/opinion/statements", url.Values{"body": {s}}).wantStatus(t, http.StatusSeeOther)
	}
}

func TestCitizenVotesOneStatementAtATimeWithoutJavaScript(t *testing.T) {
	e := newWebEnv(t)
	opinionSetUp(t, e, "Lower speed limits make streets safer.", "Drivers should decide their own speed.")
	cl := e.client()
	cl.signIn(demoCitizen)
	page := cl.get("/consultations/" + demoPolicy + "/opinion")
	page.wantStatus(t, http.StatusOK)
	page.mustContain(t, "Lower speed limits make streets safer.", `name="vote" value="agree"`, `name="vote" value="disagree"`, `name="vote" value="pass"`)
	page.mustNotContain(t, "Drivers should decide their own speed.")
	id := between(page.Body, `name="statement_id" value="`, `"`)
	cl.post("/consultations/"+demoPolicy+"/opinion/votes", url.Values{"statement_id": {id}, "vote": {"agree"}}).wantStatus(t, http.StatusSeeOther)
	page = cl.get("/consultations/" + demoPolicy + "/opinion")
	page.mustContain(t, "Drivers should decide their own speed.", "You have voted on 1 of 2 statements.", "Your votes")
	// Changing the first vote keeps one vote.
	cl.post("/consultations/"+demoPolicy+"/opinion/votes", url.Values{"statement_id": {id}, "vote": {"disagree"}, "changed": {"1"}}).wantStatus(t, http.StatusSeeOther)
	page = cl.get("/consultations/" + demoPolicy + "/opinion")
	page.mustContain(t, "You have voted on 1 of 2 statements.")
}

func TestDuplicateStatementFormKeepsTheTextAndLinksTheExistingOne(t *testing.T) {
	e := newWebEnv(t)
	opinionSetUp(t, e, "Lower speed limits make streets safer.")
	cl := e.client()
	cl.signIn(demoCitizen)
	cl.get("/consultations/" + demoPolicy + "/opinion")
	page := cl.post("/consultations/"+demoPolicy+"/opinion/statements", url.Values{"body": {"lower speed-limits make streets SAFER"}})
	page.wantStatus(t, http.StatusConflict)
	page.mustContain(t, "error-summary", `href="#statement-body"`, "lower speed-limits make streets SAFER", "It repeats:", "Lower speed limits make streets safer.")
	page = cl.post("/consultations/"+demoPolicy+"/opinion/statements", url.Values{"body": {"More crossings near schools."}})
	page.wantStatus(t, http.StatusSeeOther)
}

func TestReportShowsGroupsAsAggregatesWithAMapAndTables(t *testing.T) {
	e := newWebEnv(t)
	opinionSetUp(t, e, "Statement zero")
	ctx := context.Background()
	c := e.consultation(demoPolicy)
	ops := opinion.NewStore(e.store)
	defer ops.Close()
	conv := &opinion.PolisConversation{}
	for j := 1; j <= 8; j++ {
		conv.Statements = append(conv.Statements, opinion.PolisStatement{ID: j, Body: "Imported statement " + strings.Repeat("x", j)})
	}
	for p := 0; p < 40; p++ {
		for j := 1; j <= 8; j++ {
			v := opinion.Agree
			if (j%2 == 0) != (p%2 == 0) {
				v = opinion.Disagree
			}
			conv.Votes = append(conv.Votes, opinion.PolisVote{Statement: j, Voter: p, Vote: v})
		}
	}
	if _, err := ops.Import(ctx, e.staff, c.ID, conv); err != nil {
		t.Fatal(err)
	}
	if _, err := ops.Recompute(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	page := e.client().get("/consultations/" + demoPolicy + "/opinion/report")
	page.wantStatus(t, http.StatusOK)
	page.mustContain(t, `role="img"`, "<title id=\"op-map-title\">", "<desc", "Group A", "Group B", "20 people", "What sets Group A apart", "<table", "Where the groups differ")
	page.mustNotContain(t, "import:")
	frag := e.client().get("/consultations/" + demoPolicy + "/opinion/report?fragment=1")
	frag.mustContain(t, "Group A")
	frag.mustNotContain(t, "<html")
}

func between(s, from, to string) string {
	_, after, _ := strings.Cut(s, from)
	v, _, _ := strings.Cut(after, to)
	return v
}
