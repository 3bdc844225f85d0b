package server

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consult-platform/consult/consultations"
)

// TestInputOutsideTheOpenWindowIsRefusedAsClosed checks that dates are the
// server's: before opening and after closing, comments, responses and
// support are refused with 409 closed and a translated message.
func TestInputOutsideTheOpenWindowIsRefusedAsClosed(t *testing.T) {
	e := newAPIEnv(t)
	scheduled := e.newConsultation(asStaff, nil, consultations.StatusScheduled)
	closed := e.newConsultation(asStaff, nil, consultations.StatusClosed)
	cases := []struct {
		name, role, path string
		body             any
		message          string
	}{
		{"comment before opening", asStaff, "/api/v1/consultations/" + scheduled.ID + "/comments", map[string]string{"body": "Early"}, "not open yet"},
		{"response before opening", asStaff, "/api/v1/consultations/" + scheduled.ID + "/responses", textAnswer(scheduled, "Early"), "not open yet"},
		{"assisted response before opening", asStaff, "/api/v1/consultations/" + scheduled.ID + "/assisted-responses", textAnswer(scheduled, "Early"), "not open yet"},
		{"comment after closing", asCitizen, "/api/v1/consultations/" + closed.ID + "/comments", map[string]string{"body": "Late"}, "closed"},
		{"response after closing", asCitizen, "/api/v1/consultations/" + closed.ID + "/responses", textAnswer(closed, "Late"), "closed"},
		{"comment after an outcome", asCitizen, "/api/v1/consultations/" + e.past.ID + "/comments", map[string]string{"body": "Late"}, "closed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := wantAPIError(t, e.call("POST", c.path, c.role, c.body), http.StatusConflict, "closed")
			if !strings.Contains(got.Error.Message, c.message) {
				t.Errorf("message = %q; want it to say %q", got.Error.Message, c.message)
			}
		})
	}

	// The clock alone closes a consultation, before any job has stored
	// its new status.
	soon := func(d *consultations.Draft) {
		d.OpensAt, d.ClosesAt = time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
		d.AllowAnonymous = true
	}
	policy := e.newConsultation(asStaff, soon, consultations.StatusOpen)
	codesign := e.newConsultation(asStaff, func(d *consultations.Draft) { soon(d); d.Kind = consultations.KindCodesign }, consultations.StatusOpen)
	lateIdea := e.comment(asAuthor, codesign.ID, consultations.NewComment{Kind: consultations.KindIdea, Title: "An idea", Body: "Details"})
	realNow := e.store.Now
	e.store.Now = func() time.Time { return policy.ClosesAt.Add(time.Second) }
	wantAPIError(t, e.call("POST", "/api/v1/consultations/"+policy.ID+"/comments", asCitizen, map[string]string{"body": "Too late"}), 409, "closed")
	wantAPIError(t, e.call("POST", "/api/v1/consultations/"+policy.ID+"/responses", asAnon, textAnswer(policy, "Too late")), 409, "closed")
	wantAPIError(t, e.call("POST", "/api/v1/comments/"+lateIdea.ID+"/support", asCitizen, nil), 409, "closed")
	got := apiDecode[consultations.Consultation](t, e.call("GET", "/api/v1/consultations/"+policy.ID, asAnon, nil))
	e.store.Now = realNow
	if got.Status != consultations.StatusClosed {
		t.Errorf("status after closing time = %s; want closed", got.Status)
	}
	if got.CommentCount != 0 || got.ResponseCount != 0 {
		t.Errorf("late input was counted: %d comments, %d responses", got.CommentCount, got.ResponseCount)
	}
}

func TestInvalidStatusTransitionsAreConflicts(t *testing.T) {
	e := newAPIEnv(t)
	cases := []struct {
		from consultations.Status
		to   string
	}{
		{consultations.StatusDraft, "closed"},
		{consultations.StatusClosed, "open"},
		{consultations.StatusClosed, "scheduled"},
		{consultations.StatusOpen, "scheduled"},
	}
	for _, c := range cases {
		cons := e.newConsultation(asStaff, nil, c.from)
		got := wantAPIError(t, e.call("POST", "/api/v1/consultations/"+cons.ID+"/status", asStaff, map[string]string{"status": c.to}), 409, "conflict")
		if !strings.Contains(got.Error.Message, c.to) {
			t.Errorf("%s -> %s: message %q does not name the transition", c.from, c.to, got.Error.Message)
		}
		after, _ := e.store.Consultation(context.Background(), cons.ID)
		if after.Status != c.from {
			t.Errorf("%s -> %s: status became %s", c.from, c.to, after.Status)
		}
	}
	wantAPIError(t, e.call("POST", "/api/v1/consultations/"+e.past.ID+"/status", asStaff, map[string]string{"status": "open"}), 409, "conflict")
	// Editing once open, and publishing an outcome before closing, are
	// conflicts too.
	open := e.newConsultation(asStaff, nil, consultations.StatusOpen)
	d := apiDraft(e.org.ID)
	d.Slug = open.Slug
	wantAPIError(t, e.call("PUT", "/api/v1/consultations/"+open.ID, asStaff, d), 409, "conflict")
	wantAPIError(t, e.call("PUT", "/api/v1/consultations/"+open.ID+"/outcome", asStaff, outcomeBody("Too soon")), 409, "conflict")
	wantAPIError(t, e.call("GET", "/api/v1/consultations/"+open.ID+"/outcome", asAnon, nil), 404, "not_found")
}

// TestRetriedCreatesWithTheSameKeyStoreOnce covers every route that
// creates something and takes an Idempotency-Key, retried one after
// another and then concurrently.
func TestRetriedCreatesWithTheSameKeyStoreOnce(t *testing.T) {
	e := newAPIEnv(t)
	open := e.newConsultation(asStaff, nil, consultations.StatusOpen)
	routes := []struct {
		name, role, path string
		body             func(i int) any
	}{
		{"comment", asCitizen, "/api/v1/consultations/" + e.policy.ID + "/comments", func(i int) any { return map[string]string{"body": "Retried " + strconv.Itoa(i)} }},
		{"response", asCitizen, "/api/v1/consultations/" + e.policy.ID + "/responses", func(int) any { return e.policyAnswers() }},
		{"anonymous response", asAnon, "/api/v1/consultations/" + e.policy.ID + "/responses", func(int) any { return e.policyAnswers() }},
		{"assisted response", asStaff, "/api/v1/consultations/" + open.ID + "/assisted-responses", func(int) any { return textAnswer(open, "By phone") }},
		{"consultation", asStaff, "/api/v1/consultations", func(i int) any {
			d := apiDraft(e.org.ID)
			d.Slug = "retried-" + strconv.Itoa(i) // a different body: the key still wins
			return d
		}},
		{"account", asAnon, "/api/v1/accounts", func(i int) any {
			return map[string]string{"email": "retry" + strconv.Itoa(i) + "@example.org", "password": "long enough", "display_name": "Retry"}
		}},
	}
	for _, r := range routes {
		t.Run(r.name, func(t *testing.T) {
			before := e.counts()
			first := e.call("POST", r.path, r.role, r.body(0), "Idempotency-Key", "key-"+r.name)
			if first.Code != 201 {
				t.Fatalf("first = %d %s", first.Code, first.Body.String())
			}
			id := apiDecode[struct{ ID string }](t, first).ID
			again := e.call("POST", r.path, r.role, r.body(1), "Idempotency-Key", "key-"+r.name)
			if again.Code != 201 || apiDecode[struct{ ID string }](t, again).ID != id {
				t.Fatalf("retry = %d %s; want 201 with id %s", again.Code, again.Body.String(), id)
			}
			if again.Header().Get("Idempotent-Replayed") != "true" {
				t.Error("the retry is not marked Idempotent-Replayed")
			}

			// Eight clients retrying at once with a new key: one stored.
			var wg sync.WaitGroup
			ids := make([]string, 8)
			codes := make([]int, 8)
			for i := range ids {
				wg.Add(1)
				go func() {
					defer wg.Done()
					rec := e.call("POST", r.path, r.role, r.body(10+i), "Idempotency-Key", "concurrent-"+r.name)
					codes[i] = rec.Code
					ids[i] = apiDecode[struct{ ID string }](t, rec).ID
				}()
			}
			wg.Wait()
			for i := range ids {
				if codes[i] != 201 || ids[i] != ids[0] {
					t.Errorf("concurrent retry %d = %d id %s; want 201 id %s", i, codes[i], ids[i], ids[0])
				}
			}
			after := e.counts()
			stored := (after.comments - before.comments) + (after.responses - before.responses) + (after.consultations - before.consultations)
			switch r.name {
			case "account":
				if n := accountsStored(e, 18); n != 2 {
					t.Errorf("%d accounts stored; want 2", n)
				}
			case "assisted response":
				c, _ := e.store.Consultation(context.Background(), open.ID)
				if c.ResponseCount != 2 {
					t.Errorf("%d assisted responses stored; want 2", c.ResponseCount)
				}
			default:
				if stored != 2 {
					t.Errorf("%d stored; want 2 (%+v -> %+v)", stored, before, after)
				}
			}
		})
	}
}

// accountsStored counts the retry accounts that exist.
func accountsStored(e *apiEnv, n int) int {
	stored := 0
	for i := 0; i < n; i++ {
		if _, err := e.store.Authenticate(context.Background(), "retry"+strconv.Itoa(i)+"@example.org", "long enough"); err == nil {
			stored++
		}
	}
	return stored
}

func TestSameKeyFromDifferentUsersDoesNotCollide(t *testing.T) {
	e := newAPIEnv(t)
	path := "/api/v1/consultations/" + e.policy.ID + "/comments"
	a := e.call("POST", path, asCitizen, map[string]string{"body": "From the citizen"}, "Idempotency-Key", "shared")
	b := e.call("POST", path, asAuthor, map[string]string{"body": "From the author"}, "Idempotency-Key", "shared")
	if a.Code != 201 || b.Code != 201 {
		t.Fatalf("codes %d, %d; want 201, 201", a.Code, b.Code)
	}
	ca, cb := apiDecode[consultations.Comment](t, a), apiDecode[consultations.Comment](t, b)
	if ca.ID == cb.ID || cb.Body != "From the author" || b.Header().Get("Idempotent-Replayed") != "" {
		t.Errorf("the author got the citizen's result: %+v", cb)
	}
	// Nor does the same key on another route.
	r := e.call("POST", "/api/v1/consultations/"+e.policy.ID+"/responses", asCitizen, e.policyAnswers(), "Idempotency-Key", "shared")
	if r.Code != 201 || r.Header().Get("Idempotent-Replayed") != "" {
		t.Errorf("the key replayed across routes: %d %s", r.Code, r.Body.String())
	}
}

// TestCommentPagesWalkEveryPublishedCommentOnce posts to a pre-moderated
// consultation, where citizens' comments wait and staff's are published,
// then walks the public list page by page.
func TestCommentPagesWalkEveryPublishedCommentOnce(t *testing.T) {
	e := newAPIEnv(t)
	c := e.newConsultation(asStaff, func(d *consultations.Draft) { d.Premoderation = true }, consultations.StatusOpen)
	path := "/api/v1/consultations/" + c.ID + "/comments"
	var published, pending []string
	for i := 0; i < 23; i++ {
		role := asStaff
		if i%3 == 0 {
			role = asCitizen
		}
		rec := e.call("POST", path, role, map[string]string{"body": "Comment " + strconv.Itoa(i)})
		if rec.Code != 201 {
			t.Fatalf("post %d = %d %s", i, rec.Code, rec.Body.String())
		}
		cm := apiDecode[consultations.Comment](t, rec)
		want := consultations.CommentPublished
		if role == asCitizen {
			want = consultations.CommentPending
			pending = append(pending, cm.ID)
		} else {
			published = append(published, cm.ID)
		}
		if cm.Status != want {
			t.Errorf("post %d as %s: status %s; want %s", i, role, cm.Status, want)
		}
	}
	for _, limit := range []int{1, 5, 15, 500} {
		var walked []string
		cursor, pages := "", 0
		for {
			rec := e.call("GET", path+"?limit="+strconv.Itoa(limit)+"&cursor="+cursor, asAnon, nil)
			page := apiDecode[listResponse[consultations.Comment]](t, rec)
			if len(page.Items) > limit {
				t.Fatalf("limit %d: page of %d", limit, len(page.Items))
			}
			for _, cm := range page.Items {
				walked = append(walked, cm.ID)
			}
			pages++
			if cursor = page.NextCursor; cursor == "" || pages > 100 {
				break
			}
		}
		if strings.Join(walked, ",") != strings.Join(published, ",") {
			t.Errorf("limit %d walked %d comments %v; want the %d published, oldest first", limit, len(walked), walked, len(published))
		}
	}
	// A pending comment is its author's alone until moderated.
	for role, want := range map[string]int{asCitizen: 200, asAnon: 404, asAuthor: 404, asStaff: 404} {
		if rec := e.call("GET", "/api/v1/comments/"+pending[0], role, nil); rec.Code != want {
			t.Errorf("GET pending comment as %s = %d; want %d", role, rec.Code, want)
		}
	}
	if n := apiDecode[consultations.Consultation](t, e.call("GET", "/api/v1/consultations/"+c.ID, asAnon, nil)).CommentCount; n != len(published) {
		t.Errorf("comment_count = %d; want %d published", n, len(published))
	}
}

func TestAccountRegistrationTokensAndRevocation(t *testing.T) {
	e := newAPIEnv(t)
	rec := e.call("POST", "/api/v1/accounts", asAnon, map[string]string{"email": "Ada@Example.org", "password": "correct horse", "display_name": "Ada", "locale": "en"})
	if rec.Code != 201 {
		t.Fatalf("register = %d %s", rec.Code, rec.Body.String())
	}
	if u := apiDecode[map[string]any](t, rec); u["role"] != "citizen" || u["email"] != nil || u["password_hash"] != nil {
		t.Errorf("registration answered %v; want a citizen without email or hash", u)
	}
	wantAPIError(t, e.call("POST", "/api/v1/accounts", asAnon, map[string]string{"email": "ada@example.org", "password": "another one", "display_name": "Ada 2"}), 409, "conflict")
	got := wantAPIError(t, e.call("POST", "/api/v1/accounts", asAnon, map[string]string{"email": "bob@example.org", "password": "1234567", "display_name": "Bob"}), 400, "invalid")
	if !strings.Contains(got.Error.Fields["password"], "8") {
		t.Errorf("password error = %q; want it to give the minimum", got.Error.Fields["password"])
	}

	wantAPIError(t, e.call("POST", "/api/v1/tokens", asAnon, map[string]string{"email": "ada@example.org", "password": "wrong horse"}), 401, "unauthenticated")
	wantAPIError(t, e.call("POST", "/api/v1/tokens", asAnon, map[string]string{"email": "nobody@example.org", "password": "correct horse"}), 401, "unauthenticated")
	rec = e.call("POST", "/api/v1/tokens", asAnon, map[string]string{"email": "ada@example.org", "password": "correct horse"})
	if rec.Code != 201 {
		t.Fatalf("token = %d %s", rec.Code, rec.Body.String())
	}
	tok := apiDecode[struct {
		Token     string    `json:"token"`
		ExpiresAt time.Time `json:"expires_at"`
	}](t, rec)
	if tok.Token == "" || !tok.ExpiresAt.After(time.Now()) {
		t.Fatalf("token answer %+v", tok)
	}
	me := apiDecode[map[string]any](t, e.callToken("GET", "/api/v1/me", tok.Token, nil))
	if me["email"] != "ada@example.org" || me["display_name"] != "Ada" {
		t.Errorf("/me = %v", me)
	}
	if rec := e.callToken("POST", "/api/v1/consultations/"+e.policy.ID+"/comments", tok.Token, map[string]string{"body": "Signed in by token"}); rec.Code != 201 {
		t.Errorf("comment with the token = %d", rec.Code)
	}

	if rec := e.callToken("DELETE", "/api/v1/tokens/current", tok.Token, nil); rec.Code != 204 {
		t.Fatalf("revoke = %d %s", rec.Code, rec.Body.String())
	}
	wantAPIError(t, e.callToken("GET", "/api/v1/me", tok.Token, nil), 401, "unauthenticated")
	wantAPIError(t, e.callToken("GET", "/api/v1/me", "made-up", nil), 401, "unauthenticated")
	if rec := e.callToken("GET", "/api/v1/me", tok.Token, nil); rec.Header().Get("WWW-Authenticate") == "" {
		t.Error("401 without WWW-Authenticate")
	}
}

// TestContributionsNotificationsAndOutcome walks a participant's view:
// they comment and respond, staff publish the outcome, they are notified,
// read it, and delete what they wrote.
func TestContributionsNotificationsAndOutcome(t *testing.T) {
	e := newAPIEnv(t)
	c := e.newConsultation(asStaff, nil, consultations.StatusOpen)
	cm := apiDecode[consultations.Comment](t, e.call("POST", "/api/v1/consultations/"+c.ID+"/comments", asAuthor, map[string]string{"body": "Please do it"}))
	resp := apiDecode[receipt](t, e.call("POST", "/api/v1/consultations/"+c.ID+"/responses", asAuthor, textAnswer(c, "Yes")))
	mine := apiDecode[contributions](t, e.call("GET", "/api/v1/me/contributions", asAuthor, nil))
	if len(mine.Comments) != 1 || mine.Comments[0].ID != cm.ID || len(mine.Responses) != 1 || mine.Responses[0].Reference != resp.Reference {
		t.Fatalf("contributions = %+v", mine)
	}
	full := apiDecode[consultations.Response](t, e.call("GET", "/api/v1/responses/"+resp.ID, asAuthor, nil))
	if len(full.Answers) != 1 || full.Answers[0].Text != "Yes" {
		t.Errorf("response answers = %+v", full.Answers)
	}

	e.call("POST", "/api/v1/consultations/"+c.ID+"/status", asStaff, map[string]string{"status": "closed"})
	o := outcomeBody("We will do it")
	o.Decisions[0].CommentIDs = []string{cm.ID}
	if rec := e.call("PUT", "/api/v1/consultations/"+c.ID+"/outcome", asStaff, o); rec.Code != 200 {
		t.Fatalf("publish = %d %s", rec.Code, rec.Body.String())
	}
	got := apiDecode[outcome](t, e.call("GET", "/api/v1/consultations/"+c.ID+"/outcome", asAnon, nil))
	if len(got.Decisions) != 1 || got.Decisions[0].Did["en"] != "We will do it" || len(got.Decisions[0].CommentIDs) != 1 || got.PublishedAt == nil {
		t.Errorf("outcome = %+v", got)
	}
	notes := apiDecode[notificationList](t, e.call("GET", "/api/v1/me/notifications", asAuthor, nil))
	if notes.Unread != 1 || len(notes.Items) != 1 || notes.Items[0].Kind != consultations.NotificationOutcomePublished {
		t.Errorf("notifications = %+v", notes)
	}
	e.call("POST", "/api/v1/me/notifications/read", asAuthor, nil)
	if n := apiDecode[notificationList](t, e.call("GET", "/api/v1/me/notifications", asAuthor, nil)).Unread; n != 0 {
		t.Errorf("unread after reading = %d", n)
	}
	// Publishing again replaces the decisions without notifying twice.
	e.call("PUT", "/api/v1/consultations/"+c.ID+"/outcome", asStaff, o)
	if n := len(apiDecode[notificationList](t, e.call("GET", "/api/v1/me/notifications", asAuthor, nil)).Items); n != 1 {
		t.Errorf("%d notifications after republishing; want 1", n)
	}

	if rec := e.call("DELETE", "/api/v1/comments/"+cm.ID, asAuthor, nil); rec.Code != 204 {
		t.Errorf("delete comment = %d", rec.Code)
	}
	if rec := e.call("DELETE", "/api/v1/responses/"+resp.ID, asAuthor, nil); rec.Code != 204 {
		t.Errorf("delete response = %d", rec.Code)
	}
	gone := apiDecode[consultations.Comment](t, e.call("GET", "/api/v1/comments/"+cm.ID, asAnon, nil))
	if gone.Status != consultations.CommentDeleted || gone.Body != "" {
		t.Errorf("deleted comment reads %+v", gone)
	}
	mine = apiDecode[contributions](t, e.call("GET", "/api/v1/me/contributions", asAuthor, nil))
	if len(mine.Comments) != 0 || len(mine.Responses) != 0 {
		t.Errorf("contributions after deleting = %+v", mine)
	}
}

func TestSupportCountsOncePerAccount(t *testing.T) {
	e := newAPIEnv(t)
	idea := e.comment(asAuthor, e.codesign.ID, consultations.NewComment{Kind: consultations.KindIdea, Title: "Idea", Body: "Details"})
	path := "/api/v1/comments/" + idea.ID + "/support"
	for i := 0; i < 3; i++ {
		if s := apiDecode[supportState](t, e.call("POST", path, asCitizen, nil)); s.SupportCount != 1 || !s.Supported {
			t.Fatalf("support #%d = %+v; want count 1", i+1, s)
		}
	}
	if s := apiDecode[supportState](t, e.call("POST", path, asStaff, nil)); s.SupportCount != 2 {
		t.Errorf("a second account's support = %+v; want count 2", s)
	}
	if s := apiDecode[supportState](t, e.call("DELETE", path, asCitizen, nil)); s.SupportCount != 1 || s.Supported {
		t.Errorf("withdrawn = %+v; want count 1", s)
	}
	if cm := apiDecode[consultations.Comment](t, e.call("GET", "/api/v1/comments/"+idea.ID, asAnon, nil)); cm.SupportCount != 1 {
		t.Errorf("support_count = %d; want 1", cm.SupportCount)
	}
}

func TestConsultationListFiltersAndPages(t *testing.T) {
	e := newAPIEnv(t)
	for i := 0; i < 4; i++ {
		e.newConsultation(asStaff, func(d *consultations.Draft) { d.Kind = consultations.KindCodesign }, consultations.StatusOpen)
	}
	list := func(query, role string) []consultations.Consultation {
		var all []consultations.Consultation
		cursor := ""
		for {
			page := apiDecode[listResponse[consultations.Consultation]](t, e.call("GET", "/api/v1/consultations?limit=2&"+query+"&cursor="+cursor, role, nil))
			all = append(all, page.Items...)
			if cursor = page.NextCursor; cursor == "" {
				return all
			}
		}
	}
	codesign := list("kind=codesign&status=open", asAnon)
	if len(codesign) != 5 {
		t.Errorf("open co-design threads = %d; want 5", len(codesign))
	}
	seen := map[string]bool{}
	for _, c := range codesign {
		if c.Kind != consultations.KindCodesign || c.Status != consultations.StatusOpen || seen[c.ID] {
			t.Errorf("listed %s %s %s (seen before: %v)", c.ID, c.Kind, c.Status, seen[c.ID])
		}
		seen[c.ID] = true
	}
	if n := len(list("status=outcome_published", asAnon)); n != 1 {
		t.Errorf("outcome_published = %d; want 1", n)
	}
	if n := len(list("status=open,outcome_published&kind=policy", asAnon)); n != 2 {
		t.Errorf("open or published policy consultations = %d; want 2", n)
	}
}
