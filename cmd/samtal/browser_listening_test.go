package main

import (
	"context"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/samtal-dev/samtal/demo"
	"github.com/samtal-dev/samtal/i18n"
)

// TestBrowserListening is the admin's round through listening on a
// phone-sized screen in a real headless Chromium: the mention inbox with
// its sentiment labels and links to the originals, filtered to German; two
// mentions marked done with the bulk form; and a new topic whose first
// query does not parse, is fixed, previewed and saved, ending on the
// topic's page with its chart. The demo's forum holds a post with a
// <script> in its text: the test watches for a dialog all along.
func TestBrowserListening(t *testing.T) {
	chrome := findChromium(t)
	cat, err := i18n.Load()
	if err != nil {
		t.Fatalf("load catalog: %v", err)
	}
	// The demo's admin, Sofie Lindqvist, works in English.
	en := func(key string) string { return cat.T("en", key, nil) }

	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	base := startDemo(t)
	bctx, rec, stop := startPhoneBrowser(t, ctx, chrome)
	defer stop()
	b := &browser{t: t, ctx: bctx, base: base, cat: cat}
	dialogs := watchDialogs(bctx)

	// 0. Sign in as the demo admin.
	step := "0 sign in"
	b.open(step, "/signin")
	b.do(step,
		chromedp.SetValue(chromedp.CSS(`form[action="/signin"] input[name=email]`), "admin@fjordhus.example"),
		chromedp.SetValue(chromedp.CSS(`form[action="/signin"] input[name=password]`), demo.Password),
	)
	b.navigate(step, chromedp.Tap(chromedp.CSS(`form[action="/signin"] button[type=submit]`)))
	if p := b.path(step); p != "/" {
		t.Fatalf("%s: landed on %s, want /; page reads:\n%s", step, p, b.text(step, "main"))
	}

	// 1. The inbox: sentiment in words, links to the originals, and the
	// forum post's <script> shown as text.
	step = "1 inbox"
	b.open(step, "/listening")
	b.do(step, chromedp.WaitVisible(chromedp.CSS(`ol.mentions li.mention`)))
	if h1 := b.text(step, "main h1"); h1 != en("listening.title") {
		t.Fatalf("%s: the page is titled %q, want %q", step, h1, en("listening.title"))
	}
	inbox := readMentions(b, step)
	if len(inbox) < 20 {
		t.Fatalf("%s: %d mentions in the inbox, want the demo's (over 20)", step, len(inbox))
	}
	words := map[string]string{}
	for _, s := range []string{"positive", "neutral", "negative"} {
		words[s] = cat.T("en", "listening.sentiment."+s, nil)
	}
	seen := map[string]bool{}
	for _, m := range inbox {
		for _, s := range m.Sentiments {
			class, word, _ := strings.Cut(s, "=")
			if want, ok := words[class]; !ok || word != want {
				t.Errorf("%s: mention #%s has sentiment badge %q reading %q, want one of %v", step, m.ID, class, word, words)
			}
			seen[class] = true
		}
		if len(m.Originals) != 1 {
			t.Errorf("%s: mention #%s has %d %q links, want 1", step, m.ID, len(m.Originals), en("listening.original"))
			continue
		}
		if o := m.Originals[0]; !strings.HasPrefix(o, "https://") || strings.HasPrefix(o, base) {
			t.Errorf("%s: mention #%s links to the original at %q, want another site over https", step, m.ID, o)
		}
	}
	if !seen["positive"] || !seen["negative"] {
		t.Errorf("%s: sentiment labels seen %v, want both positive and negative among the demo's mentions", step, seen)
	}
	main := b.text(step, "main")
	const script = "<script>alert(1)</script>"
	if !strings.Contains(main, script) {
		t.Errorf("%s: the forum post's %q is not shown as text; main reads:\n%s", step, script, main)
	}
	if n := eval[int](b, step, `document.querySelectorAll('main script').length`); n != 0 {
		t.Errorf("%s: %d <script> elements inside main: a mention's text became markup", step, n)
	}
	b.fitsPhone(step)

	// Filter to German with the filter form.
	const german, danish = "Die Lieferung kam zwei Wochen zu spät", "Sofaen er virkelig flot"
	if !strings.Contains(main, danish) {
		t.Fatalf("%s: the Danish %q is not in the unfiltered inbox; the filter step would prove nothing", step, danish)
	}
	b.do(step, chromedp.SetValue(chromedp.CSS(`form.filters[action="/listening"] input[name=lang]`), "de"))
	b.navigate(step, chromedp.Tap(chromedp.CSS(`form.filters[action="/listening"] button[type=submit]`)))
	b.do(step, chromedp.WaitVisible(chromedp.CSS(`ol.mentions li.mention`)))
	if q := eval[string](b, step, `location.search`); !strings.Contains(q, "lang=de") {
		t.Fatalf("%s: the filter form sent %q, want lang=de in it", step, q)
	}
	germans := readMentions(b, step)
	if len(germans) == 0 || len(germans) >= len(inbox) {
		t.Fatalf("%s: %d German mentions of %d, want some and fewer than all", step, len(germans), len(inbox))
	}
	for _, m := range germans {
		if m.Lang != "DE" {
			t.Errorf("%s: mention #%s has language badge %q in the German list", step, m.ID, m.Lang)
		}
	}
	main = b.text(step, "main")
	if !strings.Contains(main, german) {
		t.Errorf("%s: the German %q is missing from the German list", step, german)
	}
	if strings.Contains(main, danish) {
		t.Errorf("%s: the Danish %q is still in the German list", step, danish)
	}
	b.fitsPhone(step)

	// 2. Tick two German mentions that are not done and mark them done.
	step = "2 bulk done"
	var picked []string
	var untouched listedMention
	for _, m := range germans {
		switch {
		case m.State == "done":
		case len(picked) < 2:
			picked = append(picked, m.ID)
		case untouched.ID == "":
			untouched = m
		}
	}
	if len(picked) < 2 || untouched.ID == "" {
		t.Fatalf("%s: want three German mentions that are not done, have %v", step, germans)
	}
	for _, id := range picked {
		b.do(step, chromedp.Tap(chromedp.CSS(`#mention-`+id+` input[type=checkbox]`)))
	}
	checked := eval[[]string](b, step, `[...document.querySelectorAll('input[type=checkbox][form=bulk]:checked')].map(c => c.value)`)
	if !slices.Equal(checked, picked) {
		t.Fatalf("%s: ticked %v, but the checked boxes are %v", step, picked, checked)
	}
	b.do(step, chromedp.SetValue(chromedp.CSS(`#bulk select[name=state]`), "done"))
	b.navigate(step, chromedp.Tap(chromedp.CSS(`#bulk button[type=submit]`)))
	b.do(step, chromedp.WaitVisible(chromedp.CSS(`main p.flash[role=status]`)))
	if got, want := b.text(step, "main p.flash[role=status]"), cat.N("en", "listening.changed", 2, nil); got != want {
		t.Errorf("%s: the notice reads %q, want %q", step, got, want)
	}
	if q := eval[string](b, step, `location.search`); !strings.Contains(q, "lang=de") {
		t.Errorf("%s: after the bulk action the list lost its filter: %q", step, q)
	}
	after := map[string]listedMention{}
	for _, m := range readMentions(b, step) {
		after[m.ID] = m
	}
	for _, id := range picked {
		m, ok := after[id]
		switch {
		case !ok:
			t.Errorf("%s: mention #%s is gone from the list after the bulk action", step, id)
		case m.State != "done" || m.StateText != en("listening.state.done"):
			t.Errorf("%s: mention #%s shows state %s (%q), want done (%q)", step, id, m.State, m.StateText, en("listening.state.done"))
		}
	}
	if m := after[untouched.ID]; m.State != untouched.State {
		t.Errorf("%s: mention #%s was not ticked but went from %s to %s", step, untouched.ID, untouched.State, m.State)
	}
	b.fitsPhone(step)

	// 3. A new topic: a query that does not parse, fixed, previewed, saved.
	step = "3 new topic"
	b.open(step, "/listening/topics")
	b.navigate(step, chromedp.Tap(chromedp.CSS(`main a[href="/listening/topics/new"]`)))
	if h1 := b.text(step, "main h1"); h1 != en("listening.topic_new") {
		t.Fatalf("%s: the page is titled %q, want %q", step, h1, en("listening.topic_new"))
	}
	b.fitsPhone(step)
	const (
		name    = "Sofa cushions and fabric"
		bad     = "sofa AND (bed"
		good    = "sofa* AND (cushion* OR fabric OR stoff*)"
		example = "The sofa cushions keep their shape"
	)
	queryBox := chromedp.CSS(`#edit textarea[name=query]`)
	save := chromedp.CSS(`#edit button[type=submit]:not([name=preview])`)
	b.do(step,
		chromedp.SetValue(chromedp.CSS(`#edit input[name=name]`), name),
		chromedp.SendKeys(queryBox, bad),
	)
	b.navigateStatus(step, http.StatusUnprocessableEntity, chromedp.Tap(save))
	b.do(step, chromedp.WaitVisible(chromedp.CSS(`#form-error`)))
	if msg := b.text(step, "#form-error"); !strings.Contains(msg, "character") {
		t.Errorf("%s: the error reads %q, want it to say at which character", step, msg)
	}
	if got := b.value(step, queryBox); got != bad {
		t.Errorf("%s: the query box holds %q after the refusal, want what was typed, %q", step, got, bad)
	}
	if got := b.value(step, chromedp.CSS(`#edit input[name=name]`)); got != name {
		t.Errorf("%s: the name field holds %q after the refusal, want %q", step, got, name)
	}
	if !eval[bool](b, step, `document.querySelector('#edit textarea[name=query]').getAttribute('aria-invalid') === 'true'`) {
		t.Errorf("%s: the query box is not marked aria-invalid", step)
	}
	if p := b.path(step); p != "/listening/topics" {
		t.Errorf("%s: the refusal is at %s, want /listening/topics", step, p)
	}
	b.fitsPhone(step)

	// Fix the query, give an example it must match, and preview.
	b.do(step,
		chromedp.Clear(queryBox),
		chromedp.SendKeys(queryBox, good),
		chromedp.SetValue(chromedp.CSS(`#edit textarea[name=must_match]`), example),
	)
	b.navigate(step, chromedp.Tap(chromedp.CSS(`#edit button[name=preview]`)))
	b.do(step, chromedp.WaitVisible(chromedp.CSS(`#preview`)))
	if eval[bool](b, step, `document.getElementById('form-error') !== null`) {
		t.Fatalf("%s: the preview of %q is refused: %q", step, good, b.text(step, "#form-error"))
	}
	preview := b.text(step, "#preview")
	if n := eval[int](b, step, `document.querySelectorAll('#preview li.mention').length`); n == 0 {
		t.Fatalf("%s: the preview of %q lists no mentions; it reads:\n%s", step, good, preview)
	}
	if !strings.Contains(preview, "Havbro sofa, three months in") {
		t.Errorf("%s: the preview of %q lacks Grace's review of the Havbro sofa; it reads:\n%s", step, good, preview)
	}
	if got := b.value(step, queryBox); got != good {
		t.Errorf("%s: after the preview the query box holds %q, want %q", step, got, good)
	}
	if got := b.value(step, chromedp.CSS(`#edit textarea[name=must_match]`)); got != example {
		t.Errorf("%s: after the preview the example box holds %q, want %q", step, got, example)
	}
	b.fitsPhone(step)

	// Save: the topic's page, with its chart and its query.
	b.navigate(step, chromedp.Tap(save))
	b.do(step, chromedp.WaitVisible(chromedp.CSS(`#chart svg`)))
	if p := b.path(step); !regexp.MustCompile(`^/listening/topics/\d+$`).MatchString(p) {
		t.Fatalf("%s: after saving the page is %s; it reads:\n%s", step, p, b.text(step, "main"))
	}
	if h1 := b.text(step, "main h1"); h1 != name {
		t.Errorf("%s: the topic page is titled %q, want %q", step, h1, name)
	}
	if got := b.text(step, "main"); !strings.Contains(got, en("flash.topic_saved")) {
		t.Errorf("%s: no %q after saving", step, en("flash.topic_saved"))
	}
	if n := eval[int](b, step, `document.querySelectorAll('#chart svg rect').length`); n == 0 {
		t.Errorf("%s: the chart has no bars", step)
	}
	if got := b.value(step, queryBox); got != good {
		t.Errorf("%s: the topic page shows the query %q, want %q", step, got, good)
	}
	b.fitsPhone(step)

	// 4. No dialog opened anywhere, and nothing the CSP had to block.
	if got := dialogs.list(); len(got) > 0 {
		t.Errorf("4 dialogs: a page opened %d dialog(s), first %q: a mention's text ran as script", len(got), got[0])
	}
	_, messages := rec.snapshot()
	for _, m := range messages {
		if isCSP(m) || strings.HasPrefix(m, "exception") {
			t.Errorf("4 console: %s", m)
		}
	}
}

// listedMention is one mention of a list as the page shows it.
type listedMention struct {
	ID         string
	Lang       string   // the language badge, "" without one
	State      string   // from the state badge's class
	StateText  string   // the state badge's words
	Sentiments []string // "class=words" of each sentiment badge
	Originals  []string // hrefs of the "open the original" links
}

// readMentions reads the mentions of the list on the page.
func readMentions(b *browser, step string) []listedMention {
	b.t.Helper()
	return eval[[]listedMention](b, step, `[...document.querySelectorAll('ol.mentions li.mention')].map(li => {
		const state = li.querySelector('.mention-badges .badge[class*="state-"]');
		return {
			ID: li.id.replace('mention-', ''),
			Lang: li.querySelector('.badge.lang')?.textContent.trim() ?? '',
			State: state ? [...state.classList].find(c => c.startsWith('state-')).slice(6) : '',
			StateText: state ? state.textContent.trim() : '',
			Sentiments: [...li.querySelectorAll('.badge[class*="sentiment-"]')].map(s =>
				[...s.classList].find(c => c.startsWith('sentiment-')).slice(10) + '=' + s.textContent.trim()),
			Originals: [...li.querySelectorAll('.mention-links a[target=_blank]')]
				.filter(a => a.textContent.trim() === `+jsString(b.cat.T("en", "listening.original", nil))+`)
				.map(a => a.href),
		};
	})`)
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`).Replace(s) + "'"
}

// navigateStatus is navigate for a page that answers with a given status,
// such as a form shown again with why it was refused.
func (b *browser) navigateStatus(step string, want int, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	res, err := chromedp.RunResponse(b.ctx, actions...)
	if err != nil {
		b.t.Fatalf("%s: %v", step, err)
	}
	if res == nil || res.Status != int64(want) {
		var got int64
		if res != nil {
			got = res.Status
		}
		b.t.Fatalf("%s: the page answered %d, want %d; page reads:\n%s", step, got, want, b.text(step, "body"))
	}
}

// value reads a form field's current value.
func (b *browser) value(step string, sel chromedp.CSS) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Value(sel))
	if err != nil {
		b.t.Fatalf("%s: value of %v: %v", step, sel, err)
	}
	return v
}

// dialogWatch records the messages of the JavaScript dialogs the tab
// opened, closing each so that the page goes on.
type dialogWatch struct {
	mu   sync.Mutex
	msgs []string
}

// watchDialogs starts watching the tab of bctx; the watch ends with it.
func watchDialogs(bctx context.Context) *dialogWatch {
	w := &dialogWatch{}
	events := chromedp.Events(bctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range events {
			if err != nil {
				return
			}
			w.mu.Lock()
			w.msgs = append(w.msgs, ev.Type.String()+": "+ev.Message)
			w.mu.Unlock()
			// A dialog left open would stall every later step.
			_, _ = chromedp.Call(bctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	return w
}

func (w *dialogWatch) list() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.msgs)
}
