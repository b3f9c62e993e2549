package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/account"
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/internal/testdb"
	"github.com/samtal-dev/samtal/sqlstore"
)

// TestRoleWalk calls every route of the table as a visitor and as every
// role, and checks that exactly the roles the table allows get through.
func TestRoleWalk(t *testing.T) {
	h := newHarness(t, "sqlite")
	clients := map[string]*client{"visitor": h.client()}
	tokens := map[string]string{}
	for _, r := range samtal.Roles {
		email := string(r) + "@example.org"
		h.addUser(email, r)
		c := h.client()
		c.signIn(email)
		clients[string(r)] = c
		tokens[string(r)] = h.token(email)
	}
	fill := strings.NewReplacer("{slug}", "no-such-campaign", "{token}", "no-such-token", "{id}", "999999", "{$}", "", "{qid}", "999999", "{key}", "no-such-key")
	for _, rt := range h.srv.Routes() {
		for who, c := range clients {
			t.Run(rt.Method+" "+rt.Path+" as "+who, func(t *testing.T) {
				path := fill.Replace(rt.Path)
				if rt.Path == "/signout" && who != "visitor" {
					// Signing out would turn the shared client into a visitor.
					c = h.client()
					c.signIn(who + "@example.org")
				}
				var res *response
				switch {
				case rt.Kind == apiRoute:
					res = h.api(rt.Method, path, tokens[who])
				case rt.Method == "GET":
					res = c.get(path)
				default:
					c.get("/") // a fresh CSRF token
					res = c.post(path, url.Values{})
				}
				allowed := rt.Perm == "" || (who != "visitor" && samtal.Can(samtal.Role(who), rt.Perm))
				code := res.StatusCode
				// A refusal by the permission layer says so; a wrong password
				// on /signin is a 401 of another kind.
				refused := code == 403 || (code == 401 && strings.Contains(res.body, "Please sign in first"))
				switch {
				case allowed && (refused || code >= 500):
					t.Errorf("allowed, but got %d: %.200s", code, res.body)
				case !allowed && who == "visitor" && rt.Kind == pageRoute && rt.Method == "GET":
					if code != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/signin?next=") {
						t.Errorf("visitor: got %d %q, want a redirect to sign in", code, res.Header.Get("Location"))
					}
				case !allowed && who == "visitor" && code != http.StatusUnauthorized:
					t.Errorf("visitor: got %d, want 401", code)
				case !allowed && who != "visitor" && code != http.StatusForbidden:
					t.Errorf("%s: got %d, want 403", who, code)
				}
			})
		}
	}
}

func TestOpsAndAPI(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			h := newHarness(t, engine)
			h.addUser("ada@example.org", samtal.RoleMember)
			tok := h.token("ada@example.org")

			tests := []struct {
				name, method, path, token string
				status                    int
				contains                  []string
			}{
				{"healthz", "GET", "/healthz", "", 200, []string{"ok"}},
				{"readyz", "GET", "/readyz", "", 200, []string{`"database":"` + engine + `"`, `"migrations":"current"`}},
				{"me without token", "GET", "/api/v1/me", "", 401, []string{`"code":"unauthorized"`, `"field":""`}},
				{"me with unknown token", "GET", "/api/v1/me", "smt_nope", 401, []string{`"code":"unauthorized"`}},
				{"me", "GET", "/api/v1/me", tok, 200, []string{`"email":"ada@example.org"`, `"role":"member"`, `"person_id":"`, `"name":"User ada@example.org"`}},
				{"unknown api path", "GET", "/api/v1/nothing", tok, 404, []string{`"code":"not_found"`}},
				{"wrong method", "DELETE", "/api/v1/me", tok, 405, nil},
				{"openapi", "GET", "/api/v1/openapi.json", "", 200, []string{`"openapi": "3.0.3"`}},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					res := h.api(tt.method, tt.path, tt.token)
					if res.StatusCode != tt.status {
						t.Errorf("status = %d, want %d: %s", res.StatusCode, tt.status, res.body)
					}
					for _, want := range tt.contains {
						if !strings.Contains(res.body, want) {
							t.Errorf("body lacks %s: %s", want, res.body)
						}
					}
				})
			}
			// The metrics saw those requests.
			res := h.api("GET", "/metrics", "")
			if !strings.Contains(res.body, `samtal_http_requests_total{code="200",route="GET /api/v1/me"} 1`) {
				t.Errorf("metrics lack the /me request:\n%.2000s", res.body)
			}
		})
	}
}

func TestAPIErrorShape(t *testing.T) {
	h := newHarness(t, "sqlite")
	res := h.api("GET", "/api/v1/me", "")
	var body struct {
		Error struct {
			Code    *string `json:"code"`
			Message *string `json:"message"`
			Field   *string `json:"field"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(res.body), &body); err != nil {
		t.Fatal(err)
	}
	if body.Error.Code == nil || body.Error.Message == nil || body.Error.Field == nil || *body.Error.Message == "" {
		t.Errorf("error shape: %s", res.body)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q", ct)
	}
}

// TestOpenAPIMatchesRoutes keeps the OpenAPI document true to the route
// table: every API route is documented and every documented path exists.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	h := newHarness(t, "sqlite")
	var doc struct {
		OpenAPI string                            `json:"openapi"`
		Paths   map[string]map[string]interface{} `json:"paths"`
	}
	if err := json.Unmarshal([]byte(h.api("GET", "/api/v1/openapi.json", "").body), &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Errorf("openapi = %q", doc.OpenAPI)
	}
	documented := map[string]bool{}
	for p, ops := range doc.Paths {
		for m := range ops {
			documented[strings.ToUpper(m)+" "+p] = true
		}
	}
	routed := map[string]bool{}
	for _, rt := range h.srv.Routes() {
		if rt.Kind != apiRoute {
			continue
		}
		key := rt.Method + " " + strings.TrimPrefix(rt.Path, "/api/v1")
		routed[key] = true
		if !documented[key] {
			t.Errorf("route %s is not in the OpenAPI document", key)
		}
	}
	for key := range documented {
		if !routed[key] {
			t.Errorf("the OpenAPI document has %s, which no route serves", key)
		}
	}
}

func TestSecurityHeadersAndNoForeignAssets(t *testing.T) {
	h := newHarness(t, "sqlite")
	c := h.client()
	foreign := regexp.MustCompile(`(?i)(src|href|action)="(https?:)?//`)
	for _, p := range []string{"/", "/signin", "/signup", "/reset", "/static/style.css", "/nope"} {
		res := c.get(p)
		csp := res.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("%s: CSP = %q", p, csp)
		}
		for k, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin"} {
			if got := res.Header.Get(k); got != want {
				t.Errorf("%s: %s = %q, want %q", p, k, got, want)
			}
		}
		if m := foreign.FindString(res.body); m != "" {
			t.Errorf("%s loads from another host: %s", p, m)
		}
		if strings.Contains(res.body, "<script>") || strings.Contains(res.body, " onclick=") {
			t.Errorf("%s has inline script", p)
		}
	}
}

func TestSignUpVerifySignIn(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			h := newHarness(t, engine)
			c := h.client()
			c.get("/signup")
			res := c.post("/signup", url.Values{"email": {"Nora@Example.org"}, "name": {"Nora Berg"}, "password": {testPassword}})
			if res.StatusCode != 200 || !strings.Contains(res.body, "Check your inbox") {
				t.Fatalf("sign-up: %d %.300s", res.StatusCode, res.body)
			}
			// Before verification, the right password does not sign in.
			c.get("/signin")
			res = c.post("/signin", url.Values{"email": {"nora@example.org"}, "password": {testPassword}})
			if res.StatusCode != http.StatusForbidden || !strings.Contains(res.body, "confirm your email") {
				t.Errorf("unverified sign-in: %d %.300s", res.StatusCode, res.body)
			}
			link := linkIn(t, h.lastMailTo("nora@example.org"))
			// Following the link (as a mail scanner would) does not use it up.
			if res := c.get(link); res.StatusCode != 200 || !strings.Contains(res.body, "Confirm my email") {
				t.Fatalf("GET %s: %d", link, res.StatusCode)
			}
			res = c.post(link, nil)
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("POST %s: %d %.300s", link, res.StatusCode, res.body)
			}
			if res := c.get("/settings"); res.StatusCode != 200 || !strings.Contains(res.body, "nora@example.org") {
				t.Errorf("settings after verifying: %d", res.StatusCode)
			}
			// The link works once.
			again := h.client()
			again.get(link)
			if res := again.post(link, nil); res.StatusCode != http.StatusNotFound {
				t.Errorf("the link used a second time: %d, want 404", res.StatusCode)
			}
			// Signing out ends the session in the database: the old cookie is dead.
			cookie := sessionOf(t, c)
			c.post("/signout", nil)
			replay := h.client()
			replay.http.Jar.SetCookies(mustURL(h.ts.URL), []*http.Cookie{cookie})
			if res := replay.get("/settings"); res.StatusCode != http.StatusSeeOther {
				t.Errorf("old session after sign-out: %d", res.StatusCode)
			}
			// And a normal sign-in works, with a new session id.
			c.signIn("nora@example.org")
			if got := sessionOf(t, c); got.Value == cookie.Value {
				t.Error("session id not rotated at sign-in")
			}
		})
	}
}

func sessionOf(t *testing.T, c *client) *http.Cookie {
	t.Helper()
	for _, k := range c.http.Jar.Cookies(mustURL(c.h.ts.URL)) {
		if k.Name == sessionCookie {
			return k
		}
	}
	t.Fatal("no session cookie")
	return nil
}

func mustURL(s string) *url.URL {
	u, _ := url.Parse(s)
	return u
}

func TestSessionCookieFlags(t *testing.T) {
	h := newHarness(t, "sqlite")
	h.addUser("flag@example.org", samtal.RoleMember)
	c := h.client()
	c.get("/signin")
	res := c.post("/signin", url.Values{"email": {"flag@example.org"}, "password": {testPassword}})
	var found bool
	for _, ck := range res.Cookies() {
		if ck.Name == sessionCookie {
			found = true
			if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure {
				t.Errorf("cookie flags: %+v", ck)
			}
		}
	}
	if !found {
		t.Fatal("no session cookie set")
	}
	// Behind https, cookies are Secure and HSTS is on.
	// Behind https, every cookie is Secure and HSTS is on.
	h.srv.secure = true
	fresh := h.client()
	res = fresh.get("/signin")
	if res.Header.Get("Strict-Transport-Security") == "" {
		t.Error("no HSTS behind https")
	}
	res2 := fresh.post("/signin", url.Values{"email": {"flag@example.org"}, "password": {testPassword}})
	cookies := append(res.Cookies(), res2.Cookies()...)
	names := map[string]bool{}
	for _, ck := range cookies {
		names[ck.Name] = true
		if !ck.Secure {
			t.Errorf("cookie %s not Secure behind https", ck.Name)
		}
	}
	if !names[csrfCookie] || !names[sessionCookie] {
		t.Errorf("cookies set behind https: %v, want the CSRF and the session cookie", names)
	}
}

func TestSignUpRefusals(t *testing.T) {
	h := newHarness(t, "sqlite")
	h.addUser("taken@example.org", samtal.RoleMember)
	tests := []struct {
		name   string
		form   url.Values
		lang   string
		status int
		want   string
	}{
		{"bad email", url.Values{"email": {"not-an-email"}, "name": {"X"}, "password": {testPassword}}, "", 422, "Please give one email address"},
		{"short password", url.Values{"email": {"a@example.org"}, "name": {"X"}, "password": {"short"}}, "", 422, "at least 10 characters"},
		{"no name", url.Values{"email": {"b@example.org"}, "name": {"  "}, "password": {testPassword}}, "", 422, "Please give a name"},
		{"German message", url.Values{"email": {"nope"}, "name": {"X"}, "password": {testPassword}}, "de-DE,de;q=0.9", 422, `lang="de"`},
		// A taken email answers like a new one: sign-up does not reveal members.
		{"taken email", url.Values{"email": {"taken@example.org"}, "name": {"X"}, "password": {testPassword}}, "", 200, "Check your inbox"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := h.client()
			c.lang = tt.lang
			c.get("/signup")
			res := c.post("/signup", tt.form)
			if res.StatusCode != tt.status || !strings.Contains(res.body, tt.want) {
				t.Errorf("got %d, want %d with %q: %.400s", res.StatusCode, tt.status, tt.want, res.body)
			}
		})
	}
	list, _ := h.accounts.ListAccounts(cli(), account.Filter{})
	if len(list) != 1 {
		t.Errorf("refused sign-ups created accounts: %d accounts", len(list))
	}
	if m := h.lastMailTo("taken@example.org"); !strings.Contains(m.Subject, "already have an account") {
		t.Errorf("the owner of the taken email was not told: %q", m.Subject)
	}
}

func TestResetDoesNotRevealAccounts(t *testing.T) {
	h := newHarness(t, "sqlite")
	h.addUser("known@example.org", samtal.RoleMember)
	c := h.client()
	c.get("/reset")
	known := c.post("/reset", url.Values{"email": {"known@example.org"}})
	c.get("/reset")
	unknown := c.post("/reset", url.Values{"email": {"unknown@example.org"}})
	if known.StatusCode != unknown.StatusCode || strip(known.body) != strip(unknown.body) {
		t.Errorf("answers differ: %d vs %d", known.StatusCode, unknown.StatusCode)
	}
	// The reset link works once and ends every other session.
	other := h.client()
	other.signIn("known@example.org")
	link := linkIn(t, h.lastMailTo("known@example.org"))
	c.get(link)
	if res := c.post(link, url.Values{"password": {"short"}}); res.StatusCode != 422 {
		t.Errorf("weak password: %d", res.StatusCode)
	}
	if res := c.post(link, url.Values{"password": {"a brand new passphrase"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reset: %d %.300s", res.StatusCode, res.body)
	}
	if res := other.get("/settings"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("another session survived the reset: %d", res.StatusCode)
	}
	again := h.client()
	again.get(link)
	if res := again.post(link, url.Values{"password": {"yet another passphrase"}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("reset link used a second time: %d, want 404", res.StatusCode)
	}
}

// strip removes the per-request tokens so two pages can be compared.
func strip(s string) string {
	return csrfInput.ReplaceAllString(s, "")
}

func TestRateLimits(t *testing.T) {
	h := newHarness(t, "sqlite")
	h.addUser("target@example.org", samtal.RoleMember)
	c := h.client()
	c.get("/signin")
	var res *response
	for i := 0; i < 11; i++ {
		res = c.post("/signin", url.Values{"email": {"target@example.org"}, "password": {fmt.Sprint("wrong", i)}})
	}
	if res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("11th attempt: %d", res.StatusCode)
	}
	if ra, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || ra <= 0 || ra > 900 {
		t.Errorf("Retry-After = %q", res.Header.Get("Retry-After"))
	}
	// Even the right password is refused until the window passes.
	if res := c.post("/signin", url.Values{"email": {"target@example.org"}, "password": {testPassword}}); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("right password while limited: %d", res.StatusCode)
	}
	// Resets are limited per address too.
	for i := 0; i < 3; i++ {
		c.post("/reset", url.Values{"email": {"target@example.org"}})
	}
	if res := c.post("/reset", url.Values{"email": {"target@example.org"}}); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("4th reset: %d", res.StatusCode)
	}
}

func TestCSRF(t *testing.T) {
	h := newHarness(t, "sqlite")
	h.addUser("victim@example.org", samtal.RoleMember)
	c := h.client()
	c.signIn("victim@example.org")

	// No token.
	if res := c.post("/settings/profile", url.Values{"csrf": {""}, "name": {"Hacked"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("no token: %d", res.StatusCode)
	}
	// A visitor's token is not the session's.
	if res := c.post("/settings/profile", url.Values{"csrf": {strings.Repeat("a", 32)}, "name": {"Hacked"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("wrong token: %d", res.StatusCode)
	}
	// Another site's form, even with the right token, is refused by origin.
	req, _ := http.NewRequest("POST", h.ts.URL+"/settings/profile", strings.NewReader(url.Values{"csrf": {c.csrf}, "name": {"Hacked"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if res := c.do(req); res.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site: %d", res.StatusCode)
	}
	acc, _, _ := sqlstoreAccount(h, "victim@example.org")
	if acc.Name == "Hacked" {
		t.Error("a refused request changed the name")
	}
	// With the right token from this site it works.
	c.get("/settings")
	if res := c.post("/settings/profile", url.Values{"name": {"Vic Tim"}, "locale": {"da"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("good request: %d %.300s", res.StatusCode, res.body)
	}
	if acc, _, _ := sqlstoreAccount(h, "victim@example.org"); acc.Name != "Vic Tim" || acc.Locale != "da" {
		t.Errorf("after good request: %+v", acc)
	}
}

func sqlstoreAccount(h *harness, email string) (*account.Account, string, error) {
	return h.accounts.Store.AccountByEmail(context.Background(), email)
}

func TestBodyLimit(t *testing.T) {
	h := newHarness(t, "sqlite")
	c := h.client()
	c.get("/signin")
	big := url.Values{"email": {strings.Repeat("a", maxBody+10)}, "password": {"x"}}
	if res := c.post("/signin", big); res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("big body: %d", res.StatusCode)
	}
	if res := c.get("/healthz"); res.StatusCode != 200 {
		t.Errorf("server after big body: %d", res.StatusCode)
	}
}

func TestPanicBecomes500AndServerKeepsServing(t *testing.T) {
	h := newHarness(t, "sqlite")
	boom := h.srv.recoverPanics(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("kaboom: secret internals")
	}))
	rec := httptest.NewRecorder()
	boom.ServeHTTP(rec, httptest.NewRequest("GET", "/boom", nil))
	id := rec.Header().Get("X-Request-Id")
	if rec.Code != 500 || id == "" || !strings.Contains(rec.Body.String(), id) || strings.Contains(rec.Body.String(), "kaboom") {
		t.Errorf("panic answer: %d id=%q %.300s", rec.Code, id, rec.Body.String())
	}
	logs := h.logs.String()
	if !strings.Contains(logs, "kaboom") || !strings.Contains(logs, "goroutine") || !strings.Contains(logs, id) {
		t.Errorf("panic not logged with stack and request id: %.500s", logs)
	}
	if res := h.client().get("/healthz"); res.StatusCode != 200 {
		t.Errorf("after panic: %d", res.StatusCode)
	}
}

func TestDatabaseErrorsDoNotLeak(t *testing.T) {
	h := newHarness(t, "sqlite")
	h.addUser("m@example.org", samtal.RoleMember)
	tok := h.token("m@example.org")
	c := h.client()
	c.signIn("m@example.org")
	h.db.Close()
	res := c.get("/settings")
	if res.StatusCode != 500 || strings.Contains(strings.ToLower(res.body), "sql") || strings.Contains(res.body, "database is closed") {
		t.Errorf("page: %d %.500s", res.StatusCode, res.body)
	}
	res = h.api("GET", "/api/v1/me", tok)
	if res.StatusCode != 500 || strings.Contains(strings.ToLower(res.body), "sql") || !strings.Contains(res.body, "request_id") {
		t.Errorf("api: %d %s", res.StatusCode, res.body)
	}
	if res := h.api("GET", "/readyz", ""); res.StatusCode != 503 {
		t.Errorf("readyz with the store down: %d", res.StatusCode)
	}
}

func TestAdminChangesRoleAudited(t *testing.T) {
	h := newHarness(t, "sqlite")
	admin := h.addUser("boss@example.org", samtal.RoleAdmin)
	m := h.addUser("mia@example.org", samtal.RoleMember)
	c := h.client()
	c.signIn("boss@example.org")
	c.get("/admin/accounts")
	res := c.post(fmt.Sprintf("/admin/accounts/%d/role", m.ID), url.Values{"role": {"moderator"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("role change: %d %.300s", res.StatusCode, res.body)
	}
	res = c.get("/admin/audit?action=account.role_change")
	if !strings.Contains(res.body, "boss@example.org") || !strings.Contains(res.body, `{&#34;role&#34;:&#34;moderator&#34;}`) {
		t.Errorf("audit page lacks the change: %.2000s", res.body)
	}
	// Bad filters are refused with the field, not ignored.
	for _, q := range []string{"since=yesterday", "until=2026-13-01", "actor=bob"} {
		if res := c.get("/admin/audit?" + q); res.StatusCode != 422 {
			t.Errorf("audit filter %s: %d, want 422", q, res.StatusCode)
		}
	}
	if res := c.get("/admin/audit?since=2020-01-01&until=2099-12-31&actor=" + strconv.FormatInt(admin.ID, 10)); res.StatusCode != 200 || !strings.Contains(res.body, "account.role_change") {
		t.Errorf("audit with good filters: %d", res.StatusCode)
	}
	// The last admin cannot demote themselves.
	c.get("/admin/accounts")
	res = c.post(fmt.Sprintf("/admin/accounts/%d/role", admin.ID), url.Values{"role": {"member"}})
	if res.StatusCode != http.StatusConflict {
		t.Errorf("demoting the last admin: %d", res.StatusCode)
	}
	// An unknown role is refused.
	c.get("/admin/accounts")
	if res := c.post(fmt.Sprintf("/admin/accounts/%d/role", m.ID), url.Values{"role": {"king"}}); res.StatusCode != 422 {
		t.Errorf("unknown role: %d", res.StatusCode)
	}
	entries, _ := h.srv.Audit.List(cli(), audit.Filter{})
	var signins, changes int
	for _, e := range entries {
		switch e.Action {
		case "account.signin":
			signins++
		case "account.role_change":
			changes++
		}
	}
	if signins != 1 || changes != 1 {
		t.Errorf("audit has %d staff sign-ins and %d role changes, want 1 and 1", signins, changes)
	}
}

func TestLanguage(t *testing.T) {
	h := newHarness(t, "sqlite")
	h.addUser("dansk@example.org", samtal.RoleMember)
	c := h.client()
	c.lang = "de-DE,de;q=0.9"
	if res := c.get("/signin"); !strings.Contains(res.body, `<html lang="de">`) || !strings.Contains(res.body, "Anmelden") {
		t.Errorf("Accept-Language de: %.300s", res.body)
	}
	// The switcher sets a cookie that wins over the browser.
	res := c.post("/lang", url.Values{"lang": {"da"}, "next": {"/signin"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/signin" {
		t.Errorf("switch: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	if res := c.get("/signin"); !strings.Contains(res.body, `<html lang="da">`) {
		t.Errorf("after switching to da: %.300s", res.body)
	}
	// An unknown language and a foreign redirect are refused.
	if res := c.post("/lang", url.Values{"lang": {"xx"}}); res.StatusCode != 422 {
		t.Errorf("unknown language: %d", res.StatusCode)
	}
	if res := c.post("/lang", url.Values{"lang": {"en"}, "next": {"//evil.example/"}}); res.Header.Get("Location") != "/" {
		t.Errorf("foreign next: %q", res.Header.Get("Location"))
	}
	// A signed-in account's language follows them to any browser.
	c.signIn("dansk@example.org")
	c.get("/")
	c.post("/lang", url.Values{"lang": {"da"}, "next": {"/"}})
	b := h.client()
	b.lang = "en"
	b.signIn("dansk@example.org")
	if res := b.get("/settings"); !strings.Contains(res.body, `<html lang="da">`) {
		t.Errorf("account language not used on another browser: %.200s", res.body)
	}
}

func TestCampaignVisibility(t *testing.T) {
	h := newHarness(t, "sqlite")
	svc := &campaign.Service{Store: h.srv.Campaigns.Store}
	for _, c := range []*campaign.Campaign{
		{Slug: "open", Title: "Open campaign", Visibility: campaign.Public, Questions: []campaign.Question{{Text: "Public question?"}}},
		{Slug: "members", Title: "Members campaign", Visibility: campaign.Members, Questions: []campaign.Question{{Text: "Members question?"}}},
		{Slug: "secret", Title: "Invited campaign", Visibility: campaign.Invited, Questions: []campaign.Question{{Text: "Secret question?"}}},
	} {
		if err := svc.Create(cli(), c); err != nil {
			t.Fatal(err)
		}
	}
	h.addUser("mem@example.org", samtal.RoleMember)
	h.addUser("staff@example.org", samtal.RoleModerator)
	visitor, member, staff := h.client(), h.client(), h.client()
	member.signIn("mem@example.org")
	staff.signIn("staff@example.org")
	tests := []struct {
		who     *client
		name    string
		see     []string
		notSee  []string
		secret  int
		members int
	}{
		{visitor, "visitor", []string{"Open campaign"}, []string{"Members campaign", "Invited campaign"}, 404, 404},
		{member, "member", []string{"Open campaign", "Members campaign"}, []string{"Invited campaign"}, 404, 200},
		{staff, "staff", []string{"Open campaign", "Members campaign", "Invited campaign"}, nil, 200, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := tt.who.get("/").body
			for _, s := range tt.see {
				if !strings.Contains(home, s) {
					t.Errorf("home lacks %q", s)
				}
			}
			for _, s := range tt.notSee {
				if strings.Contains(home, s) {
					t.Errorf("home shows %q", s)
				}
			}
			if res := tt.who.get("/campaigns/secret"); res.StatusCode != tt.secret || (tt.secret == 404 && strings.Contains(res.body, "Secret question")) {
				t.Errorf("/campaigns/secret: %d", res.StatusCode)
			}
			if res := tt.who.get("/campaigns/members"); res.StatusCode != tt.members {
				t.Errorf("/campaigns/members: %d", res.StatusCode)
			}
		})
	}
}

func TestTokensAreOwnOnly(t *testing.T) {
	h := newHarness(t, "sqlite")
	h.addUser("a@example.org", samtal.RoleMember)
	h.addUser("b@example.org", samtal.RoleMember)
	a, b := h.client(), h.client()
	a.signIn("a@example.org")
	b.signIn("b@example.org")
	res := a.post("/settings/tokens", url.Values{"token_name": {"script"}})
	m := regexp.MustCompile(`id="new-token">(smt_[A-Za-z0-9_-]+)<`).FindStringSubmatch(res.body)
	if res.StatusCode != http.StatusCreated || m == nil {
		t.Fatalf("create token: %d %.500s", res.StatusCode, res.body)
	}
	if r := h.api("GET", "/api/v1/me", m[1]); !strings.Contains(r.body, "a@example.org") {
		t.Fatalf("new token does not work: %s", r.body)
	}
	// The secret is never shown again.
	if strings.Contains(a.get("/settings").body, m[1]) {
		t.Error("settings shows the token secret again")
	}
	toks, _ := h.accounts.Tokens(samtal.WithActor(context.Background(), actorOf(t, h, "a@example.org")))
	id := toks[0].ID
	if res := b.post(fmt.Sprintf("/settings/tokens/%d/revoke", id), nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("b revoking a's token: %d", res.StatusCode)
	}
	if r := h.api("GET", "/api/v1/me", m[1]); r.StatusCode != 200 {
		t.Errorf("token dead after someone else's revoke: %d", r.StatusCode)
	}
	a.get("/settings")
	if res := a.post(fmt.Sprintf("/settings/tokens/%d/revoke", id), nil); res.StatusCode != http.StatusSeeOther {
		t.Errorf("own revoke: %d", res.StatusCode)
	}
	if r := h.api("GET", "/api/v1/me", m[1]); r.StatusCode != 401 {
		t.Errorf("revoked token: %d", r.StatusCode)
	}
}

func actorOf(t testing.TB, h *harness, email string) samtal.Actor {
	t.Helper()
	acc, _, err := sqlstoreAccount(h, email)
	if err != nil {
		t.Fatal(err)
	}
	return samtal.Actor{AccountID: acc.ID, PersonID: acc.PersonID, Role: acc.Role, Via: "test"}
}

func TestLocalPath(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/settings", "/settings"},
		{"/a?b=c", "/a?b=c"},
		{"", "/"},
		{"https://evil.example/", "/"},
		{"//evil.example", "/"},
		{`/\evil.example`, "/"},
		{"javascript:alert(1)", "/"},
		{`/./\evil.example/x`, "/"},
		{`/../\evil.example`, "/"},
		{"/.//evil.example", "/"},
		{"/a/../b", "/a/../b"},
	}
	for _, tt := range tests {
		if got := localPath(tt.in); got != tt.want {
			t.Errorf("localPath(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestAPIUpdateMe(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			h := newHarness(t, engine)
			h.addUser("json@example.org", samtal.RoleMember)
			tok := h.token("json@example.org")
			tests := []struct {
				name, body, lang string
				status           int
				contains         []string
			}{
				{"not json", `{"name":`, "", 400, []string{`"code":"malformed"`}},
				{"two objects", `{"name":"A"}{"name":"B"}`, "", 400, []string{`"code":"malformed"`}},
				{"unknown field", `{"role":"admin"}`, "", 400, []string{`"code":"malformed"`}},
				{"wrong type", `{"name":42}`, "", 422, []string{`"code":"invalid"`, `"field":"name"`}},
				{"empty name", `{"name":"  "}`, "", 422, []string{`"code":"invalid"`, `"field":"name"`, `"message":"Please give a name."`}},
				{"bad locale, in German", `{"locale":"xx"}`, "de", 422, []string{`"field":"locale"`, `Sprachen`}},
				{"too large", `{"name":"` + strings.Repeat("a", maxBody) + `"}`, "", 413, []string{`"code":"too_large"`}},
				{"ok", `{"name":"Jay Son","locale":"de"}`, "", 200, []string{`"name":"Jay Son"`, `"locale":"de"`, `"role":"member"`}},
				{"only locale", `{"locale":"da"}`, "", 200, []string{`"name":"Jay Son"`, `"locale":"da"`}},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					before, _, _ := sqlstoreAccount(h, "json@example.org")
					req, _ := http.NewRequest("PATCH", h.ts.URL+"/api/v1/me", strings.NewReader(tt.body))
					req.Header.Set("Authorization", "Bearer "+tok)
					req.Header.Set("Content-Type", "application/json")
					if tt.lang != "" {
						req.Header.Set("Accept-Language", tt.lang)
					}
					res := h.client().do(req)
					if res.StatusCode != tt.status {
						t.Errorf("status = %d, want %d: %.300s", res.StatusCode, tt.status, res.body)
					}
					for _, want := range tt.contains {
						if !strings.Contains(res.body, want) {
							t.Errorf("body lacks %s: %.300s", want, res.body)
						}
					}
					if tt.status != 200 {
						after, _, _ := sqlstoreAccount(h, "json@example.org")
						if after.Name != before.Name || after.Locale != before.Locale {
							t.Errorf("a refused request changed the account: %+v → %+v", before, after)
						}
					}
				})
			}
		})
	}
}

func TestReadyzBeforeMigration(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			db, err := sqlstore.Open(context.Background(), testdb.URL(t, engine))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			h := newHarness(t, sqlstore.SQLite)
			h.srv.Ready = db // a store nobody has migrated
			res := h.api("GET", "/readyz", "")
			if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(res.body, `"migrations":"pending"`) {
				t.Errorf("unmigrated store: %d %s", res.StatusCode, res.body)
			}
			if err := db.Migrate(context.Background()); err != nil {
				t.Fatal(err)
			}
			if res := h.api("GET", "/readyz", ""); res.StatusCode != 200 {
				t.Errorf("after migrating: %d %s", res.StatusCode, res.body)
			}
		})
	}
}

func TestPerAddressLimitsBehindAProxy(t *testing.T) {
	h := newHarness(t, "sqlite")
	h.srv.TrustProxy = true
	signUp := func(i int, forwarded string) int {
		c := h.client()
		c.get("/signup")
		form := url.Values{"email": {fmt.Sprintf("p%d@example.org", i)}, "name": {"P"}, "password": {testPassword}, "csrf": {c.csrf}}
		req, _ := http.NewRequest("POST", h.ts.URL+"/signup", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", h.ts.URL)
		// The client makes up the first entries; the proxy appends the last.
		req.Header.Set("X-Forwarded-For", forwarded)
		return c.do(req).StatusCode
	}
	for i := 0; i < 10; i++ {
		if code := signUp(i, fmt.Sprintf("10.0.0.%d, 203.0.113.7", i)); code != 200 {
			t.Fatalf("sign-up %d: %d", i, code)
		}
	}
	if code := signUp(10, "10.0.0.99, 203.0.113.7"); code != http.StatusTooManyRequests {
		t.Errorf("11th sign-up from one address with a made-up prefix: %d, want 429", code)
	}
	if code := signUp(11, "198.51.100.1"); code != 200 {
		t.Errorf("another address: %d", code)
	}
	// IPv6 clients count per /64.
	for i := 0; i < 10; i++ {
		if code := signUp(100+i, fmt.Sprintf("2001:db8:1:2::%x", i+1)); code != 200 {
			t.Fatalf("IPv6 sign-up %d: %d", i, code)
		}
	}
	if code := signUp(200, "2001:db8:1:2:ffff::1"); code != http.StatusTooManyRequests {
		t.Errorf("11th sign-up from one IPv6 /64: %d, want 429", code)
	}
}

func TestFlashAndNotFound(t *testing.T) {
	h := newHarness(t, "sqlite")
	h.addUser("lost@example.org", samtal.RoleMember)
	c := h.client()
	if res := c.get("/?flash=Your+account+is+locked.+Sign+in+at+evil.example"); strings.Contains(res.body, `class="flash"`) {
		t.Error("a made-up flash text is shown")
	}
	if res := c.get("/?flash=flash.saved"); !strings.Contains(res.body, "Saved.") {
		t.Error("a real flash is not shown")
	}
	if res := c.get("/static/"); res.StatusCode != 404 || strings.Contains(res.body, "style.css") {
		t.Errorf("/static/ lists files: %d", res.StatusCode)
	}
	// A 404 page knows who is signed in, and its language switch works.
	c.signIn("lost@example.org")
	res := c.get("/no/such/page")
	if res.StatusCode != 404 || !strings.Contains(res.body, "Sign out") {
		t.Errorf("404 page: %d, signed-in header missing", res.StatusCode)
	}
	if res := c.post("/lang", url.Values{"lang": {"de"}, "next": {"/no/such/page?flash=flash.saved&x=1"}}); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/no/such/page?x=1" {
		t.Errorf("language switch from a 404 page: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
}

func TestSignInLinkThenSetPassword(t *testing.T) {
	h := newHarness(t, "sqlite")
	_, link, err := h.accounts.AddUser(cli(), account.AddUserInput{Email: "nopw@example.org", Name: "No Password", Role: samtal.RoleAgent})
	if err != nil || link == "" {
		t.Fatalf("add user: %q %v", link, err)
	}
	u, _ := url.Parse(link)
	c := h.client()
	c.get(u.Path)
	if res := c.post(u.Path, nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in link: %d", res.StatusCode)
	}
	c.get("/settings")
	if res := c.post("/settings/password", url.Values{"new_password": {"my first password"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("first password: %d %.300s", res.StatusCode, res.body)
	}
	other := h.client()
	other.get("/signin")
	if res := other.post("/signin", url.Values{"email": {"nopw@example.org"}, "password": {"my first password"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("sign-in with the new password: %d", res.StatusCode)
	}
	// With a password set, changing it needs the current one.
	c.get("/settings")
	if res := c.post("/settings/password", url.Values{"new_password": {"another password!"}}); res.StatusCode != 422 {
		t.Errorf("change without the current password: %d", res.StatusCode)
	}
}

func TestSignUpTakesOverAnUnconfirmedAccount(t *testing.T) {
	h := newHarness(t, "sqlite")
	squatter := h.client()
	squatter.get("/signup")
	squatter.post("/signup", url.Values{"email": {"owner@example.org"}, "name": {"Visit evil.example now"}, "password": {"squatter password"}})
	first := linkIn(t, h.lastMailTo("owner@example.org"))
	if strings.Contains(h.lastMailTo("owner@example.org").Text, "evil.example") {
		t.Error("the verification mail carries the name the visitor typed")
	}
	owner := h.client()
	owner.get("/signup")
	owner.post("/signup", url.Values{"email": {"owner@example.org"}, "name": {"The Owner"}, "password": {"owner password!"}})
	second := linkIn(t, h.lastMailTo("owner@example.org"))
	if first == second {
		t.Fatal("no new link after the second sign-up")
	}
	owner.get(second)
	if res := owner.post(second, nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("owner confirms: %d", res.StatusCode)
	}
	squatter.get(first)
	if res := squatter.post(first, nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("the squatter's link still works: %d", res.StatusCode)
	}
	c := h.client()
	c.get("/signin")
	if res := c.post("/signin", url.Values{"email": {"owner@example.org"}, "password": {"squatter password"}}); res.StatusCode == http.StatusSeeOther {
		t.Error("the squatter's password signs in")
	}
	if acc, _, _ := sqlstoreAccount(h, "owner@example.org"); acc.Name != "The Owner" {
		t.Errorf("name %q", acc.Name)
	}
}

func TestOutboxHidesSentLinks(t *testing.T) {
	h := newHarness(t, "sqlite")
	h.addUser("root@example.org", samtal.RoleAdmin)
	h.addUser("victim@example.org", samtal.RoleMember)
	c := h.client()
	c.get("/reset")
	c.post("/reset", url.Values{"email": {"victim@example.org"}})
	m := h.lastMailTo("victim@example.org")
	secret := strings.TrimPrefix(linkIn(t, m), "/reset/")
	admin := h.client()
	admin.signIn("root@example.org")
	// Kept mail (no SMTP server) is shown whole: it reaches nobody otherwise.
	if res := admin.get("/admin/outbox"); !strings.Contains(res.body, secret) {
		t.Error("kept mail not shown whole")
	}
	if err := h.outbox.MarkMailAttempt(context.Background(), m.ID, "sent", "", time.Now()); err != nil {
		t.Fatal(err)
	}
	if res := admin.get("/admin/outbox"); strings.Contains(res.body, secret) || !strings.Contains(res.body, "/reset/…") {
		t.Error("a sent mail's reset link is readable in the outbox")
	}
	entries, _ := h.srv.Audit.List(cli(), audit.Filter{Action: "outbox.read"})
	if len(entries) != 2 {
		t.Errorf("outbox reads audited: %d, want 2", len(entries))
	}
}
