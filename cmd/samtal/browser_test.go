package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/samtal-dev/samtal/demo"
	"github.com/samtal-dev/samtal/i18n"
	"github.com/samtal-dev/samtal/internal/testdb"
)

// TestBrowserJourney walks the demo community in a real headless Chromium
// with a phone-sized screen: the public home page, the language switcher,
// sign-in, an API token made on the settings page and used from outside the
// browser, and sign-out. It asserts on what a person sees, that no page loads
// anything from another host, and that the Content-Security-Policy blocks
// nothing the pages need.
func TestBrowserJourney(t *testing.T) {
	chrome := findChromium(t)
	cat, err := i18n.Load()
	if err != nil {
		t.Fatalf("load catalog: %v", err)
	}
	da := func(key string) string { return cat.T("da", key, nil) }

	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()

	base := startDemo(t)
	baseURL, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}

	// Deferred calls run before t.Cleanup, so the browser has exited before
	// the server stops and before the profile folder goes.
	bctx, rec, stop := startPhoneBrowser(t, ctx, chrome)
	defer stop()
	b := &browser{t: t, ctx: bctx, base: base, cat: cat}

	// 1. The home page, in the browser's own language.
	step := "1 home page"
	b.open(step, "/")
	const campaign = "How can Fjordhus use social media"
	if got := b.text(step, "main"); !strings.Contains(got, campaign) {
		t.Fatalf("%s: campaign %q not on the page; main reads:\n%s", step, campaign, got)
	}
	if lang := b.lang(step); lang == "da" {
		t.Fatalf("%s: page is already in Danish before the switch; the language step would prove nothing", step)
	}
	b.fitsPhone(step)
	// app.js ran (the CSP let it) and hid the switcher's submit button, and
	// the button is gone from the screen, not only marked hidden.
	type button struct {
		Hidden, Rendered bool
		Display          string
	}
	btn := eval[button](b, step, `(() => {
		const b = document.querySelector('form.lang button[type=submit]');
		return {Hidden: b.hidden, Rendered: b.getClientRects().length > 0, Display: getComputedStyle(b).display};
	})()`)
	switch {
	case !btn.Hidden:
		t.Errorf("%s: static/app.js did not hide the language switch button: did it run?", step)
	case btn.Rendered:
		t.Errorf("%s: app.js set hidden on the language switch button, but it is still on screen (display: %s): "+
			"a stylesheet rule overrides the hidden attribute", step, btn.Display)
	}

	// 2. Switch to Danish with the footer <select>; app.js submits on change.
	step = "2 switch language"
	b.switchLanguage(step, "da")
	if nav := b.text(step, "header nav"); !strings.Contains(nav, da("nav.signin")) {
		t.Fatalf("%s: header nav %q lacks the Danish %q", step, nav, da("nav.signin"))
	}
	b.fitsPhone(step)

	// 3. Sign in as the demo member.
	step = "3 sign in"
	b.open(step, "/signin")
	b.fitsPhone(step)
	b.do(step,
		chromedp.SetValue(chromedp.CSS(`form[action="/signin"] input[name=email]`), "member@fjordhus.example"),
		chromedp.SetValue(chromedp.CSS(`form[action="/signin"] input[name=password]`), demo.Password),
	)
	b.navigate(step, chromedp.Tap(chromedp.CSS(`form[action="/signin"] button[type=submit]`)))
	if p := b.path(step); p != "/" {
		t.Fatalf("%s: landed on %s, want /; page reads:\n%s", step, p, b.text(step, "main"))
	}
	// The account's saved language wins over the visitor's choice (langFor in
	// web/middleware.go), and the demo seeds Emma Clarke with English.
	if lang := b.lang(step); lang != "en" {
		t.Errorf("%s: <html lang=%q> after signing in, want the account's language \"en\"", step, lang)
	}
	b.signedInHeader(step, "en")
	// Choosing Danish while signed in sticks to the account.
	b.switchLanguage(step, "da")
	b.signedInHeader(step, "da")
	b.fitsPhone(step)

	// 7 (taken here). A screenshot of the signed-in Danish home page.
	shot, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("7 screenshot: %v", err)
	}
	dir := os.Getenv("SAMTAL_SCREENSHOT_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	file := filepath.Join(dir, "browser-journey-home-da-phone.png")
	if err := os.WriteFile(file, shot, 0o644); err != nil {
		t.Fatalf("7 screenshot: %v", err)
	}
	t.Logf("screenshot of the signed-in Danish home page: %s", file)

	// 4. An API token from the settings page, used from outside the browser.
	step = "4 API token"
	b.open(step, "/settings")
	b.do(step, chromedp.SetValue(chromedp.CSS(`form[action="/settings/tokens"] input[name=token_name]`), "phone"))
	b.navigate(step, chromedp.Tap(chromedp.CSS(`form[action="/settings/tokens"] button[type=submit]`)))
	token := strings.TrimSpace(b.text(step, "#new-token"))
	if token == "" {
		t.Fatalf("%s: #new-token is empty", step)
	}
	b.fitsPhone(step) // the token is one long word; it must not widen the page
	me := apiMe(t, ctx, base, token)
	if me["email"] != "member@fjordhus.example" || me["role"] != "member" {
		t.Errorf("%s: GET /api/v1/me with the new token = %v, want email member@fjordhus.example and role member", step, me)
	}
	if me["locale"] != "da" {
		t.Errorf("%s: GET /api/v1/me locale = %v, want da: the language chosen while signed in was not saved", step, me["locale"])
	}

	// 5. Sign out with the header button.
	step = "5 sign out"
	b.navigate(step, chromedp.Tap(chromedp.CSS(`header form[action="/signout"] button`)))
	if p := b.path(step); p != "/" {
		t.Fatalf("%s: landed on %s, want /", step, p)
	}
	if !eval[bool](b, step, `document.querySelector('header a[href="/signin"]') !== null`) {
		t.Errorf("%s: no sign-in link in the header after signing out: %q", step, b.text(step, "header nav"))
	}
	if flash := b.text(step, "main"); !strings.Contains(flash, da("flash.signed_out")) {
		t.Errorf("%s: no %q on the page after signing out", step, da("flash.signed_out"))
	}
	b.open(step, "/settings")
	if p := b.path(step); p != "/signin" {
		t.Errorf("%s: /settings after signing out shows %s, want a redirect to /signin", step, p)
	}

	// 6. Nothing from another host, and nothing the CSP had to block.
	step = "6 requests and console"
	requests, messages := rec.snapshot()
	ours := 0
	for _, u := range requests {
		pu, err := url.Parse(u)
		if err != nil {
			t.Errorf("%s: unparsable request URL %q", step, u)
			continue
		}
		switch pu.Scheme {
		case "data", "about", "blob":
			continue
		}
		if pu.Host != baseURL.Host {
			t.Errorf("%s: the pages loaded %s from another host", step, u)
			continue
		}
		ours++
	}
	for _, want := range []string{"/static/style.css", "/static/app.js"} {
		if !slices.Contains(requests, base+want) {
			t.Errorf("%s: the browser never requested %s; requests seen: %v", step, want, requests)
		}
	}
	if ours == 0 {
		t.Errorf("%s: no requests recorded: the network listener is broken", step)
	}
	for _, m := range messages {
		if isCSP(m) {
			t.Errorf("%s: Content-Security-Policy violation: %s", step, m)
		} else if strings.HasPrefix(m, "exception") {
			t.Errorf("%s: uncaught exception in a page: %s", step, m)
		} else {
			t.Logf("%s: console: %s", step, m)
		}
	}
	// The check above must be able to fail: an inline script, which the CSP
	// forbids, must show up as a violation.
	b.open(step, "/")
	b.do(step, chromedp.Evaluate[chromedp.Void](`(() => {
		const s = document.createElement('script');
		s.textContent = 'document.body.dataset.inline = "ran"';
		document.body.appendChild(s);
	})()`))
	if ran := eval[bool](b, step, `document.body.dataset.inline === "ran"`); ran {
		t.Errorf("%s: an inline script ran: the Content-Security-Policy is not enforced", step)
	}
	if msg, ok := rec.waitFor(ctx, 5*time.Second, isCSP); ok {
		t.Logf("%s: the deliberately injected inline script was blocked as it should be: %s", step, msg)
	} else {
		t.Errorf("%s: the blocked inline script gave no Content-Security-Policy message: the console listener is broken", step)
	}
}

// findChromium returns the browser to drive: $SAMTAL_CHROMIUM, or the first
// Chromium or Chrome on PATH.
func findChromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("SAMTAL_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	testdb.SkipOrFail(t, "no Chromium found: browser tests skipped")
	return ""
}

// startDemo runs `samtal demo` in-process on a free loopback port, waits
// until it is ready and returns its base URL. It stops the server when the
// test ends and checks that it shut down cleanly.
func startDemo(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("free port: %v", err)
	}
	addr := ln.Addr().String()
	ln.Close()

	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut lockedBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"demo", "--addr", addr, "--data-dir", t.TempDir()}, strings.NewReader(""), &out, &errOut)
	}()
	exited := false // run ended before it was ready; already reported
	t.Cleanup(func() {
		cancel()
		if exited {
			return
		}
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("samtal demo did not shut down cleanly: %v\n%s", err, errOut.String())
			}
		case <-time.After(20 * time.Second):
			t.Errorf("samtal demo still running 20s after cancel\n%s", errOut.String())
		}
	})

	base := "http://" + addr
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case err := <-done:
			exited = true
			t.Fatalf("samtal demo ended before it was ready: %v\nstdout:\n%s\nstderr:\n%s", err, out.String(), errOut.String())
		default:
		}
		res, err := client.Get(base + "/readyz")
		if err == nil {
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return base
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("samtal demo not ready after 30s (last: %v)\nstderr:\n%s", err, errOut.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// apiMe calls GET /api/v1/me with the bearer token and decodes the answer.
func apiMe(t *testing.T, ctx context.Context, base, token string) map[string]any {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/v1/me", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("4 API token: GET /api/v1/me: %v", err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("4 API token: GET /api/v1/me = %d: %s", res.StatusCode, body)
	}
	var me map[string]any
	if err := json.Unmarshal(body, &me); err != nil {
		t.Fatalf("4 API token: GET /api/v1/me: %v: %s", err, body)
	}
	return me
}

// startPhoneBrowser starts a headless Chromium with a phone-sized screen and
// a recorder of its requests and console; stop ends it.
func startPhoneBrowser(t *testing.T, ctx context.Context, chrome string) (context.Context, *recorder, func()) {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chrome),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancelBrowser := chromedp.NewContext(allocCtx)
	stop := func() { cancelBrowser(); cancelAlloc() }
	rec := &recorder{}
	if err := chromedp.Listen(bctx, rec.event); err != nil {
		stop()
		t.Fatalf("start browser %s: %v", chrome, err)
	}
	if err := chromedp.Do(bctx, chromedp.EmulateViewport(390, 844,
		chromedp.EmulateScale(3), chromedp.EmulateMobile, chromedp.EmulatePortrait, chromedp.EmulateTouch)); err != nil {
		stop()
		t.Fatalf("phone viewport: %v", err)
	}
	return bctx, rec, stop
}

// browser drives one tab; every failure names its step.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string
	cat  *i18n.Catalog
}

// do runs actions that do not navigate.
func (b *browser) do(step string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", step, err)
	}
}

// navigate runs actions that load a new page, waits for it and checks that
// it answered with success (a new token, for one, comes with 201 Created).
func (b *browser) navigate(step string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	res, err := chromedp.RunResponse(b.ctx, actions...)
	if err != nil {
		b.t.Fatalf("%s: %v", step, err)
	}
	if res == nil || res.Status < 200 || res.Status > 299 {
		status := int64(0)
		if res != nil {
			status = res.Status
		}
		b.t.Fatalf("%s: the page answered %d, want 2xx; page reads:\n%s", step, status, b.text(step, "body"))
	}
}

// open loads a path of the server.
func (b *browser) open(step, path string) {
	b.t.Helper()
	b.navigate(step, chromedp.Navigate(b.base+path))
}

func (b *browser) text(step, css string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(css)))
	if err != nil {
		b.t.Fatalf("%s: text of %s: %v", step, css, err)
	}
	return s
}

func (b *browser) lang(step string) string {
	b.t.Helper()
	return eval[string](b, step, `document.documentElement.lang`)
}

func (b *browser) path(step string) string {
	b.t.Helper()
	return eval[string](b, step, `location.pathname`)
}

// switchLanguage picks lang in the footer's <select> the way a person does:
// app.js submits the form on change, and the page comes back in lang.
func (b *browser) switchLanguage(step, lang string) {
	b.t.Helper()
	if vals := eval[[]string](b, step, `[...document.querySelectorAll('#lang option')].map(o => o.value)`); !slices.Contains(vals, lang) {
		b.t.Fatalf("%s: no %q in the language switcher; options %v", step, lang, vals)
	}
	b.navigate(step, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => {
		const s = document.getElementById('lang');
		s.value = %q;
		s.dispatchEvent(new Event('change', {bubbles: true}));
	})()`, lang)))
	if got := b.lang(step); got != lang {
		b.t.Fatalf("%s: <html lang=%q> after choosing %s in the footer", step, got, lang)
	}
}

// signedInHeader checks that the header offers settings and sign-out in lang,
// and no sign-in link.
func (b *browser) signedInHeader(step, lang string) {
	b.t.Helper()
	nav := b.text(step, "header nav")
	for _, key := range []string{"nav.settings", "nav.signout"} {
		if want := b.cat.T(lang, key, nil); !strings.Contains(nav, want) {
			b.t.Errorf("%s: header nav %q lacks %s %q", step, nav, key, want)
		}
	}
	signin := b.cat.T(lang, "nav.signin", nil)
	if eval[bool](b, step, `document.querySelector('header a[href="/signin"]') !== null`) || strings.Contains(nav, signin) {
		b.t.Errorf("%s: the %q link is still in the header after signing in: %q", step, signin, nav)
	}
}

// fitsPhone checks that the page does not scroll sideways on the phone.
func (b *browser) fitsPhone(step string) {
	b.t.Helper()
	type widths struct{ Scroll, Inner int }
	w := eval[widths](b, step, `({Scroll: document.documentElement.scrollWidth, Inner: window.innerWidth})`)
	if w.Inner != 390 {
		b.t.Errorf("%s: the viewport is %d CSS pixels wide, want 390: is the viewport meta tag missing?", step, w.Inner)
	}
	if w.Scroll > w.Inner {
		b.t.Errorf("%s: %s scrolls sideways on a phone: content is %dpx wide in a %dpx viewport",
			step, eval[string](b, step, `location.pathname`), w.Scroll, w.Inner)
	}
}

func eval[T any](b *browser, step, js string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		b.t.Fatalf("%s: evaluate %s: %v", step, js, err)
	}
	return v
}

// recorder keeps the URLs the tab requested and what it wrote to the
// console. Its event func runs on the tab's reader goroutine: it only
// appends under a lock.
type recorder struct {
	mu       sync.Mutex
	requests []string
	messages []string
}

func (r *recorder) event(ev any) {
	var msg string
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		r.mu.Lock()
		r.requests = append(r.requests, ev.Request.URL)
		r.mu.Unlock()
		return
	case *runtime.EventConsoleAPICalled:
		var parts []string
		for _, a := range ev.Args {
			var s string
			if json.Unmarshal(a.Value, &s) == nil {
				parts = append(parts, s)
			} else if a.Description != "" {
				parts = append(parts, a.Description)
			} else {
				parts = append(parts, string(a.Value))
			}
		}
		msg = fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(parts, " "))
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg = "exception: " + d.Text
		if d.Exception != nil {
			msg += " " + d.Exception.Description
		}
	case *log.EventEntryAdded:
		msg = fmt.Sprintf("log %s/%s: %s (%s)", ev.Entry.Source, ev.Entry.Level, ev.Entry.Text, ev.Entry.URL)
	default:
		return
	}
	r.mu.Lock()
	r.messages = append(r.messages, msg)
	r.mu.Unlock()
}

func (r *recorder) snapshot() (requests, messages []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.requests), slices.Clone(r.messages)
}

// waitFor returns the first message matching ok, waiting up to d for one.
func (r *recorder) waitFor(ctx context.Context, d time.Duration, ok func(string) bool) (string, bool) {
	deadline := time.Now().Add(d)
	for {
		_, msgs := r.snapshot()
		if i := slices.IndexFunc(msgs, ok); i >= 0 {
			return msgs[i], true
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return "", false
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func isCSP(msg string) bool {
	m := strings.ToLower(msg)
	return strings.Contains(m, "content security policy") || strings.Contains(m, "content-security-policy")
}

// lockedBuffer is a bytes.Buffer that the server's logger and the test can
// share.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
