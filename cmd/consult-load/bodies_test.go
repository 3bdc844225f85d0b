package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestMixedBodiesHardlyRepeatAndKeepRealSentences(t *testing.T) {
	texts, err := readCommentsCSV("../../../shared/data/decide-madrid/comments.csv")
	if err != nil {
		t.Fatalf("the Decide Madrid comments are needed (%v): ../shared/data holds them", err)
	}
	m, err := newMixedSentences(texts)
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, s := range m {
		known[s] = true
	}
	seen := map[string]bool{}
	const clients, each = 64, 500
	for c := range clients {
		for n := range each {
			var got struct{ Body string }
			if err := json.Unmarshal(m.body(c, n), &got); err != nil || got.Body == "" {
				t.Fatalf("body(%d, %d) is not a comment body: %v", c, n, err)
			}
			seen[got.Body] = true
			if c == 0 && n < 50 {
				// Each body starts with one of the real sentences.
				first := false
				for s := range known {
					if strings.HasPrefix(got.Body, s+" ") {
						first = true
						break
					}
				}
				if !first {
					t.Errorf("body %q does not start with a real sentence", got.Body)
				}
			}
		}
	}
	if distinct := len(seen); distinct < clients*each*99/100 {
		t.Errorf("%d distinct bodies in %d; want nearly all different", distinct, clients*each)
	}
}

func TestWholeTextsRepeatOnceAllArePosted(t *testing.T) {
	w := newWholeTexts([]string{"first comment", "second comment"})
	if string(w.body(0, 0)) != `{"body":"first comment"}` || string(w.body(0, 2)) != string(w.body(0, 0)) {
		t.Errorf("whole texts: %s then %s; want the first comment again after both", w.body(0, 0), w.body(0, 2))
	}
}

func TestSplitSentences(t *testing.T) {
	got := splitSentences("Una calle más segura. ¿Por qué no?\nGracias! 3.5 km")
	want := []string{"Una calle más segura.", "¿Por qué no?", "Gracias!", "3.5 km"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("splitSentences = %q; want %q", got, want)
	}
}
