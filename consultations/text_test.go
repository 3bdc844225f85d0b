package consultations

import (
	"encoding/csv"
	"os"
	"regexp"
	"strings"
	"testing"
)

func TestPickFallsBackAndSaysSo(t *testing.T) {
	text := LocalText{"en": "Hello", "fr": "Bonjour"}
	tests := []struct{ lang, fallback, want, wantLang string }{
		{"fr", "en", "Bonjour", "fr"},
		{"ar", "en", "Hello", "en"},
		{"ar", "de", "Hello", "en"},
	}
	for _, tt := range tests {
		got, lang := text.Pick(tt.lang, tt.fallback)
		if got != tt.want || lang != tt.wantLang {
			t.Errorf("Pick(%q, %q) = %q, %q; want %q, %q", tt.lang, tt.fallback, got, lang, tt.want, tt.wantLang)
		}
	}
}

func TestSanitizerHTML(t *testing.T) {
	s := NewSanitizer()
	tests := []struct {
		in         string
		want       []string
		mustNotSee []string
	}{
		{"plain", []string{"<p>plain</p>"}, nil},
		{"a\n\nb", []string{"<p>a</p>", "<p>b</p>"}, nil},
		{"see https://gov.example/x.", []string{`<a href="https://gov.example/x" rel="nofollow noreferrer">`}, []string{"x.</a>"}},
		{"javascript:alert(1)", nil, []string{"<a"}},
		{`<script>alert(1)</script>`, []string{"&lt;script&gt;"}, []string{"<script"}},
		{`"><img src=x onerror=alert(1)>`, nil, []string{"<img"}},
		{`https://x.example/"onmouseover="alert(1)`, nil, []string{`onmouseover="`}},
	}
	for _, tt := range tests {
		got := s.HTML(tt.in)
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("HTML(%q) = %q; want it to contain %q", tt.in, got, w)
			}
		}
		for _, w := range tt.mustNotSee {
			if strings.Contains(got, w) {
				t.Errorf("HTML(%q) = %q; must not contain %q", tt.in, got, w)
			}
		}
	}
}

// allowedTag matches the only tags Sanitizer.HTML may produce.
var allowedTag = regexp.MustCompile(`^<(/?p|br|/a|a href="https?:[^"<>]*" rel="nofollow noreferrer")>$`)

func FuzzSanitizerNeverEmitsActiveContent(f *testing.F) {
	for _, seed := range []string{"<script>x</script>", "https://a.example/<b>", `<a href="javascript:x">y</a>`, "\u202etext", "a\n\nhttps://b.example/\"x"} {
		f.Add(seed)
	}
	s := NewSanitizer()
	tag := regexp.MustCompile(`<[^>]*>?`)
	f.Fuzz(func(t *testing.T, in string) {
		out := s.HTML(s.PlainText(in))
		for _, tg := range tag.FindAllString(out, -1) {
			if !allowedTag.MatchString(tg) {
				t.Fatalf("HTML(PlainText(%q)) = %q has tag %q", in, out, tg)
			}
		}
	})
}

// TestTextWithoutLinksNeedsNoSecondPass backs HTML's shortcut: for text
// without web addresses the links policy must give back exactly what HTML
// built, for every real comment from Decide Madrid
// (argrecsys/decide-madrid-2019-annotations, Apache-2.0) and hostile input.
func TestTextWithoutLinksNeedsNoSecondPass(t *testing.T) {
	const path = "../../shared/data/decide-madrid/comments.csv"
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("the Decide Madrid comments are needed (%v): ../shared/data holds them", err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{`<script>x</script> & "quoted" 'single' <b>`, "a\n\nb\r\nc", "\u202etext&amp;", "<<a>>", "x < y > z"}
	for _, row := range rows[1:] {
		texts = append(texts, row...)
	}
	s := NewSanitizer()
	checked := 0
	for _, in := range texts {
		plain := s.PlainText(in)
		if urlPattern.MatchString(plain) {
			continue
		}
		got := s.HTML(plain)
		if want := s.links.Sanitize(got); got != want {
			t.Fatalf("HTML(%q) = %q; the links policy makes it %q", plain, got, want)
		}
		checked++
	}
	if checked < 1000 {
		t.Fatalf("only %d texts without links checked", checked)
	}
}
