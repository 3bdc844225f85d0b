package server

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/consult-platform/consult/consultations"
	"github.com/consult-platform/consult/moderation"
)

func TestCitizensAndStaffCannotReachTheQueue(t *testing.T) {
	e := newAPIEnv(t)
	e.reportedComment()
	want := map[string]int{asAnon: 401, asCitizen: 403, asStaff: 403, asOtherStaff: 403, asAuthor: 403, asModerator: 200, asAdmin: 200}
	for role, code := range want {
		for _, path := range []string{"/api/v1/moderation/queue", "/api/v1/moderation/appeals"} {
			if rec := e.call("GET", path, role, nil); rec.Code != code {
				t.Errorf("GET %s as %s = %d; want %d", path, role, rec.Code, code)
			}
		}
	}
	page := apiDecode[queuePage](t, e.call("GET", "/api/v1/moderation/queue", asModerator, nil))
	if len(page.Items) == 0 || page.Items[0].Subject == nil || !strings.Contains(strings.Join(page.Items[0].Reasons, ","), "spam") {
		t.Errorf("queue = %+v; want the reported comment with its reason and text", page)
	}
}

func TestModeratorLimitedToOneOrganisationCannotActOnAnother(t *testing.T) {
	e := newAPIEnv(t)
	ctx := context.Background()
	elsewhere := e.newConsultation(asOtherStaff, nil, consultations.StatusOpen)
	cm := e.comment(asAuthor, elsewhere.ID, consultations.NewComment{Body: uniqueText("In another organisation")})
	if err := e.srv.mod.Report(ctx, actorOf(e.users[asCitizen]), "comment", cm.ID, "abusive", ""); err != nil {
		t.Fatal(err)
	}
	item := e.itemFor(cm.ID)
	if rec := e.call("PUT", "/api/v1/moderation/moderators/"+e.users[asModerator].ID+"/scopes", asAdmin, map[string]any{"org_ids": []string{e.org.ID}}); rec.Code != 200 {
		t.Fatalf("set scopes = %d %s", rec.Code, rec.Body.String())
	}
	page := apiDecode[queuePage](t, e.call("GET", "/api/v1/moderation/queue", asModerator, nil))
	for _, it := range page.Items {
		if it.ID == item {
			t.Errorf("a moderator limited to %s sees an item of %s", e.org.Slug, e.otherOrg.Slug)
		}
	}
	for _, r := range []struct{ path string }{{"/api/v1/moderation/queue/" + item + "/claim"}, {"/api/v1/moderation/queue/" + item + "/decision"}} {
		rec := e.call("POST", r.path, asModerator, hideSpam)
		wantAPIError(t, rec, http.StatusForbidden, "forbidden")
	}
	if got := e.commentStatus(cm.ID); got != "published" {
		t.Errorf("status = %s; want published", got)
	}
	// An unlimited moderator (the admin here) may.
	if rec := e.call("POST", "/api/v1/moderation/queue/"+item+"/decision", asAdmin, hideSpam); rec.Code != 200 {
		t.Errorf("admin decision = %d %s", rec.Code, rec.Body.String())
	}
}

func TestNobodyDecidesAnAppealAgainstTheirOwnDecision(t *testing.T) {
	e := newAPIEnv(t)
	cm, decision := e.hiddenComment(asModerator)
	rec := e.call("POST", "/api/v1/moderation/decisions/"+decision+"/appeal", asAuthor, map[string]string{"text": "I only named the shop that repaired the crossing."})
	if rec.Code != 201 {
		t.Fatalf("appeal = %d %s", rec.Code, rec.Body.String())
	}
	appeal := apiDecode[moderation.Appeal](t, rec)
	again := e.call("POST", "/api/v1/moderation/decisions/"+decision+"/appeal", asAuthor, map[string]string{"text": "Again."})
	wantAPIError(t, again, http.StatusConflict, "conflict")

	own := e.call("POST", "/api/v1/moderation/appeals/"+appeal.ID+"/decision", asModerator, map[string]string{"outcome": "upheld", "response": "Fine."})
	wantAPIError(t, own, http.StatusForbidden, "forbidden")
	if got := e.commentStatus(cm.ID); got != "hidden" {
		t.Fatalf("status after the refused appeal decision = %s", got)
	}
	other := e.call("POST", "/api/v1/moderation/appeals/"+appeal.ID+"/decision", asAdmin, map[string]string{"outcome": "upheld", "response": "Naming a repairer is not advertising."})
	if other.Code != 200 {
		t.Fatalf("appeal decision = %d %s", other.Code, other.Body.String())
	}
	if got := e.commentStatus(cm.ID); got != "published" {
		t.Errorf("status after the upheld appeal = %s; want published", got)
	}
	mine := apiDecode[struct {
		Items []moderation.AppealDecision `json:"items"`
	}](t, e.call("GET", "/api/v1/me/moderation-decisions", asAuthor, nil))
	found := false
	for _, d := range mine.Items {
		if d.ID == decision && d.Appeal != nil && d.Appeal.Status == "upheld" && d.Explanation == hideSpam.Explanation {
			found = true
		}
	}
	if !found {
		t.Errorf("the author does not see the decision with its upheld appeal: %+v", mine.Items)
	}
	log := apiDecode[moderation.PublicLog](t, e.call("GET", "/api/v1/consultations/"+e.policy.ID+"/moderation-log", asAnon, nil))
	if log.Hidden != 1 || log.AppealsUpheld != 1 || log.Restored != 1 {
		t.Errorf("log = %+v; want 1 hidden, 1 appeal upheld, 1 restored", log)
	}
}

func TestBadModerationInputIsRefusedAndChangesNothing(t *testing.T) {
	e := newAPIEnv(t)
	cases := []struct {
		name  string
		body  any
		field string
	}{
		{"unknown action", map[string]string{"action": "delete", "category": "spam", "explanation": "x y"}, "action"},
		{"empty explanation", map[string]string{"action": "hide", "category": "spam", "explanation": "  "}, "explanation"},
		{"no category", map[string]string{"action": "hide", "explanation": "Because."}, "category"},
		{"unknown category", map[string]string{"action": "hide", "category": "rude", "explanation": "Because."}, "category"},
		{"redaction without passages", map[string]string{"action": "redact", "category": "personal_data", "explanation": "A phone number."}, "remove"},
		{"passage not in the text", map[string]any{"action": "redact", "category": "personal_data", "explanation": "A phone number.", "remove": []string{"555 0100"}}, "remove"},
		{"unknown field", `{"action":"hide","category":"spam","explanation":"x","severity":3}`, "severity"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cm, item := e.reportedComment()
			rec := e.call("POST", "/api/v1/moderation/queue/"+item+"/decision", asModerator, c.body)
			got := wantAPIError(t, rec, http.StatusBadRequest, "invalid")
			if got.Error.Fields[c.field] == "" {
				t.Errorf("fields = %v; want %s named", got.Error.Fields, c.field)
			}
			if s := e.commentStatus(cm.ID); s != "published" {
				t.Errorf("status = %s; want published", s)
			}
			if open, _ := e.srv.mod.OpenItemFor(context.Background(), "comment", cm.ID); open != item {
				t.Errorf("the item is no longer open")
			}
		})
	}
	t.Run("unknown report reason", func(t *testing.T) {
		cm := e.comment(asAuthor, e.policy.ID, consultations.NewComment{Body: uniqueText("Not reported")})
		for _, body := range []any{map[string]string{"reason": "boring"}, map[string]string{"reason": "other"}, map[string]string{}} {
			wantAPIError(t, e.call("POST", "/api/v1/comments/"+cm.ID+"/reports", asCitizen, body), http.StatusBadRequest, "invalid")
		}
		if open, _ := e.srv.mod.OpenItemFor(context.Background(), "comment", cm.ID); open != "" {
			t.Errorf("a refused report made a queue item")
		}
	})
	t.Run("stale claim", func(t *testing.T) {
		cm, item := e.reportedComment()
		if rec := e.call("POST", "/api/v1/moderation/queue/"+item+"/claim", asModerator, nil); rec.Code != 200 {
			t.Fatalf("claim = %d %s", rec.Code, rec.Body.String())
		}
		got := wantAPIError(t, e.call("POST", "/api/v1/moderation/queue/"+item+"/decision", asAdmin, hideSpam), http.StatusConflict, "conflict")
		if !strings.Contains(got.Error.Message, "Another moderator") {
			t.Errorf("message = %q", got.Error.Message)
		}
		wantAPIError(t, e.call("POST", "/api/v1/moderation/queue/"+item+"/claim", asAdmin, nil), http.StatusConflict, "conflict")
		if s := e.commentStatus(cm.ID); s != "published" {
			t.Errorf("status = %s; want published", s)
		}
	})
	t.Run("double decision", func(t *testing.T) {
		cm, item := e.reportedComment()
		if rec := e.call("POST", "/api/v1/moderation/queue/"+item+"/decision", asModerator, hideSpam); rec.Code != 200 {
			t.Fatalf("first decision = %d %s", rec.Code, rec.Body.String())
		}
		wantAPIError(t, e.call("POST", "/api/v1/moderation/queue/"+item+"/decision", asAdmin, map[string]string{"action": "approve"}), http.StatusConflict, "conflict")
		if s := e.commentStatus(cm.ID); s != "hidden" {
			t.Errorf("status = %s; want hidden (the first decision)", s)
		}
	})
}

func TestTwoModeratorsDecidingAtOnceOneWins(t *testing.T) {
	e := newAPIEnv(t)
	for round := 0; round < 5; round++ {
		cm, item := e.reportedComment()
		codes := make([]int, 2)
		var wg sync.WaitGroup
		for i, role := range []string{asModerator, asAdmin} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				body := any(hideSpam)
				if role == asAdmin {
					body = map[string]string{"action": "approve"}
				}
				codes[i] = e.call("POST", "/api/v1/moderation/queue/"+item+"/decision", role, body).Code
			}()
		}
		wg.Wait()
		if !(codes[0] == 200 && codes[1] == 409 || codes[0] == 409 && codes[1] == 200) {
			t.Fatalf("round %d: codes = %v; want one 200 and one 409", round, codes)
		}
		entries, _, err := e.srv.mod.Audit(context.Background(), actorOf(e.users[asAdmin]), moderation.AuditFilter{Subject: cm.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 1 {
			t.Errorf("round %d: %d audit entries; want 1", round, len(entries))
		}
		want := map[bool]string{true: "hidden", false: "published"}[codes[0] == 200]
		if s := e.commentStatus(cm.ID); s != want {
			t.Errorf("round %d: status = %s; want %s (the winner's)", round, s, want)
		}
	}
}

func TestHiddenTextNeverAppearsPublicly(t *testing.T) {
	e := newAPIEnv(t)
	secret := "Call Jo on 07700 900123 for cheap tyres"
	parent := e.comment(asCitizen, e.policy.ID, consultations.NewComment{Body: uniqueText("Parent")})
	cm := e.comment(asAuthor, e.policy.ID, consultations.NewComment{Body: secret, ParentID: parent.ID})
	if err := e.srv.mod.Report(context.Background(), actorOf(e.users[asCitizen]), "comment", cm.ID, "personal_data", ""); err != nil {
		t.Fatal(err)
	}
	reply := e.comment(asCitizen, e.policy.ID, consultations.NewComment{Body: uniqueText("A reply below"), ParentID: cm.ID})
	_ = reply
	rec := e.call("POST", "/api/v1/moderation/queue/"+e.itemFor(cm.ID)+"/decision", asModerator,
		map[string]string{"action": "hide", "category": "personal_data", "explanation": "It gives someone's phone number."})
	if rec.Code != 200 {
		t.Fatalf("decision = %d %s", rec.Code, rec.Body.String())
	}
	for _, role := range []string{asAnon, asCitizen, asStaff} {
		for _, path := range []string{
			"/consultations/" + e.policy.Slug,
			"/api/v1/consultations/" + e.policy.ID + "/comments?limit=500",
			"/api/v1/comments/" + cm.ID,
			"/api/v1/consultations/" + e.policy.ID + "/moderation-log",
			"/consultations/" + e.policy.Slug + "/moderation",
		} {
			rec := e.call("GET", path, role, nil)
			if strings.Contains(rec.Body.String(), "07700") {
				t.Errorf("GET %s as %s shows the hidden text", path, role)
			}
		}
	}
	page := e.call("GET", "/consultations/"+e.policy.Slug, asAnon, nil).Body.String()
	if !strings.Contains(page, "personal data") {
		t.Errorf("the page does not show the hidden comment's category")
	}
	got := apiDecode[consultations.Comment](t, e.call("GET", "/api/v1/comments/"+cm.ID, asAnon, nil))
	if got.Status != "hidden" || got.ModerationCategory != "personal_data" || got.Body != "" {
		t.Errorf("comment = %+v; want hidden, personal_data, no body", got)
	}
}

func TestPremoderatedCommentsWaitInTheQueueUntilApproved(t *testing.T) {
	e := newAPIEnv(t)
	c := e.newConsultation(asStaff, func(d *consultations.Draft) { d.Premoderation = true }, consultations.StatusOpen)
	rec := e.call("POST", "/api/v1/consultations/"+c.ID+"/comments", asCitizen, map[string]string{"body": "Please add a crossing by the school."})
	cm := apiDecode[consultations.Comment](t, rec)
	if cm.Status != "pending" {
		t.Fatalf("status = %s; want pending", cm.Status)
	}
	page := apiDecode[queuePage](t, e.call("GET", "/api/v1/moderation/queue?consultation="+c.ID+"&reason=premoderation", asModerator, nil))
	if len(page.Items) != 1 || page.Items[0].SubjectID != cm.ID {
		t.Fatalf("queue = %+v; want the pending comment", page.Items)
	}
	if n := e.commentCount(c.ID); n != 0 {
		t.Errorf("comment_count = %d before approval", n)
	}
	if rec := e.call("POST", "/api/v1/moderation/queue/"+page.Items[0].ID+"/decision", asModerator, map[string]string{"action": "approve"}); rec.Code != 200 {
		t.Fatalf("approve = %d %s", rec.Code, rec.Body.String())
	}
	if n := e.commentCount(c.ID); n != 1 {
		t.Errorf("comment_count = %d after approval; want 1", n)
	}
}

func TestWatchedWordsBlockHoldFlagAndMask(t *testing.T) {
	e := newAPIEnv(t)
	for word, action := range map[string]string{"scumbag": "block", "bribe": "hold", "lawsuit": "flag", "damn": "mask"} {
		if rec := e.call("POST", "/api/v1/organisations/"+e.org.ID+"/watched-words", asStaff, map[string]string{"word": word, "action": action}); rec.Code != 201 {
			t.Fatalf("add %s = %d %s", word, rec.Code, rec.Body.String())
		}
	}
	path := "/api/v1/consultations/" + e.policy.ID + "/comments"
	rec := e.call("POST", path, asCitizen, map[string]string{"body": "The councillor is a SCUMB4G."})
	got := wantAPIError(t, rec, http.StatusBadRequest, "invalid")
	if !strings.Contains(got.Error.Fields["body"], "scumbag") {
		t.Errorf("block message = %q; want the word named", got.Error.Fields["body"])
	}
	held := apiDecode[consultations.Comment](t, e.call("POST", path, asCitizen, map[string]string{"body": "Someone took a brïbe for this."}))
	flagged := apiDecode[consultations.Comment](t, e.call("POST", path, asCitizen, map[string]string{"body": "Expect a l a w s u i t over this."}))
	masked := apiDecode[consultations.Comment](t, e.call("POST", path, asCitizen, map[string]string{"body": "This damn road is too fast."}))
	if held.Status != "pending" || flagged.Status != "published" || masked.Status != "published" {
		t.Errorf("statuses = %s, %s, %s; want pending, published, published", held.Status, flagged.Status, masked.Status)
	}
	if masked.Body != "This **** road is too fast." {
		t.Errorf("masked body = %q", masked.Body)
	}
	page := apiDecode[queuePage](t, e.call("GET", "/api/v1/moderation/queue?reason=watched_word", asModerator, nil))
	why := map[string]string{}
	for _, it := range page.Items {
		for _, w := range it.Why {
			why[it.SubjectID] += w.Detail
		}
	}
	if !strings.Contains(why[held.ID], "bribe") || !strings.Contains(why[flagged.ID], "lawsuit") {
		t.Errorf("why = %v; want the matched words explained", why)
	}
}

func TestRedactionKeepsTheOriginalForTheAuditOnlyAndRestoreBringsItBack(t *testing.T) {
	e := newAPIEnv(t)
	cm := e.comment(asAuthor, e.policy.ID, consultations.NewComment{Body: "My neighbour Ann Smith at 12 Elm Road speeds every day."})
	if err := e.srv.mod.Report(context.Background(), actorOf(e.users[asCitizen]), "comment", cm.ID, "personal_data", ""); err != nil {
		t.Fatal(err)
	}
	rec := e.call("POST", "/api/v1/moderation/queue/"+e.itemFor(cm.ID)+"/decision", asModerator,
		map[string]any{"action": "redact", "category": "personal_data", "explanation": "Names a private person and her address.", "remove": []string{"Ann Smith at 12 Elm Road"}})
	if rec.Code != 200 {
		t.Fatalf("redact = %d %s", rec.Code, rec.Body.String())
	}
	d := apiDecode[moderation.Decision](t, rec)
	pub := apiDecode[consultations.Comment](t, e.call("GET", "/api/v1/comments/"+cm.ID, asAnon, nil))
	if pub.Body != "My neighbour "+moderation.RedactionMark+" speeds every day." || pub.ModerationCategory != "personal_data" {
		t.Errorf("public comment = %q (%s)", pub.Body, pub.ModerationCategory)
	}
	audit := apiDecode[listResponse[moderation.AuditEntry]](t, e.call("GET", "/api/v1/moderation/audit?subject="+cm.ID, asAdmin, nil))
	if len(audit.Items) != 1 || !strings.Contains(audit.Items[0].Before, "Elm Road") {
		t.Errorf("audit = %+v; want the original kept", audit.Items)
	}
	csv := e.call("GET", "/api/v1/moderation/audit.csv?subject="+cm.ID, asAdmin, nil)
	if csv.Code != 200 || !strings.Contains(csv.Body.String(), "decision.redact") {
		t.Errorf("CSV export = %d %s", csv.Code, csv.Body.String())
	}
	wantAPIError(t, e.call("GET", "/api/v1/moderation/audit", asModerator, nil), http.StatusForbidden, "forbidden")
	wantAPIError(t, e.call("GET", "/api/v1/moderation/audit.csv", asStaff, nil), http.StatusForbidden, "forbidden")

	// The author appeals; another moderator upholds it: the original returns.
	a, err := e.srv.mod.FileAppeal(context.Background(), actorOf(e.users[asAuthor]), d.ID, "It is my own street and everyone knows.")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.srv.mod.DecideAppeal(context.Background(), actorOf(e.users[asAdmin]), a.ID, moderation.AppealDecisionInput{Outcome: "upheld", Response: "Fair enough."}); err != nil {
		t.Fatal(err)
	}
	back := apiDecode[consultations.Comment](t, e.call("GET", "/api/v1/comments/"+cm.ID, asAnon, nil))
	if back.Body != cm.Body || back.ModerationCategory != "" {
		t.Errorf("after the upheld appeal: %q (%q); want the original", back.Body, back.ModerationCategory)
	}
}

func TestNearDuplicateSubmissionsAreGroupedCountedAndDecidedTogether(t *testing.T) {
	e := newAPIEnv(t)
	c := e.newConsultation(asStaff, nil, consultations.StatusOpen)
	base := "I strongly oppose the 20mph limit on main roads because it will slow buses, increase journey times and hurt local businesses"
	var ids []string
	for i := 0; i < 5; i++ {
		u := e.newUser(consultations.NewAccount{Email: fmt.Sprintf("campaigner%d@example.org", i), DisplayName: "Campaigner", Role: consultations.RoleCitizen})
		body := base
		if i%2 == 1 {
			body = strings.Replace(base, "strongly", "really", 1) + "."
		}
		cm, err := e.store.PostComment(context.Background(), u, c.ID, consultations.NewComment{Body: body}, consultations.IdemKey{})
		if err != nil {
			t.Fatal(err)
		}
		if cm.Status != "published" {
			t.Errorf("campaign comment %d is %s; near-duplicates are published and counted, not dropped", i, cm.Status)
		}
		ids = append(ids, cm.ID)
	}
	e.comment(asCitizen, c.ID, consultations.NewComment{Body: "Could the council add a zebra crossing outside the library on Mill Lane please?"})
	page := apiDecode[queuePage](t, e.call("GET", "/api/v1/moderation/queue?consultation="+c.ID+"&reason=campaign", asModerator, nil))
	if len(page.Items) != 5 {
		t.Fatalf("%d campaign items; want 5", len(page.Items))
	}
	campaign := page.Items[0].Campaign
	for _, it := range page.Items {
		if it.Campaign == nil || it.Campaign.ID != campaign.ID || it.Campaign.Size != 5 {
			t.Fatalf("item %s campaign = %+v; want one group of 5", it.SubjectID, it.Campaign)
		}
	}
	log := apiDecode[moderation.PublicLog](t, e.call("GET", "/api/v1/consultations/"+c.ID+"/moderation-log", asAnon, nil))
	if log.Campaigns != 1 || log.CampaignMembers != 5 {
		t.Errorf("log = %+v; want 1 campaign of 5", log)
	}
	rec := e.call("POST", "/api/v1/moderation/bulk-decisions", asModerator, map[string]string{"campaign_id": campaign.ID, "action": "approve"})
	res := apiDecode[struct {
		Results []bulkResult `json:"results"`
	}](t, rec)
	if len(res.Results) != 5 {
		t.Fatalf("bulk results = %+v", res.Results)
	}
	for _, r := range res.Results {
		if !r.Decided {
			t.Errorf("item %s not decided: %+v", r.ItemID, r.Error)
		}
	}
	if n := e.commentCount(c.ID); n != 6 {
		t.Errorf("comment_count = %d; want 6", n)
	}
}

func TestDecisionsReachLiveWatchersAsHiddenAndRestoredEvents(t *testing.T) {
	e := newAPIEnv(t)
	ctx := context.Background()
	cm, decision := e.hiddenComment(asModerator)
	a, err := e.srv.mod.FileAppeal(ctx, actorOf(e.users[asAuthor]), decision, "Please look again.")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.srv.mod.DecideAppeal(ctx, actorOf(e.users[asAdmin]), a.ID, moderation.AppealDecisionInput{Outcome: "upheld", Response: "Fair."}); err != nil {
		t.Fatal(err)
	}
	events, _, err := e.store.EventsSince(ctx, e.policy.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	for _, ev := range events {
		if strings.Contains(string(ev.Data), cm.ID) && ev.Type != consultations.EventCommentCreated {
			seen = append(seen, ev.Type)
			if ev.Type == consultations.EventCommentHidden && strings.Contains(string(ev.Data), "speed limits") {
				t.Errorf("the hidden event carries the text: %s", ev.Data)
			}
		}
	}
	if strings.Join(seen, ",") != "comment.hidden,comment.restored" {
		t.Errorf("events = %v; want comment.hidden then comment.restored", seen)
	}
}
