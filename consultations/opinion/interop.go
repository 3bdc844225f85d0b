package opinion

import (
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/consult-platform/consult/consultations"
	"github.com/consult-platform/consult/database"
	"github.com/jmoiron/sqlx"
)

// ImportSummary says what an import added.
type ImportSummary struct {
	Statements int `json:"statements"`
	Duplicates int `json:"duplicates"` // merged into an existing statement with the same text
	Votes      int `json:"votes"`
}

// Import adds a Pol.is conversation to a consultation's opinion map
// (turning the map on if needed): staff of its organisation only.
// Statements keep their moderation (removed ones stay removed); voters
// and authors become participants "import:N", not accounts; each voter's
// latest vote per statement counts.
func (s *Store) Import(ctx context.Context, actor *consultations.User, consultationID string, conv *PolisConversation) (*ImportSummary, error) {
	c, err := s.cs.Manageable(ctx, actor, consultationID)
	if err != nil {
		return nil, err
	}
	if _, err := s.Map(ctx, c.ID); err != nil {
		if _, err := s.EnableMap(ctx, actor, c.ID, true); err != nil {
			return nil, err
		}
	}
	sum := &ImportSummary{}
	now := s.now()
	err = s.db.Write(ctx, func(tx *sqlx.Tx) error {
		var mapKey int64
		if err := tx.GetContext(ctx, &mapKey, s.q(`SELECT key FROM opinion_maps WHERE consultation_id = ?`), c.ID); err != nil {
			return err
		}
		type target struct {
			id     string
			number int
		}
		ids := map[int]target{}
		for _, ps := range conv.Statements {
			body := s.cs.Sanitizer().PlainText(ps.Body)
			n := NewStatement{Body: body}
			// Imported statements keep their length: the conversation
			// had its own limit, and its votes are on the whole text.
			if err := n.validate(); err != nil && utf8.RuneCountInString(n.Body) <= MaxStatementLen {
				continue // empty: not a statement we can show
			}
			folded := foldText(n.Body)
			if dup, err := s.statementByFold(ctx, tx, c.ID, folded); err == nil {
				ids[ps.ID] = target{dup.ID, dup.Number}
				sum.Duplicates++
				continue
			}
			author := "import:" + strconv.Itoa(ps.Author)
			st := &Statement{ID: database.NewID(), ConsultationID: c.ID, AuthorID: &author, Body: n.Body,
				Locale: c.DefaultLocale, Status: StatementPublished, CreatedAt: ps.Time}
			if ps.Moderated == -1 {
				st.Status = StatementRemoved
			}
			if st.CreatedAt.IsZero() {
				st.CreatedAt = now
			}
			if err := tx.GetContext(ctx, &st.Number, s.q(`UPDATE opinion_maps SET next_number = next_number + 1 WHERE consultation_id = ? RETURNING next_number - 1`), c.ID); err != nil {
				return err
			}
			if err := s.insertStatement(ctx, tx, st, folded); err != nil {
				return err
			}
			ids[ps.ID] = target{st.ID, st.Number}
			sum.Statements++
		}
		rows := make([]voteRow, 0, len(conv.Votes))
		for _, v := range conv.Votes {
			t, ok := ids[v.Statement]
			if !ok {
				continue
			}
			at := v.Time
			if at.IsZero() {
				at = now
			}
			rows = append(rows, voteRow{StatementID: t.id, ParticipantID: "import:" + strconv.Itoa(v.Voter), ConsultationID: c.ID,
				Counts: countKey{mapKey, t.number}, Vote: v.Vote, At: at})
		}
		changed, err := s.writeVotes(ctx, tx, rows)
		if err != nil {
			return err
		}
		sum.Votes = changed[c.ID]
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.engine.changed(c.ID)
	return sum, nil
}

// Export writes a map in Pol.is's format: comments.csv and votes.csv.
// Staff of the organisation only: the votes are per participant, though
// participants are numbered in order of first appearance, never named.
func (s *Store) Export(ctx context.Context, actor *consultations.User, consultationID string, comments, votes io.Writer) error {
	c, err := s.cs.Manageable(ctx, actor, consultationID)
	if err != nil {
		return err
	}
	if _, err := s.Map(ctx, c.ID); err != nil {
		return err
	}
	var list []Statement
	if err := s.db.Reader.SelectContext(ctx, &list, s.q(`SELECT `+statementColumns+` FROM `+statementsFrom+` WHERE s.consultation_id = ? ORDER BY s.number`), c.ID); err != nil {
		return err
	}
	people := map[string]int{}
	person := func(id string) int {
		n, ok := people[id]
		if !ok {
			n = len(people)
			people[id] = n
		}
		return n
	}
	number := map[string]int{}
	cw := csv.NewWriter(comments)
	cw.Write([]string{"timestamp", "datetime", "comment-id", "author-id", "agrees", "disagrees", "moderated", "comment-body"})
	for _, st := range list {
		number[st.ID] = st.Number
		author := ""
		if st.AuthorID != nil {
			author = strconv.Itoa(person(*st.AuthorID))
		}
		moderated := map[StatementStatus]string{StatementPublished: "1", StatementPending: "0", StatementRemoved: "-1"}[st.Status]
		cw.Write([]string{stamp(st.CreatedAt), st.CreatedAt.UTC().Format(time.UnixDate), strconv.Itoa(st.Number), author,
			strconv.Itoa(st.AgreeCount), strconv.Itoa(st.DisagreeCount), moderated, st.Body})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	rows, err := s.db.Reader.QueryContext(ctx, s.q(`SELECT v.statement_id, v.participant_id, v.vote, v.updated_at
		FROM opinion_statements s JOIN opinion_votes v ON v.statement_id = s.id
		WHERE s.consultation_id = ? ORDER BY v.updated_at, v.participant_id, v.statement_id`), c.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	vw := csv.NewWriter(votes)
	vw.Write([]string{"timestamp", "datetime", "comment-id", "voter-id", "vote"})
	for rows.Next() {
		var sid, pid string
		var v int
		var at time.Time
		if err := rows.Scan(&sid, &pid, &v, &at); err != nil {
			return err
		}
		vw.Write([]string{stamp(at), at.UTC().Format(time.UnixDate), strconv.Itoa(number[sid]), strconv.Itoa(person(pid)), strconv.Itoa(v)})
	}
	vw.Flush()
	if err := rows.Err(); err != nil {
		return err
	}
	return vw.Error()
}

func stamp(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }
