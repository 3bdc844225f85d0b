package moderation

import (
	"encoding/csv"
	"hash/fnv"
	"os"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// exactFormHash is the definition exactHash computes in one pass, and the
// one the hashes stored so far were made with: NFKC, lower case, words
// joined by one space, then 64-bit FNV-1a.
func exactFormHash(text string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(strings.Join(strings.Fields(strings.ToLower(norm.NFKC.String(text))), " ")))
	return h.Sum64()
}

func TestExactHashMatchesTheStoredHashes(t *testing.T) {
	texts := []string{"", " ", "Hello", "  Hello,\tWORLD \n", "ＦＵＬＬ　ＷＩＤＴＨ", "İstanbul ΣΊΣΥΦΟΣ", "a\u0301 e\u0301",
		"\xff\xfe broken", "line\u2028separator", "ﬁne ligature", "Ünïcödé  \u00a0 spaces", "馬鹿 だ"}
	f, err := os.Open("../../shared/data/decide-madrid/comments.csv")
	if err != nil {
		t.Fatalf("the Decide Madrid comments are needed (%v): ../shared/data holds them", err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows {
		texts = append(texts, strings.Join(row, "\n"))
	}
	for _, text := range texts {
		if got, want := exactHash(text), exactFormHash(text); got != want {
			t.Fatalf("exactHash(%q) = %x; the stored form hashes to %x", text, got, want)
		}
	}
	if exactHash("Same  words") != exactHash("same words") || exactHash("same words") == exactHash("other words") {
		t.Error("exact hashes do not tell texts apart as duplicate detection needs")
	}
}

func FuzzExactHashMatchesTheStoredHashes(f *testing.F) {
	for _, s := range []string{"", " a ", "ＡＢ\u3000c", "\xff", "K\u212a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := exactHash(s), exactFormHash(s); got != want {
			t.Fatalf("exactHash(%q) = %x; want %x", s, got, want)
		}
	})
}
