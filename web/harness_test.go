package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/account"
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/consent"
	"github.com/samtal-dev/samtal/i18n"
	"github.com/samtal-dev/samtal/idea"
	"github.com/samtal-dev/samtal/internal/testdb"
	"github.com/samtal-dev/samtal/listening"
	"github.com/samtal-dev/samtal/moderation"
	"github.com/samtal-dev/samtal/notify"
	"github.com/samtal-dev/samtal/outbox"
	"github.com/samtal-dev/samtal/person"
	"github.com/samtal-dev/samtal/privacy"
	"github.com/samtal-dev/samtal/search"
	"github.com/samtal-dev/samtal/sqlstore"
	"github.com/samtal-dev/samtal/upload"
)

// harness is a real samtal server on a real store, served over loopback.
type harness struct {
	t        testing.TB
	db       *sqlstore.DB
	srv      *Server
	ts       *httptest.Server
	accounts *account.Service
	outbox   *sqlstore.Outbox
	logs     *lockedWriter
	notify   *notify.Service
	consents *consent.Service
}

const testPassword = "correct horse battery"

func newHarness(t testing.TB, engine string) *harness {
	t.Helper()
	db := testdb.Open(t, engine)
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	logs := &lockedWriter{w: &strings.Builder{}}
	log := slog.New(slog.NewTextHandler(logs, nil))
	ob := sqlstore.NewOutbox(db)
	obs := &outbox.Service{Store: ob, Audit: sqlstore.NewAudit(db), Log: log}
	h := &harness{t: t, db: db, outbox: ob, logs: logs}
	h.ts = httptest.NewUnstartedServer(nil)
	base := "http://" + h.ts.Listener.Addr().String()
	h.accounts = &account.Service{
		Store: sqlstore.NewAccounts(db), Audit: sqlstore.NewAudit(db), Limiter: sqlstore.NewLimiter(db),
		Mailer: obs, Translator: cat, BaseURL: base, TokenCacheTTL: account.DefaultTokenCacheTTL,
	}
	campaigns := &campaign.Service{Store: sqlstore.NewCampaigns(db)}
	ideas := sqlstore.NewIdeas(db)
	ideaService := &idea.Service{Store: ideas, CommentStore: ideas, Threads: idea.NewThreadCache(1 << 20), Campaigns: campaigns, Limiter: sqlstore.NewLimiter(db)}
	ideaService.MergeStore, ideaService.NoteStore, ideaService.Progress = ideas, ideas, ideas
	ideaService.ModerationStore = ideas
	// No queue: notifications fan out before the request answers.
	h.notify = &notify.Service{Store: sqlstore.NewNotifications(db), Content: ideas, Ideas: ideaService, Campaigns: campaigns,
		Mailer: obs, Translator: cat, BaseURL: base, Log: log}
	ideaService.Events = h.notify
	// Consent, with the texts samtal ships published as at start.
	h.consents = &consent.Service{Store: sqlstore.NewConsents(db)}
	h.accounts.Consents, h.notify.Consent = h.consents, h.consents
	if _, err := h.consents.PublishDefaults(context.Background(), i18n.Languages, func(lang, purpose string) string {
		text, _ := cat.Static(lang, "consent.default."+purpose)
		return text
	}); err != nil {
		t.Fatal(err)
	}
	persons := sqlstore.NewPersons(db)
	h.srv, err = New(Config{
		Accounts: h.accounts, Audit: &audit.Service{Store: sqlstore.NewAudit(db)}, Outbox: obs,
		Campaigns: campaigns, Ideas: ideaService, Catalog: cat, Ready: db, Log: log,
		BaseURL: base, CommunityName: "Testhus",
		Idempotency: sqlstore.NewIdempotency(db),
		Moderation:  &moderation.Service{Store: sqlstore.NewModeration(db), Ideas: ideaService, Limiter: sqlstore.NewLimiter(db)},
		Notify:      h.notify,
		Uploads:     &upload.Service{Store: sqlstore.NewUploads(db), Limiter: sqlstore.NewLimiter(db)},
		Search:      &search.Service{Store: sqlstore.NewSearch(db), Campaigns: campaigns},
		People:      &person.Service{Store: persons},
		Resolver:    &person.Resolver{Store: persons, Candidates: persons},
		Privacy:     &privacy.Service{Store: sqlstore.NewPrivacy(db), Limiter: sqlstore.NewLimiter(db)},
		Consents:    h.consents,
		Advocates:   newTestAdvocates(db, obs, h.consents, cat, base, log), // advocates_test.go
		// No readers and no queue: tests deliver items with Ingest and run
		// imports with RunImport.
		Listening: &listening.Service{Store: sqlstore.NewListening(db), Resolver: &person.Resolver{Store: persons, Candidates: persons}},
	})
	if err != nil {
		t.Fatal(err)
	}
	h.ts.Config.Handler = h.srv
	h.ts.Start()
	t.Cleanup(h.ts.Close)
	return h
}

// lockedWriter lets the server log from many goroutines into one builder.
type lockedWriter struct {
	mu sync.Mutex
	w  *strings.Builder
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (l *lockedWriter) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.String()
}

// cli is the context of the command line, which may do anything.
func cli() context.Context {
	return samtal.WithActor(context.Background(), samtal.Actor{Role: samtal.RoleAdmin, Via: "cli"})
}

// addUser creates a verified account with the test password.
// germanAndDanishAnalysts signs in two analysts who read samtal in other
// languages than English: Greta chose German in her settings, Dan's
// browser asks for Danish.
func (h *harness) germanAndDanishAnalysts() (greta, dan *client) {
	h.t.Helper()
	if _, _, err := h.accounts.AddUser(cli(), account.AddUserInput{Email: "greta@example.org", Name: "Greta", Role: samtal.RoleAnalyst, Password: testPassword, Locale: "de"}); err != nil {
		h.t.Fatal(err)
	}
	h.addUser("dan@example.org", samtal.RoleAnalyst)
	greta = h.client()
	greta.signIn("greta@example.org")
	dan = h.client()
	dan.lang = "da"
	dan.signIn("dan@example.org")
	return greta, dan
}

func (h *harness) addUser(email string, role samtal.Role) *account.Account {
	h.t.Helper()
	acc, _, err := h.accounts.AddUser(cli(), account.AddUserInput{Email: email, Name: "User " + email, Role: role, Password: testPassword})
	if err != nil {
		h.t.Fatalf("add %s: %v", email, err)
	}
	return acc
}

// token creates an API token for email.
func (h *harness) token(email string) string {
	h.t.Helper()
	tok, err := h.accounts.CreateTokenFor(cli(), email, "test")
	if err != nil {
		h.t.Fatal(err)
	}
	return tok.Secret
}

// client is a browser: it keeps cookies, does not follow redirects, and
// remembers the CSRF token of the last page it saw.
type client struct {
	h    *harness
	http *http.Client
	csrf string
	lang string
}

func (h *harness) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{h: h, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

type response struct {
	*http.Response
	body string
}

func (c *client) do(req *http.Request) *response {
	c.h.t.Helper()
	if c.lang != "" {
		req.Header.Set("Accept-Language", c.lang)
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.h.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if m := csrfInput.FindSubmatch(b); m != nil {
		c.csrf = string(m[1])
	}
	return &response{Response: res, body: string(b)}
}

func (c *client) get(path string) *response {
	c.h.t.Helper()
	req, _ := http.NewRequest("GET", c.h.ts.URL+path, nil)
	return c.do(req)
}

// post sends a form as a browser on this site does, with the CSRF token of
// the last page unless the form has its own.
func (c *client) post(path string, form url.Values) *response {
	c.h.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", c.csrf)
	}
	req, _ := http.NewRequest("POST", c.h.ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", c.h.ts.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.do(req)
}

// signIn signs the client in and fails the test if that does not work.
func (c *client) signIn(email string) {
	c.h.t.Helper()
	c.get("/signin")
	res := c.post("/signin", url.Values{"email": {email}, "password": {testPassword}, "next": {"/"}})
	if res.StatusCode != http.StatusSeeOther {
		c.h.t.Fatalf("sign in %s: status %d: %s", email, res.StatusCode, res.body)
	}
	c.get("/settings") // pick up the session's CSRF token
}

// api calls the JSON API with a bearer token ("" for none).
func (h *harness) api(method, path, token string) *response {
	h.t.Helper()
	req, _ := http.NewRequest(method, h.ts.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	c := h.client()
	return c.do(req)
}

// lastMailTo returns the newest outbox mail to addr.
func (h *harness) lastMailTo(addr string) *outbox.Mail {
	h.t.Helper()
	list, err := h.outbox.ListMail(context.Background(), outbox.Filter{To: addr, Limit: 1})
	if err != nil || len(list) == 0 {
		h.t.Fatalf("no mail to %s (err %v)", addr, err)
	}
	return list[0]
}

var linkRE = regexp.MustCompile(`https?://[^\s]+`)

// linkIn returns the path of the first link in a mail.
func linkIn(t *testing.T, m *outbox.Mail) string {
	t.Helper()
	l := linkRE.FindString(m.Text)
	if l == "" {
		t.Fatalf("no link in mail %q", m.Text)
	}
	u, _ := url.Parse(l)
	return u.Path
}
