package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/samtal-dev/samtal/demo"
	"github.com/samtal-dev/samtal/i18n"
)

// TestBrowserPeopleJourney is a staff member's round through a person's
// profile on a phone-sized screen in a real headless Chromium: find
// Hannah (known from Mastodon, no account) in the people list, write a
// note and a tag, merge her into Emma Clarke by searching Emma's name, see
// Emma's profile holding Hannah's identity, note and tag, and undo the
// merge. The demo's agent works in Danish.
func TestBrowserPeopleJourney(t *testing.T) {
	chrome := findChromium(t)
	cat, err := i18n.Load()
	if err != nil {
		t.Fatalf("load catalog: %v", err)
	}
	da := func(key string) string { return cat.T("da", key, nil) }

	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	base := startDemo(t)
	bctx, rec, stop := startPhoneBrowser(t, ctx, chrome)
	defer stop()
	b := &browser{t: t, ctx: bctx, base: base, cat: cat}
	profilePath := regexp.MustCompile(`^/admin/people/\d+$`)

	// 1. Sign in as the demo agent and open the people from the staff area.
	step := "1 people list"
	b.open(step, "/signin")
	b.do(step,
		chromedp.SetValue(chromedp.CSS(`form[action="/signin"] input[name=email]`), "agent@fjordhus.example"),
		chromedp.SetValue(chromedp.CSS(`form[action="/signin"] input[name=password]`), demo.Password),
	)
	b.navigate(step, chromedp.Tap(chromedp.CSS(`form[action="/signin"] button[type=submit]`)))
	b.open(step, "/admin")
	b.navigate(step, chromedp.Tap(chromedp.CSS(`.tiles a[href="/admin/people"]`)))
	if h1 := b.text(step, "main h1"); h1 != da("people.title") {
		t.Fatalf("%s: the page is titled %q, want %q", step, h1, da("people.title"))
	}
	b.fitsPhone(step)
	b.do(step, chromedp.SetValue(chromedp.CSS(`form[action="/admin/people"] input[name=q]`), "Hannah"))
	b.navigate(step, chromedp.Tap(chromedp.CSS(`form[action="/admin/people"] button[type=submit]`)))
	if got := b.text(step, ".people-list"); !strings.Contains(got, "Hannah (@hannahmakes)") {
		t.Fatalf("%s: searching Hannah lists %q", step, got)
	}

	// 2. Her profile: the Mastodon identity, no account.
	step = "2 profile"
	b.navigate(step, chromedp.Tap(chromedp.CSS(`.people-list li a`)))
	hannah := b.path(step)
	if !profilePath.MatchString(hannah) {
		t.Fatalf("%s: the list's link led to %s", step, hannah)
	}
	if got := b.text(step, "#identities"); !strings.Contains(got, "@hannahmakes@mastodon.social") {
		t.Errorf("%s: identities read %q", step, got)
	}
	b.fitsPhone(step)

	// 3. A note and a tag.
	step = "3 note and tag"
	const note = "Posts sofa makeovers every week; ask her about the Havbro colours."
	b.do(step, chromedp.SetValue(chromedp.CSS(`#notes textarea[name=note_body]`), note))
	b.navigate(step, chromedp.Tap(chromedp.CSS(`#notes button[type=submit]`)))
	if got := b.text(step, "#notes"); !strings.Contains(got, note) {
		t.Fatalf("%s: the note is not on the profile: %q", step, got)
	}
	if got := b.text(step, "main"); !strings.Contains(got, da("flash.note_added")) {
		t.Errorf("%s: no %q after saving the note", step, da("flash.note_added"))
	}
	b.do(step, chromedp.SetValue(chromedp.CSS(`#tags input[name=tags]`), "Maker, press"))
	b.navigate(step, chromedp.Tap(chromedp.CSS(`#tags button[type=submit]`)))
	if got := b.text(step, "#tags ul.tags"); !strings.Contains(got, "maker") || !strings.Contains(got, "press") {
		t.Errorf("%s: tags read %q", step, got)
	}
	b.fitsPhone(step)

	// 4. Merge into Emma, found by her name.
	step = "4 merge"
	b.do(step, chromedp.SetValue(chromedp.CSS(`form.merge-form input[name=into]`), "Emma"))
	b.navigate(step, chromedp.Tap(chromedp.CSS(`form.merge-form button[type=submit]`)))
	if got := b.text(step, "ul.candidates"); !strings.Contains(got, "Emma Clarke") {
		t.Fatalf("%s: the merge form found %q for Emma", step, got)
	}
	b.fitsPhone(step)
	b.navigate(step, chromedp.Tap(chromedp.CSS(`ul.candidates li form button`)))
	emma := b.path(step)
	if !profilePath.MatchString(emma) || emma == hannah {
		t.Fatalf("%s: after merging the page is %s", step, emma)
	}
	if h1 := b.text(step, "main h1"); h1 != "Emma Clarke" {
		t.Errorf("%s: landed on %q, want Emma Clarke's profile", step, h1)
	}
	if got := b.text(step, "main"); !strings.Contains(got, da("flash.person_merged")) {
		t.Errorf("%s: no %q after the merge", step, da("flash.person_merged"))
	}

	// 5. Emma's profile holds what was Hannah's.
	step = "5 merged profile"
	for sel, want := range map[string]string{
		"#identities": "@hannahmakes@mastodon.social",
		"#tags":       "press",
		"#notes":      note,
		"#merges":     "Hannah (@hannahmakes)",
	} {
		if got := b.text(step, sel); !strings.Contains(got, want) {
			t.Errorf("%s: %s reads %q, want %q in it", step, sel, got, want)
		}
	}
	b.fitsPhone(step)
	shot, err := chromedp.Run(bctx, chromedp.FullScreenshot(90))
	if err != nil {
		t.Fatalf("%s: screenshot: %v", step, err)
	}
	dir := os.Getenv("SAMTAL_SCREENSHOT_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	file := filepath.Join(dir, "browser-people-merged-profile-da-phone.jpg")
	if err := os.WriteFile(file, shot, 0o644); err != nil {
		t.Fatalf("%s: screenshot: %v", step, err)
	}
	t.Logf("screenshot of the merged profile: %s", file)

	// 6. Undo: Hannah comes back with her identity, note and tags.
	step = "6 undo"
	b.navigate(step, chromedp.Tap(chromedp.CSS(`#merges form[action$="/undo"] button`)))
	if p := b.path(step); p != hannah {
		t.Fatalf("%s: after undoing the page is %s, want Hannah's %s", step, p, hannah)
	}
	if got := b.text(step, "main"); !strings.Contains(got, da("flash.person_unmerged")) {
		t.Errorf("%s: no %q after undoing", step, da("flash.person_unmerged"))
	}
	for sel, want := range map[string]string{"#identities": "@hannahmakes@mastodon.social", "#notes": note, "#tags": "press"} {
		if got := b.text(step, sel); !strings.Contains(got, want) {
			t.Errorf("%s: Hannah's %s reads %q, want %q in it", step, sel, got, want)
		}
	}
	if eval[bool](b, step, `document.querySelector('.merged-into') !== null`) {
		t.Errorf("%s: Hannah's profile still says she was merged", step)
	}
	b.open(step, emma)
	if got := b.text(step, "#identities"); strings.Contains(got, "hannahmakes") {
		t.Errorf("%s: Emma kept Hannah's identity: %q", step, got)
	}
	b.fitsPhone(step)

	// 7. Nothing the Content-Security-Policy had to block.
	_, messages := rec.snapshot()
	for _, m := range messages {
		if isCSP(m) || strings.HasPrefix(m, "exception") {
			t.Errorf("7 console: %s", m)
		}
	}
}
