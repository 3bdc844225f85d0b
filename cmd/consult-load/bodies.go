package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// bodySource makes the JSON body of each comment a client posts.
type bodySource interface {
	body(client, n int) []byte
}

// wholeTexts posts the real comments as they are. Once a run has posted
// each of them, the next requests repeat them under other accounts: a
// coordinated campaign at full rate, in which moderation groups nearly
// every comment as a near-duplicate and queues it for moderators.
type wholeTexts [][]byte

func newWholeTexts(texts []string) wholeTexts {
	bodies := make(wholeTexts, len(texts))
	for i, text := range texts {
		bodies[i], _ = json.Marshal(map[string]string{"body": text})
	}
	return bodies
}

func (w wholeTexts) body(client, n int) []byte { return w[(client*131+n)%len(w)] }

// mixedSentences joins two to four sentences of different real comments
// into each body, so that a long run posts hundreds of thousands of
// different texts in real language, as many people commenting would,
// rather than the same few thousand again and again.
type mixedSentences []string

// minSentenceRunes drops fragments ("Sí.") that would make many bodies
// alike.
const minSentenceRunes = 20

func newMixedSentences(texts []string) (mixedSentences, error) {
	var out mixedSentences
	seen := map[string]bool{}
	for _, t := range texts {
		for _, s := range splitSentences(t) {
			if utf8.RuneCountInString(s) >= minSentenceRunes && !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	if len(out) < 100 {
		return nil, fmt.Errorf("only %d sentences of %d or more characters: too few to mix", len(out), minSentenceRunes)
	}
	return out, nil
}

// splitSentences cuts text after '.', '!' or '?' followed by a space, and
// at line breaks.
func splitSentences(text string) []string {
	var out []string
	start := 0
	for i := 0; i < len(text); i++ {
		c := text[i]
		end := c == '\n' || (c == '.' || c == '!' || c == '?') && (i+1 == len(text) || text[i+1] == ' ')
		if !end {
			continue
		}
		if s := strings.TrimSpace(text[start : i+1]); s != "" {
			out = append(out, s)
		}
		start = i + 1
	}
	if s := strings.TrimSpace(text[start:]); s != "" {
		out = append(out, s)
	}
	return out
}

func (m mixedSentences) body(client, n int) []byte {
	// A different stream of draws per client and request (splitmix64).
	x := uint64(client)<<32 ^ uint64(n)
	next := func() uint64 {
		x += 0x9e3779b97f4a7c15
		z := x
		z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
		z = (z ^ z>>27) * 0x94d049bb133111eb
		return z ^ z>>31
	}
	k := 2 + int(next()%3)
	parts := make([]string, k)
	for i := range parts {
		parts[i] = m[next()%uint64(len(m))]
	}
	b, _ := json.Marshal(map[string]string{"body": strings.Join(parts, " ")})
	return b
}
