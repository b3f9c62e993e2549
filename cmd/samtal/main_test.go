package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/internal/testdb"
	"github.com/samtal-dev/samtal/listening"
	"github.com/samtal-dev/samtal/mail/smtptest"
	"github.com/samtal-dev/samtal/person"
	"github.com/samtal-dev/samtal/sqlstore"
)

// runCLI runs one verb of the command and returns what it printed.
func runCLI(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return out.String() + errOut.String(), err
}

func TestUserAndTokenAdd(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			db := []string{"--data-dir", t.TempDir()}
			if engine == sqlstore.Postgres {
				db = []string{"--database-url", testdb.URL(t, engine)}
			}
			out, err := runCLI(t, "a long enough password\n", append([]string{"user", "add", "--email", "Ops@Example.org", "--name", "Olga Ops", "--role", "admin"}, db...)...)
			if err != nil || !strings.Contains(out, "added Olga Ops <ops@example.org> as admin") {
				t.Fatalf("user add: %v\n%s", err, out)
			}
			// Without a password, a one-time sign-in link.
			out, err = runCLI(t, "", append([]string{"user", "add", "--email", "new@example.org", "--name", "New", "--role", "agent"}, db...)...)
			if err != nil || !regexp.MustCompile(`one-time sign-in link .*http://127\.0\.0\.1:8080/signin/link/\S+`).MatchString(out) {
				t.Errorf("user add without password: %v\n%s", err, out)
			}
			// Refusals change nothing and say why.
			for _, args := range [][]string{
				{"user", "add", "--email", "ops@example.org", "--name", "Again", "--role", "member"},
				{"user", "add", "--email", "x@example.org", "--name", "X", "--role", "king"},
				{"user", "add", "--email", "not-an-email", "--name", "X"},
				{"token", "add", "--email", "nobody@example.org", "--name", "t"},
			} {
				if out, err := runCLI(t, "", append(args, db...)...); err == nil {
					t.Errorf("%v: no error\n%s", args, out)
				} else if strings.Contains(err.Error(), "sql") {
					t.Errorf("%v: internals leak: %v", args, err)
				}
			}
			out, err = runCLI(t, "", append([]string{"token", "add", "--email", "ops@example.org", "--name", "ci"}, db...)...)
			tok := strings.TrimSpace(out)
			if err != nil || !strings.HasPrefix(tok, "smt_") {
				t.Fatalf("token add: %v %q", err, out)
			}
			// The token works against a server on the same store.
			base, stop := serve(t, db)
			defer stop()
			req, _ := http.NewRequest("GET", base+"/api/v1/me", nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != 200 || !strings.Contains(string(body), `"email":"ops@example.org"`) || !strings.Contains(string(body), `"role":"admin"`) {
				t.Errorf("/api/v1/me: %d %s", res.StatusCode, body)
			}
		})
	}
}

// serve starts `samtal serve` on a free port and returns its base URL.
func serve(t *testing.T, args []string, extra ...string) (string, func()) {
	t.Helper()
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var out bytes.Buffer
	go func() {
		done <- run(ctx, append(append([]string{"serve", "--addr", addr}, args...), extra...), strings.NewReader(""), io.Discard, &out)
	}()
	base := "http://" + addr
	waitReady(t, base, done)
	return base, func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve ended with %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Error("serve did not shut down")
		}
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitReady(t *testing.T, base string, done chan error) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("server stopped: %v", err)
		default:
		}
		if res, err := http.Get(base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("server not ready in 15s")
}

func TestMigrateAndBackup(t *testing.T) {
	dir := t.TempDir()
	out, err := runCLI(t, "", "migrate", "--data-dir", dir)
	if err != nil || !strings.Contains(out, "migrations are current (sqlite)") {
		t.Fatalf("migrate: %v %s", err, out)
	}
	if _, err := runCLI(t, "a long enough password\n", "user", "add", "--email", "keep@example.org", "--name", "Keep", "--data-dir", dir); err != nil {
		t.Fatal(err)
	}
	to := filepath.Join(t.TempDir(), "copy.db")
	if out, err := runCLI(t, "", "backup", "--to", to, "--data-dir", dir); err != nil || !strings.Contains(out, "backup written") {
		t.Fatalf("backup: %v %s", err, out)
	}
	// The copy is a whole store: it opens and has the account.
	copyDB, err := sql.Open("sqlite", to)
	if err != nil {
		t.Fatal(err)
	}
	defer copyDB.Close()
	var email string
	if err := copyDB.QueryRow(`SELECT email FROM accounts`).Scan(&email); err != nil || email != "keep@example.org" {
		t.Errorf("backup content: %q %v", email, err)
	}
	if _, err := runCLI(t, "", "backup", "--data-dir", dir); err == nil {
		t.Error("backup without --to: no error")
	}
	if _, err := runCLI(t, "", "backup", "--to", to, "--data-dir", dir); err == nil {
		t.Error("backup over an existing file: no error")
	}
	// On PostgreSQL, the answer points to pg_dump.
	pg := testdb.URL(t, sqlstore.Postgres)
	if _, err := runCLI(t, "", "backup", "--to", filepath.Join(t.TempDir(), "x"), "--database-url", pg); err == nil || !strings.Contains(err.Error(), "pg_dump") {
		t.Errorf("backup on PostgreSQL: %v", err)
	}
	if _, err := runCLI(t, "", "frobnicate"); err == nil {
		t.Error("unknown verb: no error")
	}
}

func TestDemoSeedsOnce(t *testing.T) {
	dir := t.TempDir()
	var outs []string
	for i := 0; i < 2; i++ {
		addr := freeAddr(t)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		var out bytes.Buffer
		go func() {
			done <- run(ctx, []string{"demo", "--addr", addr, "--data-dir", dir}, strings.NewReader(""), &out, io.Discard)
		}()
		waitReady(t, "http://"+addr, done)
		res, err := http.Get("http://" + addr + "/")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("demo run %d: %v", i, err)
		}
		if !strings.Contains(string(body), "Fjordhus Community") || !strings.Contains(string(body), "4 questions") {
			t.Errorf("demo home page, run %d: %.500s", i, body)
		}
		outs = append(outs, out.String())
	}
	for _, role := range []string{"admin", "agent", "moderator", "analyst", "member"} {
		if !regexp.MustCompile(`(?m)^\s+` + role + `\s+\S+@`).MatchString(outs[1]) {
			t.Errorf("second demo run does not print the %s sign-in:\n%s", role, outs[1])
		}
	}
	db, err := sqlstore.Open(context.Background(), filepath.Join(dir, "samtal.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	n, err := sqlstore.NewAccounts(db).CountAccountsWithRole(context.Background(), "member")
	if err != nil || n != 9 {
		t.Errorf("after two demo runs: %d members (%v), want the demo's 9", n, err)
	} // Demo members have handles and notifications waiting, in their
	// languages' ideas: a status change, a reply, a mention.
	notes := sqlstore.NewNotifications(db)
	for email, want := range map[string]string{
		"member@fjordhus.example":   "status",
		"tom.oconnor@example.co.uk": "mention",
		"lukas.weber@example.ch":    "mention",
		"katrin.mueller@example.at": "reply",
		"anne.sorensen@example.dk":  "mention",
		"mette.nielsen@example.dk":  "reply",
	} {
		acc, _, err := sqlstore.NewAccounts(db).AccountByEmail(context.Background(), email)
		if err != nil || acc.Handle == "" {
			t.Fatalf("demo account %s: %+v %v", email, acc, err)
		}
		list, err := notes.Notifications(context.Background(), acc.PersonID, campaign.AllCampaigns(), 0, 50)
		var kinds []string
		for _, n := range list {
			kinds = append(kinds, n.Kind)
		}
		if err != nil || !slices.Contains(kinds, want) {
			t.Errorf("demo notifications of %s: %v %v, want a %s", email, kinds, err, want)
		}
	}
	// The consent part: choices with a history, on two versions of a text,
	// and members without any record (their mail waits for consent).
	consents := sqlstore.NewConsents(db)
	for email, want := range map[string]string{
		"member@fjordhus.example":   "research_contact:true:settings:1 content_reuse:true:settings:2 idea_emails:true:settings:2 idea_emails:true:signup:1",
		"anne.sorensen@example.dk":  "idea_emails:false:email_link:0 advocate_briefings:true:settings:1 idea_emails:true:settings:2",
		"jonas.becker@example.de":   "content_reuse:true:paper:3 research_contact:false:settings:0 research_contact:true:settings:1 idea_emails:true:signup:1",
		"tom.oconnor@example.co.uk": "",
	} {
		acc, _, err := sqlstore.NewAccounts(db).AccountByEmail(context.Background(), email)
		if err != nil {
			t.Fatal(err)
		}
		list, err := consents.Records(context.Background(), acc.PersonID, nil, 50)
		var got []string
		for _, r := range list {
			v := 0
			if r.Text != nil {
				v = r.Text.Version
			}
			got = append(got, fmt.Sprintf("%s:%v:%s:%d", r.Purpose, r.Given, r.Channel, v))
		}
		// Other parts of the demo may record later choices: the history
		// ends with these (newest first); Tom has no idea_emails record.
		all := strings.Join(got, " ")
		if err != nil || !strings.HasSuffix(all, want) || (want == "" && strings.Contains(all, "idea_emails")) {
			t.Errorf("demo consents of %s:\n got  %s\n want … %s", email, all, want)
		}
	}
	// The people part: merge suggestions with each kind of reason, one
	// merge staff made, and one pair staff rejected.
	staff := samtal.WithActor(context.Background(), samtal.Actor{Role: samtal.RoleAdmin, Via: "cli"})
	people := &person.Service{Store: sqlstore.NewPersons(db)}
	var reasons []string
	open, err := people.Suggestions(staff, person.SuggestionFilter{})
	for _, s := range open {
		reasons = append(reasons, s.Reason)
	}
	slices.Sort(reasons)
	if want := []string{person.ReasonEmailAsHandle, person.ReasonNameLocation, person.ReasonUnverifiedCopy}; err != nil || !slices.Equal(reasons, want) {
		t.Errorf("demo merge suggestions: %v %v, want %v", reasons, err, want)
	}
	if list, err := people.Suggestions(staff, person.SuggestionFilter{State: "rejected"}); err != nil || len(list) != 1 {
		t.Errorf("demo rejected suggestions: %d %v, want 1", len(list), err)
	}
	grace, _, err := sqlstore.NewAccounts(db).AccountByEmail(context.Background(), "grace.okafor@example.ie")
	if err != nil {
		t.Fatal(err)
	}
	prof, err := people.Get(staff, grace.PersonID)
	if err != nil || !slices.ContainsFunc(prof.Person.Identities, func(i person.Identity) bool { return i.Value == "grace o." }) {
		t.Errorf("demo: Grace's review name was not merged into her profile: %+v %v", prof, err)
	}
	checkDemoListening(t, staff, db, grace.PersonID)
}

// checkDemoListening checks the listening part of the demo: four sources,
// mentions in three languages (one of them linked to Grace), a duplicate,
// topics with matches (the one made afterwards too) and an import with two
// refused rows.
func checkDemoListening(t *testing.T, staff context.Context, db *sqlstore.DB, grace int64) {
	t.Helper()
	l := &listening.Service{Store: sqlstore.NewListening(db)}
	sources, err := l.Sources(staff)
	if err != nil || len(sources) != 4 {
		t.Fatalf("demo sources: %d %v, want 4", len(sources), err)
	}
	mentions, err := l.Mentions(staff, listening.MentionFilter{Limit: listening.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	langs := map[string]int{}
	dups, graces := 0, 0
	for _, m := range mentions {
		langs[m.Lang]++
		dups += m.Duplicates
		if m.PersonID == grace {
			graces++
		}
	}
	if len(mentions) < 35 || langs["en"] < 5 || langs["de"] < 5 || langs["da"] < 5 {
		t.Errorf("demo mentions: %d, by language %v; want about 40 in en, de and da", len(mentions), langs)
	}
	if dups != 1 {
		t.Errorf("demo duplicates: %d, want 1", dups)
	}
	if graces != 1 {
		t.Errorf("demo mentions by Grace: %d, want her review on her profile", graces)
	}
	topics, err := l.Topics(staff)
	if err != nil || len(topics) != 5 {
		t.Fatalf("demo topics: %d %v, want 5", len(topics), err)
	}
	for _, tp := range topics {
		list, err := l.Mentions(staff, listening.MentionFilter{TopicID: tp.ID, Limit: listening.MaxLimit})
		if err != nil || len(list) == 0 || tp.Rerunning {
			t.Errorf("demo topic %q: %d matches %v, rerunning %v", tp.Name, len(list), err, tp.Rerunning)
		}
	}
	for _, s := range sources {
		if s.Kind != listening.KindImport {
			continue
		}
		ims, err := l.Imports(staff, s.ID)
		if err != nil || len(ims) != 1 {
			t.Fatalf("demo imports: %d %v, want 1", len(ims), err)
		}
		if im := ims[0]; im.State != "done" || im.RowsFailed != 2 || len(im.Errors) != 2 || im.RowsStored != 13 {
			t.Errorf("demo import: %s, %d stored, %d refused %+v; want done, 13 stored, 2 refused", im.State, im.RowsStored, im.RowsFailed, im.Errors)
		}
	}
}

// TestSignUpOverSMTP is the whole loop with real parts: a visitor signs up
// on a running samtal, the job queue delivers the verification mail to an
// SMTP server, and the link in it confirms the address and signs them in.
func TestSignUpOverSMTP(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			smtp := smtptest.Start(t)
			db := []string{"--data-dir", t.TempDir()}
			if engine == sqlstore.Postgres {
				db = []string{"--database-url", testdb.URL(t, engine)}
			}
			base, stop := serve(t, db, "--smtp-url", smtp.URL(), "--mail-from", "Fjordhus <hej@fjordhus.example>")
			defer stop()
			jar, _ := cookiejar.New(nil)
			c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			csrf := func(path string) string {
				res, err := c.Get(base + path)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(b)
				if m == nil {
					t.Fatalf("no csrf on %s", path)
				}
				return string(m[1])
			}
			post := func(path string, form url.Values) *http.Response {
				form.Set("csrf", csrf(path))
				req, _ := http.NewRequest("POST", base+path, strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Origin", base)
				res, err := c.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				return res
			}
			if res := post("/signup", url.Values{"email": {"ida@example.dk"}, "name": {"Ida Holm"}, "password": {"hyggelig sofa 2026"}}); res.StatusCode != 200 {
				t.Fatalf("sign-up: %d", res.StatusCode)
			}
			msgs := smtp.WaitFor(t, 1, 15*time.Second)
			m := msgs[0]
			if len(m.To) != 1 || m.To[0] != "ida@example.dk" || !strings.Contains(m.From, "hej@fjordhus.example") || m.Subject != "Confirm your email address" {
				t.Errorf("mail: to %v from %q subject %q", m.To, m.From, m.Subject)
			}
			link := regexp.MustCompile(`http://\S+/verify/\S+`).FindString(m.Body)
			if link == "" {
				t.Fatalf("no verification link in %q", m.Body)
			}
			u, _ := url.Parse(link)
			if res := post(u.Path, url.Values{}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("verify: %d", res.StatusCode)
			}
			res, err := c.Get(base + "/settings")
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != 200 || !strings.Contains(string(b), "ida@example.dk") {
				t.Errorf("settings after verification: %d", res.StatusCode)
			}

		})
	}
}
