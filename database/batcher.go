package database

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/bits"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
)

// ErrClosed is returned for writes submitted after Close.
var ErrClosed = errors.New("database: closed")

// hooks holds the after-commit functions of the write op now running in
// each open batch transaction: *sqlx.Tx → *[]func().
var hooks sync.Map

// AfterCommit registers fn to run once the transaction tx, given to a
// Write function, has committed. Functions run on the writer goroutine in
// the order they were registered, across the writes of a batch, before
// those writes return; they never run when the write fails or the
// transaction rolls back. fn must be quick and must not write.
// AfterCommit panics when tx did not come from Write.
func AfterCommit(tx *sqlx.Tx, fn func()) {
	v, ok := hooks.Load(tx)
	if !ok {
		panic("database: AfterCommit outside a Write")
	}
	list := v.(*[]func())
	*list = append(*list, fn)
}

type writeOp struct {
	ctx  context.Context
	fn   func(tx *sqlx.Tx) error
	done chan error
	err  error // why the write must be run again
}

// batcher owns the single write connection. One goroutine takes every
// queued write, runs each in its own savepoint inside one transaction and
// commits once, so a single fsync covers the whole batch.
type batcher struct {
	db    *sqlx.DB
	max   int
	retry bool // PostgreSQL: run writes again that met another node's transaction
	// notify sends the Notify payloads of committed writes (PostgreSQL).
	notify func([]string)
	queue  chan writeOp
	wg     sync.WaitGroup

	mu     sync.RWMutex // mu guards closed
	closed bool

	// between asks the writer for a checkpoint of its own before the next
	// batch (SQLite, see restartFrames).
	between atomic.Bool

	// careful runs each write of a batch in a savepoint: set after a
	// write failed, until a batch runs with no failure. Used only by loop.
	careful bool

	stats WriteStats // written only by loop
	smu   sync.Mutex // smu guards stats
}

// WriteStats describes group commit so far: how many writes shared how
// many commits, and how many commits carried 1, 2-3, 4-7, 8-15, … writes
// (Sizes[i] counts commits of 2^i to 2^(i+1)-1 writes).
type WriteStats struct {
	Writes  int64
	Commits int64
	Sizes   [12]int64
	// Failures counts transactions that could not begin or commit (every
	// write in them failed); Retries, writes run again on their own after
	// meeting another node's transaction (PostgreSQL deadlocks).
	Failures int64
	Retries  int64
	// Busy is the writer's time spent on batches (from taking one to
	// sending its outcomes); Committing, the part of it spent in COMMIT,
	// which on SQLite includes writing the log and the fsync. Busy near
	// the elapsed time means the single writer sets the pace.
	Busy, Committing time.Duration
	// Restarting is the writer's time spent copying the log back between
	// two batches so that the log can start afresh (see restartFrames).
	Restarting time.Duration
}

// QueueLength returns how many writes wait for the writer now.
func (db *DB) QueueLength() int {
	if db.pool != nil {
		return int(db.pool.waiting.Load())
	}
	return len(db.batcher.queue)
}

func (b *batcher) isClosed() bool {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.closed
}

// WriteStats returns the group-commit figures since Open.
func (db *DB) WriteStats() WriteStats {
	db.batcher.smu.Lock()
	defer db.batcher.smu.Unlock()
	return db.batcher.stats
}

func (b *batcher) count(n int) {
	bucket := bits.Len(uint(n)) - 1
	b.smu.Lock()
	b.stats.Writes += int64(n)
	b.stats.Commits++
	b.stats.Sizes[min(bucket, len(b.stats.Sizes)-1)]++
	b.smu.Unlock()
}

func (b *batcher) failed(commits, retries int64) {
	b.smu.Lock()
	b.stats.Failures += commits
	b.stats.Retries += retries
	b.smu.Unlock()
}

func newBatcher(db *sqlx.DB, max int, d Dialect) *batcher {
	b := &batcher{db: db, max: max, queue: make(chan writeOp, max*4), retry: d == Postgres}
	b.wg.Add(1)
	go b.loop()
	return b
}

func (b *batcher) do(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	op := writeOp{ctx: ctx, fn: fn, done: make(chan error, 1)}
	b.mu.RLock()
	if b.closed {
		b.mu.RUnlock()
		return ErrClosed
	}
	select {
	case b.queue <- op:
	case <-ctx.Done():
		b.mu.RUnlock()
		return ctx.Err()
	}
	b.mu.RUnlock()
	// Once queued, wait for the outcome even if ctx ends: the write may
	// already be committed and the caller must know.
	return <-op.done
}

func (b *batcher) close() {
	b.mu.Lock()
	if !b.closed {
		b.closed = true
		close(b.queue)
	}
	b.mu.Unlock()
	b.wg.Wait()
}

func (b *batcher) loop() {
	defer b.wg.Done()
	batch := make([]writeOp, 0, b.max)
	for op := range b.queue {
		batch = append(batch[:0], op)
	fill:
		for len(batch) < b.max {
			select {
			case next, ok := <-b.queue:
				if !ok {
					break fill
				}
				batch = append(batch, next)
			default:
				break fill
			}
		}
		start := time.Now()
		if b.between.CompareAndSwap(true, false) {
			if _, err := b.db.Exec(`PRAGMA wal_checkpoint(PASSIVE)`); err != nil {
				slog.Warn("database: writer checkpoint", "err", err)
			}
			b.smu.Lock()
			b.stats.Restarting += time.Since(start)
			b.smu.Unlock()
		}
		again := b.run(batch)
		// A write that met another node's transaction in a deadlock ran
		// in a savepoint that was undone; alone in a transaction of its
		// own it holds no lock that the other waits for.
		for try := 1; len(again) > 0; try++ {
			b.failed(0, int64(len(again)))
			var next []writeOp
			for _, op := range again {
				for _, m := range b.run([]writeOp{op}) {
					if try >= 5 {
						m.done <- m.err
					} else {
						next = append(next, m)
					}
				}
			}
			again = next
		}
		b.smu.Lock()
		b.stats.Busy += time.Since(start)
		b.smu.Unlock()
	}
}

// run commits batch and sends each write its outcome, except for the
// writes it returns (with err set), which failed only because of another
// transaction and should be run again.
//
// A batch first runs without savepoints: they cost two statements per
// write and a copy of every page each write changes. When a write fails,
// the whole transaction is undone and the batch runs again with each
// write in a savepoint of its own, so the failure spoils no other write;
// batches stay careful until one runs with no failure.
func (b *batcher) run(batch []writeOp) []writeOp {
	if len(batch) > 1 && !b.careful {
		if results, ok := b.attempt(batch, false); ok {
			return b.finish(batch, results)
		}
		b.careful = true
	}
	results, _ := b.attempt(batch, len(batch) > 1)
	failed := false
	for _, err := range results {
		failed = failed || err != nil
	}
	b.careful = failed
	return b.finish(batch, results)
}

// attempt runs batch in one transaction and commits it. Without
// savepoints it gives up at the first failing write, undoes everything and
// reports false, so that the caller runs the batch again carefully.
func (b *batcher) attempt(batch []writeOp, savepoints bool) ([]error, bool) {
	results := make([]error, len(batch))
	tx, err := b.db.Beginx()
	if err != nil {
		b.failed(1, 0)
		for i := range results {
			results[i] = fmt.Errorf("database: begin: %w", err)
		}
		return results, true
	}
	var committed []func() // after-commit hooks of the writes that succeeded, in order
	opHooks := new([]func())
	hooks.Store(tx, opHooks)
	defer hooks.Delete(tx)
	opNotes := new([]string)
	notes.Store(tx, opNotes)
	defer notes.Delete(tx)
	opDefers := new([]deferral)
	deferrals.Store(tx, opDefers)
	defer deferrals.Delete(tx)
	var notify []string // of the writes that succeeded
	var later pending   // of the writes that succeeded
	for i, op := range batch {
		*opHooks = (*opHooks)[:0]
		*opNotes = (*opNotes)[:0]
		*opDefers = (*opDefers)[:0]
		if err := op.ctx.Err(); err != nil {
			results[i] = err
			continue
		}
		if !savepoints {
			if results[i] = op.fn(tx); results[i] != nil {
				tx.Rollback()
				// A batch of one has nothing to spare: its outcome is final.
				return results, len(batch) == 1
			}
		} else {
			if _, err := tx.Exec("SAVEPOINT w"); err != nil {
				results[i] = err
				continue
			}
			if err := op.fn(tx); err != nil {
				results[i] = err
				if _, rbErr := tx.Exec("ROLLBACK TO SAVEPOINT w"); rbErr != nil {
					results[i] = errors.Join(err, rbErr)
				}
			}
			if _, err := tx.Exec("RELEASE SAVEPOINT w"); err != nil && results[i] == nil {
				results[i] = err
			}
		}
		if results[i] == nil {
			committed = append(committed, *opHooks...)
			notify = append(notify, *opNotes...)
			later.take(*opDefers)
		}
	}
	*opHooks, *opNotes = (*opHooks)[:0], (*opNotes)[:0]
	if err := later.flush(tx); err != nil {
		tx.Rollback()
		b.failed(1, 0)
		for i := range results {
			if results[i] == nil {
				results[i] = err
			}
		}
		return results, true
	}
	committed = append(committed, *opHooks...)
	notify = append(notify, *opNotes...)
	committing := time.Now()
	err = tx.Commit()
	b.smu.Lock()
	b.stats.Committing += time.Since(committing)
	b.smu.Unlock()
	if err != nil {
		b.failed(1, 0)
		for i := range results {
			if results[i] == nil {
				results[i] = fmt.Errorf("database: commit: %w", err)
			}
		}
		return results, true
	}
	b.count(len(batch))
	if len(notify) > 0 && b.notify != nil {
		b.notify(notify)
	}
	for _, fn := range committed {
		fn()
	}
	return results, true
}

// finish sends each write its outcome, and returns those to run again.
func (b *batcher) finish(batch []writeOp, results []error) []writeOp {
	var again []writeOp
	for i, op := range batch {
		if b.retry && isRetryable(results[i]) {
			op.err = results[i]
			again = append(again, op)
			continue
		}
		op.done <- results[i]
	}
	return again
}

// String shows the figures on one line, for logs and load reports.
func (st WriteStats) String() string {
	mean := 0.0
	if st.Commits > 0 {
		mean = float64(st.Writes) / float64(st.Commits)
	}
	out := fmt.Sprintf("%d writes in %d commits (%.1f per commit); commits by size:", st.Writes, st.Commits, mean)
	for i, n := range st.Sizes {
		if n == 0 {
			continue
		}
		lo, hi := 1<<i, 1<<(i+1)-1
		if i == len(st.Sizes)-1 {
			out += fmt.Sprintf(" %d+:%d", lo, n)
		} else if lo == hi {
			out += fmt.Sprintf(" %d:%d", lo, n)
		} else {
			out += fmt.Sprintf(" %d-%d:%d", lo, hi, n)
		}
	}
	return out
}
