package database

import (
	"context"
	"encoding/binary"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
)

// TestTheLogStaysBoundedUnderSteadyWrites writes without a pause for a
// second and a half, long enough for several of the checkpointer's ticks
// and to fill the write-ahead log many times over: the log must be started
// afresh along the way instead of growing for as long as the writes go on.
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
	first := walRestarts(t, path)
	body := strings.Repeat("x", 3000) // about a page per row
	var wg sync.WaitGroup
	var rows atomic.Int64
	until := time.Now().Add(1500 * time.Millisecond)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(until) {
				err := db.Write(context.Background(), func(tx *sqlx.Tx) error {
					_, err := tx.Exec(`INSERT INTO notes (id, body) VALUES (?, ?)`, NewID(), body)
					return err
				})
				if err != nil {
					t.Error(err)
					return
				}
				rows.Add(1)
			}
		}()
	}
	wg.Wait()
	// The file keeps the size it grew to between two restarts, which
	// depends on how fast this machine writes; how often the log started
	// afresh does not (without the writer's own checkpoint: never).
	restarts := walRestarts(t, path) - first
	st, err := os.Stat(path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	if restarts < 2 {
		t.Errorf("write-ahead log started afresh %d times while %d rows of a page each were written (it is %.1f MB); want it started afresh every 1 MB or so", restarts, rows.Load(), float64(st.Size())/(1<<20))
	}
}

// walRestarts reads the write-ahead log's first salt, which SQLite moves on
// by one each time it starts the log afresh.
func walRestarts(t *testing.T, path string) uint32 {
	t.Helper()
	f, err := os.Open(path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var h [32]byte
	if _, err := io.ReadFull(f, h[:]); err != nil {
		t.Fatal(err)
	}
	return binary.BigEndian.Uint32(h[16:20])
}
