// Package server is Consult's HTTP face: web pages, the JSON API under
// /api/v1, health and metrics. It holds no domain rules: handlers decode
// input, call the consultations store with the acting user, and render
// what comes back.
package server

import (
	"cmp"
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"sync/atomic"
	"time"

	"github.com/consult-platform/consult/consultations"
	"github.com/consult-platform/consult/consultations/analytics"
	"github.com/consult-platform/consult/consultations/opinion"
	"github.com/consult-platform/consult/i18n"
	"github.com/consult-platform/consult/moderation"
	"github.com/consult-platform/consult/server/live"
	"github.com/consult-platform/consult/static"
	"github.com/gorilla/websocket"
	"github.com/prometheus/client_golang/prometheus"
)

// Config is what the operator sets.
type Config struct {
	// Origins are the scheme://host[:port] values the site is reached at;
	// the first is canonical. Empty means "whatever Host the request has".
	Origins []string
	// RateLimits off is for load tests on one machine only.
	RateLimits bool
	// SecureCookies forces the Secure attribute (set it behind a TLS proxy).
	SecureCookies bool
	// MaxBodyBytes bounds request bodies.
	MaxBodyBytes int64
	// TrustedProxies are the load balancers (addresses or CIDR ranges)
	// whose X-Forwarded-For is believed, for rate limits per client
	// address behind them.
	TrustedProxies []netip.Prefix
	// ReadHeaderTimeout bounds how long a client may take to send its
	// request headers (slow-loris clients); default 10 s.
	ReadHeaderTimeout time.Duration
	// Analytics serves participation figures; nil makes one with the
	// default suppression threshold and no moderation figures.
	Analytics *analytics.Service
}

// Server serves Consult over HTTP.
type Server struct {
	cfg     Config
	store   *consultations.Store
	mod     *moderation.Service
	i18n    *i18n.Bundle
	assets  *static.Assets
	pages   *pageSet
	log     *slog.Logger
	csrfKey []byte
	limits  *consultations.Limiter // per client address and account; nil: off
	metrics *metrics
	handler http.Handler
	routes  []route

	pageCache *pageCache
	hub       *live.Hub // pushes committed events to websocket watchers
	upgrader  *websocket.Upgrader

	opinion   *opinion.Store // opinion maps; recomputes groups in the background
	analytics *analytics.Service

	draining atomic.Bool
}

// New builds a Server. It parses every template once, here.
func New(ctx context.Context, cfg Config, store *consultations.Store, bundle *i18n.Bundle, log *slog.Logger) (*Server, error) {
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	assets, err := static.New()
	if err != nil {
		return nil, err
	}
	key, err := store.SecretKey(ctx)
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg: cfg, store: store, i18n: bundle, assets: assets, log: log, csrfKey: key,
		limits:    newLimits(cfg.RateLimits, store),
		pageCache: newPageCache(2*time.Second, 1000),
		metrics:   newMetrics(prometheus.NewRegistry()),
		mod:       wireModeration(store),
	}
	if !cfg.RateLimits {
		s.mod.Limits.PerWindow, s.mod.Limits.NewPerWindow = 0, 0
	}
	s.opinion = opinion.NewStore(store)
	if s.analytics, err = analyticsFor(ctx, cfg, store); err != nil {
		return nil, err
	}
	s.analytics.SetModeration(moderationFigures{s.mod})
	if s.pages, err = parsePages(assets); err != nil {
		return nil, err
	}
	if err := s.newLive(ctx); err != nil {
		return nil, err
	}
	s.handler = s.buildHandler()
	return s, nil
}

// ServeHTTP makes Server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Changed tells the server that a consultation changed, so pages built
// before the change are not served again.
func (s *Server) Changed(consultationID string) {
	if consultationID == "" {
		s.pageCache.invalidateAll()
		return
	}
	s.pageCache.invalidate(consultationID)
}

// Drain makes /readyz answer 503 so a load balancer stops sending new
// requests before shutdown.
func (s *Server) Drain() { s.draining.Store(true) }

// HTTPServer wraps the handler with timeouts that defeat slow clients.
func (s *Server) HTTPServer(addr string) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           s,
		ReadHeaderTimeout: cmp.Or(s.cfg.ReadHeaderTimeout, 10*time.Second),
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
}

// Shutdown closes every live websocket with "going away" (1001), which
// http.Server.Shutdown does not do for hijacked connections, and waits for
// them to end or ctx to expire. Call it after Drain.
func (s *Server) Shutdown(ctx context.Context) {
	done := make(chan struct{})
	go func() {
		s.opinion.Close()
		s.hub.Close()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		s.log.Warn("live connections still closing at shutdown deadline")
	}
}
