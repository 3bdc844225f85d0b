package opinion

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/consult-platform/consult/consultations"
	"github.com/jmoiron/sqlx"
)

// voteTarget is what deciding on a vote needs, read in one query: the
// statement and its consultation's gate columns.
type voteTarget struct {
	ConsultationID string          `db:"consultation_id"`
	Status         StatementStatus `db:"status"`
	AuthorID       *string         `db:"author_id"`
	OrgID          string          `db:"org_id"`
	CStatus        string          `db:"cstatus"`
	OpensAt        time.Time       `db:"opens_at"`
	ClosesAt       time.Time       `db:"closes_at"`
}

// Vote records the actor's vote on a statement: Agree, Disagree or Pass.
// Each account has one vote per statement (the database's primary key);
// voting again changes it. Votes are taken while the consultation is
// open, like comments.
func (s *Store) Vote(ctx context.Context, actor *consultations.User, statementID string, vote int) error {
	if actor == nil {
		return consultations.Errorf(consultations.EUNAUTHENTICATED, "ErrSignInRequired")
	}
	if vote < Disagree || vote > Agree {
		return &consultations.Error{Code: consultations.EINVALID, Message: consultations.Message{ID: "ErrInvalidInput"},
			Fields: map[string]consultations.Message{"vote": {ID: "ErrOpinionVoteInvalid"}}}
	}
	var t voteTarget
	if err := s.get(ctx, s.db.Reader, &t, "ErrOpinionStatementNotFound", `SELECT s.consultation_id, s.status, s.author_id,
		c.org_id, c.status AS cstatus, c.opens_at, c.closes_at
		FROM opinion_statements s JOIN consultations c ON c.id = s.consultation_id WHERE s.id = ?`, statementID); err != nil {
		return err
	}
	c := &consultations.Consultation{ID: t.ConsultationID, OrgID: t.OrgID, Status: consultations.Status(t.CStatus), OpensAt: t.OpensAt, ClosesAt: t.ClosesAt}
	now := s.now()
	if !c.Visible(actor, now) || t.Status != StatementPublished {
		return consultations.Errorf(consultations.ENOTFOUND, "ErrOpinionStatementNotFound")
	}
	if err := c.CheckOpen(now); err != nil {
		return err
	}
	if s.Guard != nil {
		if err := s.Guard.CheckContribution(ctx, actor, c.ID, "opinion_vote"); err != nil {
			return err
		}
	}
	changed := false
	err := s.db.Write(ctx, func(tx *sqlx.Tx) error {
		var err error
		changed, err = s.storeVote(ctx, tx, statementID, actor.ID, c.ID, vote, now)
		return err
	})
	if err != nil {
		return err
	}
	if changed {
		s.engine.noteVotes(c.ID, 1)
	}
	return nil
}

// storeVote writes one vote inside tx and moves the statement's counts;
// it reports whether anything changed.
func (s *Store) storeVote(ctx context.Context, tx *sqlx.Tx, statementID, participantID, consultationID string, vote int, now time.Time) (bool, error) {
	var old int
	err := tx.GetContext(ctx, &old, s.q(`SELECT vote FROM opinion_votes WHERE statement_id = ? AND participant_id = ?`), statementID, participantID)
	had := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return false, err
	}
	if had && old == vote {
		return false, nil
	}
	if had {
		_, err = tx.ExecContext(ctx, s.q(`UPDATE opinion_votes SET vote = ?, updated_at = ? WHERE statement_id = ? AND participant_id = ?`), vote, now, statementID, participantID)
	} else {
		_, err = tx.ExecContext(ctx, s.q(`INSERT INTO opinion_votes (statement_id, participant_id, consultation_id, vote, updated_at) VALUES (?, ?, ?, ?, ?)`),
			statementID, participantID, consultationID, vote, now)
	}
	if err != nil {
		return false, err
	}
	dv, da, dd := 1, 0, 0
	if had {
		dv = 0
		da, dd = -boolInt(old == Agree), -boolInt(old == Disagree)
	}
	da += boolInt(vote == Agree)
	dd += boolInt(vote == Disagree)
	_, err = tx.ExecContext(ctx, s.q(`UPDATE opinion_statements SET vote_count = vote_count + ?, agree_count = agree_count + ?, disagree_count = disagree_count + ? WHERE id = ?`),
		dv, da, dd, statementID)
	return true, err
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// MyVotes returns the participant's votes on a map: statement id → vote.
func (s *Store) MyVotes(ctx context.Context, participantID, consultationID string) (map[string]int, error) {
	var rows []struct {
		StatementID string `db:"statement_id"`
		Vote        int    `db:"vote"`
	}
	err := s.db.Reader.SelectContext(ctx, &rows, s.q(`SELECT statement_id, vote FROM opinion_votes WHERE consultation_id = ? AND participant_id = ?`),
		consultationID, participantID)
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		out[r.StatementID] = r.Vote
	}
	return out, err
}

// Next returns the statement the participant should see next: the least
// voted published statement they have not voted on and did not write
// (ties: the oldest). It returns nil when none is left. The index on
// (consultation, status, vote_count, number) gives candidates in order;
// each costs one primary-key probe of the votes.
func (s *Store) Next(ctx context.Context, participantID, consultationID string) (*Statement, error) {
	var st Statement
	err := s.db.Reader.GetContext(ctx, &st, s.q(`SELECT `+statementColumns+` FROM opinion_statements s
		WHERE s.consultation_id = ? AND s.status = 'published' AND (s.author_id IS NULL OR s.author_id <> ?)
		AND NOT EXISTS (SELECT 1 FROM opinion_votes v WHERE v.statement_id = s.id AND v.participant_id = ?)
		ORDER BY s.vote_count, s.number LIMIT 1`), consultationID, participantID, participantID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &st, nil
}

// Progress counts the published statements of a map and how many of them
// the participant has voted on.
func (s *Store) Progress(ctx context.Context, participantID, consultationID string) (voted, total int, err error) {
	err = s.db.Reader.QueryRowContext(ctx, s.q(`SELECT COUNT(*), COUNT(v.vote) FROM opinion_statements s
		LEFT JOIN opinion_votes v ON v.statement_id = s.id AND v.participant_id = ?
		WHERE s.consultation_id = ? AND s.status = 'published'`), participantID, consultationID).Scan(&total, &voted)
	return voted, total, err
}
