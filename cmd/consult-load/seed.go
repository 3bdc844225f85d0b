package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/consult-platform/consult/consultations"
	"github.com/consult-platform/consult/database"
)

// seedPassword is the password of the accounts seed makes.
const seedPassword = "consult-load-password"

// runSeed puts comments into a consultation through the store, so they
// go through the same validation, sanitising and group commit as
// comments posted over HTTP, only without the network. It makes the
// consultation (open, policy, run by a "load" organisation) if missing.
// Run it while the server is stopped, or against a copy.
func runSeed(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(stdout)
	dataDir := fs.String("data", "./consult-data", "data directory (SQLite database)")
	dbURL := fs.String("database", "", "database URL (default: SQLite in the data directory)")
	slug := fs.String("slug", "load-200", "consultation to fill, made if missing")
	count := fs.Int("count", 200, "comments to add, replies included")
	replies := fs.Int("replies", 3, "replies under each top-level comment")
	writers := fs.Int("writers", 256, "concurrent writers")
	batch := fs.Int("batch", 1024, "most writes per commit")
	textsPath := fs.String("texts", defaultTexts, "CSV of real comments (column \"text\")")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *count < 1 || *count > 5_000_000 || *replies < 0 || *writers < 1 || *batch < 1 {
		return fmt.Errorf("-count must be 1 to 5,000,000; -replies, -writers and -batch must be sensible")
	}
	if *dbURL == "" {
		*dbURL = "sqlite:" + filepath.Join(*dataDir, "consult.db")
	}
	texts, source, err := commentTexts(*textsPath)
	if err != nil {
		return err
	}
	db, err := database.Open(ctx, *dbURL, database.Options{MaxBatch: *batch})
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	store := consultations.NewStore(db, consultations.NewSanitizer())
	c, authors, err := seedConsultation(ctx, store, *slug)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "seed: %d comments into %s (%s), %d replies per thread, %d writers\n", *count, c.Slug, c.ID, *replies, *writers)
	fmt.Fprintln(stdout, source)

	threadSize := int64(1 + *replies)
	threads := (int64(*count) + threadSize - 1) / threadSize
	var next, done atomic.Int64
	errc := make(chan error, *writers)
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < *writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				th := next.Add(1) - 1
				if th >= threads || ctx.Err() != nil {
					return
				}
				parent := ""
				for j := int64(0); j < threadSize; j++ {
					n := th*threadSize + j
					if n >= int64(*count) {
						break
					}
					cm := consultations.NewComment{ParentID: parent, Body: texts[n%int64(len(texts))], Locale: "es", Channel: "web"}
					posted, err := store.PostComment(ctx, authors[n%int64(len(authors))], c.ID, cm, consultations.IdemKey{})
					if err != nil {
						errc <- err
						return
					}
					if parent == "" {
						parent = posted.ID
					}
					if d := done.Add(1); d%100_000 == 0 {
						fmt.Fprintf(stdout, "  %d comments, %.0f/s\n", d, float64(d)/time.Since(start).Seconds())
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errc)
	if err := <-errc; err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	elapsed := time.Since(start)
	fmt.Fprintf(stdout, "seeded %d comments in %s (%.0f/s); page: /consultations/%s\n", done.Load(), elapsed.Round(time.Millisecond),
		float64(done.Load())/elapsed.Seconds(), c.Slug)
	fmt.Fprintf(stdout, "group commit: %s\n", db.WriteStats())
	return nil
}

// seedConsultation finds or makes the consultation and a few authors.
func seedConsultation(ctx context.Context, s *consultations.Store, slug string) (*consultations.Consultation, []*consultations.User, error) {
	staff, err := seedUser(ctx, s, consultations.NewAccount{
		Email: "staff@load.example", DisplayName: "Load test ministry", Role: consultations.RoleStaff, OrgSlug: "load",
	})
	if err != nil {
		return nil, nil, err
	}
	c, err := s.ConsultationBySlug(ctx, slug)
	if consultations.ErrorCode(err) == consultations.ENOTFOUND {
		now := s.Now()
		c, err = s.CreateConsultation(ctx, staff, consultations.Draft{
			Slug: slug, Kind: consultations.KindPolicy, DefaultLocale: "en",
			Title:   consultations.LocalText{"en": "Load test: " + slug},
			Summary: consultations.LocalText{"en": "A consultation filled by consult-load to measure Consult."},
			Body:    consultations.LocalText{"en": "Comments here are real citizen comments from Decide Madrid (" + madridCredit + ")."},
			OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(365 * 24 * time.Hour),
		})
		if err == nil {
			c, err = s.SetStatus(ctx, staff, c.ID, consultations.StatusOpen)
		}
	}
	if err != nil {
		return nil, nil, fmt.Errorf("consultation %s: %w", slug, err)
	}
	var authors []*consultations.User
	for i := 0; i < 8; i++ {
		u, err := seedUser(ctx, s, consultations.NewAccount{
			Email: fmt.Sprintf("citizen%d@load.example", i), DisplayName: fmt.Sprintf("Vecina %d", i), Role: consultations.RoleCitizen, Locale: "es",
		})
		if err != nil {
			return nil, nil, err
		}
		authors = append(authors, u)
	}
	return c, authors, nil
}

// seedUser makes an account, or signs in to it when it exists already.
func seedUser(ctx context.Context, s *consultations.Store, a consultations.NewAccount) (*consultations.User, error) {
	if a.OrgSlug != "" {
		if _, err := s.OrganisationBySlug(ctx, a.OrgSlug); consultations.ErrorCode(err) == consultations.ENOTFOUND {
			if _, err := s.CreateOrganisation(ctx, a.OrgSlug, "Load test ministry", "en", "UTC"); err != nil {
				return nil, err
			}
		}
	}
	a.Password = seedPassword
	u, err := s.CreateUser(ctx, a)
	if consultations.ErrorCode(err) == consultations.ECONFLICT {
		return s.Authenticate(ctx, a.Email, seedPassword)
	}
	return u, err
}
