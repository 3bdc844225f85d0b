package database

import (
	"database/sql"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// sqliteDriver is mattn/go-sqlite3 with the pragmas its DSN cannot carry.
const sqliteDriver = "consult-sqlite3"

func init() {
	sql.Register(sqliteDriver, &sqlite3.SQLiteDriver{
		ConnectHook: func(c *sqlite3.SQLiteConn) error {
			// Every write runs in a savepoint of its batch, and SQLite keeps
			// the first copy of each page a savepoint changes in a statement
			// journal: in memory that is a copy, on disk a system call.
			_, err := c.Exec(`PRAGMA temp_store = MEMORY`, nil)
			return err
		},
	})
}
