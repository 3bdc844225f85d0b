package database

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jmoiron/sqlx"
)

// Dialect names the SQL flavour behind a DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is a handle on Consult's database. Reads go through Reader, which may
// use many connections; every write goes through Write, which batches
// concurrent writers into one transaction (group commit).
type DB struct {
	Dialect Dialect
	Reader  *sqlx.DB
	writer  *sqlx.DB
	batcher *batcher
	pool    *writePool // PostgreSQL without group commit: a transaction per write
	dsn     string     // SQLite DSN, for backups

	pg      *pgx.ConnConfig // PostgreSQL: how to connect, for LISTEN
	channel string          // PostgreSQL: the NOTIFY channel of this database and schema
	closing chan struct{}   // closed by Close, to stop listeners
	once    sync.Once

	checkpointed chan struct{} // SQLite: closed when the checkpointer has stopped
}

// Options tune how a DB is opened.
type Options struct {
	// MaxBatch bounds how many writes share one commit.
	MaxBatch int
	// MaxReaders bounds the PostgreSQL read pool (default 16).
	MaxReaders int
	// WritePool gives each PostgreSQL write a transaction of its own on a
	// pool of MaxWriters connections, instead of group commit through one
	// connection (the default, and the only way on SQLite).
	WritePool  bool
	MaxWriters int // default 16
}

// Open opens the database at url: a "postgres://" or "postgresql://" url
// means PostgreSQL; an empty url is refused; a "sqlite:" or "file:" url, or
// a plain path, means a SQLite file.
func Open(ctx context.Context, rawURL string, opts Options) (*DB, error) {
	if strings.HasPrefix(rawURL, "postgres://") || strings.HasPrefix(rawURL, "postgresql://") {
		return openPostgres(ctx, rawURL, opts)
	}
	path := strings.TrimPrefix(strings.TrimPrefix(rawURL, "sqlite://"), "sqlite:")
	path = strings.TrimPrefix(path, "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if path == "" {
		return nil, errors.New("database: no SQLite path given")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("database: %w", err)
	}
	db := &DB{Dialect: SQLite, closing: make(chan struct{})}
	var err error
	// Pragmas live in the DSN so that every pooled connection gets them.
	// _stmt_cache_size keeps each connection's most used statements
	// prepared: parsing SQL was a fifth of the cost of posting a comment.
	dsn := "file:" + url.PathEscape(path) +
		"?_foreign_keys=on&_journal_mode=WAL&_synchronous=FULL&_busy_timeout=10000&_txlock=immediate&cache=private&_stmt_cache_size=64"
	db.dsn = dsn
	// The writer runs every statement of every write: it keeps more of
	// them prepared, and more pages in memory (16 MB).
	if db.writer, err = sqlx.Open(sqliteDriver, strings.Replace(dsn, "_stmt_cache_size=64", "_stmt_cache_size=256&_cache_size=-16000", 1)); err != nil {
		return nil, fmt.Errorf("database: %w", err)
	}
	db.writer.SetMaxOpenConns(1)
	db.writer.SetMaxIdleConns(1)
	db.writer.SetConnMaxLifetime(0)
	if db.Reader, err = sqlx.Open(sqliteDriver, dsn+"&_query_only=true"); err != nil {
		db.writer.Close()
		return nil, fmt.Errorf("database: %w", err)
	}
	db.Reader.SetMaxOpenConns(8)
	db.Reader.SetMaxIdleConns(8)
	if err := db.writer.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("database: open %s: %w", path, err)
	}
	db.startBatcher(opts)
	if err := db.startCheckpointer(); err != nil {
		db.Close()
		return nil, fmt.Errorf("database: %w", err)
	}
	return db, nil
}

func (db *DB) startBatcher(opts Options) {
	max := opts.MaxBatch
	if max <= 0 {
		max = 256
	}
	db.batcher = newBatcher(db.writer, max, db.Dialect)
}

// Close stops the batcher, after every queued write has finished, and closes
// the connections.
func (db *DB) Close() error {
	db.once.Do(func() { close(db.closing) })
	if db.batcher != nil {
		db.batcher.close()
	}
	var errs []error
	if db.Reader != nil {
		errs = append(errs, db.Reader.Close())
	}
	if db.checkpointed != nil {
		<-db.checkpointed
		// Leave no log behind: the file alone is the database.
		_, err := db.writer.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
		errs = append(errs, err)
	}
	if db.writer != nil {
		errs = append(errs, db.writer.Close())
	}
	if db.pool != nil {
		errs = append(errs, db.pool.db.Close())
	}
	return errors.Join(errs...)
}

// Ping reports whether the database answers, for readiness checks.
func (db *DB) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	return db.Reader.PingContext(ctx)
}

// Write runs fn inside a transaction shared with other concurrent writers and
// returns once that transaction has committed durably (or failed). fn must
// not keep tx after returning. An error from fn undoes only fn's own changes.
func (db *DB) Write(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	if db.pool != nil {
		if db.batcher.isClosed() {
			return ErrClosed
		}
		return db.pool.do(ctx, fn)
	}
	return db.batcher.do(ctx, fn)
}
