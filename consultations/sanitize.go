package consultations

import (
	"html"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
)

// Sanitizer turns user text into safe HTML. Its bluemonday policies are
// built once and shared: they are safe for concurrent use.
type Sanitizer struct {
	strip *bluemonday.Policy // removes every tag
	links *bluemonday.Policy // lets through only <a href> to http(s), nofollow
}

// NewSanitizer builds the policies.
func NewSanitizer() *Sanitizer {
	links := bluemonday.NewPolicy()
	links.AllowElements("p", "br")
	links.AllowAttrs("href").OnElements("a")
	links.AllowURLSchemes("http", "https")
	links.RequireParseableURLs(true)
	links.RequireNoFollowOnLinks(true)
	links.RequireNoReferrerOnLinks(true)
	links.AddTargetBlankToFullyQualifiedLinks(false)
	return &Sanitizer{strip: bluemonday.StrictPolicy(), links: links}
}

// PlainText removes all markup from s and returns plain text (entities
// decoded), which is what Consult stores: never raw HTML. Decoding can
// turn escaped markup ("&lt;script&gt;") into real markup, so it strips
// again until nothing changes. It also drops the bidirectional override
// and embedding controls, which can make text read backwards (a spoofing
// trick); isolates, which cannot leak, are kept.
func (s *Sanitizer) PlainText(in string) string {
	in = bidiControls.Replace(in)
	for range 8 {
		if !strings.ContainsAny(in, "<>&") {
			return in
		}
		out := html.UnescapeString(s.strip.Sanitize(in))
		if out == in {
			return out
		}
		in = out
	}
	return strings.ReplaceAll(in, "<", "")
}

var bidiControls = strings.NewReplacer("\u202a", "", "\u202b", "", "\u202c", "", "\u202d", "", "\u202e", "")

// LocalText is PlainText for every language of t.
func (s *Sanitizer) LocalText(t LocalText) LocalText {
	if t == nil {
		return nil
	}
	out := make(LocalText, len(t))
	for tag, text := range t {
		out[tag] = s.PlainText(text)
	}
	return out
}

var urlPattern = regexp.MustCompile(`https?://[^\s<>"'\x60]+[^\s<>"'\x60.,;:!?)\]]`)

// HTML renders plain text as paragraphs with its web addresses as links;
// text with links then passes through the links policy as a last guard.
func (s *Sanitizer) HTML(text string) string {
	var b strings.Builder
	linked := false
	for i, para := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		para = strings.TrimSpace(para)
		if para == "" {
			continue
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString("<p>")
		lines := strings.Split(para, "\n")
		for j, line := range lines {
			if j > 0 {
				b.WriteString("<br>")
			}
			linked = linkify(&b, line) || linked
		}
		b.WriteString("</p>")
	}
	if !linked {
		// Every character of the text went through html.EscapeString and
		// the only tags are our own <p> and <br>: the links policy gives
		// the same string back (TestTextWithoutLinksNeedsNoSecondPass),
		// and it was a sixth of what posting a comment allocated.
		return b.String()
	}
	return s.links.Sanitize(b.String())
}

func linkify(b *strings.Builder, line string) (linked bool) {
	last := 0
	for _, m := range urlPattern.FindAllStringIndex(line, -1) {
		linked = true
		b.WriteString(html.EscapeString(line[last:m[0]]))
		u := html.EscapeString(line[m[0]:m[1]])
		b.WriteString(`<a href="` + u + `">` + u + `</a>`)
		last = m[1]
	}
	b.WriteString(html.EscapeString(line[last:]))
	return linked
}
