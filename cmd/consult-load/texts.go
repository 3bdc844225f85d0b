package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"unicode/utf8"
)

// defaultTexts is where the shared test data lives beside the repository.
const defaultTexts = "../shared/data/decide-madrid/comments.csv"

// madridCredit is shown wherever the Decide Madrid comments are used.
const madridCredit = "Decide Madrid comments, argrecsys/decide-madrid-2019-annotations, Apache-2.0"

// commentTexts returns real comment texts from the Decide Madrid CSV when
// it is there, else generated ones, and a line saying which.
func commentTexts(path string) ([]string, string, error) {
	texts, err := readCommentsCSV(path)
	if errors.Is(err, fs.ErrNotExist) {
		return generatedTexts(500), "texts: generated (no " + path + ")", nil
	}
	if err != nil {
		return nil, "", err
	}
	return texts, fmt.Sprintf("texts: %d real comments (%s)", len(texts), madridCredit), nil
}

func readCommentsCSV(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	col := -1
	for i, h := range header {
		if h == "text" {
			col = i
		}
	}
	if col < 0 {
		return nil, fmt.Errorf("%s: no \"text\" column", path)
	}
	var out []string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if col >= len(rec) {
			continue
		}
		t := strings.TrimSpace(rec[col])
		if t != "" && utf8.ValidString(t) && utf8.RuneCountInString(t) <= 5000 {
			out = append(out, t)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no usable comments", path)
	}
	return out, nil
}

func generatedTexts(n int) []string {
	words := strings.Fields(`the bus lane on our street should stay because children walk to school and
		the crossing near the market is dangerous at night please add lights and a lower speed limit
		cyclists need protected lanes while drivers need clear signs and deliveries need space`)
	out := make([]string, n)
	for i := range out {
		var b strings.Builder
		for j := 0; j < 12+i%40; j++ {
			if j > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(words[(i*7+j*3)%len(words)])
		}
		b.WriteString(".")
		out[i] = b.String()
	}
	return out
}
