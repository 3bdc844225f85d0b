package database

import (
	"context"
	"io/fs"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// openMigratedTo opens a database of its own for t (a fresh SQLite file, or
// a fresh PostgreSQL schema) with the migrations applied up to and
// including version, for tests of what later migrations do to data.
func openMigratedTo(t *testing.T, version int) *DB {
	t.Helper()
	u := TestURL()
	if u == "" {
		u = "sqlite:" + t.TempDir() + "/consult.db"
	} else {
		u = newSchemaURL(t, u)
	}
	db, err := Open(context.Background(), u, Options{MaxReaders: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	migrateTo(t, db, version)
	return db
}

// migrateTo applies the embedded migrations up to and including version.
func migrateTo(t *testing.T, db *DB, version int) {
	t.Helper()
	ctx := context.Background()
	dir := "migrations/" + string(db.Dialect)
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.writer.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for _, e := range entries { // fs.ReadDir sorts by name
		v, _ := strconv.Atoi(strings.SplitN(e.Name(), "_", 2)[0])
		if v > version {
			break
		}
		body, err := migrationFiles.ReadFile(dir + "/" + e.Name())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.applyMigration(ctx, v, e.Name(), string(body)); err != nil {
			t.Fatal(err)
		}
	}
}

// newSchemaURL returns the URL of a schema made for t alone and dropped
// after it: testSchema hands out schemas that earlier tests migrated.
func newSchemaURL(t *testing.T, rawURL string) string {
	t.Helper()
	admin, err := testAdminDB(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	schema := "test_migrate_" + strconv.FormatInt(time.Now().UnixNano(), 36)
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`) })
	parsed, _ := url.Parse(rawURL)
	q := parsed.Query()
	q.Set("search_path", schema)
	parsed.RawQuery = q.Encode()
	return parsed.String()
}
