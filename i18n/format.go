package i18n

import (
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

// Dates and numbers are written the way each interface language writes
// them in official texts (CLDR's long date format). Digits are Latin
// everywhere, Arabic included, as most Arabic-speaking administrations do
// online; the choice is made here once so every page agrees.

// numberStyle is how a language groups the digits of a whole number.
type numberStyle struct {
	group    string // between groups of three digits
	minGroup int    // digits before grouping starts (CLDR minimumGroupingDigits + 3)
}

var numberStyles = map[string]numberStyle{
	"en": {",", 4}, "cy": {",", 4}, "ja": {",", 4}, "ar": {",", 4},
	"fr": {"\u202f", 4}, "de": {".", 4}, "it": {".", 4}, "pt": {".", 4}, "nl": {".", 4},
	"es": {".", 5}, "pl": {"\u00a0", 5}, "uk": {"\u00a0", 4},
}

// monthNames are in the grammatical case a day-month-year date needs
// (Polish and Ukrainian use the genitive: "2 marca").
var monthNames = map[string][12]string{
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
	"fr": {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
	"de": {"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"},
	"es": {"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"},
	"it": {"gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"},
	"pt": {"janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro", "novembro", "dezembro"},
	"nl": {"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"},
	"pl": {"stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia", "września", "października", "listopada", "grudnia"},
	"uk": {"січня", "лютого", "березня", "квітня", "травня", "червня", "липня", "серпня", "вересня", "жовтня", "листопада", "грудня"},
	"ar": {"يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"},
	"cy": {"Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf", "Awst", "Medi", "Hydref", "Tachwedd", "Rhagfyr"},
	"ja": {"1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月"},
}

// datePatterns put day (D), month (M) and year (Y) in each language's
// order; dateTimeJoin goes between the date and the time.
var datePatterns = map[string]string{
	"en": "D M Y", "fr": "D M Y", "it": "D M Y", "nl": "D M Y", "cy": "D M Y", "ar": "D M Y",
	"de": "D. M Y", "es": "D de M de Y", "pt": "D de M de Y", "pl": "D M Y", "uk": "D M Y р.",
	"ja": "YMD日",
}

var dateTimeJoin = map[string]string{
	"en": ", ", "fr": " à ", "de": ", ", "es": ", ", "it": ", ore ", "pt": ", ", "nl": " om ",
	"pl": ", godz. ", "uk": " о ", "ar": "، ", "cy": " am ", "ja": " ",
}

func baseOf(tag string) string {
	base := strings.ToLower(strings.SplitN(tag, "-", 2)[0])
	if _, ok := monthNames[base]; ok {
		return base
	}
	return "en"
}

// FormatNumber writes n as tag's language writes whole numbers.
func FormatNumber(tag string, n int) string {
	st := numberStyles[baseOf(tag)]
	digits := strconv.Itoa(n)
	sign := ""
	if n < 0 {
		sign, digits = "-", digits[1:]
	}
	if len(digits) < st.minGroup {
		return sign + digits
	}
	var b strings.Builder
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(st.group)
		}
		b.WriteRune(d)
	}
	return sign + b.String()
}

// FormatDate writes t's calendar day in zone tz as tag's language does in
// long form ("2 March 2026", "2. März 2026", "2026年3月2日").
func FormatDate(tag string, t time.Time, tz string) string {
	return formatDate(baseOf(tag), t.In(zone(tz)))
}

// formatDate fills the language's pattern: D the day, M the month's name,
// Y the year (with 年 in Japanese). Pages write a date per comment, so it
// is one pass over the pattern rather than a strings.Replacer each time.
func formatDate(lang string, t time.Time) string {
	month := monthNames[lang][t.Month()-1]
	pattern := datePatterns[lang]
	var b strings.Builder
	b.Grow(len(pattern) + len(month) + 8)
	for i := 0; i < len(pattern); i++ {
		switch pattern[i] {
		case 'D':
			b.WriteString(strconv.Itoa(t.Day()))
		case 'M':
			b.WriteString(month)
		case 'Y':
			b.WriteString(strconv.Itoa(t.Year()))
			if lang == "ja" {
				b.WriteString("年")
			}
		default:
			b.WriteByte(pattern[i])
		}
	}
	return b.String()
}

// FormatDateTime writes t in zone tz with the zone named, on a 24-hour
// clock: "2 March 2026, 09:00 CET".
func FormatDateTime(tag string, t time.Time, tz string) string {
	lang := baseOf(tag)
	t = t.In(zone(tz))
	return formatDate(lang, t) + dateTimeJoin[lang] + t.Format("15:04") + " " + ZoneName(t)
}

// ZoneName names t's time zone by its abbreviation ("CET", "BST") or,
// where the zone has none, by its offset from UTC ("UTC+03:00").
func ZoneName(t time.Time) string {
	abbr, offset := t.Zone()
	if abbr != "" && (abbr[0] < '0' || abbr[0] > '9') && abbr[0] != '+' && abbr[0] != '-' {
		return abbr
	}
	if offset == 0 {
		return "UTC"
	}
	return "UTC" + t.Format("-07:00")
}

var zones sync.Map // name → *time.Location

// zone loads a time zone once; an unknown name means UTC.
func zone(name string) *time.Location {
	if l, ok := zones.Load(name); ok {
		return l.(*time.Location)
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		l = time.UTC
	}
	zones.Store(name, l)
	return l
}

// Date formats t for this localizer's language in zone tz; templates call
// it as {{.L.Date .When $tz}}.
func (l *Localizer) Date(t time.Time, tz string) string { return FormatDate(l.Tag, t, tz) }

// DateTime formats t with its time and zone; {{.L.DateTime .When $tz}}.
func (l *Localizer) DateTime(t time.Time, tz string) string { return FormatDateTime(l.Tag, t, tz) }

// Number formats a whole number; {{.L.Number .Count}}.
func (l *Localizer) Number(n int) string { return FormatNumber(l.Tag, n) }

// pluralSamples finds, for tag's language, one whole number that selects
// each CLDR plural form it uses ("few" → 3 in Polish, "many" → 11 in Arabic).
func pluralSamples(tag string) map[string]int {
	if m, ok := samples.Load(tag); ok {
		return m.(map[string]int)
	}
	t := language.Make(tag)
	names := map[plural.Form]string{plural.Zero: "zero", plural.One: "one", plural.Two: "two", plural.Few: "few", plural.Many: "many", plural.Other: "other"}
	out := map[string]int{}
	for n := 0; n <= 1000000; n++ {
		if n == 201 {
			n = 1000000
		}
		name := names[plural.Cardinal.MatchPlural(t, n, 0, 0, 0, 0)]
		if _, ok := out[name]; !ok {
			out[name] = n
		}
	}
	samples.Store(tag, out)
	return out
}

var samples sync.Map // tag → map[form]count, read-only once stored

// PluralJSON gives every plural form of id in this language as a JSON
// object, with {{.Count}} replaced by placeholder, so that a script can
// choose among them with Intl.PluralRules: {"one": "… {n} …", "few": …}.
func (l *Localizer) PluralJSON(id, placeholder string) string {
	forms := map[string]string{}
	for form, n := range pluralSamples(l.Tag) {
		forms[form] = l.N(id, n, map[string]any{"Count": placeholder})
	}
	b, _ := json.Marshal(forms)
	return string(b)
}
