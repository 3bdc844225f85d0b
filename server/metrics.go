package server

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

type metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	handler  http.Handler
	// internalErrors counts requests that failed on our side (mostly the
	// database: unreachable, failed commits).
	internalErrors prometheus.Counter
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		registry: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "consult_http_requests_total", Help: "HTTP requests by route and status class.",
		}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "consult_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route"}),
		internalErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "consult_internal_errors_total", Help: "Requests answered 500 because something on the server side failed (mostly the database).",
		}),
	}
	reg.MustRegister(m.requests, m.duration, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.handler = promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	return m
}

// Registry lets other parts (the live hub) register their metrics.
func (s *Server) Registry() *prometheus.Registry { return s.metrics.registry }

func (m *metrics) instrument(route string, next http.Handler) http.Handler {
	// The route's usual series are looked up once here, not hashed per
	// request; the rarer classes are looked up when they happen (made
	// up front, they would show as zeros for every route).
	duration := m.duration.WithLabelValues(route)
	ok2xx := m.requests.WithLabelValues(route, "2xx")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw, ok := w.(*statusWriter)
		if !ok {
			sw = &statusWriter{ResponseWriter: w}
		}
		next.ServeHTTP(sw, r)
		switch {
		case sw.status >= 500:
			m.requests.WithLabelValues(route, "5xx").Inc()
		case sw.status >= 400:
			m.requests.WithLabelValues(route, "4xx").Inc()
		case sw.status >= 300:
			m.requests.WithLabelValues(route, "3xx").Inc()
		default:
			ok2xx.Inc()
		}
		duration.Observe(time.Since(start).Seconds())
	})
}

func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request) {
	s.metrics.handler.ServeHTTP(w, r)
}
