package opinion

import (
	"context"
	"sync"

	"github.com/consult-platform/consult/database"
	"github.com/jmoiron/sqlx"
)

// maxVoteBatch bounds how many votes share one write.
const maxVoteBatch = 1024

// pendingVote is a vote waiting for its batch; done receives its outcome
// once the batch has committed (or failed).
type pendingVote struct {
	ctx  context.Context
	vote castVote
	done chan error
}

// voteBatcher writes votes cast at the same time together: one database
// write (three or four statements, one commit) for many votes, instead of
// a write with its own savepoint and statements per vote. The first vote
// to arrive queues a write; the votes are taken only when that write
// starts running inside its transaction, so it carries every vote that
// arrived while the previous commit was under way, and the writer never
// waits for a hand-off between two commits.
type voteBatcher struct {
	// write stores batch inside tx and returns what to do once the
	// transaction has committed (or failed, with its error).
	write func(ctx context.Context, tx *sqlx.Tx, batch []*pendingVote, results []error) (after func(error), err error)
	db    *database.DB

	mu      sync.Mutex // mu guards pending, queued and closed
	pending []*pendingVote
	queued  bool // a write is queued that has not yet taken the pending votes
	closed  bool
	writes  sync.WaitGroup // writes under way, for close
}

func (b *voteBatcher) submit(ctx context.Context, v castVote) error {
	p := &pendingVote{ctx: ctx, vote: v, done: make(chan error, 1)}
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return database.ErrClosed
	}
	b.pending = append(b.pending, p)
	b.queueLocked()
	b.mu.Unlock()
	// Once queued, wait for the outcome even if ctx ends: the vote may
	// already be committed.
	return <-p.done
}

// queueLocked queues a write for the pending votes unless one is queued.
func (b *voteBatcher) queueLocked() {
	if b.queued || len(b.pending) == 0 {
		return
	}
	b.queued = true
	b.writes.Add(1)
	go b.run()
}

// take removes the next batch from the pending votes.
func (b *voteBatcher) take() []*pendingVote {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := min(len(b.pending), maxVoteBatch)
	batch := b.pending[:n:n]
	b.pending = append([]*pendingVote(nil), b.pending[n:]...)
	b.queued = false
	b.queueLocked() // the rest, beyond maxVoteBatch, and later arrivals
	return batch
}

func (b *voteBatcher) run() {
	defer b.writes.Done()
	var batch []*pendingVote
	var results []error
	var after func(error)
	err := b.db.Write(context.Background(), func(tx *sqlx.Tx) error {
		if batch == nil { // not when run again after a deadlock (PostgreSQL)
			batch = b.take()
			results = make([]error, len(batch))
		}
		var err error
		after, err = b.write(context.Background(), tx, batch, results)
		return err
	})
	if batch == nil { // the write never ran: the database is closing or failing
		batch = b.take()
		results = make([]error, len(batch))
	}
	for i, p := range batch {
		if err != nil && results[i] == nil {
			results[i] = err
		}
		p.done <- results[i]
	}
	if after != nil {
		after(err)
	}
}

// close refuses new votes and waits for those queued to be written.
func (b *voteBatcher) close() {
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
	b.writes.Wait()
}

// writeVoteBatch checks each vote of batch against its statement and
// consultation as they stand inside the write transaction tx (so a
// statement removed or a consultation closed a moment ago refuses votes at
// once), stores the accepted ones and sets each vote's refusal in results.
// After the commit, the recompute engine hears of the new votes.
func (s *Store) writeVoteBatch(ctx context.Context, tx *sqlx.Tx, batch []*pendingVote, results []error) (func(error), error) {
	now := s.now()
	ids := make([]string, 0, len(batch))
	for _, p := range batch {
		ids = append(ids, p.vote.statementID)
	}
	targets, err := s.voteTargets(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	rows := make([]voteRow, 0, len(batch))
	for i, p := range batch {
		if results[i] = p.ctx.Err(); results[i] != nil {
			continue
		}
		t := targets[p.vote.statementID]
		if results[i] = t.accepts(p.vote.actor, now); results[i] != nil {
			continue
		}
		rows = append(rows, voteRow{StatementID: p.vote.statementID, ParticipantID: p.vote.actor.ID,
			ConsultationID: t.ConsultationID, Counts: countKey{t.MapKey, t.Number}, Vote: p.vote.vote, At: now})
	}
	if len(rows) == 0 {
		return nil, nil
	}
	changed, err := s.writeVotes(ctx, tx, rows)
	return func(err error) {
		if err != nil {
			return
		}
		for id, n := range changed {
			s.engine.noteVotes(id, n)
		}
	}, err
}
