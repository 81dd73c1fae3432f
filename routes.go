package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/rs/cors"

	"github.com/cccs13/cccs-graph/auth"
	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/edge"
	"github.com/cccs13/cccs-graph/export"
	"github.com/cccs13/cccs-graph/geo"
	"github.com/cccs13/cccs-graph/graph"
	"github.com/cccs13/cccs-graph/store"
	"github.com/cccs13/cccs-graph/web/explorer"
	"github.com/cccs13/cccs-graph/web/viewer"
)

// routes builds the HTTP handler: GraphQL, explorer, maps (GeoJSON and OGC
// API - Features), exports, health, metrics, with CORS, request logs and
// metrics around everything.
func routes(s *store.Store, c *config, log *slog.Logger) http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := newMetrics(reg)

	counters := &graph.Counters{}
	// Requests that compute are admitted a few at a time, all routes
	// together, each under a deadline.
	heavy := newAdmission(c.MaxInFlight, c.RequestTimeout).wrap
	gql := graph.NewHandler(s, graph.Options{
		Limits:           c.Limits,
		Introspection:    c.Introspection,
		Planner:          plannerModes[c.Planner],
		Logger:           log,
		CacheBytes:       c.CacheBytes,
		QueryCacheBytes:  c.QueryCacheBytes,
		MaxBody:          int64(c.MaxBody),
		Counters:         counters,
		Admit:            heavy,
		HTTPMaxAge:       c.HTTPMaxAge,
		TrustedDocuments: c.trusted,
		Writer:           s,
		At:               func(v uint64) graph.Reader { return s.At(v) },
	})
	reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "cccs_graphql_root_fields_resolved_total", Help: "GraphQL root fields resolved: an operation's work starts with one (refused requests resolve none).",
	}, func() float64 { return float64(counters.RootFields.Load()) }))
	for executor, n := range map[string]*atomic.Int64{"planner": &graph.PlannerTotals.Planned, "gqlgen": &graph.PlannerTotals.Fallbacks} {
		reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "cccs_graphql_queries_total", Help: "GraphQL queries answered, by executor (gqlgen: those the planner does not cover or that met an error).",
			ConstLabels: prometheus.Labels{"executor": executor},
		}, func() float64 { return float64(n.Load()) }))
	}
	reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "cccs_store_reads_total", Help: "Read transactions of the store.",
	}, func() float64 { return float64(s.Reads()) }))
	blockCacheMetrics(reg, s)
	registerReadCache(reg, s)
	tokens := auth.Tokens{Store: s}
	readRole := auth.Anonymous
	if c.RequireReader {
		readRole = auth.Reader
	}
	// reads authenticates the caller (mutations check their role themselves).
	reads := func(h http.Handler) http.Handler { return tokens.Middleware(readRole, errorWriter(log), h) }
	mux := http.NewServeMux()
	mux.Handle("/graphql", reads(gql))
	explorerPage := explorer.Handler("/graphql")
	mux.Handle("GET /{$}", explorerPage)
	mux.Handle("GET "+explorer.AssetPrefix, explorerPage)
	mux.Handle("GET /schema.graphql", graph.SchemaHandler(c.Introspection))
	view := viewer.Handler()
	mux.Handle("GET "+viewer.Path, view)
	mux.Handle("GET "+viewer.Path+"/", view)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if _, err := s.DataVersion(r.Context()); err != nil {
			log.Error("not ready", "error", err)
			edge.Respond(w, edge.Text, http.StatusServiceUnavailable, domain.EINTERNAL, "store unavailable")
			return
		}
		fmt.Fprintln(w, "ready")
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.Handle(export.Route, reads(heavy(export.Handler(s, log))))
	// The maps' routes are on this mux (one match per request); an answer
	// from their cache is written at once, one to make is admitted.
	geo.Handle(mux, s, log, geo.Options{Base: c.PublicURL, MaxAge: c.HTTPMaxAge,
		CacheBytes: c.MapCacheBytes, CacheEntries: c.MapCacheEntries, Admit: heavy}, reads)
	adminRoutes(mux, s, tokens, log)

	origins := c.origins()
	h := cors.New(cors.Options{
		AllowedOrigins:   origins,
		AllowedMethods:   []string{http.MethodGet, http.MethodPost, http.MethodDelete, http.MethodOptions},
		AllowedHeaders:   []string{"Content-Type", "Authorization", "Accept"},
		AllowCredentials: c.CORSCredentials,
		MaxAge:           600,
	}).Handler(mux)
	if len(origins) == 0 {
		h = mux // no origin configured: same-origin only, no CORS headers
	}
	return logRequests(log, m, h)
}

// metrics are the server's Prometheus metrics.
type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	routes   map[string]*routeMetrics // every route routeOf names
}

// routeMetrics are a route's series, looked up once and kept, so that a
// request does not hash its labels.
type routeMetrics struct {
	duration prometheus.Observer
	mu       sync.RWMutex
	requests map[int]prometheus.Counter // by status code
}

// count is the counter of the route's requests answered with code.
func (m *metrics) count(route string, code int) prometheus.Counter {
	rm := m.routes[route]
	rm.mu.RLock()
	c, ok := rm.requests[code]
	rm.mu.RUnlock()
	if !ok {
		c = m.requests.WithLabelValues(route, strconv.Itoa(code))
		rm.mu.Lock()
		rm.requests[code] = c
		rm.mu.Unlock()
	}
	return c
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cccs_http_requests_total", Help: "HTTP requests by route and status code.",
		}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "cccs_http_request_duration_seconds", Help: "HTTP request duration by route.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14),
		}, []string{"route"}),
	}
	reg.MustRegister(m.requests, m.duration)
	m.routes = map[string]*routeMetrics{}
	for _, route := range append(routePrefixes, "/", "other") {
		m.routes[route] = &routeMetrics{duration: m.duration.WithLabelValues(route), requests: map[int]prometheus.Counter{}}
	}
	return m
}

// statusWriter records the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests writes one log line per request, with its duration and GraphQL
// operation name, and records the metrics.
func logRequests(log *slog.Logger, m *metrics, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		route := routeOf(r.URL.Path)
		var info *graph.RequestInfo // what GraphQL tells of the request: its operation
		if route == "/graphql" {
			var ctx context.Context
			ctx, info = graph.WithRequestInfo(r.Context())
			r = r.WithContext(ctx)
		}
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		d := time.Since(start)
		m.count(route, sw.status).Inc()
		m.routes[route].duration.Observe(d.Seconds())
		if !log.Enabled(r.Context(), slog.LevelInfo) {
			return // the line's values are not even boxed
		}
		operation := ""
		if info != nil {
			operation = info.Operation()
		}
		log.Info("request", "method", r.Method, "path", r.URL.Path, "status", sw.status, "bytes", sw.bytes,
			"encoding", sw.Header().Get("Content-Encoding"), "duration_ms", float64(d.Microseconds())/1000, "operation", operation)
	})
}

// routePrefixes are the routes of the metrics, by the start of their paths.
var routePrefixes = []string{"/graphql", "/healthz", "/readyz", "/metrics", "/geo/", "/ogc", "/export/", viewer.Path, "/admin/"}

// routeOf names a path's route for metrics, so labels stay few.
func routeOf(path string) string {
	for _, p := range routePrefixes {
		if strings.HasPrefix(path, p) {
			return p
		}
	}
	if path == "/" {
		return "/"
	}
	return "other"
}
