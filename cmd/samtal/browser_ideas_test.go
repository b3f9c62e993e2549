package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/samtal-dev/samtal/demo"
	"github.com/samtal-dev/samtal/i18n"
)

// TestBrowserIdeaJourney is a member's round in the co-creation hub on a
// phone-sized screen in a real headless Chromium: sign in, answer one of a
// campaign's questions with an idea, vote for it, comment on it, and see
// the vote count change and, when another member replies, the unread count
// in the header go up and the notification in the list.
func TestBrowserIdeaJourney(t *testing.T) {
	chrome := findChromium(t)
	cat, err := i18n.Load()
	if err != nil {
		t.Fatalf("load catalog: %v", err)
	}
	en := func(key string) string { return cat.T("en", key, nil) }

	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	base := startDemo(t)
	bctx, _, stop := startPhoneBrowser(t, ctx, chrome)
	defer stop()
	b := &browser{t: t, ctx: bctx, base: base, cat: cat}

	// 1. Sign in as the demo member (English).
	step := "1 sign in"
	b.open(step, "/signin")
	b.do(step,
		chromedp.SetValue(chromedp.CSS(`form[action="/signin"] input[name=email]`), "member@fjordhus.example"),
		chromedp.SetValue(chromedp.CSS(`form[action="/signin"] input[name=password]`), demo.Password),
	)
	b.navigate(step, chromedp.Tap(chromedp.CSS(`form[action="/signin"] button[type=submit]`)))
	unreadBefore := unreadCount(b, step)

	// 2. Answer the campaign's first question with an idea.
	step = "2 post an idea"
	b.open(step, "/campaigns/stronger-relationship")
	b.navigate(step, chromedp.Tap(chromedp.CSS(`a.answer`)))
	if p := b.path(step); p != "/campaigns/stronger-relationship/ideas/new" {
		t.Fatalf("%s: the answer link led to %s", step, p)
	}
	b.fitsPhone(step)
	const title = "A live video from the workshop every Friday"
	b.do(step,
		chromedp.SetValue(chromedp.CSS(`input[name=title]`), title),
		chromedp.SetValue(chromedp.CSS(`textarea[name=body]`), "Show us how a **sofa** is made, and answer questions live."),
		chromedp.SetValue(chromedp.CSS(`input[name=tags]`), "video, workshop"),
	)
	b.navigate(step, chromedp.Tap(chromedp.CSS(`form[action$="/ideas"] button[type=submit]`)))
	ideaPath := b.path(step)
	if !regexp.MustCompile(`^/ideas/\d+$`).MatchString(ideaPath) {
		t.Fatalf("%s: after posting the page is %s; it reads:\n%s", step, ideaPath, b.text(step, "main"))
	}
	if h1 := b.text(step, "article.idea h1"); h1 != title {
		t.Errorf("%s: the idea page's title is %q", step, h1)
	}
	// The body's Markdown came out as emphasis, not as asterisks.
	if !eval[bool](b, step, `document.querySelector('.idea-body strong')?.textContent === 'sofa'`) {
		t.Errorf("%s: the body's **sofa** is not bold: %q", step, b.text(step, ".idea-body"))
	}
	b.fitsPhone(step)

	// 3. Vote for it: the count goes from none to one.
	step = "3 vote"
	before := b.text(step, "article.idea .vote .count")
	b.navigate(step, chromedp.Tap(chromedp.CSS(`form[action="`+ideaPath+`/vote"] button`)))
	after := b.text(step, "article.idea .vote .count")
	if before == after || !strings.Contains(after, "1") {
		t.Errorf("%s: the vote count reads %q before and %q after voting", step, before, after)
	}
	if !eval[bool](b, step, `document.querySelector('form[action="`+ideaPath+`/unvote"]') !== null`) {
		t.Errorf("%s: no button to take the vote back", step)
	}

	// 4. Comment on it.
	step = "4 comment"
	const comment = "I would watch this on my lunch break."
	b.do(step, chromedp.SetValue(chromedp.CSS(`#comment-form textarea[name=body]`), comment))
	b.navigate(step, chromedp.Tap(chromedp.CSS(`#comment-form button[type=submit]`)))
	if got := b.text(step, "#comments"); !strings.Contains(got, comment) {
		t.Fatalf("%s: the comment is not on the page; the comments read:\n%s", step, got)
	}
	commentID := eval[string](b, step, `[...document.querySelectorAll('li.comment')].find(li => li.textContent.includes(`+strconv.Quote(comment)+`))?.id.replace('comment-', '') ?? ''`)
	if commentID == "" {
		t.Fatalf("%s: cannot find the new comment's id", step)
	}
	b.fitsPhone(step)

	// 5. Another member replies (from their own browser session, here a
	// plain HTTP client); the reply reaches this member as a notification.
	step = "5 notification"
	tom := signInClient(t, ctx, base, "tom.oconnor@example.co.uk")
	tom.postForm(ideaPath+"/comments", url.Values{"parent_id": {commentID}, "body": {"Same here, Emma! Fridays are perfect."}})
	// The fan-out runs as a job; the header shows it once it ran.
	deadline := time.Now().Add(30 * time.Second)
	unread := unreadBefore
	for unread <= unreadBefore && time.Now().Before(deadline) {
		time.Sleep(300 * time.Millisecond)
		b.open(step, ideaPath)
		unread = unreadCount(b, step)
	}
	if unread != unreadBefore+1 {
		t.Fatalf("%s: the header's unread count went from %d to %d, want one more", step, unreadBefore, unread)
	}
	b.navigate(step, chromedp.Tap(chromedp.CSS(`header a.notifications`)))
	if got := b.text(step, "main"); !strings.Contains(got, "Tom O'Connor") || !strings.Contains(got, title) {
		t.Errorf("%s: the notifications page does not name the reply's author and the idea:\n%s", step, got)
	}
	b.fitsPhone(step)
	if !strings.Contains(b.text(step, "main"), en("notifications.title")) {
		t.Errorf("%s: the notifications page lacks its title %q", step, en("notifications.title"))
	}
}

// unreadCount reads the unread count in the page header (0 without one).
func unreadCount(b *browser, step string) int {
	b.t.Helper()
	s := eval[string](b, step, `document.querySelector('header a.notifications .count')?.textContent ?? '0'`)
	n, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(s, "+")))
	if err != nil {
		b.t.Fatalf("%s: unread count %q: %v", step, s, err)
	}
	return n
}

// formClient is a member's session outside the browser, posting forms the
// way a browser does (session cookie and the page's CSRF token).
type formClient struct {
	t    *testing.T
	ctx  context.Context
	base string
	http *http.Client
	csrf string
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// signInClient signs a demo account in with the demo password.
func signInClient(t *testing.T, ctx context.Context, base, email string) *formClient {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &formClient{t: t, ctx: ctx, base: base, http: &http.Client{Jar: jar, Timeout: 10 * time.Second}}
	c.get("/signin")
	c.postForm("/signin", url.Values{"email": {email}, "password": {demo.Password}})
	return c
}

// get loads a page and keeps its CSRF token.
func (c *formClient) get(path string) string {
	c.t.Helper()
	req, _ := http.NewRequestWithContext(c.ctx, "GET", c.base+path, nil)
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("GET %s: %v", path, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if m := csrfField.FindSubmatch(body); m != nil {
		c.csrf = string(m[1])
	}
	if res.StatusCode != 200 {
		c.t.Fatalf("GET %s: %d", path, res.StatusCode)
	}
	return string(body)
}

// postForm posts a form with the current CSRF token, following the
// redirect that answers a successful post.
func (c *formClient) postForm(path string, form url.Values) string {
	c.t.Helper()
	form.Set("csrf", c.csrf)
	req, _ := http.NewRequestWithContext(c.ctx, "POST", c.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", c.base)
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("POST %s: %v", path, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if m := csrfField.FindSubmatch(body); m != nil {
		c.csrf = string(m[1])
	}
	if res.StatusCode != 200 {
		c.t.Fatalf("POST %s: %d\n%s", path, res.StatusCode, fmt.Sprint(string(body)))
	}
	return string(body)
}
