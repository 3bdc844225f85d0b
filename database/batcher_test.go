package database

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/jmoiron/sqlx"
)

// TestFailedWriteInABatchUndoesOnlyItself checks the savepoint per writer:
// one writer's error must not lose the others' rows.
func TestFailedWriteInABatchUndoesOnlyItself(t *testing.T) {
	db := OpenTest(t)
	if _, err := db.writer.Exec(`CREATE TABLE IF NOT EXISTS notes (id TEXT PRIMARY KEY, body TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	var wg sync.WaitGroup
	errs := make([]error, 50)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = db.Write(context.Background(), func(tx *sqlx.Tx) error {
				if _, err := tx.Exec(db.Rebind(`INSERT INTO notes (id, body) VALUES (?, 'x')`), NewID()); err != nil {
					return err
				}
				if i%5 == 0 {
					return boom
				}
				return nil
			})
		}()
	}
	wg.Wait()
	failed := 0
	for _, err := range errs {
		if errors.Is(err, boom) {
			failed++
		} else if err != nil {
			t.Fatalf("write: %v", err)
		}
	}
	var n int
	if err := db.Reader.Get(&n, `SELECT COUNT(*) FROM notes`); err != nil {
		t.Fatal(err)
	}
	if failed != 10 || n != 40 {
		t.Errorf("failed %d writes and stored %d rows; want 10 and 40", failed, n)
	}
}
