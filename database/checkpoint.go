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

// Under a steady stream of writes the checkpointer never catches up with
// the writer: the log is only started again from its beginning when every
// frame has been copied back at the moment a write begins, so it grew by
// tens of megabytes a second for as long as the writes went on. Once the
// log holds restartFrames (about 64 MB of pages), the writer itself copies
// the remaining frames between two batches, when nothing can be added
// meanwhile, and its next write starts the log afresh. The checkpointer
// has copied all but the last moments by then, so the pause is short.
var restartFrames = 16384

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
				var busy, frames, copied int
				if err := cp.QueryRow(`PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &frames, &copied); err != nil {
					slog.Warn("database: checkpoint", "err", err)
					continue
				}
				if frames >= restartFrames {
					// Copy what came in during that pass too, so that the
					// writer's own pass, which holds up every write, finds
					// only the last few milliseconds left.
					if err := cp.QueryRow(`PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &frames, &copied); err != nil {
						slog.Warn("database: checkpoint", "err", err)
					}
					db.batcher.between.Store(true)
				}
			}
		}
	}()
	return nil
}
