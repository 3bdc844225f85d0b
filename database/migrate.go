package database

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"
)

//go:embed migrations
var migrationFiles embed.FS

// Migrate applies, in order and one transaction each, every embedded
// migration of the DB's dialect that has not been applied yet. It returns
// how many it applied.
func (db *DB) Migrate(ctx context.Context) (int, error) {
	if err := db.inMigrationTx(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)`)
		return err
	}); err != nil {
		return 0, fmt.Errorf("migrate: %w", err)
	}
	dir := "migrations/" + string(db.Dialect)
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return 0, fmt.Errorf("migrate: %w", err)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	applied := 0
	for _, e := range entries {
		name := e.Name()
		version, err := strconv.Atoi(strings.SplitN(name, "_", 2)[0])
		if err != nil {
			return applied, fmt.Errorf("migrate: bad file name %q", name)
		}
		var n int
		if err := db.writer.GetContext(ctx, &n, db.Rebind(`SELECT COUNT(*) FROM schema_migrations WHERE version = ?`), version); err != nil {
			return applied, fmt.Errorf("migrate: %w", err)
		}
		if n > 0 {
			continue
		}
		body, err := migrationFiles.ReadFile(dir + "/" + name)
		if err != nil {
			return applied, err
		}
		done, err := db.applyMigration(ctx, version, name, string(body))
		if err != nil {
			return applied, err
		}
		if done {
			applied++
		}
	}
	return applied, nil
}

// applyMigration applies one migration and records it, unless another
// node did so meanwhile (it reports false then).
func (db *DB) applyMigration(ctx context.Context, version int, name, body string) (bool, error) {
	applied := false
	err := db.inMigrationTx(ctx, func(tx *sqlx.Tx) error {
		var n int
		if err := tx.GetContext(ctx, &n, db.Rebind(`SELECT COUNT(*) FROM schema_migrations WHERE version = ?`), version); err != nil || n > 0 {
			return err
		}
		if _, err := tx.ExecContext(ctx, body); err != nil {
			return fmt.Errorf("migrate %s: %w", name, err)
		}
		if _, err := tx.ExecContext(ctx, db.Rebind(`INSERT INTO schema_migrations (version, name) VALUES (?, ?)`), version, name); err != nil {
			return fmt.Errorf("migrate %s: %w", name, err)
		}
		applied = true
		return nil
	})
	return applied, err
}

// inMigrationTx runs fn in a transaction of its own that holds the
// migration lock, on PostgreSQL, where several nodes may start together.
func (db *DB) inMigrationTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	tx, err := db.writer.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := db.lockMigrations(ctx, tx); err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// TxRunner is satisfied by *sqlx.Tx and *sqlx.DB, for helpers that read
// either inside or outside a transaction.
type TxRunner interface {
	sqlx.ExtContext
	GetContext(ctx context.Context, dest any, query string, args ...any) error
	SelectContext(ctx context.Context, dest any, query string, args ...any) error
}
