package database

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jmoiron/sqlx"
)

// TestFailedWriteInABatchUndoesOnlyItself checks the savepoint per writer:
// one writer's error must not lose the others' rows.
func TestFailedWriteInABatchUndoesOnlyItself(t *testing.T) {
	db := OpenTest(t)
	notesTable(t, db)
	boom := errors.New("boom")
	errs := writeNotes(db, 50, func(tx *sqlx.Tx, i int) error {
		if i%5 == 0 {
			return boom
		}
		return nil
	})
	failed, n := outcome(t, db, errs, boom)
	if failed != 10 || n != 40 {
		t.Errorf("failed %d writes and stored %d rows; want 10 and 40", failed, n)
	}
}

// TestAFailureInAFullBatchRunsTheOthersOnce fills one batch on purpose: a
// batch first runs without savepoints, so a failure in it undoes the whole
// transaction and the batch runs again carefully. The other writes must
// each be stored once and see their after-commit hooks run once.
func TestAFailureInAFullBatchRunsTheOthersOnce(t *testing.T) {
	db := OpenTest(t)
	notesTable(t, db)
	const n = 40
	boom := errors.New("boom")
	// The first write holds the writer until the others are queued, so
	// they are taken as one batch.
	held, started := make(chan error, 1), make(chan struct{})
	go func() {
		held <- db.Write(context.Background(), func(tx *sqlx.Tx) error {
			close(started)
			for db.QueueLength() < n {
				runtime.Gosched()
			}
			return nil
		})
	}()
	<-started
	var hooks atomic.Int64
	errs := writeNotes(db, n, func(tx *sqlx.Tx, i int) error {
		if i == n/2 || i == n-1 {
			return boom
		}
		AfterCommit(tx, func() { hooks.Add(1) })
		return nil
	})
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	failed, stored := outcome(t, db, errs, boom)
	if failed != 2 || stored != n-2 || hooks.Load() != n-2 {
		t.Errorf("%d writes failed, %d rows stored, %d hooks ran; want 2, %d, %d", failed, stored, hooks.Load(), n-2, n-2)
	}
	if st := db.WriteStats(); st.Commits > 3 {
		t.Logf("the writes were not batched as planned: %s", st)
	}
}

// notesTable makes the table the write tests store notes in.
func notesTable(t testing.TB, db *DB) {
	t.Helper()
	if _, err := db.writer.Exec(`CREATE TABLE IF NOT EXISTS notes (id TEXT PRIMARY KEY, body TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
}

// writeNotes runs n concurrent writes, each storing a note and then
// calling then with its number, and returns their outcomes.
func writeNotes(db *DB, n int, then func(tx *sqlx.Tx, i int) error) []error {
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = db.Write(context.Background(), func(tx *sqlx.Tx) error {
				if _, err := tx.Exec(db.Rebind(`INSERT INTO notes (id, body) VALUES (?, 'x')`), NewID()); err != nil {
					return err
				}
				return then(tx, i)
			})
		}()
	}
	wg.Wait()
	return errs
}

// outcome counts the writes that failed with boom (any other error fails
// the test) and the notes stored.
func outcome(t *testing.T, db *DB, errs []error, boom error) (failed, stored int) {
	t.Helper()
	for _, err := range errs {
		if errors.Is(err, boom) {
			failed++
		} else if err != nil {
			t.Fatalf("write: %v", err)
		}
	}
	if err := db.Reader.Get(&stored, `SELECT COUNT(*) FROM notes`); err != nil {
		t.Fatal(err)
	}
	return failed, stored
}
