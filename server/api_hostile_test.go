package server

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/consult-platform/consult/consultations"
	"golang.org/x/net/html"
)

// hostileInputs is a corpus of markup that has broken web pages before.
var hostileInputs = []string{
	`<script>alert(1)</script>`,
	`<img src=x onerror=alert(1)>`,
	`<a href="javascript:alert(1)">click me</a>`,
	`javascript:alert(1)`,
	`<svg onload=alert(1)>`,
	`<svg><script>alert(1)</script></svg>`,
	`<p style="background:url(javascript:alert(1))">styled</p>`,
	`<b onmouseover=alert(1)>bold`,
	`"><script>alert(1)</script>`,
	`'><img src=x onerror=alert(1)//`,
	`&lt;script&gt;alert(1)&lt;/script&gt;`,
	`<<script>script>alert(1)<</script>/script>`,
	`<scr<script>ipt>alert(1)</scr</script>ipt>`,
	`<iframe src="//evil.example"></iframe>`,
	`<a href="https://evil.example" style="position:fixed">x</a>`,
	`<div <img src=x onerror=alert(1)>`,
	`<!--<img src=x onerror=alert(1)>-->`,
	`<math><mi xlink:href="javascript:alert(1)">x</mi></math>`,
	"\u202Egnp.exe and \u202Dforced",
	`https://example.org/" onmouseover="alert(1)`,
	`https://example.org/<script>alert(1)</script>`,
	`{{.}} ${alert(1)} <%= 1 %>`,
}

// TestHostileInputNeverReachesPagesOrTheAPIAsMarkup feeds each hostile
// input through every text field a person can fill in through the API,
// then reads the consultation page and the API back.
func TestHostileInputNeverReachesPagesOrTheAPIAsMarkup(t *testing.T) {
	e := newAPIEnv(t)
	for i, v := range hostileInputs {
		// Staff texts: everything a consultation draft holds.
		d := apiDraft(e.org.ID)
		d.Slug = "hostile-" + strings.Repeat("x", i+1)
		d.Title = consultations.LocalText{"en": "Title " + v}
		d.Summary = consultations.LocalText{"en": "Summary " + v}
		d.Body = consultations.LocalText{"en": "Body " + v + "\n\nSee https://example.org/evidence"}
		d.Sections = []consultations.SectionDraft{{Heading: consultations.LocalText{"en": "Heading " + v}, Body: consultations.LocalText{"en": "Section " + v}}}
		d.Documents = []consultations.DocumentDraft{{Title: consultations.LocalText{"en": "Document " + v}, URL: "https://docs.example/report.pdf", MediaType: "application/pdf " + v}}
		d.Questions = []consultations.QuestionDraft{
			{Kind: consultations.QuestionText, Prompt: consultations.LocalText{"en": "Prompt " + v}, Hint: consultations.LocalText{"en": "Hint " + v}},
			{Kind: consultations.QuestionSingle, Prompt: consultations.LocalText{"en": "Choose " + v}, Options: []consultations.LocalText{{"en": "Yes " + v}, {"en": "No " + v}}},
		}
		d.OpensAt = e.store.Now().Add(-1)
		rec := e.call("POST", "/api/v1/consultations", asStaff, d)
		if rec.Code != 201 {
			t.Fatalf("input %d: create = %d %s", i, rec.Code, rec.Body.String())
		}
		c := apiDecode[consultations.Consultation](t, rec)
		if rec := e.call("POST", "/api/v1/consultations/"+c.ID+"/status", asStaff, map[string]string{"status": "open"}); rec.Code != 200 {
			t.Fatalf("input %d: open = %d %s", i, rec.Code, rec.Body.String())
		}

		// A citizen who registers with a hostile display name.
		rec = e.call("POST", "/api/v1/accounts", asAnon, map[string]string{"email": "hostile" + strings.Repeat("x", i) + "@example.org", "password": "long enough", "display_name": "Name " + v})
		if rec.Code != 201 {
			t.Fatalf("input %d: register = %d %s", i, rec.Code, rec.Body.String())
		}
		u, err := e.store.User(context.Background(), apiDecode[consultations.User](t, rec).ID)
		if err != nil {
			t.Fatal(err)
		}
		tok := e.token(u)

		// Their comment, a reply, an idea and a response.
		rec = e.callToken("POST", "/api/v1/consultations/"+c.ID+"/comments", tok, map[string]string{"body": "Comment on https://example.org/page and " + v, "stance": "for"})
		if rec.Code != 201 {
			t.Fatalf("input %d: comment = %d %s", i, rec.Code, rec.Body.String())
		}
		cm := apiDecode[consultations.Comment](t, rec)
		if rec := e.callToken("POST", "/api/v1/consultations/"+c.ID+"/comments", tok, map[string]string{"body": "Reply " + v, "parent_id": cm.ID}); rec.Code != 201 {
			t.Fatalf("input %d: reply = %d %s", i, rec.Code, rec.Body.String())
		}
		if rec := e.callToken("POST", "/api/v1/consultations/"+e.codesign.ID+"/comments", tok, map[string]string{"kind": "idea", "title": "Idea " + v, "body": "Because " + v}); rec.Code != 201 {
			t.Fatalf("input %d: idea = %d %s", i, rec.Code, rec.Body.String())
		}
		full := apiDecode[consultations.Consultation](t, e.call("GET", "/api/v1/consultations/"+c.ID, asAnon, nil))
		rec = e.callToken("POST", "/api/v1/consultations/"+c.ID+"/responses", tok, consultations.NewResponse{Answers: []consultations.Answer{{QuestionID: full.Questions[0].ID, Text: "Answer " + v}}})
		if rec.Code != 201 {
			t.Fatalf("input %d: respond = %d %s", i, rec.Code, rec.Body.String())
		}
		receipt := apiDecode[receipt](t, rec)

		page := e.call("GET", "/consultations/"+c.Slug, asAnon, nil)
		if page.Code != 200 {
			t.Fatalf("input %d: page = %d", i, page.Code)
		}
		checkSafeHTML(t, v, page.Body.String())

		for _, path := range []string{"/api/v1/consultations/" + c.ID, "/api/v1/consultations/" + c.ID + "/comments", "/api/v1/me", "/api/v1/me/contributions", "/api/v1/responses/" + receipt.ID} {
			rec := e.callToken("GET", path, tok, nil)
			if rec.Code != 200 {
				t.Fatalf("input %d: GET %s = %d", i, path, rec.Code)
			}
			checkSafeJSON(t, v, path, rec.Body.Bytes())
		}

		// Outcome texts, once the consultation has closed.
		if rec := e.call("POST", "/api/v1/consultations/"+c.ID+"/status", asStaff, map[string]string{"status": "closed"}); rec.Code != 200 {
			t.Fatalf("input %d: close = %d", i, rec.Code)
		}
		o := consultations.OutcomeDraft{Summary: consultations.LocalText{"en": "Summary " + v}, Decisions: []consultations.DecisionDraft{{
			Asked: consultations.LocalText{"en": "Asked " + v}, Said: consultations.LocalText{"en": "Said " + v}, Did: consultations.LocalText{"en": "Did " + v}, CommentIDs: []string{cm.ID}}}}
		if rec := e.call("PUT", "/api/v1/consultations/"+c.ID+"/outcome", asStaff, o); rec.Code != 200 {
			t.Fatalf("input %d: outcome = %d %s", i, rec.Code, rec.Body.String())
		}
		checkSafeJSON(t, v, "outcome", e.call("GET", "/api/v1/consultations/"+c.ID+"/outcome", asAnon, nil).Body.Bytes())
	}
	page := e.call("GET", "/consultations/"+e.codesign.Slug, asAnon, nil)
	checkSafeHTML(t, "ideas", page.Body.String())
}

// checkSafeHTML parses a page as a browser would and fails on any script
// that is not ours, any event-handler or style attribute, any element
// that can run code, and any link that is not http(s) or on this site.
// Links inside contributions must carry rel="nofollow".
func checkSafeHTML(t *testing.T, input, page string) {
	t.Helper()
	if strings.ContainsAny(page, "\u202a\u202b\u202c\u202d\u202e") {
		t.Errorf("input %q: a bidirectional override reached the page", input)
	}
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	contributionLinks := 0
	var walk func(n *html.Node, inContribution bool)
	walk = func(n *html.Node, inContribution bool) {
		if n.Type == html.ElementNode {
			attrs := map[string]string{}
			for _, a := range n.Attr {
				attrs[strings.ToLower(a.Key)] = a.Val
				key := strings.ToLower(a.Key)
				if strings.HasPrefix(key, "on") || key == "style" || key == "srcdoc" || key == "formaction" {
					t.Errorf("input %q: <%s %s=%q> reached the page", input, n.Data, a.Key, a.Val)
				}
				if key == "href" || key == "src" || key == "action" || key == "xlink:href" {
					if !safeLink(a.Val) {
						t.Errorf("input %q: <%s %s=%q> is not an http(s) or same-site address", input, n.Data, a.Key, a.Val)
					}
				}
			}
			switch n.Data {
			case "script":
				if !strings.HasPrefix(attrs["src"], "/static/") {
					t.Errorf("input %q: a <script> that is not one of ours reached the page", input)
				}
			case "iframe", "object", "embed", "svg", "math", "style", "base", "frame", "img":
				if n.Data != "img" || !strings.HasPrefix(attrs["src"], "/static/") {
					t.Errorf("input %q: a <%s> element reached the page", input, n.Data)
				}
			case "a":
				if inContribution && strings.HasPrefix(attrs["href"], "http") {
					contributionLinks++
					if !strings.Contains(" "+attrs["rel"]+" ", " nofollow ") {
						t.Errorf("input %q: link %q in a contribution lacks rel=nofollow", input, attrs["href"])
					}
				}
			}
			if strings.Contains(" "+attrs["class"]+" ", " comment-body ") {
				inContribution = true
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inContribution)
		}
	}
	walk(doc, false)
	if contributionLinks == 0 {
		t.Errorf("input %q: the page shows no link from a contribution; the nofollow check saw nothing", input)
	}
}

func safeLink(u string) bool {
	u = strings.TrimSpace(strings.ToLower(u))
	switch {
	case strings.HasPrefix(u, "//"), strings.HasPrefix(u, "/\\"):
		return false
	case strings.HasPrefix(u, "https://"), strings.HasPrefix(u, "http://"), strings.HasPrefix(u, "/"), strings.HasPrefix(u, "#"), strings.HasPrefix(u, "?"):
		return true
	}
	return false
}

// checkSafeJSON fails if any string in an API answer holds markup an
// HTML parser would act on, or a bidirectional override.
func checkSafeJSON(t *testing.T, input, where string, body []byte) {
	t.Helper()
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("input %q: %s is not JSON: %v", input, where, err)
	}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			if strings.ContainsAny(v, "\u202a\u202b\u202c\u202d\u202e") {
				t.Errorf("input %q: %s returned a bidirectional override in %q", input, where, v)
			}
			z := html.NewTokenizer(strings.NewReader(v))
			for tt := z.Next(); tt != html.ErrorToken; tt = z.Next() {
				if tt != html.TextToken {
					t.Errorf("input %q: %s returned markup: %q", input, where, v)
					return
				}
			}
		case map[string]any:
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(v)
}

// TestDocumentLinksMustBeWebAddresses checks the one field that is a URL.
func TestDocumentLinksMustBeWebAddresses(t *testing.T) {
	e := newAPIEnv(t)
	for _, u := range []string{"javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "//evil.example/x", `/\evil.example`, "vbscript:x", "https://ok.example/\"onmouseover=x"} {
		d := apiDraft(e.org.ID)
		d.Documents = []consultations.DocumentDraft{{Title: consultations.LocalText{"en": "Doc"}, URL: u}}
		got := wantAPIError(t, e.call("POST", "/api/v1/consultations", asStaff, d), 400, "invalid")
		if got.Error.Fields["documents.0.url"] == "" {
			t.Errorf("URL %q: fields = %v; want documents.0.url named", u, got.Error.Fields)
		}
	}
}
