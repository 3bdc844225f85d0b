package database

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/jmoiron/sqlx"
)

// TestTheLogStaysBoundedUnderSteadyWrites writes without a pause for as
// long as it takes to fill the write-ahead log many times over: the log
// must be started afresh along the way instead of growing for as long as
// the writes go on.
func TestTheLogStaysBoundedUnderSteadyWrites(t *testing.T) {
	if TestURL() != "" {
		t.Skip("the write-ahead log is SQLite's; PostgreSQL manages its own")
	}
	defer func(n int) { restartFrames = n }(restartFrames)
	restartFrames = 256 // 1 MB of pages
	path := t.TempDir() + "/consult.db"
	db, err := Open(context.Background(), "sqlite:"+path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.writer.Exec(`CREATE TABLE notes (id TEXT PRIMARY KEY, body TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	body := strings.Repeat("x", 3000) // about a page per row
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 500 {
				err := db.Write(context.Background(), func(tx *sqlx.Tx) error {
					_, err := tx.Exec(`INSERT INTO notes (id, body) VALUES (?, ?)`, NewID(), body)
					return err
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	st, err := os.Stat(path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	// 4,000 rows wrote over 16 MB of pages; started afresh, the log holds
	// what came after the last restart.
	if st.Size() > 8<<20 {
		t.Errorf("write-ahead log is %.1f MB after 4,000 writes of a page each; want it started afresh once it holds about 1 MB", float64(st.Size())/(1<<20))
	}
}
