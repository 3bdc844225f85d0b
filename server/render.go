package server

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/consult-platform/consult/consultations"
	"github.com/consult-platform/consult/i18n"
	"github.com/consult-platform/consult/static"
)

//go:embed templates
var templateFiles embed.FS

// pageSet holds one parsed template per page, each made of the layout,
// the partials and that page. Parsed once at start-up; the function map is
// fixed, and per-request values (the localizer) travel in the data.
type pageSet struct {
	pages map[string]*template.Template
}

func parsePages(assets *static.Assets) (*pageSet, error) {
	base, err := template.New("layout").Funcs(templateFuncs(assets)).ParseFS(templateFiles, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(templateFiles, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	ps := &pageSet{pages: map[string]*template.Template{}}
	for _, name := range names {
		t, err := template.Must(base.Clone()).ParseFS(templateFiles, name)
		if err != nil {
			return nil, err
		}
		ps.pages[strings.TrimSuffix(path.Base(name), ".html")] = t
	}
	return ps, nil
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// page is what every template receives. Data is the page's own.
type page struct {
	L          *i18n.Localizer
	Lang       string
	Dir        string
	Title      string
	User       *consultations.User
	CSRF       string
	Nonce      string
	Path       string
	Languages  []i18n.Language
	Alternates []alternate  // this page in each language, for hreflang links
	Errors     []fieldError // GOV.UK-style error summary, in field order
	Unread     int
	Data       any
}

// fieldError is one entry of an error summary: the message and the id of
// the field it links to.
type fieldError struct {
	Field   string
	Message string
}

// newPage fills the common part of a page's data.
func (s *Server) newPage(r *http.Request, title string, data any) *page {
	rq := reqOf(r)
	p := &page{
		L: rq.loc, Lang: rq.loc.Tag, Dir: i18n.Dir(rq.loc.Tag), Title: title, User: rq.user,
		CSRF: rq.csrfToken, Nonce: rq.nonce, Path: withoutLang(r.URL), Languages: s.i18n.Languages(), Data: data,
	}
	if r.Method == http.MethodGet {
		p.Alternates = s.alternates(r.URL)
	}
	if rq.user != nil {
		p.Unread, _ = s.store.UnreadNotifications(r.Context(), rq.user.ID)
	}
	return p
}

// render executes a page into a buffer first, so a template error never
// sends half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	buf, err := s.renderPage(name, p)
	if err != nil {
		s.log.Error("render", "page", name, "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	defer bufPool.Put(buf)
	s.sendHTML(w, r, status, p.Lang, buf.Bytes())
}

// renderPage executes a page into a pooled buffer; the caller puts it back.
func (s *Server) renderPage(name string, p *page) (*bytes.Buffer, error) {
	t, ok := s.pages.pages[name]
	if !ok {
		return nil, fmt.Errorf("no template %q", name)
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	if err := t.ExecuteTemplate(buf, "layout", p); err != nil {
		bufPool.Put(buf)
		return nil, err
	}
	return buf, nil
}

func htmlHeaders(w http.ResponseWriter, lang string) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Language", lang)
	h.Add("Vary", "Cookie, Accept-Language")
}

func (s *Server) sendHTML(w http.ResponseWriter, r *http.Request, status int, lang string, body []byte) {
	htmlHeaders(w, lang)
	writeBody(w, r, status, body)
}

// renderError shows an error page with a message the reader can act on.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, message string) {
	rq := reqOf(r)
	if rq.loc == nil {
		rq.loc = s.i18n.Localizer("en")
	}
	p := s.newPage(r, rq.loc.T("ErrorTitle"), struct {
		Status  int
		Message string
	}{status, message})
	s.render(w, r, status, "error", p)
}

// formErrors turns a validation error into a page's error summary, in the
// order of fields given (the order they appear on the form), and a map
// from field id to message for the inline errors.
func (s *Server) formErrors(r *http.Request, err error, order []string) ([]fieldError, map[string]string) {
	_, _, msg, fields := classify(err)
	loc := reqOf(r).loc
	inline := map[string]string{}
	var summary []fieldError
	for _, f := range order {
		if m, ok := fields[f]; ok {
			text := loc.T(m.ID, m.Data)
			inline[f] = text
			summary = append(summary, fieldError{Field: f, Message: text})
		}
	}
	for f, m := range fields {
		if _, done := inline[f]; !done {
			text := loc.T(m.ID, m.Data)
			inline[f] = text
			summary = append(summary, fieldError{Field: f, Message: text})
		}
	}
	if len(summary) == 0 {
		summary = append(summary, fieldError{Message: loc.T(msg.ID, msg.Data)})
	}
	return summary, inline
}

// localized is a text picked for the reader, marked when it fell back to
// another language so the page can give it its own lang attribute.
type localized struct {
	Text     string
	Lang     string
	Fallback bool
	Dir      string
}

func templateFuncs(assets *static.Assets) template.FuncMap {
	return template.FuncMap{
		"asset": assets.URL,
		"pick":  pickLocal,
		// richText renders staff-written plain text as paragraphs with links.
		"richText": func(s *consultations.Sanitizer, text string) template.HTML {
			return template.HTML(s.HTML(text))
		},
		// trusted marks HTML that the store sanitised when it was written.
		"trusted": func(html string) template.HTML { return template.HTML(html) },
		"dict": func(kv ...any) map[string]any {
			m := make(map[string]any, len(kv)/2)
			for i := 0; i+1 < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m
		},
		// date and datetime write English only; templates use .L.Date and
		// .L.DateTime, which write the reader's language (the template
		// scan in i18n_bypass_test.go flags these two).
		"date": func(t time.Time, tz string) string {
			return t.In(location(tz)).Format("2 January 2006")
		},
		"datetime": func(t time.Time, tz string) string {
			return t.In(location(tz)).Format("2 January 2006, 15:04 MST")
		},
		"isoTime":     func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"threadsHTML": threadsHTML,
		"add":         func(a, b int) int { return a + b },
		"query":       url.QueryEscape,
		"contains": func(list []string, v string) bool {
			for _, x := range list {
				if x == v {
					return true
				}
			}
			return false
		},
	}
}

// locations remembers time zones by name: time.LoadLocation reads the
// zone file from disk on every call, and pages call it for every date.
var locations sync.Map // name → *time.Location

// location returns the time zone tz, or UTC if tz is unknown.
func location(tz string) *time.Location {
	if l, ok := locations.Load(tz); ok {
		return l.(*time.Location)
	}
	l, err := time.LoadLocation(tz)
	if err != nil {
		return time.UTC // not remembered: unknown names must not grow the map
	}
	locations.Store(tz, l)
	return l
}

// safeReturn keeps a post-sign-in destination on this site: a path that
// starts with one slash, never "//" or a scheme (no open redirects).
func safeReturn(target string) string {
	if target == "" || !strings.HasPrefix(target, "/") || strings.HasPrefix(target, "//") || strings.HasPrefix(target, "/\\") ||
		strings.ContainsAny(target, "\r\n\\") {
		return "/"
	}
	return target
}
