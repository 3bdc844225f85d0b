package i18n

import "testing"

// FuzzMatchAlwaysPicksASupportedLanguage feeds locale negotiation hostile
// cookies and Accept-Language headers: it must always answer with a
// language we have, never panic, and honour a supported cookie.
func FuzzMatchAlwaysPicksASupportedLanguage(f *testing.F) {
	b, err := New()
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range [][3]string{
		{"", "fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5", "en"},
		{"xx", "ar-EG;q=1.0", "zz"},
		{"", "en-US-u-ca-gregory-x-private;q=0.1", ""},
		{"", ";;;q=,,,", "en"},
		{"../../etc/passwd", "*", "fr"},
		{"", "zh-Hant-TW;q=0.9999999999", "es"},
	} {
		f.Add(seed[0], seed[1], seed[2])
	}
	f.Fuzz(func(t *testing.T, choice, accept, orgDefault string) {
		got := b.Match(choice, accept, orgDefault)
		if !b.Supported(got) {
			t.Fatalf("Match(%q, %q, %q) = %q; not a supported language", choice, accept, orgDefault, got)
		}
		if b.Supported(choice) && got != choice {
			t.Fatalf("Match(%q, …) = %q; want the chosen language", choice, got)
		}
	})
}
