package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

const usage = `usage:
  consult serve [--addr 127.0.0.1:8080] [--data DIR] [--database URL] [--demo]
                [--origins URL,…] [--trusted-proxies ADDR,…] [--secure-cookies]
  consult migrate [--data DIR] [--database URL]
  consult user create --email E --password P --role citizen|staff|moderator|admin [--org SLUG]
  consult backup --to FILE [--data DIR] [--database URL]
  consult opinion import --consultation SLUG --as STAFF-EMAIL [--dir DIR | --comments F --votes F]

Every flag can be set by an environment variable: CONSULT_ADDR, CONSULT_DATA_DIR,
CONSULT_DATABASE_URL, CONSULT_DEMO, CONSULT_ORIGINS, CONSULT_RATE_LIMITS,
CONSULT_SECURE_COOKIES, CONSULT_TRUSTED_PROXIES, CONSULT_LOG_LEVEL. A flag wins over its variable.
`

// run is the whole program, minus process plumbing, so tests can start it.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	switch args[0] {
	case "serve":
		return cmdServe(ctx, args[1:], getenv, stdout, stderr)
	case "migrate":
		return cmdMigrate(ctx, args[1:], getenv, stdout, stderr)
	case "user":
		if len(args) < 2 || args[1] != "create" {
			return errors.New(`unknown user command; try "consult user create"`)
		}
		return cmdUserCreate(ctx, args[2:], getenv, stdout, stderr)
	case "backup":
		return cmdBackup(ctx, args[1:], getenv, stdout, stderr)
	case "opinion":
		if len(args) < 2 || args[1] != "import" {
			return errors.New(`unknown opinion command; try "consult opinion import"`)
		}
		return cmdOpinionImport(ctx, args[2:], getenv, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

// dbFlags are the flags every command that opens the database shares.
type dbFlags struct {
	dataDir     string
	databaseURL string
	logLevel    string
	writePool   bool
}

func (d *dbFlags) register(fs *flag.FlagSet, getenv func(string) string) {
	fs.StringVar(&d.dataDir, "data", envOr(getenv, "CONSULT_DATA_DIR", "./consult-data"), "data directory (SQLite database)")
	fs.StringVar(&d.databaseURL, "database", getenv("CONSULT_DATABASE_URL"), "database URL; default: SQLite in the data directory")
	fs.BoolVar(&d.writePool, "write-pool", envBool(getenv, "CONSULT_WRITE_POOL", false), "PostgreSQL: a transaction per write on a pool of connections instead of group commit")
	fs.StringVar(&d.logLevel, "log-level", envOr(getenv, "CONSULT_LOG_LEVEL", "info"), "debug, info, warn or error")
}

// url returns the database to open: the URL given, else SQLite in the data
// directory.
func (d *dbFlags) url() string {
	if d.databaseURL != "" {
		return d.databaseURL
	}
	return "sqlite:" + filepath.Join(d.dataDir, "consult.db")
}

func envOr(getenv func(string) string, name, fallback string) string {
	if v := getenv(name); v != "" {
		return v
	}
	return fallback
}

func envBool(getenv func(string) string, name string, fallback bool) bool {
	switch strings.ToLower(getenv(name)) {
	case "1", "true", "yes", "on":
		return true
	case "0", "false", "no", "off":
		return false
	}
	return fallback
}

func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}
