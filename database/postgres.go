package database

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/jmoiron/sqlx"
)

// openPostgres connects to PostgreSQL.
//
// Writes go through the group-commit batcher over one connection per node,
// as on SQLite, unless Options.WritePool asks for a transaction per write
// on a pool of connections. Nearly every write updates its consultation's
// row (counters) and event counter row, so writers of a busy consultation
// queue on those row locks, held until commit: with a transaction per
// write, each waits for the previous one's flush to disk, and one
// consultation gets at most one write per flush. A batch pays one flush
// for all its writes. Measured on this project's 2-core machine
// (docs/PERFORMANCE.md), group commit was faster with a far better p99.
// Batches of different nodes meet on the same rows and may deadlock;
// PostgreSQL then fails one write, and the batcher runs such writes again
// on their own (see isRetryable).
func openPostgres(ctx context.Context, rawURL string, opts Options) (*DB, error) {
	cfg, err := pgx.ParseConfig(rawURL)
	if err != nil {
		return nil, fmt.Errorf("database: %w", err)
	}
	db := &DB{Dialect: Postgres, closing: make(chan struct{}), pg: cfg}
	utc := stdlib.OptionAfterConnect(func(_ context.Context, c *pgx.Conn) error {
		registerUTC(c)
		return nil
	})
	open := func() *sqlx.DB {
		return sqlx.NewDb(sql.OpenDB(rebindConnector{stdlib.GetConnector(*cfg, utc)}), "pgx")
	}
	db.writer = open()
	db.writer.SetMaxOpenConns(1)
	db.writer.SetMaxIdleConns(1)
	db.Reader = open()
	readers := opts.MaxReaders
	if readers <= 0 {
		readers = 16
	}
	db.Reader.SetMaxOpenConns(readers)
	db.Reader.SetMaxIdleConns(readers)
	var schema string
	if err := db.writer.GetContext(ctx, &schema, `SELECT current_schema()`); err != nil {
		db.Reader.Close()
		db.writer.Close()
		return nil, fmt.Errorf("database: cannot reach PostgreSQL at %s:%d (database %q): %w", cfg.Host, cfg.Port, cfg.Database, err)
	}
	// NOTIFY channels belong to the whole database: a schema of its own
	// (as each test has) gets a channel of its own.
	db.channel = "consult_events"
	if schema != "public" {
		db.channel += "_" + schema
	}
	db.startBatcher(opts)
	db.batcher.notify = db.sendNotes
	if opts.WritePool {
		writers := opts.MaxWriters
		if writers <= 0 {
			writers = 16
		}
		pool := open()
		pool.SetMaxOpenConns(writers)
		pool.SetMaxIdleConns(writers)
		db.pool = &writePool{db: pool, batcher: db.batcher, notify: db.sendNotes}
	}
	return db, nil
}

// registerUTC makes timestamptz values scan as UTC times, as SQLite's do,
// whatever the server's or the process's time zone.
func registerUTC(c *pgx.Conn) {
	c.TypeMap().RegisterType(&pgtype.Type{Name: "timestamptz", OID: pgtype.TimestamptzOID, Codec: &pgtype.TimestamptzCodec{ScanLocation: time.UTC}})
}

// Listen receives, in commit order, the payloads sent with Notify by every
// node (this one included). It returns once listening has begun, or with
// the error that prevented it; it then goes on in the background, until ctx
// ends or the DB closes, reconnecting when the connection drops. After each
// reconnection it calls resync, since notifications sent meanwhile are
// lost. On SQLite it does nothing.
func (db *DB) Listen(ctx context.Context, handle func(payload string), resync func(ctx context.Context)) error {
	if db.Dialect != Postgres {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		select {
		case <-db.closing:
		case <-ctx.Done():
		}
		cancel()
	}()
	conn, err := db.listenConn(ctx)
	if err != nil {
		cancel()
		return err
	}
	go func() {
		defer cancel()
		wait := 50 * time.Millisecond
		for ctx.Err() == nil {
			if conn == nil {
				if conn, err = db.listenConn(ctx); err != nil {
					select {
					case <-ctx.Done():
					case <-time.After(wait):
					}
					wait = min(2*wait, 2*time.Second)
					continue
				}
				wait = 50 * time.Millisecond
				resync(ctx)
			}
			n, err := conn.WaitForNotification(ctx)
			if err != nil {
				conn.Close(context.Background())
				conn = nil
				continue
			}
			handle(n.Payload)
		}
		if conn != nil {
			conn.Close(context.Background())
		}
	}()
	return nil
}

func (db *DB) listenConn(ctx context.Context) (*pgx.Conn, error) {
	conn, err := pgx.ConnectConfig(ctx, db.pg.Copy())
	if err != nil {
		return nil, fmt.Errorf("database: listen: %w", err)
	}
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{db.channel}.Sanitize()); err != nil {
		conn.Close(context.Background())
		return nil, fmt.Errorf("database: listen: %w", err)
	}
	return conn, nil
}

// migrationLock is taken, inside each migration's transaction, so that
// nodes starting together apply each migration once.
const migrationLock = 7_220_001

func (db *DB) lockMigrations(ctx context.Context, tx *sqlx.Tx) error {
	if db.Dialect != Postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, migrationLock)
	return err
}

// Done is closed when the DB closes, to stop work that follows it.
func (db *DB) Done() <-chan struct{} { return db.closing }
