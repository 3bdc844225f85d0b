package server

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
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
	// A wide table (several groups, a narrow phone) scrolls in a region of
	// its own that a keyboard can reach, instead of squeezing statements.
	page.mustContain(t, `<div class="op-scroll" role="region" tabindex="0" aria-label="What sets Group A apart`,
		`<div class="op-scroll" role="region" tabindex="0" aria-label="Where the groups differ">`)
	frag := e.client().get("/consultations/" + demoPolicy + "/opinion/report?fragment=1")
	frag.mustContain(t, "Group A")
	frag.mustNotContain(t, "<html")
}

func between(s, from, to string) string {
	_, after, _ := strings.Cut(s, from)
	v, _, _ := strings.Cut(after, to)
	return v
}

// Staff upload a real Pol.is export of several megabytes (over the 1 MB
// other requests may send) through the import form.
func TestStaffImportALargePolisExportThroughTheForm(t *testing.T) {
	e := newWebEnv(t)
	export := filepath.Join("..", "..", "shared", "data", "polis", "austria-climate.5twd2jsnkf.2022-08-08")
	c := e.consultation(demoPolicy)
	staff := e.client()
	staff.signIn(demoStaff)
	staff.get("/manage/consultations/"+c.ID+"/opinion").wantStatus(t, http.StatusOK)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf_token", staff.csrf)
	for _, name := range []string{"comments", "votes"} {
		data, err := os.ReadFile(filepath.Join(export, name+".csv"))
		if err != nil {
			t.Fatalf("the Pol.is open data is missing (shared/data/polis beside the repository clone): %v", err)
		}
		fw, _ := mw.CreateFormFile(name, name+".csv")
		fw.Write(data)
	}
	mw.Close()
	if body.Len() < 2<<20 {
		t.Fatalf("export is %d bytes; the test needs one over 2 MB", body.Len())
	}
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/manage/consultations/"+c.ID+"/opinion/import", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	page := staff.do(req)
	page.wantStatus(t, http.StatusOK)
	res, err := e.server.opinion.Recompute(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if res.Votes < 50000 {
		t.Errorf("after the upload the map has %d votes; want the export's 54,000 or so", res.Votes)
	}

	// Other forms keep the 1 MB limit.
	big := url.Values{"body": {strings.Repeat("x", 2<<20)}}
	staff.post("/manage/consultations/"+c.ID+"/opinion/statements", big).wantStatus(t, http.StatusRequestEntityTooLarge)
}
