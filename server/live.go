package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/consult-platform/consult/consultations"
	"github.com/consult-platform/consult/server/live"
	"github.com/gorilla/websocket"
	"github.com/prometheus/client_golang/prometheus"
)

// newLive builds the hub that pushes consultations' events to watchers,
// its websocket upgrader and its metrics, and makes the server the
// store's publisher. With several nodes over PostgreSQL, the store relays
// every node's events to it, until ctx ends or the database closes.
func (s *Server) newLive(ctx context.Context) error {
	fanOut := prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "consult_live_fanout_seconds",
		Help:    "Time from an event's publication (after commit) to its last write to a subscriber who keeps up.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
	})
	s.hub = live.NewHub(s.liveHistory, live.Options{FanOut: func(d time.Duration) { fanOut.Observe(d.Seconds()) }})
	s.upgrader = &websocket.Upgrader{
		// Clients only send pongs and close frames: a small read buffer
		// each; writes of queued events bypass the write buffer, which is
		// borrowed from a shared pool only for replays.
		ReadBufferSize:  256,
		WriteBufferSize: 4096,
		WriteBufferPool: &sync.Pool{},
		CheckOrigin:     s.sameOrigin,
	}
	st := s.hub.Stats()
	s.Registry().MustRegister(fanOut,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "consult_live_connections", Help: "Websocket subscribers connected now."},
			func() float64 { return float64(st.Connected.Load()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "consult_live_events_published_total", Help: "Live events published after their transaction committed."},
			func() float64 { return float64(st.Published.Load()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "consult_live_events_delivered_total", Help: "Live event copies written to subscribers."},
			func() float64 { return float64(st.Delivered.Load()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "consult_live_writes_total", Help: "Times a subscriber was given the events it lacked, in one write where it could: fewer than the copies delivered when events are batched."},
			func() float64 { return float64(st.Visits.Load()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "consult_live_clients_dropped_slow_total", Help: "Subscribers disconnected because they fell behind."},
			func() float64 { return float64(st.DroppedSlow.Load()) }),
	)
	s.Registry().MustRegister(newDatabaseCollector(s.store), s.metrics.internalErrors)
	s.store.SetPublisher(s)
	return s.store.RelayEvents(ctx)
}

// Publish hands a committed event to the live hub; the store calls it
// after each commit, in seq order.
// Publish is called after each commit, in order: it spoils cached pages
// of the consultation and pushes the event to its watchers.
func (s *Server) Publish(e consultations.Event) {
	s.pageCache.invalidate(e.ConsultationID)
	s.hub.Publish(liveEvent(e))
}

func liveEvent(e consultations.Event) live.Event {
	return live.Event{Seq: e.Seq, Type: e.Type, ConsultationID: e.ConsultationID, Data: e.Data, Audience: e.Audience}
}

func (s *Server) liveHistory(ctx context.Context, consultationID string, since int64) ([]live.Event, bool, error) {
	events, complete, err := s.store.EventsSince(ctx, consultationID, since)
	out := make([]live.Event, len(events))
	for i, e := range events {
		out[i] = liveEvent(e)
	}
	return out, complete, err
}

// sameOrigin reports whether a websocket handshake comes from one of the
// site's own pages: browsers always send Origin, so a page elsewhere
// cannot ride on a visitor's cookie (cross-site websocket hijacking).
// Clients that are not browsers send no Origin and are let through.
func (s *Server) sameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	if len(s.cfg.Origins) > 0 {
		for _, o := range s.cfg.Origins {
			if strings.EqualFold(strings.TrimSuffix(o, "/"), origin) {
				return true
			}
		}
		return false
	}
	u, err := url.Parse(origin)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && strings.EqualFold(u.Host, r.Host)
}

// liveViewer is who a subscriber is, for the hub's audience checks.
func liveViewer(u *consultations.User) live.Viewer {
	if u == nil {
		return live.Viewer{}
	}
	return live.Viewer{UserID: u.ID, Moderator: u.Role == consultations.RoleModerator || u.Role == consultations.RoleAdmin}
}
