package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/consult-platform/consult/consultations"
)

// TestManageRoutesAreForTheOwningStaffOnly walks every staff route as
// every role. Staff of another organisation get 404 for consultations the
// public cannot see yet and 403 for the rest; the forms posted here are
// harmless for those allowed (an "add" button, an unconfirmed status).
func TestManageRoutesAreForTheOwningStaffOnly(t *testing.T) {
	e := newManageEnv(t)
	type route struct {
		method, path string
		form         url.Values
		owner        int // for staff of the owning organisation and admins
		otherStaff   int
	}
	id := func(c *consultations.Consultation) string { return "/manage/consultations/" + c.ID }
	routes := []route{
		{"GET", "/manage", nil, 200, 200},
		{"GET", "/manage/consultations/new", nil, 200, 200},
		{"POST", "/manage/consultations", url.Values{"action": {"add_section"}}, 200, 200},
		{"GET", id(e.draftA), nil, 200, 404},
		{"GET", id(e.openA), nil, 200, 403},
		{"GET", id(e.draftA) + "/edit", nil, 200, 404},
		{"POST", id(e.draftA), url.Values{"action": {"add_section"}}, 200, 404},
		{"POST", id(e.draftA) + "/status", url.Values{"status": {"open"}}, 200, 404},
		{"POST", id(e.openA) + "/status", url.Values{"status": {"closed"}}, 200, 403},
		{"GET", id(e.closedA) + "/outcome", nil, 200, 403},
		{"POST", id(e.closedA) + "/outcome", url.Values{"action": {"add_decision"}}, 200, 403},
		{"GET", id(e.openA) + "/assisted", nil, 200, 403},
		{"POST", id(e.openA) + "/assisted", url.Values{}, 400, 403},
		{"GET", "/manage/consultations/no-such-id", nil, 404, 404},
	}
	browsers := map[string]*browser{}
	for _, who := range []string{"", "citizen", "moderator", "staffA", "staffB", "admin"} {
		browsers[who] = e.as(who)
	}
	for _, rt := range routes {
		for who, b := range browsers {
			var want int
			switch who {
			case "":
				want = http.StatusSeeOther
				if rt.method == "POST" {
					want = http.StatusUnauthorized
				}
			case "citizen", "moderator":
				want = http.StatusForbidden
			case "staffA", "admin":
				want = rt.owner
			case "staffB":
				want = rt.otherStaff
			}
			if rt.path == "/manage/consultations/no-such-id" && (who == "staffA" || who == "staffB" || who == "admin") {
				want = http.StatusNotFound
			}
			var got manageResponse
			if rt.method == "GET" {
				got = b.get(rt.path)
			} else {
				got = b.post(rt.path, rt.form)
			}
			if got.Status != want {
				t.Errorf("%s %s as %q = %d; want %d", rt.method, rt.path, who, got.Status, want)
			}
			if who == "" && rt.method == "GET" && !strings.HasPrefix(got.Location, "/sign-in?return=") {
				t.Errorf("%s %s signed out redirects to %q; want the sign-in page", rt.method, rt.path, got.Location)
			}
		}
	}
	for _, c := range []*consultations.Consultation{e.draftA, e.openA, e.closedA} {
		if got := e.reload(c.ID); got.Status != c.Status || got.ResponseCount != 0 || got.Title["en"] != c.Title["en"] {
			t.Errorf("%s changed to status %s, %d responses, title %q", c.Slug, got.Status, got.ResponseCount, got.Title["en"])
		}
	}
}

func TestStaffOfAnotherOrganisationCannotChangeAConsultation(t *testing.T) {
	e := newManageEnv(t)
	b := e.as("staffB")
	id := "/manage/consultations/"
	tests := []struct {
		name string
		path string
		form url.Values
		want int
	}{
		{"edit a draft", id + e.draftA.ID, validDraftForm("Taken over"), http.StatusNotFound},
		{"open a draft", id + e.draftA.ID + "/status", url.Values{"status": {"open"}, "confirm": {"yes"}}, http.StatusNotFound},
		{"close an open one", id + e.openA.ID + "/status", url.Values{"status": {"closed"}, "confirm": {"yes"}}, http.StatusForbidden},
		{"publish an outcome", id + e.closedA.ID + "/outcome", outcomeForm1(e.commentA.ID), http.StatusForbidden},
		{"enter a response", id + e.openA.ID + "/assisted", url.Values{"answer." + e.openA.Questions[0].ID: {"hi"}}, http.StatusForbidden},
	}
	for _, tt := range tests {
		if got := b.post(tt.path, tt.form); got.Status != tt.want {
			t.Errorf("%s: status %d; want %d", tt.name, got.Status, tt.want)
		}
	}
	if c := e.reload(e.draftA.ID); c.Status != consultations.StatusDraft || c.Title["en"] != e.draftA.Title["en"] {
		t.Errorf("draft now %s %q; want unchanged", c.Status, c.Title["en"])
	}
	if c := e.reload(e.openA.ID); c.Status != consultations.StatusOpen || c.ResponseCount != 0 {
		t.Errorf("open consultation now %s with %d responses; want unchanged", c.Status, c.ResponseCount)
	}
	if c := e.reload(e.closedA.ID); c.Status != consultations.StatusClosed {
		t.Errorf("closed consultation now %s; want closed", c.Status)
	}
}

func TestAnOrganisationInTheFormDoesNotMoveADraftToIt(t *testing.T) {
	e := newManageEnv(t)
	form := validDraftForm("Smuggled")
	form.Set("org_id", e.orgA.ID)
	got := e.as("staffB").post("/manage/consultations", form)
	if got.Status != http.StatusSeeOther {
		t.Fatalf("status %d; want 303\n%s", got.Status, got.Body)
	}
	c, err := e.store.ConsultationBySlug(context.Background(), "smuggled")
	if err != nil {
		t.Fatal(err)
	}
	if c.OrgID != e.orgB.ID {
		t.Errorf("draft belongs to %s; want the staff member's own organisation %s", c.OrgID, e.orgB.ID)
	}
}

func TestStaffListShowsOwnOrganisationAndAdminsSeeAll(t *testing.T) {
	e := newManageEnv(t)
	tests := []struct {
		who        string
		want, not  []string
		wantStatus int
	}{
		{"staffA", []string{"Consultation draft-a", "Consultation open-a", "Consultation closed-a", "Ministry of Transport"}, []string{"Consultation draft-b", "Consultation open-b"}, 200},
		{"staffB", []string{"Consultation draft-b", "Consultation open-b"}, []string{"Consultation draft-a", "Consultation open-a"}, 200},
		{"admin", []string{"Consultation draft-a", "Consultation draft-b", "All organisations"}, nil, 200},
	}
	for _, tt := range tests {
		got := e.as(tt.who).get("/manage")
		if got.Status != tt.wantStatus {
			t.Errorf("%s: status %d", tt.who, got.Status)
		}
		for _, s := range tt.want {
			if !strings.Contains(got.Body, s) {
				t.Errorf("%s: list lacks %q", tt.who, s)
			}
		}
		for _, s := range tt.not {
			if strings.Contains(got.Body, s) {
				t.Errorf("%s: list shows %q", tt.who, s)
			}
		}
	}
	body := e.as("staffA").get("/manage").Body
	for _, s := range []string{"/manage/consultations/" + e.draftA.ID + "/edit", "/manage/consultations/" + e.closedA.ID + "/outcome", "/consultations/open-a", ">Draft<", ">Open<", ">Closed<"} {
		if !strings.Contains(body, s) {
			t.Errorf("staff list lacks %q", s)
		}
	}
}

func TestAFormWithoutTheCSRFTokenIsRefused(t *testing.T) {
	e := newManageEnv(t)
	b := e.as("staffA")
	tests := []struct {
		path string
		form url.Values
	}{
		{"/manage/consultations", validDraftForm("Forged")},
		{"/manage/consultations/" + e.draftA.ID + "/status", url.Values{"status": {"open"}, "confirm": {"yes"}}},
		{"/manage/consultations/" + e.closedA.ID + "/outcome", outcomeForm1(e.commentA.ID)},
	}
	for _, tt := range tests {
		if got := b.postRaw(tt.path, tt.form); got.Status != http.StatusForbidden {
			t.Errorf("POST %s without token = %d; want 403", tt.path, got.Status)
		}
		tt.form.Set(csrfField, "forged-token")
		if got := b.postRaw(tt.path, tt.form); got.Status != http.StatusForbidden {
			t.Errorf("POST %s with a forged token = %d; want 403", tt.path, got.Status)
		}
	}
	if _, err := e.store.ConsultationBySlug(context.Background(), "forged"); consultations.ErrorCode(err) != consultations.ENOTFOUND {
		t.Errorf("forged draft was created (err %v)", err)
	}
	if c := e.reload(e.draftA.ID); c.Status != consultations.StatusDraft {
		t.Errorf("draft moved to %s", c.Status)
	}
}

// validDraftForm is a complete, valid consultation form.
func validDraftForm(title string) url.Values {
	return url.Values{
		"kind": {"policy"}, "default_locale": {"en"}, "langs": {"en"},
		"title.en": {title}, "summary.en": {"A summary."}, "body.en": {"The text."},
		"opens_at": {"2031-03-01T09:00"}, "closes_at": {"2031-04-01T17:00"},
		"moderation": {"post"}, "action": {"save"},
	}
}

// outcomeForm1 is a valid outcome with one decision linking commentID.
func outcomeForm1(commentID string) url.Values {
	return url.Values{
		"langs": {"en"}, "summary.en": {"We listened."},
		"decisions.0.asked.en": {"Should we fix roads?"}, "decisions.0.said.en": {"Yes, especially Mill Lane."},
		"decisions.0.did.en": {"We will resurface Mill Lane in May."}, "decisions.0.link": {commentID},
		"action": {"publish"},
	}
}
