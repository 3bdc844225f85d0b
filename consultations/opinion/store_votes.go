package opinion

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/consult-platform/consult/consultations"
	"github.com/consult-platform/consult/database"
)

// voteTarget is what deciding on a vote needs: the statement and its
// consultation's gate columns.
type voteTarget struct {
	ID             string          `db:"id"`
	ConsultationID string          `db:"consultation_id"`
	Status         StatementStatus `db:"status"`
	Number         int             `db:"number"`
	MapKey         int64           `db:"map_key"`
	OrgID          string          `db:"org_id"`
	CStatus        string          `db:"cstatus"`
	OpensAt        time.Time       `db:"opens_at"`
	ClosesAt       time.Time       `db:"closes_at"`
}

// accepts says whether actor may vote on the statement t at now: it must
// exist, be published and visible to them, and its consultation must take
// contributions. A nil t is a statement that does not exist.
func (t *voteTarget) accepts(actor *consultations.User, now time.Time) error {
	if t == nil {
		return consultations.Errorf(consultations.ENOTFOUND, "ErrOpinionStatementNotFound")
	}
	c := &consultations.Consultation{ID: t.ConsultationID, OrgID: t.OrgID, Status: consultations.Status(t.CStatus), OpensAt: t.OpensAt, ClosesAt: t.ClosesAt}
	if !c.Visible(actor, now) || t.Status != StatementPublished {
		return consultations.Errorf(consultations.ENOTFOUND, "ErrOpinionStatementNotFound")
	}
	return c.CheckOpen(now)
}

// voteTargets reads the targets of many votes: the statements in one
// query per chunk, then the gate columns and map key of their
// consultations once each.
// A batch's votes nearly always share one consultation, so its row is read
// (and its dates parsed) once per batch rather than once per vote.
func (s *Store) voteTargets(ctx context.Context, r database.TxRunner, ids []string) (map[string]*voteTarget, error) {
	out := make(map[string]*voteTarget, len(ids))
	err := inChunks(distinct(ids), func(chunk []any) error {
		var list []*voteTarget
		err := r.SelectContext(ctx, &list, s.q(`SELECT id, consultation_id, status, number FROM opinion_statements
			WHERE id IN (`+placeholders(len(chunk), "?")+`)`), chunk...)
		for _, t := range list {
			out[t.ID] = t
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	cids := make([]string, 0, 1)
	for _, t := range out {
		cids = append(cids, t.ConsultationID)
	}
	gates := make(map[string]*voteTarget, 1)
	err = inChunks(distinct(cids), func(chunk []any) error {
		var list []*voteTarget
		err := r.SelectContext(ctx, &list, s.q(`SELECT c.id AS consultation_id, c.org_id, c.status AS cstatus, c.opens_at, c.closes_at, m.key AS map_key
			FROM consultations c JOIN opinion_maps m ON m.consultation_id = c.id WHERE c.id IN (`+placeholders(len(chunk), "?")+`)`), chunk...)
		for _, g := range list {
			gates[g.ConsultationID] = g
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	for _, t := range out {
		if g := gates[t.ConsultationID]; g != nil {
			t.OrgID, t.CStatus, t.OpensAt, t.ClosesAt, t.MapKey = g.OrgID, g.CStatus, g.OpensAt, g.ClosesAt, g.MapKey
		}
	}
	return out, nil
}

// distinct returns ids without repeats, in first-seen order, as query
// arguments.
func distinct(ids []string) []any {
	seen := make(map[string]bool, len(ids))
	out := make([]any, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// inChunks calls fn with args in chunks of at most voteChunk.
func inChunks(args []any, fn func(chunk []any) error) error {
	for len(args) > 0 {
		n := min(len(args), voteChunk)
		if err := fn(args[:n]); err != nil {
			return err
		}
		args = args[n:]
	}
	return nil
}

// castVote is a vote as a participant casts it.
type castVote struct {
	actor       *consultations.User
	statementID string
	vote        int
}

// Vote records the actor's vote on a statement: Agree, Disagree or Pass.
// Each account has one vote per statement (the database's primary key);
// voting again changes it. Votes are taken while the consultation is
// open, like comments. Vote returns once the vote is committed; votes
// cast at the same time share one write (voteBatcher), and the request
// path reads nothing from the database.
func (s *Store) Vote(ctx context.Context, actor *consultations.User, statementID string, vote int) error {
	if actor == nil {
		return consultations.Errorf(consultations.EUNAUTHENTICATED, "ErrSignInRequired")
	}
	if vote < Disagree || vote > Agree {
		return &consultations.Error{Code: consultations.EINVALID, Message: consultations.Message{ID: "ErrInvalidInput"},
			Fields: map[string]consultations.Message{"vote": {ID: "ErrOpinionVoteInvalid"}}}
	}
	if s.Guard != nil {
		targets, err := s.voteTargets(ctx, s.db.Reader, []string{statementID})
		if err != nil {
			return err
		}
		t := targets[statementID]
		if err := t.accepts(actor, s.now()); err != nil {
			return err
		}
		if err := s.Guard.CheckContribution(ctx, actor, t.ConsultationID, "opinion_vote"); err != nil {
			return err
		}
	}
	return s.votes.submit(ctx, castVote{actor: actor, statementID: statementID, vote: vote})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// MyVotes returns the participant's votes on a map: statement id → vote,
// one primary-key probe per statement of the map (votes have no index by
// participant: it cost every vote a second B-tree write).
func (s *Store) MyVotes(ctx context.Context, participantID, consultationID string) (map[string]int, error) {
	var rows []struct {
		StatementID string `db:"statement_id"`
		Vote        int    `db:"vote"`
	}
	err := s.db.Reader.SelectContext(ctx, &rows, s.q(`SELECT v.statement_id, v.vote FROM opinion_statements s
		JOIN opinion_votes v ON v.statement_id = s.id AND v.participant_id = ?
		WHERE s.consultation_id = ?`), participantID, consultationID)
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		out[r.StatementID] = r.Vote
	}
	return out, err
}

// Next returns the statement the participant should see next: the least
// voted published statement they have not voted on and did not write
// (ties: the oldest). It returns nil when none is left. The counts' index
// (map, vote_count, number) gives candidates in order;
// each costs one primary-key probe of the votes.
func (s *Store) Next(ctx context.Context, participantID, consultationID string) (*Statement, error) {
	var st Statement
	err := s.db.Reader.GetContext(ctx, &st, s.q(`SELECT `+statementColumns+` FROM opinion_maps m
		JOIN opinion_counts n ON n.map_key = m.key
		JOIN opinion_statements s ON s.consultation_id = m.consultation_id AND s.number = n.number
		WHERE m.consultation_id = ? AND s.status = 'published' AND (s.author_id IS NULL OR s.author_id <> ?)
		AND NOT EXISTS (SELECT 1 FROM opinion_votes v WHERE v.statement_id = s.id AND v.participant_id = ?)
		ORDER BY n.vote_count, n.number LIMIT 1`), consultationID, participantID, participantID)
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
