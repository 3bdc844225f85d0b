package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
)

// Backup writes a consistent copy of a SQLite database to path while writes
// go on, using SQLite's VACUUM INTO (one read transaction, so the copy is a
// snapshot). The file must not exist yet.
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.Dialect != SQLite {
		return errors.New("backup: only SQLite databases can be copied this way; use pg_dump for PostgreSQL")
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup: %s already exists", path)
	}
	// Its own connection: readers are query-only and the writer must stay
	// free for the group-commit batcher while the copy is made.
	conn, err := sql.Open(sqliteDriver, db.dsn)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}
