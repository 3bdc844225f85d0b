package i18n

import (
	"encoding/json"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// interfaceLanguages are the languages every catalog must be translated
// into, with the CLDR plural forms each uses for cardinal numbers.
var interfaceLanguages = map[string][]string{
	"en": {"one", "other"},
	"de": {"one", "other"},
	"nl": {"one", "other"},
	"fr": {"one", "many", "other"},
	"es": {"one", "many", "other"},
	"it": {"one", "many", "other"},
	"pt": {"one", "many", "other"},
	"pl": {"one", "few", "many", "other"},
	"uk": {"one", "few", "many", "other"},
	"ar": {"zero", "one", "two", "few", "many", "other"},
	"cy": {"zero", "one", "two", "few", "many", "other"},
	"ja": {"other"},
}

var placeholder = regexp.MustCompile(`{{\s*\.([A-Za-z]+)\s*}}`)

// catalogFile is one locales/<area>.<lang>.json: plain messages are
// strings, plural ones objects of form → text.
type catalogFile map[string]any

func readCatalogs(t *testing.T) map[string]map[string]catalogFile {
	t.Helper()
	files, err := fs.Glob(catalogs, "locales/*.json")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]catalogFile{} // area → lang → file
	for _, f := range files {
		parts := strings.Split(strings.TrimSuffix(path.Base(f), ".json"), ".")
		if len(parts) != 2 {
			t.Errorf("%s: name catalogs <area>.<lang>.json", f)
			continue
		}
		area, lang := parts[0], parts[1]
		if _, ok := interfaceLanguages[lang]; !ok {
			t.Errorf("%s: %q is not an interface language", f, lang)
		}
		data, _ := catalogs.ReadFile(f)
		var cf catalogFile
		if err := json.Unmarshal(data, &cf); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if out[area] == nil {
			out[area] = map[string]catalogFile{}
		}
		out[area][lang] = cf
	}
	return out
}

func placeholders(s string) []string {
	var out []string
	for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	sort.Strings(out)
	return out
}

// englishPlaceholders are every placeholder any English form uses.
func englishPlaceholders(v any) []string {
	switch v := v.(type) {
	case string:
		return placeholders(v)
	case map[string]any:
		var all []string
		for _, form := range v {
			s, _ := form.(string)
			all = append(all, placeholders(s)...)
		}
		slices.Sort(all)
		return slices.Compact(all)
	}
	return nil
}

// TestEveryCatalogIsTranslatedIntoEveryLanguage fails on a missing
// catalog file, a missing or extra key, a plural message without the
// forms its language needs, or placeholders that differ from English.
func TestEveryCatalogIsTranslatedIntoEveryLanguage(t *testing.T) {
	areas := readCatalogs(t)
	if len(areas) < 4 {
		t.Fatalf("found %d catalog areas; expected at least core, web, manage and api", len(areas))
	}
	for area, langs := range areas {
		en, ok := langs["en"]
		if !ok {
			t.Errorf("%s: no English catalog", area)
			continue
		}
		for lang, forms := range interfaceLanguages {
			cf, ok := langs[lang]
			if !ok {
				t.Errorf("%s.%s.json is missing", area, lang)
				continue
			}
			for key := range cf {
				if _, ok := en[key]; !ok {
					t.Errorf("%s.%s.json: key %q is not in English", area, lang, key)
				}
			}
			for key, env := range en {
				v, ok := cf[key]
				if !ok {
					t.Errorf("%s.%s.json: key %q is missing", area, lang, key)
					continue
				}
				checkMessage(t, area+"."+lang+".json "+key, env, v, forms)
			}
		}
	}
}

func checkMessage(t *testing.T, where string, en, v any, forms []string) {
	t.Helper()
	want := englishPlaceholders(en)
	switch env := en.(type) {
	case string:
		s, ok := v.(string)
		if !ok {
			t.Errorf("%s: should be a plain string like English", where)
			return
		}
		if got := placeholders(s); !slices.Equal(got, want) {
			t.Errorf("%s: placeholders %v; English has %v", where, got, want)
		}
		if strings.TrimSpace(s) == "" {
			t.Errorf("%s: empty", where)
		}
	case map[string]any:
		_ = env
		m, ok := v.(map[string]any)
		if !ok {
			t.Errorf("%s: should be a plural message like English", where)
			return
		}
		for _, f := range forms {
			if _, ok := m[f]; !ok {
				t.Errorf("%s: plural form %q is missing", where, f)
			}
		}
		for f, text := range m {
			if !slices.Contains(forms, f) {
				t.Errorf("%s: plural form %q is not used by this language", where, f)
				continue
			}
			s, _ := text.(string)
			got := placeholders(s)
			// A form for exactly zero, one or two may spell the number out.
			need := want
			if f == "zero" || f == "one" || f == "two" {
				need = slices.DeleteFunc(slices.Clone(want), func(p string) bool { return p == "Count" })
			}
			for _, p := range need {
				if !slices.Contains(got, p) {
					t.Errorf("%s (%s): lacks {{.%s}}", where, f, p)
				}
			}
			for _, p := range got {
				if !slices.Contains(want, p) {
					t.Errorf("%s (%s): {{.%s}} is not in English", where, f, p)
				}
			}
		}
	}
}

// TestEveryLanguageNamesItselfInItsOwnWords checks the switcher's labels.
func TestEveryLanguageNamesItselfInItsOwnWords(t *testing.T) {
	b, err := New()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"en": "English", "fr": "Français", "de": "Deutsch", "es": "Español", "it": "Italiano",
		"pt": "Português", "nl": "Nederlands", "pl": "Polski", "uk": "Українська", "ar": "العربية",
		"cy": "Cymraeg", "ja": "日本語",
	}
	langs := b.Languages()
	if len(langs) != len(want) || langs[0].Tag != "en" {
		t.Fatalf("Languages() = %v; want the 12 interface languages, English first", langs)
	}
	for _, l := range langs {
		if l.Name != want[l.Tag] {
			t.Errorf("language %s names itself %q; want %q", l.Tag, l.Name, want[l.Tag])
		}
		wantDir := "ltr"
		if l.Tag == "ar" {
			wantDir = "rtl"
		}
		if l.Dir != wantDir {
			t.Errorf("language %s has direction %q; want %q", l.Tag, l.Dir, wantDir)
		}
	}
}

// TestPluralMessagesUseTheRightFormForRealCounts renders counts through
// go-i18n and checks the form chosen, with a message whose forms are
// known: CommentCount.
func TestPluralMessagesUseTheRightFormForRealCounts(t *testing.T) {
	b, err := New()
	if err != nil {
		t.Fatal(err)
	}
	areas := readCatalogs(t)
	cases := []struct {
		lang   string
		counts map[int]string // count → form that must be used
	}{
		{"en", map[int]string{0: "other", 1: "one", 2: "other", 21: "other"}},
		{"fr", map[int]string{0: "one", 1: "one", 2: "other", 1000000: "many"}},
		{"ar", map[int]string{0: "zero", 1: "one", 2: "two", 3: "few", 10: "few", 11: "many", 99: "many", 100: "other", 102: "other"}},
		{"pl", map[int]string{1: "one", 2: "few", 4: "few", 5: "many", 12: "many", 22: "few", 25: "many"}},
		{"uk", map[int]string{1: "one", 2: "few", 5: "many", 11: "many", 21: "one", 22: "few"}},
		{"cy", map[int]string{0: "zero", 1: "one", 2: "two", 3: "few", 6: "many", 7: "other", 100: "other"}},
		{"ja", map[int]string{0: "other", 1: "other", 5: "other"}},
	}
	for _, c := range cases {
		loc := b.Localizer(c.lang)
		forms := areas["core"][c.lang]["CommentCount"].(map[string]any)
		for n, form := range c.counts {
			want := strings.ReplaceAll(forms[form].(string), "{{.Count}}", FormatNumber(c.lang, n))
			if got := loc.N("CommentCount", n); got != want {
				t.Errorf("%s: N(CommentCount, %d) = %q; want the %q form %q", c.lang, n, got, form, want)
			}
		}
	}
}

// TestEveryPluralMessageRendersForManyCounts catches a form that go-i18n
// would need but the catalog lacks: the reader would see the raw id.
func TestEveryPluralMessageRendersForManyCounts(t *testing.T) {
	b, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for area, langs := range readCatalogs(t) {
		for key, v := range langs["en"] {
			if _, ok := v.(map[string]any); !ok {
				continue
			}
			for lang := range interfaceLanguages {
				loc := b.Localizer(lang)
				for _, n := range []int{0, 1, 2, 3, 4, 5, 6, 7, 11, 12, 21, 22, 25, 100, 101, 102, 111, 1000, 1000000} {
					if got := loc.N(key, n, map[string]any{"Comments": 3}); got == key || strings.Contains(got, "<no value>") {
						t.Errorf("%s %s: N(%s, %d) = %q", area, lang, key, n, got)
					}
				}
			}
		}
	}
}

func TestNumbersAndDatesAreWrittenAsEachLanguageDoes(t *testing.T) {
	when := mustTime(t, "2026-03-02T08:05:00Z")
	cases := []struct {
		lang, number, date, dateTime string
	}{
		{"en", "12,345", "2 March 2026", "2 March 2026, 09:05 CET"},
		{"fr", "12\u202f345", "2 mars 2026", "2 mars 2026 à 09:05 CET"},
		{"de", "12.345", "2. März 2026", "2. März 2026, 09:05 CET"},
		{"es", "12.345", "2 de marzo de 2026", "2 de marzo de 2026, 09:05 CET"},
		{"pl", "12\u00a0345", "2 marca 2026", "2 marca 2026, godz. 09:05 CET"},
		{"uk", "12\u00a0345", "2 березня 2026 р.", "2 березня 2026 р. о 09:05 CET"},
		{"ar", "12,345", "2 مارس 2026", "2 مارس 2026، 09:05 CET"},
		{"cy", "12,345", "2 Mawrth 2026", "2 Mawrth 2026 am 09:05 CET"},
		{"ja", "12,345", "2026年3月2日", "2026年3月2日 09:05 CET"},
	}
	for _, c := range cases {
		if got := FormatNumber(c.lang, 12345); got != c.number {
			t.Errorf("FormatNumber(%s, 12345) = %q; want %q", c.lang, got, c.number)
		}
		if got := FormatDate(c.lang, when, "Europe/Paris"); got != c.date {
			t.Errorf("FormatDate(%s) = %q; want %q", c.lang, got, c.date)
		}
		if got := FormatDateTime(c.lang, when, "Europe/Paris"); got != c.dateTime {
			t.Errorf("FormatDateTime(%s) = %q; want %q", c.lang, got, c.dateTime)
		}
	}
	if got := FormatNumber("es", 1234); got != "1234" {
		t.Errorf("FormatNumber(es, 1234) = %q; Spanish groups only from five digits", got)
	}
	if got := FormatDateTime("en", when, "Asia/Riyadh"); got != "2 March 2026, 11:05 UTC+03:00" {
		t.Errorf("a zone without an abbreviation is named by its offset; got %q", got)
	}
}
