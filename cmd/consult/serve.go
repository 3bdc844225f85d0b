package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/consult-platform/consult/consultations/demo"
	"github.com/consult-platform/consult/i18n"
	"github.com/consult-platform/consult/server"
)

func cmdServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", stderr)
	var d dbFlags
	d.register(fs, getenv)
	addr := fs.String("addr", envOr(getenv, "CONSULT_ADDR", "127.0.0.1:8080"), "address to listen on")
	withDemo := fs.Bool("demo", envBool(getenv, "CONSULT_DEMO", false), "seed demo content into an empty database")
	origins := fs.String("origins", getenv("CONSULT_ORIGINS"), "comma-separated origins the site is served at (https://consult.example.gov)")
	rateLimits := fs.String("rate-limits", envOr(getenv, "CONSULT_RATE_LIMITS", "on"), `"off" only for load tests on one machine`)
	proxies := fs.String("trusted-proxies", getenv("CONSULT_TRUSTED_PROXIES"), "comma-separated load balancer addresses or CIDR ranges whose X-Forwarded-For is believed")
	secureCookies := fs.Bool("secure-cookies", envBool(getenv, "CONSULT_SECURE_COOKIES", false), "mark cookies Secure (behind a TLS proxy)")
	pprofAddr := fs.String("pprof", getenv("CONSULT_PPROF"), "serve Go's profiler on this (loopback) address, for performance work")
	var af analyticsFlags
	af.register(fs, getenv)
	if err := fs.Parse(args); err != nil {
		return err
	}
	a, err := openApp(ctx, d, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	log := a.log

	if *withDemo {
		seeded, err := demo.Seed(ctx, a.store)
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		if seeded {
			fmt.Fprint(stdout, demo.SignInHelp)
		} else {
			log.Info("demo content not seeded: the database already has content")
		}
	}
	if *pprofAddr != "" {
		if err := servePprof(*pprofAddr, log); err != nil {
			return fmt.Errorf("--pprof: %w", err)
		}
	}
	limitsOn := !strings.EqualFold(*rateLimits, "off")
	if !limitsOn {
		log.Warn("RATE LIMITS ARE OFF: use this only for load tests on one machine, never in production")
	}
	bundle, err := i18n.New()
	if err != nil {
		return err
	}
	cfg := server.Config{RateLimits: limitsOn, SecureCookies: *secureCookies}
	if cfg.TrustedProxies, err = server.ParseProxies(*proxies); err != nil {
		return fmt.Errorf("--trusted-proxies: %w", err)
	}
	if cfg.Analytics, err = newAnalytics(ctx, a, af); err != nil {
		return err
	}
	for _, o := range strings.Split(*origins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			cfg.Origins = append(cfg.Origins, o)
		}
	}
	srv, err := server.New(ctx, cfg, a.store, bundle, log)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	httpSrv := srv.HTTPServer(*addr)
	fmt.Fprintf(stdout, "Consult is listening on http://%s\n", ln.Addr())
	log.Info("listening", "addr", ln.Addr().String(), "database", a.db.Dialect)

	go advanceSchedules(ctx, srv, a)

	errc := make(chan error, 1)
	go func() { errc <- httpSrv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Draining: readyz turns 503, then in-flight requests get time to finish.
	// Live websockets are closed with 1001 first: http.Server.Shutdown
	// does not see hijacked connections.
	log.Info("shutting down: draining requests")
	srv.Drain()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	srv.Shutdown(shutdownCtx)
	if err := httpSrv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("group commit", "stats", a.db.WriteStats().String())
	log.Info("stopped")
	return nil
}

// advanceSchedules opens and closes consultations as their dates pass,
// and forgets live events too old to catch up on.
func advanceSchedules(ctx context.Context, srv *server.Server, a *app) {
	t := time.NewTicker(15 * time.Second)
	defer t.Stop()
	prune := time.NewTicker(time.Hour)
	defer prune.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-prune.C:
			if err := a.store.PruneEvents(ctx); err != nil {
				a.log.Warn("prune live events", "error", err)
			}
		case <-t.C:
			changed, err := a.store.AdvanceSchedules(ctx)
			if err != nil {
				a.log.Warn("advance schedules", "error", err)
				continue
			}
			for _, c := range changed {
				srv.Changed(c.ID)
				a.log.Info("consultation status changed by schedule", "id", c.ID, "status", c.Status)
			}
		}
	}
}
