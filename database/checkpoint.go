package database

import (
	"log/slog"
	"time"

	"github.com/jmoiron/sqlx"
)

// SQLite copies the write-ahead log back into the database file
// ("checkpoints") every 1,000 pages by default, inside the commit that
// crosses the mark: on the single writer, that stalled every write in the
// batch. The writer's automatic checkpoints are off; a checkpointer on a
// connection of its own copies what it can every checkpointEvery, without
// waiting for readers or the writer (PASSIVE), and the log is truncated
// when the database closes.
const checkpointEvery = 200 * time.Millisecond

func (db *DB) startCheckpointer() error {
	if _, err := db.writer.Exec(`PRAGMA wal_autocheckpoint = 0`); err != nil {
		return err
	}
	cp, err := sqlx.Open(sqliteDriver, db.dsn)
	if err != nil {
		return err
	}
	cp.SetMaxOpenConns(1)
	db.checkpointed = make(chan struct{})
	go func() {
		defer close(db.checkpointed)
		defer cp.Close()
		t := time.NewTicker(checkpointEvery)
		defer t.Stop()
		for {
			select {
			case <-db.closing:
				return
			case <-t.C:
				if _, err := cp.Exec(`PRAGMA wal_checkpoint(PASSIVE)`); err != nil {
					slog.Warn("database: checkpoint", "err", err)
				}
			}
		}
	}()
	return nil
}
