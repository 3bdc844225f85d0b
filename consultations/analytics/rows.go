package analytics

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"

	"github.com/jmoiron/sqlx"
)

// querier runs the recount's reads, calling fn with each row's columns
// (strings, int64s or nils; fn must not keep the slice). Scanning into
// interface values is the one way database/sql fills a destination
// without reflection or a copy.
type querier interface {
	each(ctx context.Context, query string, args []any, fn func(cols []driver.Value) error) error
	DriverName() string
}

// sqlQuerier reads through database/sql: a transaction, or a pool.
type sqlQuerier struct {
	q interface {
		QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
		DriverName() string
	}
}

func (s sqlQuerier) DriverName() string { return s.q.DriverName() }

func (s sqlQuerier) each(ctx context.Context, query string, args []any, fn func([]driver.Value) error) error {
	rows, err := s.q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	names, err := rows.Columns()
	if err != nil {
		return err
	}
	scanned := make([]any, len(names))
	ptrs := make([]any, len(names))
	for i := range scanned {
		ptrs[i] = &scanned[i]
	}
	cols := make([]driver.Value, len(names))
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		for i, v := range scanned {
			cols[i] = v
		}
		if err := fn(cols); err != nil {
			return err
		}
	}
	return rows.Err()
}

// mappedConn is a SQLite reader connection that reads the database file
// through a memory map (up to the 2 GB SQLite allows) rather than a read
// call per page, for the length
// of a recount, and hands rows over straight from the driver: database/sql
// locking and scanning were a tenth of a recount's time.
type mappedConn struct {
	conn   *sql.Conn
	driver string
}

func (c mappedConn) DriverName() string { return c.driver }

func mapped(ctx context.Context, readers *sqlx.DB) (mappedConn, error) {
	conn, err := readers.Conn(ctx)
	if err != nil {
		return mappedConn{}, err
	}
	if _, err := conn.ExecContext(ctx, `PRAGMA mmap_size = 68719476736`); err != nil {
		conn.Close()
		return mappedConn{}, err
	}
	return mappedConn{conn, readers.DriverName()}, nil
}

// close puts the connection back in the pool as it was.
func (c mappedConn) close() {
	c.conn.ExecContext(context.Background(), `PRAGMA mmap_size = 0`)
	c.conn.Close()
}

func (c mappedConn) each(ctx context.Context, query string, args []any, fn func([]driver.Value) error) error {
	return c.conn.Raw(func(dc any) error {
		q, ok := dc.(driver.QueryerContext)
		if !ok {
			return fmt.Errorf("analytics: driver %T cannot query", dc)
		}
		named := make([]driver.NamedValue, len(args))
		for i, a := range args {
			named[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
		}
		rows, err := q.QueryContext(ctx, query, named)
		if err != nil {
			return err
		}
		defer rows.Close()
		cols := make([]driver.Value, len(rows.Columns()))
		for {
			err := rows.Next(cols)
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			if err := fn(cols); err != nil {
				return err
			}
		}
	})
}
