package database

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/jmoiron/sqlx"
)

// tallyBatch sums what each write adds and stores the sum once, as the
// event and counter batches do.
type tallyBatch struct {
	db      *DB
	sum     int
	flushes *int
}

func (b *tallyBatch) Flush(tx *sqlx.Tx) error {
	*b.flushes++
	_, err := tx.Exec(b.db.Rebind(`UPDATE tally SET n = n + ? WHERE id = 1`), b.sum)
	return err
}

func TestDeferredWorkCountsOnlyTheWritesThatSucceeded(t *testing.T) {
	db := OpenTest(t)
	for _, q := range []string{`CREATE TABLE IF NOT EXISTS tally (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)`, `INSERT INTO tally (id, n) VALUES (1, 0)`} {
		if _, err := db.writer.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	flushes := 0
	boom := errors.New("boom")
	var wg sync.WaitGroup
	errs := make([]error, 60)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = db.Write(context.Background(), func(tx *sqlx.Tx) error {
				Defer(tx, "tally", func() Deferred { return &tallyBatch{db: db, flushes: &flushes} },
					func(d Deferred) { d.(*tallyBatch).sum += 2 })
				if i%3 == 0 {
					return boom
				}
				return nil
			})
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
		} else if !errors.Is(err, boom) {
			t.Fatalf("write: %v", err)
		}
	}
	var n int
	if err := db.Reader.Get(&n, `SELECT n FROM tally WHERE id = 1`); err != nil {
		t.Fatal(err)
	}
	if n != 2*ok {
		t.Errorf("tally %d after %d successful writes adding 2 each; want %d", n, ok, 2*ok)
	}
	commits := db.WriteStats().Commits
	if int64(flushes) > commits {
		t.Errorf("%d flushes for %d commits; want at most one per commit", flushes, commits)
	}
}

func TestAFailingFlushFailsTheWholeBatch(t *testing.T) {
	db := OpenTest(t)
	notesTable(t, db)
	err := db.Write(context.Background(), func(tx *sqlx.Tx) error {
		if _, err := tx.Exec(db.Rebind(`INSERT INTO notes (id, body) VALUES (?, 'x')`), NewID()); err != nil {
			return err
		}
		Defer(tx, "bad", func() Deferred { return badFlush{} }, func(Deferred) {})
		return nil
	})
	if !errors.Is(err, errBadFlush) {
		t.Fatalf("write returned %v; want the flush's error", err)
	}
	var n int
	if err := db.Reader.Get(&n, `SELECT COUNT(*) FROM notes`); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d notes stored by a write whose batch failed to flush; want none", n)
	}
}

var errBadFlush = errors.New("flush failed")

type badFlush struct{}

func (badFlush) Flush(*sqlx.Tx) error { return errBadFlush }
