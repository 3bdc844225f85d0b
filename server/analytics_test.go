package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/consult-platform/consult/consultations"
	"github.com/consult-platform/consult/consultations/analytics"
)

// TestAnalyticsReadsShowExactFiguresOnlyToTheOrganisationsStaff is the
// authorisation matrix of the figures routes (all reads).
func TestAnalyticsReadsShowExactFiguresOnlyToTheOrganisationsStaff(t *testing.T) {
	e := newAPIEnv(t)
	draft := e.newConsultation(asStaff, nil, "")
	closed := e.newConsultation(asStaff, nil, consultations.StatusClosed)
	staffOnly := map[string]int{asAnon: 401, asCitizen: 403, asModerator: 403, asStaff: 200, asOtherStaff: 403, asAdmin: 200}
	cases := []struct {
		path string
		want map[string]int
	}{
		{"/api/v1/consultations/" + closed.ID + "/analytics", map[string]int{asAnon: 200, asCitizen: 200, asModerator: 200, asStaff: 200, asOtherStaff: 200, asAdmin: 200}},
		{"/api/v1/consultations/" + draft.ID + "/analytics", map[string]int{asAnon: 404, asCitizen: 404, asModerator: 404, asStaff: 200, asOtherStaff: 404, asAdmin: 200}},
		{"/api/v1/consultations/" + closed.ID + "/analytics/exact", staffOnly},
		{"/api/v1/consultations/" + draft.ID + "/analytics/exact", map[string]int{asAnon: 401, asCitizen: 404, asModerator: 404, asStaff: 200, asOtherStaff: 404, asAdmin: 200}},
		{"/api/v1/organisations/" + e.org.Slug + "/analytics", map[string]int{asAnon: 200, asCitizen: 200, asStaff: 200}},
		{"/api/v1/organisations/nowhere/analytics", map[string]int{asAnon: 404}},
	}
	for _, c := range cases {
		for role, want := range c.want {
			if rec := e.call("GET", c.path, role, nil); rec.Code != want {
				t.Errorf("GET %s as %s = %d; want %d", c.path, role, rec.Code, want)
			}
		}
	}
	doc, _, _ := loadOpenAPI(t)
	for _, c := range []struct{ path, role string }{
		{"/api/v1/consultations/" + closed.ID + "/analytics", asAnon},
		{"/api/v1/consultations/" + e.policy.ID + "/analytics", asAnon},
		{"/api/v1/consultations/" + e.policy.ID + "/analytics/exact", asStaff},
	} {
		var v any
		json.Unmarshal(e.call("GET", c.path, c.role, nil).Body.Bytes(), &v)
		conformsTo(t, doc, c.path, map[string]any{"$ref": "#/components/schemas/AnalyticsFigures"}, v)
	}
	var v any
	json.Unmarshal(e.call("GET", "/api/v1/organisations/"+e.org.Slug+"/analytics", asAnon, nil).Body.Bytes(), &v)
	conformsTo(t, doc, "organisation figures", map[string]any{"$ref": "#/components/schemas/OrganisationFigures"}, v)
}

// TestStaffAnalyticsPagesAreForTheOrganisationsStaff covers the pages and
// the responses export.
func TestStaffAnalyticsPagesAreForTheOrganisationsStaff(t *testing.T) {
	e := newManageEnv(t)
	for _, path := range []string{"/manage/consultations/" + e.openA.ID + "/analytics", "/manage/consultations/" + e.openA.ID + "/responses.csv"} {
		for who, want := range map[string]int{"staffA": 200, "admin": 200, "staffB": 403, "citizen": 403, "moderator": 403} {
			if got := e.as(who).get(path).Status; got != want {
				t.Errorf("GET %s as %s = %d; want %d", path, who, got, want)
			}
		}
		if got := e.as("").get(path); got.Status != http.StatusSeeOther && got.Status != http.StatusUnauthorized {
			t.Errorf("GET %s signed out = %d; want a sign-in", path, got.Status)
		}
	}
	if got := e.as("staffB").get("/manage/consultations/" + e.draftA.ID + "/analytics").Status; got != 404 {
		t.Errorf("another organisation's draft figures = %d; want 404", got)
	}
	page := e.as("staffA").get("/manage/analytics")
	if page.Status != 200 || !strings.Contains(page.Body, "Participation across consultations") {
		t.Errorf("organisation page: %d", page.Status)
	}
}

// TestStaffExportHoldsOnlyAnswersRespondentsAllowedToPublish: consented
// answers, without anything that identifies the respondent.
func TestStaffExportHoldsOnlyAnswersRespondentsAllowedToPublish(t *testing.T) {
	e := newManageEnv(t)
	ctx := context.Background()
	c := e.openA
	q := c.Questions[0]
	for i, consent := range []bool{true, false} {
		n := consultations.NewResponse{Answers: []consultations.Answer{{QuestionID: q.ID, Text: []string{"Publish me", "Keep me private"}[i]}}}
		n.PublishConsent = consent
		if q.Kind != consultations.QuestionText {
			t.Skip("the fixture's first question is not free text")
		}
		if _, err := e.store.SubmitResponse(ctx, e.people["citizen"], c.ID, n, consultations.IdemKey{}); err != nil {
			t.Fatal(err)
		}
	}
	got := e.as("staffA").get("/manage/consultations/" + c.ID + "/responses.csv")
	if !strings.Contains(got.Body, "Publish me") || strings.Contains(got.Body, "Keep me private") {
		t.Errorf("export:\n%s", got.Body)
	}
	for _, personal := range []string{e.people["citizen"].Email, e.people["citizen"].ID} {
		if strings.Contains(got.Body, personal) {
			t.Errorf("the export contains %q", personal)
		}
	}
}

// TestReferencePopulationGivesRegionsAndRatios: staff enter census shares;
// respondents can then say where they live and the staff page compares.
func TestReferencePopulationGivesRegionsAndRatios(t *testing.T) {
	e := newWebEnv(t)
	c := e.newConsultation(consultationOptions{slug: "reach", anonymous: true})
	staff := e.client()
	staff.signIn(demoStaff)
	staff.get("/manage/consultations/" + c.ID + "/analytics")
	bad := staff.post("/manage/consultations/"+c.ID+"/analytics/reference", url.Values{"reference": {"region,north,North"}})
	bad.wantStatus(t, http.StatusBadRequest)
	bad.mustContain(t, "Line 1 is not in the form", `href="#reference"`, "region,north,North</textarea>")
	ok := staff.post("/manage/consultations/"+c.ID+"/analytics/reference", url.Values{"reference": {"region,north,North,60\nregion,islands,Islands,40\n"}})
	ok.wantStatus(t, http.StatusOK)
	ok.mustContain(t, "Reference population saved")

	citizen := e.client()
	form := citizen.get("/consultations/reach/respond")
	form.mustContain(t, "Where do you live?", ">North<", ">Islands<", "May we publish your answers?")
	answers := url.Values{"answer-" + c.Questions[0].ID: {c.Questions[0].Options[0].ID}, "region": {"north"}, "age_band": {"25-34"}, "publish_consent": {"yes"}}
	check := citizen.post("/consultations/reach/respond", answers)
	check.wantStatus(t, http.StatusOK)
	check.mustContain(t, `name="region" value="north"`, "Your answers may be published without your name.")
	answers.Set("action", "submit")
	answers.Set("idem", "once")
	citizen.post("/consultations/reach/respond", answers).wantStatus(t, http.StatusSeeOther)

	fig, err := analytics.New(e.store, analytics.Options{}).Live(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if fig.Count(analytics.DimRegion, "north") != 1 || fig.Count(analytics.DimAgeBand, "25-34") != 1 {
		t.Errorf("region and age counts: %v %v", fig.Counts[analytics.DimRegion], fig.Counts[analytics.DimAgeBand])
	}
	page := staff.get("/manage/consultations/" + c.ID + "/analytics")
	page.mustContain(t, "Reach and inclusion", "60.0%", `role="img"`, "<title id=", "<desc id=")
}
