package consultations

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestPlainTextLeavesNoMarkup(t *testing.T) {
	san := NewSanitizer()
	cases := []struct{ in, want string }{
		{"<script>alert(1)</script>hi", "hi"},
		{"&lt;script&gt;alert(1)&lt;/script&gt;", ""},
		{"&amp;lt;b&amp;gt;x", "x"},
		{"<img src=x onerror=alert(1)>", ""},
		{"<p style=\"color:red\">s</p>", "s"},
		{"a < b & c > d", "a < b & c > d"},
		{"x <3 y", "x <3 y"},
		{"\u202egnp.exe", "gnp.exe"},
		{"\u2067isolated\u2069", "\u2067isolated\u2069"},
		{"مرحبا", "مرحبا"},
	}
	for _, c := range cases {
		if got := san.PlainText(c.in); got != c.want {
			t.Errorf("PlainText(%q) = %q; want %q", c.in, got, c.want)
		}
	}
}

// FuzzPlainText checks that whatever goes in, what comes out holds no
// element, comment or doctype an HTML parser would see, and that
// sanitising twice changes nothing more.
func FuzzPlainText(f *testing.F) {
	for _, s := range []string{"<script>x</script>", "&lt;b&gt;", "<<b>b>", "a<b", "<!-- c -->", "<svg/onload=x>", "\u202e"} {
		f.Add(s)
	}
	san := NewSanitizer()
	f.Fuzz(func(t *testing.T, in string) {
		out := san.PlainText(in)
		if again := san.PlainText(out); again != out {
			t.Fatalf("PlainText not idempotent: %q -> %q -> %q", in, out, again)
		}
		if strings.ContainsRune(out, '\u202e') {
			t.Fatalf("PlainText(%q) kept a right-to-left override", in)
		}
		z := html.NewTokenizer(strings.NewReader(out))
		for {
			tt := z.Next()
			if tt == html.ErrorToken {
				return
			}
			if tt != html.TextToken {
				t.Fatalf("PlainText(%q) = %q, which holds a %v token", in, out, tt)
			}
		}
	})
}

func TestStaffTextsAreStoredAsPlainText(t *testing.T) {
	d := Draft{
		Title:     LocalText{"en": "<b>Title</b>"},
		Summary:   LocalText{"en": "<script>alert(1)</script>Summary"},
		Body:      LocalText{"en": "<img src=x onerror=alert(1)>Body"},
		Sections:  []SectionDraft{{Heading: LocalText{"en": "<i>H</i>"}, Body: LocalText{"en": "<svg onload=x>B"}}},
		Documents: []DocumentDraft{{Title: LocalText{"en": "<u>D</u>"}}},
		Questions: []QuestionDraft{{Prompt: LocalText{"en": "<q>P</q>"}, Hint: LocalText{"en": "<s>h</s>"}, Options: []LocalText{{"en": "<em>o</em>"}}}},
	}
	d.sanitize(NewSanitizer())
	got := []string{d.Title["en"], d.Summary["en"], d.Body["en"], d.Sections[0].Heading["en"], d.Sections[0].Body["en"],
		d.Documents[0].Title["en"], d.Questions[0].Prompt["en"], d.Questions[0].Hint["en"], d.Questions[0].Options[0]["en"]}
	want := []string{"Title", "Summary", "Body", "H", "B", "D", "P", "h", "o"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("field %d = %q; want %q", i, got[i], want[i])
		}
	}
	o := OutcomeDraft{Summary: LocalText{"en": "<b>S</b>"}, Decisions: []DecisionDraft{{Asked: LocalText{"en": "<i>a</i>"}, Said: LocalText{"en": "<i>s</i>"}, Did: LocalText{"en": "<i>d</i>"}}}}
	o.sanitize(NewSanitizer())
	if o.Summary["en"] != "S" || o.Decisions[0].Asked["en"] != "a" || o.Decisions[0].Said["en"] != "s" || o.Decisions[0].Did["en"] != "d" {
		t.Errorf("outcome not sanitised: %+v", o)
	}
}

func TestDocumentURLWithBackslashIsRefused(t *testing.T) {
	for _, u := range []string{`/\evil.example`, `javascript:alert(1)`, `//evil.example`, `data:text/html,x`} {
		if safeURL(u) {
			t.Errorf("safeURL(%q) = true; want false", u)
		}
	}
	if !safeURL("https://www.example.gov/report.pdf") {
		t.Error("safeURL refused an https address")
	}
}
