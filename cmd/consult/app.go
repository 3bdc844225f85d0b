package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/consult-platform/consult/consultations"
	"github.com/consult-platform/consult/database"
)

// app is an opened, migrated database and the store over it.
type app struct {
	db    *database.DB
	store *consultations.Store
	log   *slog.Logger
}

func openApp(ctx context.Context, d dbFlags, stderr io.Writer) (*app, error) {
	log := newLogger(d.logLevel, stderr)
	db, err := database.Open(ctx, d.url(), database.Options{WritePool: d.writePool})
	if err != nil {
		return nil, err
	}
	n, err := db.Migrate(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	if n > 0 {
		log.Info("applied migrations", "count", n)
	}
	return &app{db: db, store: consultations.NewStore(db, consultations.NewSanitizer()), log: log}, nil
}

func (a *app) Close() error { return a.db.Close() }

func newLogger(level string, w io.Writer) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(strings.ToUpper(level))); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}

func cmdMigrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("migrate", stderr)
	var d dbFlags
	d.register(fs, getenv)
	if err := fs.Parse(args); err != nil {
		return err
	}
	a, err := openApp(ctx, d, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	fmt.Fprintln(stdout, "database is up to date")
	return nil
}

func cmdUserCreate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("user create", stderr)
	var d dbFlags
	d.register(fs, getenv)
	var acct consultations.NewAccount
	var role, name string
	fs.StringVar(&acct.Email, "email", "", "email address (required)")
	fs.StringVar(&acct.Password, "password", "", "password, 8 to 128 characters (required)")
	fs.StringVar(&role, "role", "citizen", "citizen, staff, moderator or admin")
	fs.StringVar(&acct.OrgSlug, "org", "", "organisation slug (staff; created if missing)")
	fs.StringVar(&name, "name", "", "display name (default: the part of the email before @)")
	fs.StringVar(&acct.Locale, "locale", "en", "interface language")
	if err := fs.Parse(args); err != nil {
		return err
	}
	acct.Role = consultations.Role(role)
	acct.DisplayName = name
	if acct.DisplayName == "" {
		acct.DisplayName, _, _ = strings.Cut(acct.Email, "@")
	}
	a, err := openApp(ctx, d, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	if acct.OrgSlug != "" {
		if _, err := a.store.OrganisationBySlug(ctx, acct.OrgSlug); consultations.ErrorCode(err) == consultations.ENOTFOUND {
			if _, err := a.store.CreateOrganisation(ctx, acct.OrgSlug, acct.OrgSlug, "en", "UTC"); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "created organisation %s\n", acct.OrgSlug)
		}
	}
	u, err := a.store.CreateUser(ctx, acct)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(stdout, "created %s %s (id %s)\n", u.Role, u.Email, u.ID)
	return nil
}

// describe spells out a validation error's fields for the terminal.
func describe(err error) error {
	e, ok := err.(*consultations.Error)
	if !ok || len(e.Fields) == 0 {
		return err
	}
	var parts []string
	for f, m := range e.Fields {
		parts = append(parts, f+": "+m.ID)
	}
	return fmt.Errorf("%s (%s)", e.Code, strings.Join(parts, "; "))
}

func cmdBackup(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("backup", stderr)
	var d dbFlags
	d.register(fs, getenv)
	to := fs.String("to", "", "file to write the copy to (must not exist)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *to == "" {
		return fmt.Errorf("backup: --to FILE is required")
	}
	a, err := openApp(ctx, d, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.db.Backup(ctx, *to); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backed up to %s\n", *to)
	return nil
}
