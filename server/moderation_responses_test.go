package server

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/consult-platform/consult/consultations"
	"github.com/consult-platform/consult/moderation"
)

// Campaigns reach consultations as responses too (the same letter sent by
// many people). Their free text joins near-duplicate groups, so the public
// log and the figures count campaign submissions, but answers are never
// queued for review: they are not published.
func TestNearDuplicateResponsesAreCountedAsACampaignButNotQueued(t *testing.T) {
	e := newAPIEnv(t)
	c := e.newConsultation(asStaff, nil, consultations.StatusOpen)
	text := c.Questions[0].ID
	letter := "As a resident of this city I ask the ministry to withdraw the proposal because it will close our local library and the bus route that serves it"
	for i := 0; i < 4; i++ {
		u := e.newUser(consultations.NewAccount{Email: fmt.Sprintf("letter%d@example.org", i), DisplayName: "Resident", Role: consultations.RoleCitizen})
		body := letter
		if i%2 == 1 {
			body = strings.Replace(letter, "withdraw", "drop", 1)
		}
		rec := e.callToken("POST", "/api/v1/consultations/"+c.ID+"/responses", e.token(u),
			map[string]any{"answers": []map[string]any{{"question_id": text, "text": body}}})
		if rec.Code != http.StatusCreated {
			t.Fatalf("response %d: %d %s", i, rec.Code, rec.Body)
		}
	}
	rec := e.callToken("POST", "/api/v1/consultations/"+c.ID+"/responses", e.token(e.users[asCitizen]),
		map[string]any{"answers": []map[string]any{{"question_id": text, "text": "Please add a zebra crossing outside the library on Mill Lane, the traffic is fast there"}}})
	if rec.Code != http.StatusCreated {
		t.Fatalf("unrelated response: %d %s", rec.Code, rec.Body)
	}

	log := apiDecode[moderation.PublicLog](t, e.call("GET", "/api/v1/consultations/"+c.ID+"/moderation-log", asAnon, nil))
	if log.Campaigns != 1 || log.CampaignMembers != 4 {
		t.Errorf("public log = %d campaigns of %d submissions; want 1 of 4 (the four letters, not the other response)", log.Campaigns, log.CampaignMembers)
	}
	page := apiDecode[queuePage](t, e.call("GET", "/api/v1/moderation/queue?consultation="+c.ID, asModerator, nil))
	if len(page.Items) != 0 {
		t.Errorf("%d queue items; want none: responses are not published, so not reviewed", len(page.Items))
	}
}
