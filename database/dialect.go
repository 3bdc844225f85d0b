package database

import (
	"errors"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jmoiron/sqlx"
)

// This file is where SQLite and PostgreSQL differ, apart from the
// migrations (one directory per dialect) and how each is opened. Queries
// elsewhere are written once, with ? placeholders, in SQL both accept:
// booleans as TRUE/FALSE, times as bound time.Time values (never SQL date
// functions), upserts as INSERT … ON CONFLICT, COUNT scanned into int64 or
// int.

// Rebind turns a query written with ? placeholders into the dialect's form.
func (db *DB) Rebind(query string) string {
	if db.Dialect == Postgres {
		return sqlx.Rebind(sqlx.DOLLAR, query)
	}
	return query
}

// Notify sends payload to every node listening on this database once tx
// commits (PostgreSQL NOTIFY). On SQLite, where there is only one node, it
// does nothing. payload must be short (a reference, not content).
//
// The notification is sent just after the commit, not by NOTIFY inside the
// transaction: PostgreSQL lets only one transaction that notifies commit at
// a time, flush to disk included, which made every write of every node
// wait in one line. Sent after the commit, notifications may arrive out of
// commit order, or not at all if the node dies in between; listeners must
// fill gaps from the table (consultations' relay does).
func (db *DB) Notify(tx *sqlx.Tx, payload string) error {
	if db.Dialect != Postgres {
		return nil
	}
	v, ok := notes.Load(tx)
	if !ok {
		panic("database: Notify outside a Write")
	}
	list := v.(*[]string)
	*list = append(*list, payload)
	return nil
}

// notes holds the payloads to notify once each open transaction commits:
// *sqlx.Tx → *[]string.
var notes sync.Map

// sendNotes sends payloads, several per notification (one per line) to
// stay under PostgreSQL's 8,000-byte limit.
func (db *DB) sendNotes(payloads []string) {
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			db.Reader.Exec(`SELECT pg_notify($1, $2)`, db.channel, b.String())
			b.Reset()
		}
	}
	for _, p := range payloads {
		if b.Len()+len(p)+1 > 7000 {
			flush()
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p)
	}
	flush()
}

// Shared reports whether several processes may use the database at once,
// so that what one node caches or publishes must reach the others.
func (db *DB) Shared() bool { return db.Dialect == Postgres }

// IsUniqueViolation reports whether err is a unique-constraint failure.
func IsUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	if pgErr := (*pgconn.PgError)(nil); errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	return strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// isRetryable reports whether a write failed only because it met another
// transaction (PostgreSQL deadlock, serialisation failure or lock timeout)
// and would succeed if run again.
func isRetryable(err error) bool {
	pgErr := (*pgconn.PgError)(nil)
	if !errors.As(err, &pgErr) {
		return false
	}
	switch pgErr.Code {
	case "40001", "40P01", "55P03":
		return true
	}
	return false
}

// Day returns SQL for the UTC calendar day (YYYY-MM-DD) of a time column,
// for grouping by day; r is the *sqlx.DB or *sqlx.Tx the query runs on.
// SQLite keeps times as UTC text, whose first ten characters are the day.
func Day(r interface{ DriverName() string }, column string) string {
	if r.DriverName() == "pgx" {
		return "to_char(" + column + " AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
	}
	return "substr(" + column + ", 1, 10)"
}
