package database

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// TestDatabaseEnv chooses the database tests run against: empty or
// "sqlite" for SQLite files in each test's temporary directory; "postgres"
// for the local PostgreSQL (DefaultTestPostgres), or a postgres:// URL.
const TestDatabaseEnv = "CONSULT_TEST_DATABASE"

// DefaultTestPostgres is the database PostgreSQL test runs use when
// CONSULT_TEST_DATABASE is just "postgres". `make test` creates a fresh one
// per run instead and passes its URL.
const DefaultTestPostgres = "postgres://postgres@127.0.0.1:5432/consult_test?sslmode=disable"

// TestURL returns the database URL tests should use, "" for SQLite.
func TestURL() string {
	switch v := os.Getenv(TestDatabaseEnv); {
	case v == "" || v == "sqlite":
		return ""
	case v == "postgres":
		return DefaultTestPostgres
	default:
		return v
	}
}

// OpenTest opens and migrates a fresh, empty database for one test, and
// closes and removes it when the test ends: a SQLite file in the test's
// temporary directory, or, when CONSULT_TEST_DATABASE says PostgreSQL, a
// schema of its own in the test database (made on first use), dropped
// afterwards. A PostgreSQL that cannot be reached fails the test, saying so.
func OpenTest(t testing.TB) *DB {
	t.Helper()
	return OpenTestWith(t, Options{})
}

// OpenTestWith is OpenTest with options.
func OpenTestWith(t testing.TB, opts Options) *DB {
	t.Helper()
	ctx := context.Background()
	u := TestURL()
	if u == "" {
		u = "sqlite:" + filepath.Join(t.TempDir(), "consult.db")
	} else {
		u = testSchema(t, u)
		if opts.MaxReaders == 0 {
			opts.MaxReaders = 4 // tests are many; PostgreSQL's connections few
		}
	}
	db, err := Open(ctx, u, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestSchemaURL returns the URL of a new, empty schema in the PostgreSQL
// test database, dropped when t ends: for tests that open the same
// database several times, as several nodes would.
func TestSchemaURL(t testing.TB) string {
	t.Helper()
	u := TestURL()
	if u == "" {
		t.Skip("needs PostgreSQL: set " + TestDatabaseEnv + "=postgres")
	}
	return testSchema(t, u)
}

var testAdmin struct {
	mu   sync.Mutex // mu guards dbs and free
	dbs  map[string]*sql.DB
	free map[string][]string // emptied schemas ready for the next test, by database URL
}

// testSchema returns the URL of an empty, migrated or new schema in the
// test database named by rawURL (creating the database itself if needed).
// Making a schema costs PostgreSQL a third of a second, so when the test
// ends its rows are deleted and the schema serves the next test of this
// process; `make test` drops the whole database at the end of the run.
func testSchema(t testing.TB, rawURL string) string {
	t.Helper()
	admin, err := testAdminDB(rawURL)
	if err != nil {
		t.Fatalf("%s asks for PostgreSQL, but it cannot be used: %v\n"+
			"Start the local cluster with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start", TestDatabaseEnv, err)
	}
	testAdmin.mu.Lock()
	var schema string
	if free := testAdmin.free[rawURL]; len(free) > 0 {
		schema, testAdmin.free[rawURL] = free[len(free)-1], free[:len(free)-1]
	}
	testAdmin.mu.Unlock()
	if schema == "" {
		b := make([]byte, 6)
		rand.Read(b)
		schema = "test_" + hex.EncodeToString(b)
		if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		if err := emptySchema(admin, schema); err != nil {
			admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
			return
		}
		testAdmin.mu.Lock()
		testAdmin.free[rawURL] = append(testAdmin.free[rawURL], schema)
		testAdmin.mu.Unlock()
	})
	parsed, _ := url.Parse(rawURL)
	q := parsed.Query()
	q.Set("search_path", schema)
	if !q.Has("synchronous_commit") {
		// Tests do not outlive a crash of PostgreSQL itself: no need to
		// wait for each commit to reach the disk.
		q.Set("synchronous_commit", "off")
	}
	parsed.RawQuery = q.Encode()
	return parsed.String()
}

// emptySchema deletes every row of the schema's tables but the record of
// applied migrations, with foreign keys unchecked (all rows go anyway).
func emptySchema(admin *sql.DB, schema string) error {
	ctx := context.Background()
	conn, err := admin.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var tables []string
	rows, err := conn.QueryContext(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = $1 AND tablename <> 'schema_migrations'`, schema)
	if err != nil {
		return err
	}
	for rows.Next() {
		var name string
		rows.Scan(&name)
		tables = append(tables, name)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`SET LOCAL session_replication_role = replica`); err != nil {
		return err
	}
	for _, name := range tables {
		if _, err := tx.Exec(`DELETE FROM ` + pgx.Identifier{schema, name}.Sanitize()); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func testAdminDB(rawURL string) (*sql.DB, error) {
	testAdmin.mu.Lock()
	defer testAdmin.mu.Unlock()
	if db := testAdmin.dbs[rawURL]; db != nil {
		return db, nil
	}
	cfg, err := pgx.ParseConfig(rawURL)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	db := stdlib.OpenDB(*cfg)
	err = db.PingContext(ctx)
	if err != nil && strings.Contains(err.Error(), "does not exist") {
		// The database itself is missing: make it from the server's
		// maintenance database.
		main := cfg.Copy()
		main.Database = "postgres"
		m := stdlib.OpenDB(*main)
		_, cerr := m.ExecContext(ctx, `CREATE DATABASE `+pgx.Identifier{cfg.Database}.Sanitize())
		m.Close()
		if cerr != nil && !strings.Contains(cerr.Error(), "already exists") {
			return nil, fmt.Errorf("create database %s: %w", cfg.Database, cerr)
		}
		err = db.PingContext(ctx)
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("PostgreSQL at %s:%d: %w", cfg.Host, cfg.Port, err)
	}
	db.SetMaxOpenConns(2)
	if testAdmin.dbs == nil {
		testAdmin.dbs, testAdmin.free = map[string]*sql.DB{}, map[string][]string{}
	}
	testAdmin.dbs[rawURL] = db
	return db, nil
}
