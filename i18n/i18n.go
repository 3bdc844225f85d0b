// Package i18n loads Consult's interface translations, embedded in the
// binary, once at start-up, and chooses each reader's language.
package i18n

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed locales/*.json
var catalogs embed.FS

// Bundle holds every catalog. It is read-only after New and safe to share.
type Bundle struct {
	bundle  *i18n.Bundle
	tags    []language.Tag
	matcher language.Matcher
	names   map[string]string // tag → the language's name in itself
	plain   sync.Map          // tag → *sync.Map of translations without data
	locs    sync.Map          // supported tag → *Localizer, shared by requests
}

// Language describes one interface language.
type Language struct {
	Tag  string // BCP 47, e.g. "ar"
	Name string // the language's name in itself, e.g. "العربية"
	Dir  string // "ltr" or "rtl"
}

// New loads the embedded catalogs; English is the default.
func New() (*Bundle, error) {
	b := &Bundle{bundle: i18n.NewBundle(language.English), names: map[string]string{}}
	files, err := fs.Glob(catalogs, "locales/*.json")
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	// A language may have several catalog files (core.en.json, web.en.json).
	seen := map[language.Tag]bool{}
	for _, f := range files {
		data, err := catalogs.ReadFile(f)
		if err != nil {
			return nil, err
		}
		mf, err := b.bundle.ParseMessageFileBytes(data, path.Base(f))
		if err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", f, err)
		}
		if !seen[mf.Tag] {
			seen[mf.Tag] = true
			b.tags = append(b.tags, mf.Tag)
		}
	}
	// English first: the matcher falls back to its first tag.
	sort.SliceStable(b.tags, func(i, j int) bool { return b.tags[i] == language.English })
	b.matcher = language.NewMatcher(b.tags)
	for _, t := range b.tags {
		b.names[t.String()] = b.Localizer(t.String()).T("LanguageName")
	}
	return b, nil
}

// Languages lists the interface languages, English first.
func (b *Bundle) Languages() []Language {
	out := make([]Language, len(b.tags))
	for i, t := range b.tags {
		out[i] = Language{Tag: t.String(), Name: b.names[t.String()], Dir: Dir(t.String())}
	}
	return out
}

// Supported reports whether tag is one of the interface languages.
func (b *Bundle) Supported(tag string) bool {
	_, ok := b.names[tag]
	return ok
}

// Match picks the best interface language, trying each preference in
// order: an explicit choice (cookie), then Accept-Language, then the
// organisation's default. Unusable preferences are skipped.
func (b *Bundle) Match(choice, acceptLanguage, orgDefault string) string {
	if choice != "" && b.Supported(choice) {
		return choice
	}
	if acceptLanguage != "" && len(acceptLanguage) <= 1024 {
		if prefs, _, err := language.ParseAcceptLanguage(acceptLanguage); err == nil && len(prefs) > 0 {
			if t, _, conf := b.matcher.Match(prefs...); conf >= language.Low {
				if tag := b.base(t); tag != "" {
					return tag
				}
			}
		}
	}
	if b.Supported(orgDefault) {
		return orgDefault
	}
	return "en"
}

// base maps a matched tag (which may carry -u- extensions) back to ours.
func (b *Bundle) base(t language.Tag) string {
	for _, ours := range b.tags {
		if base, _ := t.Base(); base.String() == ours.String() || t.String() == ours.String() {
			return ours.String()
		}
	}
	return ""
}

// Dir returns "rtl" for right-to-left scripts, else "ltr".
func Dir(tag string) string {
	base := strings.SplitN(strings.ToLower(tag), "-", 2)[0]
	switch base {
	case "ar", "he", "fa", "ur", "ps", "yi", "dv", "ckb", "sd", "ug":
		return "rtl"
	}
	return "ltr"
}

// Localizer translates into one language. It is cheap to make and not
// shared between requests, so templates receive it in their data rather
// than through a per-request FuncMap.
type Localizer struct {
	Tag   string
	l     *i18n.Localizer
	plain *sync.Map // id → text, for messages without data
}

// Localizer returns a Localizer for tag (which should be supported).
// A Localizer is read-only once made, so one per supported language
// serves every request: making one parsed its tags each time, a tenth of
// the server's allocations per API request.
func (b *Bundle) Localizer(tag string) *Localizer {
	if l, ok := b.locs.Load(tag); ok {
		return l.(*Localizer)
	}
	plain, _ := b.plain.LoadOrStore(tag, new(sync.Map))
	l := &Localizer{Tag: tag, l: i18n.NewLocalizer(b.bundle, tag, "en"), plain: plain.(*sync.Map)}
	if b.Supported(tag) {
		b.locs.Store(tag, l)
	}
	return l
}

// T translates id with optional template data. An id missing from every
// catalog comes back as itself, which tests catch.
func (l *Localizer) T(id string, data ...map[string]any) string {
	cfg := &i18n.LocalizeConfig{MessageID: id}
	if len(data) > 0 && data[0] != nil {
		cfg.TemplateData = data[0]
	} else if s, ok := l.plain.Load(id); ok {
		// The catalogs never change once loaded, and a page of comments
		// asks for the same labels hundreds of times.
		return s.(string)
	}
	s, err := l.l.Localize(cfg)
	if err != nil || s == "" {
		s = id
	}
	if cfg.TemplateData == nil {
		l.plain.Store(id, s)
	}
	return s
}

// N translates id for count, choosing the plural form by CLDR rules; the
// count is available to the message as {{.Count}}, written as the
// language writes numbers ("1,200", "1 200").
func (l *Localizer) N(id string, count int, data ...map[string]any) string {
	td := map[string]any{"Count": FormatNumber(l.Tag, count)}
	if len(data) > 0 {
		for k, v := range data[0] {
			td[k] = v
		}
	}
	s, err := l.l.Localize(&i18n.LocalizeConfig{MessageID: id, PluralCount: count, TemplateData: td})
	if err != nil || s == "" {
		return id
	}
	return s
}

// Has reports whether id is defined in this language's catalog (or the
// English fallback), for tests that check catalogs are complete.
func (l *Localizer) Has(id string) bool {
	_, err := l.l.Localize(&i18n.LocalizeConfig{MessageID: id, PluralCount: 1, TemplateData: map[string]any{}})
	if err == nil {
		return true
	}
	_, err = l.l.Localize(&i18n.LocalizeConfig{MessageID: id})
	return err == nil
}
