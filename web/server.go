// Package web turns HTTP into calls on the domain services and their results
// into pages or JSON. It holds no rules of its own: every route names the
// permission it needs in one table (routes.go), the services check again,
// and errors map to statuses in one place (errors.go).
package web

import (
	"context"
	"embed"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/samtal-dev/samtal/account"
	"github.com/samtal-dev/samtal/advocate"
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/consent"
	"github.com/samtal-dev/samtal/i18n"
	"github.com/samtal-dev/samtal/idea"
	"github.com/samtal-dev/samtal/listening"
	"github.com/samtal-dev/samtal/moderation"
	"github.com/samtal-dev/samtal/notify"
	"github.com/samtal-dev/samtal/outbox"
	"github.com/samtal-dev/samtal/person"
	"github.com/samtal-dev/samtal/privacy"
	"github.com/samtal-dev/samtal/search"
	"github.com/samtal-dev/samtal/upload"
)

//go:embed templates static
var assets embed.FS

// Readiness reports which engine serves the store and whether it is migrated.
type Readiness interface {
	EngineName() string
	Ready(ctx context.Context) (migrated bool, err error)
}

// Config is what the server needs from main.
type Config struct {
	Accounts  *account.Service
	Audit     *audit.Service
	Outbox    *outbox.Service
	Campaigns *campaign.Service
	Ideas     *idea.Service
	Uploads   *upload.Service
	Catalog   *i18n.Catalog
	Ready     Readiness
	Log       *slog.Logger
	// Idempotency keeps answers for retried API POSTs (Idempotency-Key).
	Idempotency IdempotencyStore
	// BaseURL is where people reach samtal; an https URL turns on Secure
	// cookies and HSTS.
	BaseURL string
	// CommunityName is shown in the header and the title.
	CommunityName string
	// TrustProxy takes the client address from X-Forwarded-For (behind a
	// reverse proxy that sets it).
	TrustProxy bool

	// Moderation takes reports and runs the moderators' queue.
	Moderation *moderation.Service
	// Notify keeps follows and notifications.
	Notify *notify.Service
	// Search finds ideas and comments.
	Search *search.Service

	// People holds persons: profiles, notes, tags, merges, suggestions and
	// the timeline. Resolver creates the persons staff add (Candidates: the
	// same store).
	People   *person.Service
	Resolver *person.Resolver

	// Privacy gives people their archive and erases them.
	Privacy *privacy.Service

	// Consents keeps consent per purpose and the texts people saw.
	Consents *consent.Service

	// Advocates scores engagement, keeps the advocate group and sends
	// briefings.
	Advocates *advocate.Service

	// Listening keeps sources, topics and mentions; ListeningJobs runs
	// uploaded imports in the background (nil: the API answers with the
	// import waiting).
	Listening     *listening.Service
	ListeningJobs listening.Jobs
}

// Server serves samtal's pages and API.
type Server struct {
	Config
	secure    bool
	pages     map[string]*pageTemplate
	static    http.Handler
	registry  *prometheus.Registry
	requests  *prometheus.CounterVec
	durations *prometheus.HistogramVec
	panics    prometheus.Counter
	handler   http.Handler
	probe     *http.ServeMux
	allow     map[string][]string // path pattern → methods
}

// New returns a server ready to serve.
func New(cfg Config) (*Server, error) {
	s := &Server{Config: cfg, secure: strings.HasPrefix(cfg.BaseURL, "https://")}
	if s.CommunityName == "" {
		s.CommunityName = "samtal"
	}
	var err error
	if s.pages, err = parseTemplates(s.Catalog); err != nil {
		return nil, err
	}
	staticFS, _ := fs.Sub(assets, "static")
	s.static = http.StripPrefix("/static/", http.FileServerFS(noDirs{staticFS}))

	// A registry of our own, not the global default, so that two servers in
	// one process (tests) do not collide.
	s.registry = prometheus.NewRegistry()
	s.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "samtal_http_requests_total", Help: "HTTP requests by route and status code.",
	}, []string{"route", "code"})
	s.durations = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "samtal_http_request_duration_seconds", Help: "HTTP request duration by route.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
	}, []string{"route"})
	s.panics = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "samtal_http_panics_total", Help: "Handler panics recovered.",
	})
	s.registry.MustRegister(s.requests, s.durations, s.panics)

	mux := http.NewServeMux()
	// probe knows every path without its method, so that a wrong method gets
	// 405 in our own error shape rather than the catch-all's 404.
	s.probe = http.NewServeMux()
	s.allow = map[string][]string{}
	for _, rt := range s.routes() {
		mux.Handle(rt.Method+" "+rt.Path, s.wrap(rt))
		if _, ok := s.allow[rt.Path]; !ok {
			s.probe.Handle(rt.Path, http.NotFoundHandler())
		}
		s.allow[rt.Path] = append(s.allow[rt.Path], rt.Method)
	}
	mux.Handle("GET /static/", s.static)
	// Unknown paths go through the middleware too, so that the 404 page knows
	// who is signed in and its forms work.
	mux.Handle("/", s.wrap(route{Method: "*", Path: "/", Kind: pageRoute, Handler: s.notFound}))

	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(s.crossOriginDenied))
	s.handler = s.recoverPanics(s.securityHeaders(cop.Handler(mux)))
	return s, nil
}

// noDirs hides directories, so that /static/ lists nothing.
type noDirs struct{ fs.FS }

func (n noDirs) Open(name string) (fs.File, error) {
	f, err := n.FS.Open(name)
	if err != nil {
		return nil, err
	}
	if st, err := f.Stat(); err != nil || st.IsDir() {
		f.Close()
		return nil, fs.ErrNotExist
	}
	return f, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }
