package server

import (
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/consult-platform/consult/consultations"
)

// draftForm is the staff consultation form exactly as typed, so that a
// form sent back with errors, or with a section added, loses nothing. It
// is the one place the form is decoded (decodeDraftForm) and turned into a
// consultations.Draft (draft).
//
// Field names: kind, slug, default_locale, langs (repeated), title.LANG,
// summary.LANG, body.LANG, sections.N.heading.LANG, sections.N.body.LANG,
// documents.N.title.LANG, documents.N.url, questions.N.kind,
// questions.N.required, questions.N.max_length, questions.N.prompt.LANG,
// questions.N.hint.LANG, questions.N.options.LANG (one option a line),
// opens_at, closes_at (datetime-local), allow_anonymous, moderation
// (pre|post), org_id (honoured for admins only, by the handler).
type draftForm struct {
	Kind           string
	Slug           string
	DefaultLocale  string
	Langs          []string // languages in use, the main one first
	Title          consultations.LocalText
	Summary        consultations.LocalText
	Body           consultations.LocalText
	Sections       []sectionForm
	Documents      []documentForm
	Questions      []questionForm
	OpensAt        string
	ClosesAt       string
	AllowAnonymous bool
	Moderation     string // "pre" or "post"
	OrgID          string
}

type sectionForm struct {
	Heading consultations.LocalText
	Body    consultations.LocalText
}

type documentForm struct {
	Title consultations.LocalText
	URL   string
}

type questionForm struct {
	Kind      string
	Required  bool
	MaxLength string
	Prompt    consultations.LocalText
	Hint      consultations.LocalText
	Options   consultations.LocalText // one option a line, per language
}

// Bounds on what one form may hold, beyond which input is ignored.
const (
	maxFormLangs     = 20
	maxFormDocuments = 50
)

// datetimeLocal is the value format of <input type="datetime-local">.
const datetimeLocal = "2006-01-02T15:04"

// newDraftForm is the empty form for a new consultation.
func newDraftForm(mainLang string) *draftForm {
	return &draftForm{
		Kind: string(consultations.KindPolicy), DefaultLocale: mainLang, Langs: []string{mainLang},
		Title: consultations.LocalText{}, Summary: consultations.LocalText{}, Body: consultations.LocalText{},
		Moderation: "post",
	}
}

// decodeDraftForm reads the submitted form. It never fails: whatever is
// malformed is kept as typed for draft to report.
func decodeDraftForm(v url.Values) *draftForm {
	f := &draftForm{
		Kind:           strings.TrimSpace(v.Get("kind")),
		Slug:           strings.TrimSpace(v.Get("slug")),
		DefaultLocale:  strings.TrimSpace(v.Get("default_locale")),
		OpensAt:        strings.TrimSpace(v.Get("opens_at")),
		ClosesAt:       strings.TrimSpace(v.Get("closes_at")),
		AllowAnonymous: v.Get("allow_anonymous") != "",
		Moderation:     v.Get("moderation"),
		OrgID:          strings.TrimSpace(v.Get("org_id")),
	}
	if f.Moderation != "pre" {
		f.Moderation = "post"
	}
	if !consultations.ValidLocale(f.DefaultLocale) {
		f.DefaultLocale = "en"
	}
	f.Langs = usedLangs(f.DefaultLocale, v["langs"])
	f.Title = localValues(v, "title", f.Langs)
	f.Summary = localValues(v, "summary", f.Langs)
	f.Body = localValues(v, "body", f.Langs)
	for i := range itemCount(v, "sections", consultations.MaxSections) {
		p := "sections." + strconv.Itoa(i)
		f.Sections = append(f.Sections, sectionForm{
			Heading: localValues(v, p+".heading", f.Langs),
			Body:    localValues(v, p+".body", f.Langs),
		})
	}
	for i := range itemCount(v, "documents", maxFormDocuments) {
		p := "documents." + strconv.Itoa(i)
		f.Documents = append(f.Documents, documentForm{
			Title: localValues(v, p+".title", f.Langs),
			URL:   strings.TrimSpace(v.Get(p + ".url")),
		})
	}
	for i := range itemCount(v, "questions", consultations.MaxQuestions) {
		p := "questions." + strconv.Itoa(i)
		f.Questions = append(f.Questions, questionForm{
			Kind:      v.Get(p + ".kind"),
			Required:  v.Get(p+".required") != "",
			MaxLength: strings.TrimSpace(v.Get(p + ".max_length")),
			Prompt:    localValues(v, p+".prompt", f.Langs),
			Hint:      localValues(v, p+".hint", f.Langs),
			Options:   localValues(v, p+".options", f.Langs),
		})
	}
	return f
}

// usedLangs puts main first, then the other well-formed tags once each.
func usedLangs(main string, tags []string) []string {
	out := []string{main}
	for _, t := range tags {
		t = strings.TrimSpace(t)
		if consultations.ValidLocale(t) && !containsString(out, t) && len(out) < maxFormLangs {
			out = append(out, t)
		}
	}
	return out
}

func containsString(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// localValues reads name.LANG for each language in use.
func localValues(v url.Values, name string, langs []string) consultations.LocalText {
	t := consultations.LocalText{}
	for _, l := range langs {
		if s := v.Get(name + "." + l); s != "" {
			t[l] = s
		}
	}
	return t
}

// itemCount finds how many items a list has from the highest index among
// the submitted names "list.N.…", up to max.
func itemCount(v url.Values, list string, max int) int {
	n := 0
	for key := range v {
		rest, ok := strings.CutPrefix(key, list+".")
		if !ok {
			continue
		}
		idx, _, _ := strings.Cut(rest, ".")
		if i, err := strconv.Atoi(idx); err == nil && i >= 0 && i < max && i+1 > n {
			n = i + 1
		}
	}
	return n
}

// apply carries out an editing button ("add_section", "remove_question:2",
// …) and reports whether action was one; "save" and "" are not.
func (f *draftForm) apply(action, addLang string) bool {
	verb, arg, _ := strings.Cut(action, ":")
	i, err := strconv.Atoi(arg)
	if err != nil {
		i = -1
	}
	switch verb {
	case "add_language":
		if consultations.ValidLocale(addLang) && !containsString(f.Langs, addLang) && len(f.Langs) < maxFormLangs {
			f.Langs = append(f.Langs, addLang)
		}
	case "remove_language":
		if arg != f.DefaultLocale {
			f.removeLang(arg)
		}
	case "add_section":
		if len(f.Sections) < consultations.MaxSections {
			f.Sections = append(f.Sections, sectionForm{Heading: consultations.LocalText{}, Body: consultations.LocalText{}})
		}
	case "remove_section":
		f.Sections = removeAt(f.Sections, i)
	case "add_document":
		if len(f.Documents) < maxFormDocuments {
			f.Documents = append(f.Documents, documentForm{Title: consultations.LocalText{}})
		}
	case "remove_document":
		f.Documents = removeAt(f.Documents, i)
	case "add_question":
		if len(f.Questions) < consultations.MaxQuestions {
			f.Questions = append(f.Questions, questionForm{Kind: string(consultations.QuestionText),
				Prompt: consultations.LocalText{}, Hint: consultations.LocalText{}, Options: consultations.LocalText{}})
		}
	case "remove_question":
		f.Questions = removeAt(f.Questions, i)
	default:
		return false
	}
	return true
}

func removeAt[T any](list []T, i int) []T {
	if i < 0 || i >= len(list) {
		return list
	}
	return append(list[:i:i], list[i+1:]...)
}

// removeLang drops a language and everything written in it.
func (f *draftForm) removeLang(tag string) {
	var keep []string
	for _, l := range f.Langs {
		if l != tag {
			keep = append(keep, l)
		}
	}
	f.Langs = keep
	texts := []consultations.LocalText{f.Title, f.Summary, f.Body}
	for _, s := range f.Sections {
		texts = append(texts, s.Heading, s.Body)
	}
	for _, d := range f.Documents {
		texts = append(texts, d.Title)
	}
	for _, q := range f.Questions {
		texts = append(texts, q.Prompt, q.Hint, q.Options)
	}
	for _, t := range texts {
		delete(t, tag)
	}
}

// draft turns the form into what the store takes, with the problems only
// the form can see (a date or number that does not parse); the Draft then
// holds a value the store refuses too, so the store never accepts a form
// with problems. Dates are read in the organisation's time zone.
func (f *draftForm) draft(tz *time.Location) (consultations.Draft, consultations.Problems) {
	p := consultations.Problems{}
	d := consultations.Draft{
		Slug: f.Slug, Kind: consultations.Kind(f.Kind), DefaultLocale: f.DefaultLocale,
		Title: f.Title, Summary: f.Summary, Body: f.Body,
		AllowAnonymous: f.AllowAnonymous, Premoderation: f.Moderation == "pre", OrgID: f.OrgID,
	}
	d.OpensAt = parseLocalTime(p, "opens_at", f.OpensAt, tz)
	d.ClosesAt = parseLocalTime(p, "closes_at", f.ClosesAt, tz)
	for _, s := range f.Sections {
		d.Sections = append(d.Sections, consultations.SectionDraft{Heading: s.Heading, Body: s.Body})
	}
	for _, doc := range f.Documents {
		d.Documents = append(d.Documents, consultations.DocumentDraft{Title: doc.Title, URL: doc.URL})
	}
	for i, q := range f.Questions {
		qd := consultations.QuestionDraft{
			Kind: consultations.QuestionKind(q.Kind), Required: q.Required, Prompt: q.Prompt, Hint: q.Hint,
		}
		switch qd.Kind {
		case consultations.QuestionText:
			if q.MaxLength != "" {
				n, err := strconv.Atoi(q.MaxLength)
				if err != nil {
					// Out of range, so the store refuses it too.
					p.Add("questions."+strconv.Itoa(i)+".max_length", "ErrManageWholeNumber", nil)
					n = -1
				}
				qd.MaxLength = n
			}
		case consultations.QuestionSingle, consultations.QuestionMultiple:
			qd.Options = splitOptions(q.Options)
		}
		d.Questions = append(d.Questions, qd)
	}
	return d, p
}

func parseLocalTime(p consultations.Problems, field, value string, tz *time.Location) time.Time {
	if value == "" {
		return time.Time{}
	}
	for _, layout := range []string{datetimeLocal, datetimeLocal + ":05"} {
		if t, err := time.ParseInLocation(layout, value, tz); err == nil {
			return t
		}
	}
	p.Add(field, "ErrManageDateInvalid", nil)
	return time.Time{}
}

// splitOptions pairs the lines of each language's option list: line j of
// every language is option j. Lines blank in every language are dropped.
func splitOptions(t consultations.LocalText) []consultations.LocalText {
	lines := map[string][]string{}
	n := 0
	for lang, text := range t {
		ls := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
		lines[lang] = ls
		n = max(n, len(ls))
	}
	var out []consultations.LocalText
	for j := range n {
		label := consultations.LocalText{}
		for lang, ls := range lines {
			if j < len(ls) {
				if s := strings.TrimSpace(ls[j]); s != "" {
					label[lang] = s
				}
			}
		}
		if len(label) > 0 {
			out = append(out, label)
		}
	}
	return out
}

// draftFormFrom fills the form from a stored consultation, for editing.
func draftFormFrom(c *consultations.Consultation, tz *time.Location) *draftForm {
	f := &draftForm{
		Kind: string(c.Kind), Slug: c.Slug, DefaultLocale: c.DefaultLocale,
		Title: c.Title, Summary: c.Summary, Body: c.Body,
		OpensAt: c.OpensAt.In(tz).Format(datetimeLocal), ClosesAt: c.ClosesAt.In(tz).Format(datetimeLocal),
		AllowAnonymous: c.AllowAnonymous, Moderation: "post", OrgID: c.OrgID,
	}
	if c.Premoderation {
		f.Moderation = "pre"
	}
	if c.OpensAt.IsZero() {
		f.OpensAt = ""
	}
	if c.ClosesAt.IsZero() {
		f.ClosesAt = ""
	}
	seen := map[string]bool{}
	note := func(t consultations.LocalText) {
		for _, l := range t.Languages() {
			seen[l] = true
		}
	}
	note(c.Title)
	note(c.Summary)
	note(c.Body)
	for _, s := range c.Sections {
		f.Sections = append(f.Sections, sectionForm{Heading: s.Heading, Body: s.Body})
		note(s.Heading)
		note(s.Body)
	}
	for _, d := range c.Documents {
		f.Documents = append(f.Documents, documentForm{Title: d.Title, URL: d.URL})
		note(d.Title)
	}
	for _, q := range c.Questions {
		qf := questionForm{Kind: string(q.Kind), Required: q.Required, Prompt: q.Prompt, Hint: q.Hint, Options: consultations.LocalText{}}
		if q.MaxLength > 0 {
			qf.MaxLength = strconv.Itoa(q.MaxLength)
		}
		note(q.Prompt)
		note(q.Hint)
		for _, o := range q.Options {
			note(o.Label)
		}
		for l := range seen {
			var lines []string
			for _, o := range q.Options {
				lines = append(lines, o.Label[l])
			}
			if strings.TrimSpace(strings.Join(lines, "")) != "" {
				qf.Options[l] = strings.Join(lines, "\n")
			}
		}
		f.Questions = append(f.Questions, qf)
	}
	others := make([]string, 0, len(seen))
	for l := range seen {
		others = append(others, l)
	}
	sort.Strings(others)
	f.Langs = usedLangs(c.DefaultLocale, others)
	return f
}

// fieldOrder lists the form's error keys in the order the fields appear,
// for the error summary.
func (f *draftForm) fieldOrder() []string {
	order := []string{"org_id", "kind", "default_locale", "title", "summary", "body", "slug", "sections"}
	for i := range f.Sections {
		p := "sections." + strconv.Itoa(i)
		order = append(order, p+".heading", p+".body")
	}
	order = append(order, "documents")
	for i := range f.Documents {
		p := "documents." + strconv.Itoa(i)
		order = append(order, p+".title", p+".url")
	}
	order = append(order, "questions")
	for i := range f.Questions {
		p := "questions." + strconv.Itoa(i)
		order = append(order, p+".kind", p+".prompt", p+".hint", p+".max_length", p+".options")
	}
	return append(order, "opens_at", "closes_at")
}
