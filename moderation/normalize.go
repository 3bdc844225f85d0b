package moderation

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Token is one word of a text as the matcher sees it: folded, without
// diacritics, look-alikes replaced, repeated letters collapsed. Start and
// End are its byte span in the original text, for masking.
type Token struct {
	Text       string
	Start, End int
	Spaced     bool // joined from letters written apart ("s h i t")
}

// lookAlikes maps letters that readers take for Latin ones (after case
// folding) to those Latin letters.
var lookAlikes = map[rune]rune{
	// Cyrillic
	'а': 'a', 'в': 'b', 'е': 'e', 'к': 'k', 'о': 'o', 'р': 'p', 'с': 'c', 'у': 'y', 'х': 'x',
	'і': 'i', 'ј': 'j', 'ѕ': 's', 'һ': 'h', 'ԁ': 'd', 'ԛ': 'q', 'ԝ': 'w',
	// Greek
	'α': 'a', 'β': 'b', 'ε': 'e', 'ι': 'i', 'κ': 'k', 'ν': 'v', 'ο': 'o', 'ρ': 'p', 'τ': 't', 'υ': 'u', 'χ': 'x',
	// Latin oddities NFKC leaves alone
	'ı': 'i', 'ł': 'l', 'ø': 'o', 'đ': 'd', 'ħ': 'h', 'ŀ': 'l', 'ɑ': 'a', 'ɡ': 'g',
}

// leet maps digits and symbols used in place of letters. It applies only
// inside a word that also has letters, so "2026" stays a number.
var leet = map[rune]rune{'0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b', '@': 'a', '$': 's', '|': 'l'}

// foldTable caches the folded form of the runes most texts are made of.
var foldTable struct {
	once sync.Once
	low  [0x3000][]rune
	wide [0x100][]rune // U+FF00–U+FFFF: full-width forms
}

// foldRune returns what r becomes for matching: NFKC, case folding,
// diacritics removed, look-alikes replaced. Invisible format characters
// (zero-width spaces, joiners, soft hyphens) become nothing.
func foldRune(r rune) []rune {
	foldTable.once.Do(buildFoldTable)
	switch {
	case r >= 0 && r < 0x3000:
		return foldTable.low[r]
	case r >= 0xFF00 && r <= 0xFFFF:
		return foldTable.wide[r-0xFF00]
	}
	return computeFold(r, cases.Fold())
}

func buildFoldTable() {
	c := cases.Fold()
	for r := rune(0); r < 0x3000; r++ {
		foldTable.low[r] = computeFold(r, c)
	}
	for r := rune(0xFF00); r <= 0xFFFF; r++ {
		foldTable.wide[r-0xFF00] = computeFold(r, c)
	}
}

func computeFold(r rune, c cases.Caser) []rune {
	if unicode.Is(unicode.Cf, r) {
		return nil
	}
	s := norm.NFKC.String(string(r))
	s = c.String(s)
	s = norm.NFD.String(s)
	out := make([]rune, 0, 2)
	for _, x := range s {
		if unicode.Is(unicode.Mn, x) {
			continue
		}
		if l, ok := lookAlikes[x]; ok {
			x = l
		}
		out = append(out, x)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// wordRune reports whether r (already folded) belongs inside a word.
func wordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Mc, r) || r == '@' || r == '$'
}

// unspaced reports whether r's script writes words without spaces; each of
// its characters is then a token of its own.
func unspaced(r rune) bool {
	if r < 0x0E00 { // before Thai: Latin, Greek, Cyrillic, Arabic, Indic…
		return false
	}
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar)
}

// Tokens splits text into matching tokens. Letters spaced out to dodge a
// filter ("s h i t", "s.h.i.t") are joined back into one token.
func Tokens(text string) []Token {
	out := make([]Token, 0, len(text)/6+1) // about one word in six bytes
	// Every token's text goes into one buffer, made a string once at the
	// end: a string per word was a fifth of what screening allocated.
	arena := make([]byte, 0, len(text)+8)
	ends := make([]int, 0, cap(out)) // each token's end in arena
	var cur []rune
	start, hasLetter := -1, false
	flush := func(end int) {
		if len(cur) == 0 {
			start = -1
			return
		}
		arena = appendToken(arena, cur, hasLetter)
		out = append(out, Token{Start: start, End: end})
		ends = append(ends, len(arena))
		cur, start, hasLetter = cur[:0], -1, false
	}
	for i, r := range text {
		size := utf8.RuneLen(r)
		if r == utf8.RuneError {
			size = 1
		}
		folded := foldRune(r)
		if len(folded) == 0 {
			continue // invisible or a combining mark: neither splits nor joins
		}
		for _, f := range folded {
			switch {
			case unspaced(f):
				flush(i)
				arena = utf8.AppendRune(arena, f)
				out = append(out, Token{Start: i, End: i + size})
				ends = append(ends, len(arena))
			case wordRune(f):
				if start < 0 {
					start = i
				}
				hasLetter = hasLetter || unicode.IsLetter(f)
				cur = append(cur, f)
			default:
				flush(i)
			}
		}
	}
	flush(len(text))
	all, from := string(arena), 0
	for i, end := range ends {
		out[i].Text, from = all[from:end], end
	}
	return joinSpacedLetters(out)
}

// finishToken applies leetspeak and collapses runs of one letter
// ("shiiit" → "shit"), both only in words with letters: numbers stay as
// written.
func finishToken(rs []rune, hasLetter bool) string {
	return string(appendToken(nil, rs, hasLetter))
}

// appendToken appends the finished token to b (see finishToken).
func appendToken(b []byte, rs []rune, hasLetter bool) []byte {
	if !hasLetter {
		for _, r := range rs {
			b = utf8.AppendRune(b, r)
		}
		return b
	}
	var last rune = -1
	for _, r := range rs {
		if l, ok := leet[r]; ok {
			r = l
		}
		if r == last {
			continue
		}
		last = r
		b = utf8.AppendRune(b, r)
	}
	return b
}

// joinSpacedLetters merges runs of three or more one-letter tokens of a
// spaced script into one token.
func joinSpacedLetters(toks []Token) []Token {
	single := func(t Token) bool {
		r, n := utf8.DecodeRuneInString(t.Text)
		return n == len(t.Text) && unicode.IsLetter(r) && !unspaced(r)
	}
	// Most texts have no run of three single letters: keep their tokens.
	run, longest := 0, 0
	for _, t := range toks {
		if single(t) {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	if longest < 3 {
		return toks
	}
	out := make([]Token, 0, len(toks))
	for i := 0; i < len(toks); {
		j := i
		for j < len(toks) && single(toks[j]) {
			j++
		}
		if j-i >= 3 {
			var b strings.Builder
			for _, t := range toks[i:j] {
				b.WriteString(t.Text)
			}
			out = append(out, Token{Text: finishToken([]rune(b.String()), true), Start: toks[i].Start, End: toks[j-1].End, Spaced: true})
			i = j
			continue
		}
		if j > i {
			out = append(out, toks[i:j]...)
			i = j
			continue
		}
		out = append(out, toks[i])
		i++
	}
	return out
}

// Normalise returns text as the matcher sees it: its tokens joined by
// single spaces. Two texts that normalise alike are exact duplicates.
func Normalise(text string) string {
	toks := Tokens(text)
	parts := make([]string, len(toks))
	for i, t := range toks {
		parts[i] = t.Text
	}
	return strings.Join(parts, " ")
}

// exactHash is the hash of text as exact-duplicate detection compares
// it: NFKC, lower case, runs of white space made one space, no space at
// either end. It is computed in one pass without building that form: it
// runs for every comment, and must keep matching the hashes stored.
func exactHash(text string) uint64 {
	h := uint64(fnvOffset64)
	var buf [utf8.UTFMax]byte
	started, space := false, false // space: one is owed before the next word
	for _, r := range norm.NFKC.String(text) {
		if unicode.IsSpace(r) {
			space = started
			continue
		}
		if space {
			h = (h ^ ' ') * fnvPrime64
			space = false
		}
		started = true
		if r < utf8.RuneSelf {
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			h = (h ^ uint64(r)) * fnvPrime64
			continue
		}
		for _, b := range buf[:utf8.EncodeRune(buf[:], unicode.ToLower(r))] {
			h = (h ^ uint64(b)) * fnvPrime64
		}
	}
	return h
}

const (
	fnvOffset64 = 14695981039346656037
	fnvPrime64  = 1099511628211
)

// hashString is the 64-bit FNV-1a hash of s, without the allocations of
// hash/fnv: it runs for every word of every comment.
func hashString(s string) uint64 {
	h := uint64(fnvOffset64)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * fnvPrime64
	}
	return h
}
