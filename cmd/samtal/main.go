// Command samtal is the whole of samtal in one binary: the server, the demo,
// migrations and the administrative verbs. Wiring is explicit here: flags and
// environment into one Config, then store → services → jobs → web.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"golang.org/x/term"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/account"
	"github.com/samtal-dev/samtal/advocate"
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/consent"
	"github.com/samtal-dev/samtal/demo"
	"github.com/samtal-dev/samtal/i18n"
	"github.com/samtal-dev/samtal/idea"
	"github.com/samtal-dev/samtal/jobs"
	"github.com/samtal-dev/samtal/listening"
	"github.com/samtal-dev/samtal/listening/classify"
	"github.com/samtal-dev/samtal/listening/fetch"
	"github.com/samtal-dev/samtal/mail"
	"github.com/samtal-dev/samtal/markup"
	"github.com/samtal-dev/samtal/moderation"
	"github.com/samtal-dev/samtal/notify"
	"github.com/samtal-dev/samtal/outbox"
	"github.com/samtal-dev/samtal/person"
	"github.com/samtal-dev/samtal/privacy"
	"github.com/samtal-dev/samtal/search"
	"github.com/samtal-dev/samtal/sqlstore"
	"github.com/samtal-dev/samtal/upload"
	"github.com/samtal-dev/samtal/web"
)

// threadCacheBytes is how much comment text the idea pages keep in memory:
// about 300 threads of 100 comments, the busy ones of a big community.
const threadCacheBytes = 32 << 20

const usage = `samtal — social CRM and co-creation platform

Usage:
  samtal serve   [--addr 127.0.0.1:8080] [--data-dir DIR] [--database-url URL] [--base-url URL]
  samtal demo    [same flags]           seed the demo community once, then serve
  samtal migrate [--database-url URL]   apply migrations and exit
  samtal user add --email E --name N --role member|agent|moderator|analyst|admin
                                        (password from stdin; none prints a one-time sign-in link)
  samtal token add --email E --name LABEL
  samtal backup --to FILE               online copy of an SQLite store
  samtal import mentions --source ID FILE
                                        read a review export (CSV, JSON, JSONL) into an
                                        import source; run again to resume after a stop
  samtal eval [--sentiment-url URL]     accuracy of language and sentiment on the
                                        labelled evaluation set (listening/eval),
                                        of the lexicons or of a plugged-in model

Every flag has an environment equivalent: SAMTAL_ADDR, SAMTAL_DATA_DIR,
SAMTAL_DATABASE_URL, SAMTAL_BASE_URL, SAMTAL_SMTP_URL, SAMTAL_MAIL_FROM,
SAMTAL_COMMUNITY_NAME, SAMTAL_TRUST_PROXY, SAMTAL_LOG_LEVEL,
SAMTAL_ALLOW_PRIVATE_SOURCES (=1: sources may point at loopback and private
networks, for tests and intranets; off by default against request forgery),
SAMTAL_SENTIMENT_URL and SAMTAL_SENTIMENT_LANGS (a sentiment model a team
serves in Hugging Face's text-classification format, and the comma-separated
languages it reads; empty: all). SAMTAL_SENTIMENT_TOKEN, if set, is sent to
the model as a bearer token.
`

// gcPercent is the garbage collector's target unless GOGC says otherwise:
// a request allocates short-lived values only, and the default (100) had
// the collector run so often under load that the idea list served a
// quarter fewer requests with a third longer tail (docs/design.md,
// "Benchmarks"). The heap may grow to five times what is live.
const gcPercent = 400

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "samtal:", err)
		os.Exit(1)
	}
}

// Config is everything samtal is told at start.
type Config struct {
	Addr          string
	DataDir       string
	DatabaseURL   string
	BaseURL       string
	SMTPURL       string
	MailFrom      string
	CommunityName string
	TrustProxy    bool
	LogLevel      string
	// AllowPrivateSources lets listening fetch from loopback, private and
	// link-local addresses (off: server-side request forgery is refused).
	AllowPrivateSources bool
	// SentimentURL is a sentiment model to read mentions with in place of
	// the lexicons, for SentimentLangs (comma-separated; empty: all);
	// SentimentToken is its bearer token, taken from the environment only.
	SentimentURL, SentimentLangs, SentimentToken string
}

// flags binds the common flags, with environment variables as defaults.
func flags(name string, cfg *Config) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	env := func(k, def string) string {
		if v := os.Getenv(k); v != "" {
			return v
		}
		return def
	}
	fs.StringVar(&cfg.Addr, "addr", env("SAMTAL_ADDR", "127.0.0.1:8080"), "address to listen on")
	fs.StringVar(&cfg.DataDir, "data-dir", env("SAMTAL_DATA_DIR", "./samtal-data"), "folder for the SQLite store")
	fs.StringVar(&cfg.DatabaseURL, "database-url", env("SAMTAL_DATABASE_URL", ""), "postgres:// URL; empty: SQLite in the data dir")
	fs.StringVar(&cfg.BaseURL, "base-url", env("SAMTAL_BASE_URL", ""), "public URL of this server (default http://ADDR)")
	fs.StringVar(&cfg.SMTPURL, "smtp-url", env("SAMTAL_SMTP_URL", ""), "smtp://user:pass@host:port; empty: keep mails in the outbox")
	fs.StringVar(&cfg.MailFrom, "mail-from", env("SAMTAL_MAIL_FROM", "samtal <noreply@localhost>"), "sender of mails")
	fs.StringVar(&cfg.CommunityName, "community-name", env("SAMTAL_COMMUNITY_NAME", ""), "name shown in the header")
	fs.BoolVar(&cfg.TrustProxy, "trust-proxy", env("SAMTAL_TRUST_PROXY", "") == "1", "take client addresses from X-Forwarded-For")
	fs.StringVar(&cfg.LogLevel, "log-level", env("SAMTAL_LOG_LEVEL", "info"), "debug, info, warn or error")
	fs.BoolVar(&cfg.AllowPrivateSources, "allow-private-sources", env("SAMTAL_ALLOW_PRIVATE_SOURCES", "") == "1",
		"let sources point at loopback and private networks (tests, intranets)")
	fs.StringVar(&cfg.SentimentURL, "sentiment-url", env("SAMTAL_SENTIMENT_URL", ""),
		"a text-classification model that reads the sentiment of mentions; empty: the lexicons")
	fs.StringVar(&cfg.SentimentLangs, "sentiment-langs", env("SAMTAL_SENTIMENT_LANGS", ""),
		"languages the sentiment model reads, e.g. da,de; empty: all")
	cfg.SentimentToken = os.Getenv("SAMTAL_SENTIMENT_TOKEN")
	return fs
}

// redacted is a URL without its password, for logs.
func redacted(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Redacted()
}

// sentimentModel is the sentiment model the config names, or nil (a nil
// interface, never a nil *classify.Client inside one).
func (c Config) sentimentModel() (listening.SentimentModel, error) {
	if c.SentimentURL == "" {
		return nil, nil
	}
	u, err := url.Parse(c.SentimentURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("--sentiment-url %q is not an http(s) URL", c.SentimentURL)
	}
	var langs []string
	for l := range strings.SplitSeq(c.SentimentLangs, ",") {
		if l = strings.ToLower(strings.TrimSpace(l)); l != "" {
			langs = append(langs, l)
		}
	}
	return &classify.Client{URL: c.SentimentURL, Token: c.SentimentToken, Langs: langs}, nil
}

// storeURL is the database URL, or the SQLite file in the data dir.
func (c Config) storeURL() (string, error) {
	if c.DatabaseURL != "" {
		return c.DatabaseURL, nil
	}
	if err := os.MkdirAll(c.DataDir, 0o750); err != nil {
		return "", fmt.Errorf("data dir: %w", err)
	}
	return filepath.Join(c.DataDir, "samtal.db"), nil
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stdout, usage)
		return nil
	}
	verb, rest := args[0], args[1:]
	if (verb == "user" || verb == "token") && len(rest) > 0 && rest[0] == "add" {
		verb, rest = verb+" add", rest[1:]
	}
	if verb == "import" && len(rest) > 0 && rest[0] == "mentions" {
		verb, rest = "import mentions", rest[1:]
	}
	var cfg Config
	fs := flags(verb, &cfg)
	fs.SetOutput(stderr)
	if verb == "eval" {
		if err := fs.Parse(rest); err != nil {
			return err
		}
		model, err := cfg.sentimentModel()
		if err != nil {
			return err
		}
		return runEval(ctx, stdout, model)
	}
	var email, name, role, to string
	var sourceID int64
	switch verb {
	case "import mentions":
		fs.Int64Var(&sourceID, "source", 0, "id of the import source")
	case "user add":
		fs.StringVar(&email, "email", "", "email address")
		fs.StringVar(&name, "name", "", "name")
		fs.StringVar(&role, "role", "member", "member, agent, moderator, analyst or admin")
	case "token add":
		fs.StringVar(&email, "email", "", "email of the account")
		fs.StringVar(&name, "name", "", "label of the token")
	case "backup":
		fs.StringVar(&to, "to", "", "file to write")
	case "serve", "demo", "migrate":
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", strings.Join(args[:min(2, len(args))], " "))
	}
	if err := fs.Parse(rest); err != nil {
		return err
	}
	log := newLogger(stderr, cfg.LogLevel)

	app, err := open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer app.close()
	cli := samtal.WithActor(ctx, samtal.Actor{Role: samtal.RoleAdmin, Via: "cli"})

	switch verb {
	case "migrate":
		fmt.Fprintf(stdout, "migrations are current (%s)\n", app.db.Engine)
		return nil
	case "backup":
		if to == "" {
			return errors.New("backup: --to FILE is required")
		}
		if err := app.db.Backup(ctx, to); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "backup written to %s\n", to)
		return nil
	case "user add":
		password, err := readPassword(stdin, stderr)
		if err != nil {
			return err
		}
		acc, link, err := app.accounts.AddUser(cli, account.AddUserInput{Email: email, Name: name, Role: samtal.Role(role), Password: password})
		if err != nil {
			return describe(app.catalog, err)
		}
		fmt.Fprintf(stdout, "added %s <%s> as %s\n", acc.Name, acc.Email, acc.Role)
		if link != "" {
			fmt.Fprintf(stdout, "one-time sign-in link (valid %s): %s\n", account.SignInLinkLifetime, link)
		}
		return nil
	case "import mentions":
		return importMentions(cli, app, sourceID, fs.Args(), stdout)
	case "token add":
		tok, err := app.accounts.CreateTokenFor(cli, email, name)
		if err != nil {
			return describe(app.catalog, err)
		}
		fmt.Fprintln(stdout, tok.Secret)
		return nil
	case "demo":
		// The demo's notifications fan out while it is seeded, so that they
		// wait for the first member who signs in.
		queue := app.notify.Queue
		app.notify.Queue = nil
		signins, err := demo.Seed(ctx, demo.Deps{
			Accounts: app.accounts, Campaigns: app.campaigns, Ideas: app.ideas, Persons: sqlstore.NewPersons(app.db), Uploads: app.uploads,
			Setting: app.db.Setting, SetSetting: app.db.SetSetting,
			Moderation: app.moderation, People: app.people, Resolver: app.resolver,
			Consents: app.consents, Advocates: app.advocates,
			Privacy: app.server.Privacy, Listening: app.listening,
		})
		app.notify.Queue = queue
		if err != nil {
			return fmt.Errorf("demo seed: %w", err)
		}
		if cfg.CommunityName == "" {
			app.server.CommunityName = demo.CommunityName
		}
		fmt.Fprintf(stdout, "\nThe demo community is at %s\nSign in as any of these (password %q):\n", app.baseURL, demo.Password)
		for _, s := range signins {
			fmt.Fprintf(stdout, "  %-10s %-28s %s\n", s.Role, s.Email, s.Name)
		}
		fmt.Fprintln(stdout)
	}
	return app.serve(ctx)
}

// describe turns a domain error into a message for the command line.
func describe(c *i18n.Catalog, err error) error {
	var e *samtal.Error
	if errors.As(err, &e) {
		if e.Field != "" {
			return fmt.Errorf("%s: %s", e.Field, c.T("en", e.Message, e.Data))
		}
		return errors.New(c.T("en", e.Message, e.Data))
	}
	return err
}

// readPassword reads one line from stdin; an empty line means no password.
// On a terminal it asks, without echoing what is typed.
func readPassword(r io.Reader, prompt io.Writer) (string, error) {
	if f, ok := r.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(prompt, "password (empty for a one-time sign-in link): ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(prompt)
		return string(b), err
	}
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}

// app is the wired program.
type app struct {
	cfg       Config
	log       *slog.Logger
	db        *sqlstore.DB
	catalog   *i18n.Catalog
	accounts  *account.Service
	campaigns *campaign.Service
	uploads   *upload.Service
	ideas     *idea.Service
	outbox    *outbox.Service
	notify    *notify.Service
	queue     jobs.Queue
	server    *web.Server
	baseURL   string

	// moderation takes reports and runs the moderators' queue.
	moderation *moderation.Service
	// consents keeps consent per purpose and the texts people saw.
	consents *consent.Service
	// people holds persons, their identities, merges and timelines;
	// resolver attaches arriving identities to them.
	people   *person.Service
	resolver *person.Resolver
	// advocates scores engagement, keeps the advocate group and sends
	// briefings.
	advocates *advocate.Service
	// listening hears sources, matches topics and keeps the mention inbox.
	listening *listening.Service
}

// open opens and migrates the store and wires the services.
func open(ctx context.Context, cfg Config, log *slog.Logger) (*app, error) {
	url, err := cfg.storeURL()
	if err != nil {
		return nil, err
	}
	db, err := sqlstore.Open(ctx, url)
	if err != nil {
		return nil, err
	}
	a := &app{cfg: cfg, log: log, db: db}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := jobs.Migrate(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("job queue migrations: %w", err)
	}
	// Accounts made before handles existed get theirs with the migrations.
	if n, err := sqlstore.NewAccounts(db).BackfillHandles(ctx); err != nil {
		db.Close()
		return nil, err
	} else if n > 0 {
		log.Info("gave accounts their @handles", "accounts", n)
	}
	// Texts written before HTML was stored get theirs once, here, so that
	// no page ever renders Markdown (docs/design.md).
	if n, err := db.BackfillHTML(ctx, markup.Render); err != nil {
		db.Close()
		return nil, fmt.Errorf("render stored texts: %w", err)
	} else if n > 0 {
		log.Info("rendered the HTML of stored texts", "rows", n)
	}
	if a.catalog, err = i18n.Load(); err != nil {
		db.Close()
		return nil, err
	}
	a.baseURL = strings.TrimRight(cfg.BaseURL, "/")
	if a.baseURL == "" {
		a.baseURL = "http://" + cfg.Addr
	}

	var sender mail.Sender
	if cfg.SMTPURL != "" {
		smtp, err := mail.NewSMTP(mail.SMTPConfig{URL: cfg.SMTPURL, From: cfg.MailFrom})
		if err != nil {
			db.Close()
			return nil, err
		}
		sender = smtp
	}
	accounts := sqlstore.NewAccounts(db)
	a.outbox = &outbox.Service{Store: sqlstore.NewOutbox(db), Sender: sender, Audit: sqlstore.NewAudit(db), Log: log}
	a.accounts = &account.Service{
		Store: accounts, Audit: sqlstore.NewAudit(db), Limiter: sqlstore.NewLimiter(db),
		Mailer: a.outbox, Translator: a.catalog, BaseURL: a.baseURL,
		TokenCacheTTL: account.DefaultTokenCacheTTL,
	}
	a.consents = &consent.Service{Store: sqlstore.NewConsents(db)}
	a.accounts.Consents = a.consents
	// A new community asks for consent from its first day: the texts samtal
	// ships are published where no text is yet (docs/design.md, "Consent").
	if n, err := a.consents.PublishDefaults(ctx, i18n.Languages, func(lang, purpose string) string {
		text, _ := a.catalog.Static(lang, "consent.default."+purpose)
		return text
	}); err != nil {
		db.Close()
		return nil, fmt.Errorf("consent texts: %w", err)
	} else if n > 0 {
		log.Info("published the default consent texts", "texts", n)
	}
	a.campaigns = &campaign.Service{Store: sqlstore.NewCampaigns(db)}
	ideas := sqlstore.NewIdeas(db)
	a.ideas = &idea.Service{Store: ideas, CommentStore: ideas, Campaigns: a.campaigns, Limiter: sqlstore.NewLimiter(db)}
	a.ideas.MergeStore, a.ideas.NoteStore, a.ideas.Progress = ideas, ideas, ideas
	a.ideas.ModerationStore = ideas
	a.ideas.Threads = idea.NewThreadCache(threadCacheBytes)
	a.moderation = &moderation.Service{Store: sqlstore.NewModeration(db), Ideas: a.ideas, Limiter: sqlstore.NewLimiter(db)}
	a.notify = &notify.Service{
		Store: sqlstore.NewNotifications(db), Content: ideas, Ideas: a.ideas, Campaigns: a.campaigns,
		Mailer: a.outbox, Translator: a.catalog, BaseURL: a.baseURL, Log: log,
	}
	a.notify.Consent = a.consents
	a.ideas.Events = a.notify
	a.uploads = &upload.Service{Store: sqlstore.NewUploads(db), Limiter: sqlstore.NewLimiter(db)}
	idempotency := sqlstore.NewIdempotency(db)
	persons := sqlstore.NewPersons(db)
	a.people = &person.Service{Store: persons}
	a.resolver = &person.Resolver{Store: persons, Candidates: persons}
	a.advocates = &advocate.Service{Store: sqlstore.NewAdvocates(db), Consents: a.consents, Mailer: a.outbox,
		Translator: a.catalog, BaseURL: a.baseURL, Log: log}
	a.listening = &listening.Service{Store: sqlstore.NewListening(db), Resolver: a.resolver,
		Readers: listening.NewReaders(fetch.Options{AllowPrivate: cfg.AllowPrivateSources}), Log: log}
	if model, err := cfg.sentimentModel(); err != nil {
		db.Close()
		return nil, err
	} else if model != nil {
		a.listening.SentimentModel = model
		log.Info("mentions' sentiment is read by a model", "url", redacted(cfg.SentimentURL), "langs", cfg.SentimentLangs)
	}
	maintenance := func(ctx context.Context, now time.Time) error {
		// Advocate scores of the persons with news since the last run.
		_, scores := a.advocates.RunScores(ctx)
		return errors.Join(accounts.DeleteExpired(ctx, now), idempotency.DeleteExpired(ctx, now), scores)
	}
	a.queue, err = jobs.New(db, jobs.Config{Outbox: a.outbox, Maintenance: maintenance, Log: log, Notify: a.notify, Listening: a.listening})
	if err != nil {
		db.Close()
		return nil, err
	}
	a.outbox.Jobs = a.queue
	a.notify.Queue = a.queue
	a.listening.Jobs = a.queue
	a.server, err = web.New(web.Config{
		Accounts: a.accounts, Audit: &audit.Service{Store: sqlstore.NewAudit(db)}, Outbox: a.outbox,
		Campaigns: a.campaigns, Ideas: a.ideas, Catalog: a.catalog, Ready: db, Log: log,
		BaseURL: a.baseURL, CommunityName: cfg.CommunityName, TrustProxy: cfg.TrustProxy,
		Idempotency: idempotency,
		Moderation:  a.moderation,
		Notify:      a.notify,
		Uploads:     a.uploads,
		Search:      &search.Service{Store: sqlstore.NewSearch(db), Campaigns: a.campaigns},
		People:      a.people,
		Resolver:    a.resolver,
		Privacy:     &privacy.Service{Store: sqlstore.NewPrivacy(db), Limiter: sqlstore.NewLimiter(db)},
		Consents:    a.consents,
		Advocates:   a.advocates,

		Listening:     a.listening,
		ListeningJobs: a.queue,
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	return a, nil
}

func (a *app) close() { a.db.Close() }

// serve runs the job queue and the HTTP server until ctx ends, then shuts
// both down gracefully.
func (a *app) serve(ctx context.Context) error {
	if err := a.queue.Start(ctx); err != nil {
		return fmt.Errorf("job queue: %w", err)
	}
	ln, err := net.Listen("tcp", a.cfg.Addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           a.server,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}
	where := "SQLite " + a.db.Path
	if a.db.Engine == sqlstore.Postgres {
		where = "PostgreSQL"
	}
	a.log.Info("samtal is serving", "url", a.baseURL, "addr", ln.Addr().String(), "store", where,
		"smtp", a.cfg.SMTPURL != "")
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	err = srv.Shutdown(sctx)
	if qerr := a.queue.Stop(sctx); qerr != nil && err == nil {
		err = qerr
	}
	return err
}
