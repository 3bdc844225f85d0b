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

// voteBatcher gathers the votes that arrive while one batch is being
// written and writes them together as the next batch: one database write
// (three or four statements, one commit) for many votes instead of a write
// with its own savepoint and statements per vote. At most one batch is
// written at a time; the first vote to find none running starts it.
type voteBatcher struct {
	write func(batch []*pendingVote)

	mu      sync.Mutex // mu guards the fields below
	pending []*pendingVote
	running bool
	closed  bool
	idle    sync.WaitGroup // the running flusher, for close
}

func (b *voteBatcher) submit(ctx context.Context, v castVote) error {
	p := &pendingVote{ctx: ctx, vote: v, done: make(chan error, 1)}
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return database.ErrClosed
	}
	b.pending = append(b.pending, p)
	if !b.running {
		b.running = true
		b.idle.Add(1)
		go b.flush()
	}
	b.mu.Unlock()
	// Once queued, wait for the outcome even if ctx ends: the vote may
	// already be committed.
	return <-p.done
}

// flush writes batches until none is waiting.
func (b *voteBatcher) flush() {
	defer b.idle.Done()
	for {
		b.mu.Lock()
		if len(b.pending) == 0 {
			b.running = false
			b.mu.Unlock()
			return
		}
		n := min(len(b.pending), maxVoteBatch)
		batch := b.pending[:n:n]
		b.pending = append([]*pendingVote(nil), b.pending[n:]...)
		b.mu.Unlock()
		b.write(batch)
	}
}

// close refuses new votes and waits for those queued to be written.
func (b *voteBatcher) close() {
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
	b.idle.Wait()
}

// writeVoteBatch checks each vote of batch against its statement and
// consultation as they stand inside the write transaction (so a statement
// removed or a consultation closed a moment ago refuses votes at once),
// stores the accepted ones and sends every vote its outcome.
func (s *Store) writeVoteBatch(batch []*pendingVote) {
	results := make([]error, len(batch))
	var changed map[string]int
	err := s.db.Write(context.Background(), func(tx *sqlx.Tx) error {
		ctx := context.Background()
		now := s.now()
		rows := make([]voteRow, 0, len(batch))
		ids := make([]string, 0, len(batch))
		for _, p := range batch {
			ids = append(ids, p.vote.statementID)
		}
		targets, err := s.voteTargets(ctx, tx, ids)
		if err != nil {
			return err
		}
		for i, p := range batch {
			if results[i] = p.ctx.Err(); results[i] != nil {
				continue
			}
			t := targets[p.vote.statementID]
			if results[i] = t.accepts(p.vote.actor, now); results[i] != nil {
				continue
			}
			rows = append(rows, voteRow{StatementID: p.vote.statementID, ParticipantID: p.vote.actor.ID,
				ConsultationID: t.ConsultationID, Vote: p.vote.vote, At: now})
		}
		if len(rows) == 0 {
			return nil
		}
		changed, err = s.writeVotes(ctx, tx, rows)
		return err
	})
	for i, p := range batch {
		if err != nil && results[i] == nil {
			results[i] = err
		}
		p.done <- results[i]
	}
	if err == nil {
		for id, n := range changed {
			s.engine.noteVotes(id, n)
		}
	}
}
