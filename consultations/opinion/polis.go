package opinion

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"
)

// PolisConversation is a Pol.is export: comments.csv and votes.csv.
type PolisConversation struct {
	Statements []PolisStatement
	Votes      []PolisVote
}

// PolisStatement is a row of comments.csv. Moderated is 1 (accepted),
// 0 (not yet moderated) or -1 (removed).
type PolisStatement struct {
	ID        int
	Author    int
	Moderated int
	Body      string
	Time      time.Time
	Agrees    int
	Disagrees int
}

// PolisVote is a row of votes.csv: 1 agree, -1 disagree, 0 pass.
type PolisVote struct {
	Time      time.Time
	Statement int
	Voter     int
	Vote      int
}

// Limits on what an import may hold.
const (
	maxImportStatements = 10000
	maxImportVotes      = 5_000_000
)

// ReadPolis reads a Pol.is export. Columns are found by their header
// names, so exports with extra columns read the same.
func ReadPolis(comments, votes io.Reader) (*PolisConversation, error) {
	conv := &PolisConversation{}
	err := readCSV(comments, "comments.csv", []string{"comment-id", "author-id", "comment-body"}, func(get func(string) string) error {
		if len(conv.Statements) >= maxImportStatements {
			return errors.New("too many statements")
		}
		st := PolisStatement{Body: get("comment-body")}
		var err error
		if st.ID, err = strconv.Atoi(get("comment-id")); err != nil {
			return fmt.Errorf("comment-id: %w", err)
		}
		if st.Author, err = strconv.Atoi(get("author-id")); err != nil {
			return fmt.Errorf("author-id: %w", err)
		}
		st.Moderated, _ = strconv.Atoi(get("moderated"))
		st.Agrees, _ = strconv.Atoi(get("agrees"))
		st.Disagrees, _ = strconv.Atoi(get("disagrees"))
		st.Time = millis(get("timestamp"))
		conv.Statements = append(conv.Statements, st)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = readCSV(votes, "votes.csv", []string{"comment-id", "voter-id", "vote"}, func(get func(string) string) error {
		if len(conv.Votes) >= maxImportVotes {
			return errors.New("too many votes")
		}
		var v PolisVote
		var err error
		if v.Statement, err = strconv.Atoi(get("comment-id")); err != nil {
			return fmt.Errorf("comment-id: %w", err)
		}
		if v.Voter, err = strconv.Atoi(get("voter-id")); err != nil {
			return fmt.Errorf("voter-id: %w", err)
		}
		if v.Vote, err = strconv.Atoi(get("vote")); err != nil || v.Vote < -1 || v.Vote > 1 {
			return fmt.Errorf("vote %q is not -1, 0 or 1", get("vote"))
		}
		v.Time = millis(get("timestamp"))
		conv.Votes = append(conv.Votes, v)
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Oldest first, so that replaying them leaves each voter's latest vote.
	sort.SliceStable(conv.Votes, func(a, b int) bool { return conv.Votes[a].Time.Before(conv.Votes[b].Time) })
	return conv, nil
}

func millis(s string) time.Time {
	ms, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// readCSV calls row for every record, with a getter by header name.
func readCSV(r io.Reader, name string, required []string, row func(get func(string) string) error) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	header, err := cr.Read()
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	for _, h := range required {
		if _, ok := col[h]; !ok {
			return fmt.Errorf("%s: no %q column", name, h)
		}
	}
	line := 1
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		line++
		if err != nil {
			return fmt.Errorf("%s line %d: %w", name, line, err)
		}
		get := func(h string) string {
			if i, ok := col[h]; ok && i < len(rec) {
				return rec[i]
			}
			return ""
		}
		if err := row(get); err != nil {
			return fmt.Errorf("%s line %d: %w", name, line, err)
		}
	}
}

// Matrix builds the vote matrix of the conversation: removed statements
// (moderated -1) left out, each voter's latest vote per statement kept.
// Participants are named by their Pol.is voter id. It returns the
// statements' Pol.is ids by column.
func (c *PolisConversation) Matrix() (*Matrix, []int) {
	col := map[int]int{}
	var ids []int
	for _, s := range c.Statements {
		if s.Moderated == -1 {
			continue
		}
		if _, dup := col[s.ID]; !dup {
			col[s.ID] = len(ids)
			ids = append(ids, s.ID)
		}
	}
	b := NewMatrixBuilder(len(ids), len(c.Votes))
	for _, v := range c.Votes {
		if j, ok := col[v.Statement]; ok {
			b.Add(strconv.Itoa(v.Voter), j, v.Vote)
		}
	}
	return b.Build(), ids
}
