package moderation

import (
	"strings"
	"time"
	"unicode/utf8"
)

// WordAction is what happens to a submission containing a watched word.
type WordAction string

const (
	WordBlock WordAction = "block" // refused, with a clear message
	WordHold  WordAction = "hold"  // held for review before publication
	WordFlag  WordAction = "flag"  // published, and put in the queue
	WordMask  WordAction = "mask"  // published with the word masked
)

// Valid reports whether a is a known action.
func (a WordAction) Valid() bool {
	switch a {
	case WordBlock, WordHold, WordFlag, WordMask:
		return true
	}
	return false
}

// severity orders actions: the strongest match decides.
func (a WordAction) severity() int {
	return map[WordAction]int{WordMask: 1, WordFlag: 2, WordHold: 3, WordBlock: 4}[a]
}

// WatchedWord is a word or phrase an organisation watches in one language
// ("" for all).
type WatchedWord struct {
	ID         string     `json:"id"`
	OrgID      string     `json:"org_id" db:"org_id"`
	Locale     string     `json:"locale"`
	Word       string     `json:"word"`
	Normalised string     `json:"normalised"`
	Action     WordAction `json:"action"`
	CreatedBy  string     `json:"-" db:"created_by"`
	CreatedAt  time.Time  `json:"created_at" db:"created_at"`
}

// MaxWordLen bounds a watched word or phrase.
const MaxWordLen = 100

// NewWatchedWord is what staff type to watch a word.
type NewWatchedWord struct {
	Locale string     `json:"locale"`
	Word   string     `json:"word"`
	Action WordAction `json:"action"`
}

func (n *NewWatchedWord) validate() error {
	p := problems{}
	n.Word = strings.TrimSpace(n.Word)
	switch {
	case !utf8.ValidString(n.Word) || n.Word == "":
		p.add("word", "ErrModWordRequired")
	case utf8.RuneCountInString(n.Word) > MaxWordLen:
		p.add("word", "ErrModWordTooLong")
	case Normalise(n.Word) == "":
		p.add("word", "ErrModWordNoLetters")
	}
	if !n.Action.Valid() {
		p.add("action", "ErrModWordActionInvalid")
	}
	if n.Locale != "" && !validLocale(n.Locale) {
		p.add("locale", "ErrModLocaleInvalid")
	}
	return p.err()
}

// validLocale accepts short BCP 47 tags such as "en", "pt-BR".
func validLocale(tag string) bool {
	if len(tag) < 2 || len(tag) > 16 {
		return false
	}
	for _, r := range tag {
		if !(r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// Match is one watched word found in a text.
type Match struct {
	Word       string     // as staff wrote it
	Action     WordAction //
	Start, End int        // byte span in the text
}

// Matcher finds watched words in texts, by whole tokens, so "class" does
// not match "ass". It is safe for concurrent use once built.
type Matcher struct {
	byFirst map[string][]phrase
	singles []phrase // one-word phrases, looked for inside spaced-out letters
}

type phrase struct {
	tokens []string
	word   string
	action WordAction
	locale string
}

// NewMatcher builds a matcher over words.
func NewMatcher(words []WatchedWord) *Matcher {
	m := &Matcher{byFirst: map[string][]phrase{}}
	for _, w := range words {
		toks := strings.Fields(w.Normalised)
		if len(toks) == 0 {
			toks = strings.Fields(Normalise(w.Word))
		}
		if len(toks) == 0 {
			continue
		}
		p := phrase{tokens: toks, word: w.Word, action: w.Action, locale: w.Locale}
		m.byFirst[toks[0]] = append(m.byFirst[toks[0]], p)
		if len(toks) == 1 && utf8.RuneCountInString(toks[0]) >= 3 {
			m.singles = append(m.singles, p)
		}
	}
	return m
}

// Find returns the watched words in toks (from Tokens) that apply to a
// text written in locale; words watched for every language always apply.
func (m *Matcher) Find(toks []Token, locale string) []Match {
	if m == nil || len(m.byFirst) == 0 {
		return nil
	}
	lang, _, _ := strings.Cut(strings.ToLower(locale), "-")
	applies := func(p phrase) bool {
		return p.locale == "" || strings.EqualFold(p.locale, locale) || strings.EqualFold(p.locale, lang)
	}
	var out []Match
	for i, t := range toks {
		if t.Spaced {
			// "a l a w s u i t": the letters of "a lawsuit" run together.
			for _, p := range m.singles {
				if p.tokens[0] != t.Text && applies(p) && strings.Contains(t.Text, p.tokens[0]) {
					out = append(out, Match{Word: p.word, Action: p.action, Start: t.Start, End: t.End})
				}
			}
		}
		for _, p := range m.byFirst[t.Text] {
			if !applies(p) {
				continue
			}
			if i+len(p.tokens) > len(toks) {
				continue
			}
			ok := true
			for k := 1; k < len(p.tokens); k++ {
				if toks[i+k].Text != p.tokens[k] {
					ok = false
					break
				}
			}
			if ok {
				out = append(out, Match{Word: p.word, Action: p.action, Start: t.Start, End: toks[i+len(p.tokens)-1].End})
			}
		}
	}
	return out
}

// strongest returns the most severe action among matches, or "".
func strongest(ms []Match) WordAction {
	var a WordAction
	for _, m := range ms {
		if m.Action.severity() > a.severity() {
			a = m.Action
		}
	}
	return a
}

// Mask replaces the text of every masking match with asterisks, one per
// character, keeping everything else as written.
func Mask(text string, ms []Match) string {
	var b strings.Builder
	last := 0
	for _, m := range ms {
		if m.Action != WordMask || m.Start < last {
			continue
		}
		b.WriteString(text[last:m.Start])
		b.WriteString(strings.Repeat("*", utf8.RuneCountInString(text[m.Start:m.End])))
		last = m.End
	}
	b.WriteString(text[last:])
	return b.String()
}
