package database

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sync"
	"testing"

	"github.com/jmoiron/sqlx"
)

func openTest(t *testing.T) *DB {
	t.Helper()
	return OpenTest(t)
}

func TestMigrateTwiceAppliesNothingTheSecondTime(t *testing.T) {
	db := openTest(t)
	n, err := db.Migrate(context.Background())
	if err != nil || n != 0 {
		t.Fatalf("second Migrate = %d, %v; want 0, nil", n, err)
	}
}

func TestPragmasReachEveryConnection(t *testing.T) {
	db := openTest(t)
	if db.Dialect != SQLite {
		t.Skip("SQLite pragmas")
	}
	var mode string
	var fk, sync int
	ctx := context.Background()
	// Hold several reader connections at once so the pool opens new ones.
	var conns []*sqlx.Conn
	for i := 0; i < 4; i++ {
		c, err := db.Reader.Connx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	for i, c := range conns {
		if err := c.GetContext(ctx, &mode, "PRAGMA journal_mode"); err != nil || mode != "wal" {
			t.Errorf("conn %d: journal_mode = %q, %v; want wal", i, mode, err)
		}
		if err := c.GetContext(ctx, &fk, "PRAGMA foreign_keys"); err != nil || fk != 1 {
			t.Errorf("conn %d: foreign_keys = %d; want 1", i, fk)
		}
		if err := c.GetContext(ctx, &sync, "PRAGMA synchronous"); err != nil || sync != 2 {
			t.Errorf("conn %d: synchronous = %d; want 2 (FULL)", i, sync)
		}
		var temp int
		if err := c.GetContext(ctx, &temp, "PRAGMA temp_store"); err != nil || temp != 2 {
			t.Errorf("conn %d: temp_store = %d, %v; want 2 (MEMORY): statement journals would cost a system call per page", i, temp, err)
		}
		c.Close()
	}
}

func TestConcurrentWritesAllCommitOnce(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	const n = 500
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			errs <- db.Write(ctx, func(tx *sqlx.Tx) error {
				_, err := tx.Exec(db.Rebind(`INSERT INTO settings (name, value) VALUES (?, ?)`), fmt.Sprintf("k%d", i), "v")
				return err
			})
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var count int
	db.Reader.Get(&count, `SELECT COUNT(*) FROM settings`)
	if count != n {
		t.Fatalf("rows = %d; want %d", count, n)
	}
}

func TestFailedWriteInABatchLeavesOthersCommitted(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	boom := errors.New("boom")
	var wg sync.WaitGroup
	results := make([]error, 50)
	for i := range results {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			results[i] = db.Write(ctx, func(tx *sqlx.Tx) error {
				if _, err := tx.Exec(db.Rebind(`INSERT INTO settings (name, value) VALUES (?, 'v')`), fmt.Sprintf("k%d", i)); err != nil {
					return err
				}
				if i%2 == 1 {
					return boom // its own insert must be undone
				}
				return nil
			})
		}(i)
	}
	wg.Wait()
	for i, err := range results {
		if (i%2 == 1) != errors.Is(err, boom) {
			t.Errorf("write %d: err = %v", i, err)
		}
	}
	var count int
	db.Reader.Get(&count, `SELECT COUNT(*) FROM settings`)
	if count != 25 {
		t.Fatalf("rows = %d; want 25 (only the successful writes)", count)
	}
}

func TestWriteAfterCloseIsRefused(t *testing.T) {
	db := openTest(t)
	db.Close()
	err := db.Write(context.Background(), func(tx *sqlx.Tx) error { return nil })
	if !errors.Is(err, ErrClosed) {
		t.Fatalf("Write after Close = %v; want ErrClosed", err)
	}
}

func TestBackupIsAConsistentCopyWhileWritesGoOn(t *testing.T) {
	db := openTest(t)
	if db.Dialect != SQLite {
		t.Skip("PostgreSQL is backed up with its own tools: docs/OPERATIONS.md")
	}
	ctx := context.Background()
	for i := 0; i < 100; i++ {
		db.Write(ctx, func(tx *sqlx.Tx) error {
			_, err := tx.Exec(db.Rebind(`INSERT INTO settings (name, value) VALUES (?, 'v')`), fmt.Sprintf("before%d", i))
			return err
		})
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			db.Write(ctx, func(tx *sqlx.Tx) error {
				_, err := tx.Exec(db.Rebind(`INSERT INTO settings (name, value) VALUES (?, 'v')`), fmt.Sprintf("during%d", i))
				return err
			})
		}
	}()
	path := filepath.Join(t.TempDir(), "copy.db")
	err := db.Backup(ctx, path)
	close(stop)
	<-done
	if err != nil {
		t.Fatal(err)
	}
	cp, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	var before int
	cp.Reader.Get(&before, `SELECT COUNT(*) FROM settings WHERE name LIKE 'before%'`)
	if before != 100 {
		t.Errorf("copy has %d rows written before the backup; want 100", before)
	}
	var ok string
	cp.Reader.Get(&ok, `PRAGMA integrity_check`)
	if ok != "ok" {
		t.Errorf("integrity_check = %q", ok)
	}
	if err := db.Backup(ctx, path); err == nil {
		t.Error("Backup over an existing file succeeded; want an error")
	}
}

func TestNewIDsSortByCreation(t *testing.T) {
	prev := NewID()
	for i := 0; i < 10000; i++ {
		id := NewID()
		if len(id) != 26 || id <= prev {
			t.Fatalf("NewID() = %q after %q; want 26 characters, increasing", id, prev)
		}
		prev = id
	}
}

func TestAfterCommitRunsOnlyForCommittedWritesInOrder(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	var mu sync.Mutex
	var ran []int
	var seen []bool // whether the row was visible to readers when the hook ran
	var wg sync.WaitGroup
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db.Write(ctx, func(tx *sqlx.Tx) error {
				name := fmt.Sprintf("hook%d", i)
				if _, err := tx.Exec(db.Rebind(`INSERT INTO settings (name, value) VALUES (?, 'x')`), name); err != nil {
					return err
				}
				AfterCommit(tx, func() {
					var n int
					db.Reader.Get(&n, db.Rebind(`SELECT COUNT(*) FROM settings WHERE name = ?`), name)
					mu.Lock()
					ran, seen = append(ran, i), append(seen, n == 1)
					mu.Unlock()
				})
				if i%2 == 1 {
					return errors.New("rolled back")
				}
				return nil
			})
		}()
	}
	wg.Wait()
	if len(ran) != 20 {
		t.Fatalf("hooks ran for %d writes; want the 20 that committed", len(ran))
	}
	for j, i := range ran {
		if i%2 == 1 {
			t.Errorf("the hook of rolled-back write %d ran", i)
		}
		if !seen[j] {
			t.Errorf("the hook of write %d ran before its row was visible", i)
		}
	}
}

func TestEverySQLiteMigrationHasAPostgresTwin(t *testing.T) {
	names := func(dialect Dialect) map[string]bool {
		entries, err := fs.ReadDir(migrationFiles, "migrations/"+string(dialect))
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for _, e := range entries {
			out[e.Name()] = true
		}
		return out
	}
	sqlite, postgres := names(SQLite), names(Postgres)
	for name := range sqlite {
		if !postgres[name] {
			t.Errorf("migrations/sqlite/%s has no twin in migrations/postgres/", name)
		}
	}
	for name := range postgres {
		if !sqlite[name] {
			t.Errorf("migrations/postgres/%s has no twin in migrations/sqlite/", name)
		}
	}
}

func TestQuestionMarksBecomeNumberedPlaceholdersOutsideQuotes(t *testing.T) {
	tests := []struct{ in, want string }{
		{`SELECT 1`, `SELECT 1`},
		{`SELECT a FROM t WHERE b = ? AND c = ?`, `SELECT a FROM t WHERE b = $1 AND c = $2`},
		{`SELECT '?', "?x", ? FROM t`, `SELECT '?', "?x", $1 FROM t`},
		{"SELECT ? -- isn't it?\nFROM t WHERE x = ?", "SELECT $1 -- isn't it?\nFROM t WHERE x = $2"},
		{`SELECT 'it''s', ?`, `SELECT 'it''s', $1`},
	}
	for _, tt := range tests {
		if got := dollars(tt.in); got != tt.want {
			t.Errorf("dollars(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestWritePoolCommitsEveryWriteOnceAndRunsItsHooks(t *testing.T) {
	if TestURL() == "" {
		t.Skip("the write pool is for PostgreSQL")
	}
	db := OpenTestWith(t, Options{WritePool: true})
	ctx := context.Background()
	const n = 200
	var wg sync.WaitGroup
	var mu sync.Mutex
	hooked := 0
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- db.Write(ctx, func(tx *sqlx.Tx) error {
				if _, err := tx.Exec(`INSERT INTO settings (name, value) VALUES (?, 'v')`, fmt.Sprintf("p%d", i)); err != nil {
					return err
				}
				AfterCommit(tx, func() { mu.Lock(); hooked++; mu.Unlock() })
				if i%4 == 0 {
					return errors.New("undone")
				}
				return nil
			})
		}()
	}
	wg.Wait()
	close(errs)
	failed := 0
	for err := range errs {
		if err != nil {
			failed++
		}
	}
	var count int
	db.Reader.Get(&count, `SELECT COUNT(*) FROM settings WHERE name LIKE 'p%'`)
	if failed != n/4 || count != n-n/4 || hooked != count {
		t.Fatalf("%d failed, %d rows, %d hooks; want %d, %d, %d", failed, count, hooked, n/4, n-n/4, n-n/4)
	}
	if st := db.WriteStats(); st.Commits < int64(count) {
		t.Errorf("WriteStats counts %d commits for %d committed writes", st.Commits, count)
	}
}
