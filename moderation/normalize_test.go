package moderation

import (
	"strings"
	"testing"
)

func TestWatchedWordsSurviveEvasion(t *testing.T) {
	m := NewMatcher([]WatchedWord{
		{Word: "idiot", Action: WordHold},
		{Word: "scam", Action: WordFlag},
		{Word: "cabrón", Action: WordBlock, Locale: "es"},
		{Word: "dummkopf", Action: WordMask},
		{Word: "кретин", Action: WordHold},
		{Word: "馬鹿", Action: WordFlag},
		{Word: "go home", Action: WordFlag},
	})
	cases := []struct {
		text, locale string
		want         string // the watched word found, "" for none
	}{
		{"You are an idiot", "en", "idiot"},
		{"You are an IDIOT!", "en", "idiot"},
		{"You are an іdіot", "en", "idiot"},       // Cyrillic і
		{"You are an ｉｄｉｏｔ", "en", "idiot"},       // full-width
		{"You are an 1d10t", "en", "idiot"},       // leetspeak
		{"You are an iiidiooot", "en", "idiot"},   // repeated letters
		{"You are an i d i o t", "en", "idiot"},   // spaced out
		{"You are an i.d.i.o.t", "en", "idiot"},   // dotted
		{"You are an id\u200Biot", "en", "idiot"}, // zero-width space
		{"You are an i\u0301diot", "en", "idiot"}, // combining accent
		{"You are an ídíót", "en", "idiot"},       // precomposed accents
		{"This is a ѕсаm", "en", "scam"},          // Cyrillic look-alikes
		{"This is a $cam", "en", "scam"},          // symbol
		{"Eres un cabron", "es", "cabrón"},        // accent dropped
		{"Eres un CABRÓN", "es-MX", "cabrón"},     // regional tag
		{"Eres un cabron", "en", ""},              // watched in Spanish only
		{"Du Dummkopf", "de", "dummkopf"},         // case
		{"Ты КРЕТИН", "ru", "кретин"},             // Cyrillic word, upper case
		{"お前は馬鹿だ", "ja", "馬鹿"},                    // no spaces between words
		{"Just go   home now", "en", "go home"},   // phrase with extra spaces
		{"Scampi are tasty", "en", ""},            // not a whole word
		{"idiotic policy", "en", ""},              // not a whole word
		{"The 2026 idiom", "en", ""},              // nothing
		{"A class act", "en", ""},                 // no substring matches
		{"Grand idiotism is not idiot-proof", "en", "idiot"},
	}
	for _, c := range cases {
		ms := m.Find(Tokens(c.text), c.locale)
		got := ""
		if len(ms) > 0 {
			got = ms[0].Word
		}
		if got != c.want {
			t.Errorf("Find(%q, %s) = %q; want %q", c.text, c.locale, got, c.want)
		}
	}
}

func TestMaskReplacesOnlyTheWatchedWordAsWritten(t *testing.T) {
	m := NewMatcher([]WatchedWord{{Word: "damn", Action: WordMask}})
	text := "This DÄMN road, damn it — and damnation."
	got := Mask(text, m.Find(Tokens(text), "en"))
	if want := "This **** road, **** it — and damnation."; got != want {
		t.Errorf("Mask = %q; want %q", got, want)
	}
}

func TestNormaliseKeepsNumbersAndWordsApart(t *testing.T) {
	for in, want := range map[string]string{
		"Comment 11":         "coment 11",
		"Hello,   World!!":   "helo world",
		"B4 the 2nd meeting": "ba the 2nd meting",
		"Ελληνικά κείμενα":   "eληvika keiμeva", // look-alikes become Latin
	} {
		if got := Normalise(in); got != want {
			t.Errorf("Normalise(%q) = %q; want %q", in, got, want)
		}
	}
	if strings.Contains(Normalise("a\u200Db"), "\u200D") {
		t.Error("a zero-width joiner survived")
	}
}

func FuzzTokensNeverPanicAndSpansStayInside(f *testing.F) {
	for _, s := range []string{"", "idiot", "i d i o t", "ｉｄｉｏｔ", "\xff\xfe", "馬鹿だ", "a\u0301\u0301\u0301"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, tok := range Tokens(s) {
			if tok.Start < 0 || tok.End > len(s) || tok.Start > tok.End {
				t.Fatalf("token %+v outside %q", tok, s)
			}
		}
	})
}
