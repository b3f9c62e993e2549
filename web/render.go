package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/account"
	"github.com/samtal-dev/samtal/i18n"
	"github.com/samtal-dev/samtal/idea"
)

// pageTemplate is one page, parsed once per UI language.
type pageTemplate struct{ byLang map[string]*template.Template }

// staticT matches a translation without arguments: {{.T "id"}} or {{$.T "id"}}.
var staticT = regexp.MustCompile(`\{\{-?\s*\$?\.T\s+"([a-z0-9_.]+)"\s*-?\}\}`)

// translateStatic replaces every {{.T "id"}} whose message has no
// placeholders with the text in lang as a string constant, {{"…"}}, so that
// rendering a page does not look up the same fixed strings on every request,
// while html/template still escapes the text for its context.
func translateStatic(src string, c *i18n.Catalog, lang string) string {
	return staticT.ReplaceAllStringFunc(src, func(m string) string {
		id := staticT.FindStringSubmatch(m)[1]
		text, ok := c.Static(lang, id)
		if !ok {
			return m
		}
		return "{{" + strconv.Quote(text) + "}}"
	})
}

// parseTemplates parses every page together with the layout, once per
// language.
func parseTemplates(c *i18n.Catalog) (map[string]*pageTemplate, error) {
	layout, err := fs.ReadFile(assets, "templates/layout.html")
	if err != nil {
		return nil, err
	}
	files, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		return nil, err
	}
	// templates/partials holds pieces that every page may use.
	partialFiles, err := fs.Glob(assets, "templates/partials/*.html")
	if err != nil {
		return nil, err
	}
	var partials []string
	for _, f := range partialFiles {
		b, err := fs.ReadFile(assets, f)
		if err != nil {
			return nil, err
		}
		partials = append(partials, string(b))
	}
	// A page is parsed with the layout and only the partials it (or a
	// partial it uses) calls: with every partial in every page in every
	// language, the parse trees held 16 MB at idle.
	defines := regexp.MustCompile(`{{-?\s*define "([^"]+)"`)
	calls := regexp.MustCompile(`{{-?\s*template "([^"]+)"`)
	definedIn := map[string]int{} // template name → partial
	for i, p := range partials {
		for _, m := range defines.FindAllStringSubmatch(p, -1) {
			definedIn[m[1]] = i
		}
	}
	needs := func(src string) []int {
		var out []int
		seen := map[int]bool{}
		queue := []string{src}
		for len(queue) > 0 {
			text := queue[0]
			queue = queue[1:]
			for _, m := range calls.FindAllStringSubmatch(text, -1) {
				if i, ok := definedIn[m[1]]; ok && !seen[i] {
					seen[i] = true
					out = append(out, i)
					queue = append(queue, partials[i])
				}
			}
		}
		slices.Sort(out)
		return out
	}
	out := map[string]*pageTemplate{}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" {
			continue
		}
		body, err := fs.ReadFile(assets, f)
		if err != nil {
			return nil, err
		}
		uses := needs(string(layout) + string(body))
		pt := &pageTemplate{byLang: map[string]*template.Template{}}
		for _, lang := range i18n.Languages {
			t, err := template.New("layout").Parse(translateStatic(string(layout), c, lang))
			if err != nil {
				return nil, fmt.Errorf("layout: %w", err)
			}
			if _, err := t.New(name).Parse(translateStatic(string(body), c, lang)); err != nil {
				return nil, fmt.Errorf("template %s: %w", name, err)
			}
			for _, i := range uses {
				if _, err := t.Parse(translateStatic(partials[i], c, lang)); err != nil {
					return nil, fmt.Errorf("partial %s of %s: %w", partialFiles[i], name, err)
				}
			}
			pt.byLang[lang] = t
		}
		out[name] = pt
	}
	return out, nil
}

// view is what every page template gets: the language helpers, the signed-in
// account, the CSRF token for forms, and the page's own Data.
type view struct {
	s         *Server
	Lang      string
	TitleKey  string
	Account   *account.Account
	Actor     samtal.Actor
	CSRF      string
	Path      string
	Community string
	Flash     string // a message key shown once at the top
	Error     string // translated error message for the form
	ErrField  string
	Form      map[string]string // values to refill a form with
	Data      any
}

// view starts the view of a page for r.
func (s *Server) view(r *http.Request, titleKey string) *view {
	st := stateOf(r)
	return &view{
		s: s, Lang: st.lang, TitleKey: titleKey, Account: st.account, Actor: st.actor, CSRF: st.csrf,
		Path: r.URL.RequestURI(), Community: s.CommunityName, Flash: s.flash(st.lang, r.URL.Query().Get("flash")),
		Form: map[string]string{},
	}
}

// flash returns a one-time message id from the URL if it is one of ours, so
// that a link cannot put arbitrary text on the page.
func (s *Server) flash(lang, id string) string {
	if !strings.HasPrefix(id, "flash.") {
		return ""
	}
	if _, ok := s.Catalog.Static(lang, id); !ok {
		return ""
	}
	return id
}

// T translates a message id; pairs of arguments fill in its fields:
// {{.T "greeting" "Name" .Account.Name}}.
func (v *view) T(id string, kv ...any) string {
	var data map[string]any
	if len(kv) > 1 {
		data = make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			data[fmt.Sprint(kv[i])] = kv[i+1]
		}
	}
	return v.s.Catalog.T(v.Lang, id, data)
}

// N translates a message id with plural forms for n.
func (v *view) N(id string, n int) string { return v.s.Catalog.N(v.Lang, id, n, nil) }

// Date formats a date the local way.
func (v *view) Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return v.s.Catalog.FormatDate(v.Lang, t)
}

// DateTime formats a date and time the local way.
func (v *view) DateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return v.s.Catalog.FormatDateTime(v.Lang, t)
}

// Int formats a number the local way.
func (v *view) Int(n int) string { return i18n.FormatInt(v.Lang, int64(n)) }

// Can reports whether the viewer holds a permission (to show links).
func (v *view) Can(p string) bool { return v.Actor.Can(samtal.Permission(p)) }

// voteBox is the vote box of one idea: its count, and the form that votes
// or takes the vote back, or a hint. The idea page and every item of the
// campaign page write it with HTML, so its rules live in one place.
type voteBox struct {
	V          *view
	Idea       *idea.Idea
	Open       bool   // the campaign takes votes now
	CanVote    bool   // the viewer has a vote left
	Next       string // where to come back after voting
	SignInLink bool   // offer visitors a sign-in link
}

// VoteBox bundles what a vote box needs.
func (v *view) VoteBox(i *idea.Idea, open, canVote bool, next string, signInLink bool) voteBox {
	return voteBox{V: v, Idea: i, Open: open, CanVote: canVote, Next: next, SignInLink: signInLink}
}

// HTML writes the box. Every text from a catalog or a request is escaped.
func (b voteBox) HTML() template.HTML {
	var w strings.Builder
	b.write(&w)
	return template.HTML(w.String())
}

func (b voteBox) write(w *strings.Builder) {
	esc := template.HTMLEscapeString
	id := strconv.FormatInt(b.Idea.ID, 10)
	w.WriteString(`<div class="vote"><span class="count">` + esc(b.V.N("idea.votes", b.Idea.Votes)) + `</span>`)
	form := func(action, class, label string) {
		w.WriteString(`<form method="post" action="/ideas/` + id + `/` + action + `">` +
			`<input type="hidden" name="csrf" value="` + esc(b.V.CSRF) + `">` +
			`<input type="hidden" name="next" value="` + esc(b.Next) + `">` +
			`<button type="submit"` + class + `>` + esc(b.V.T(label)) + `</button></form>`)
	}
	switch {
	case b.V.Actor.Can(samtal.PermContribute) && b.Open:
		if b.Idea.Voted {
			form("unvote", ` class="secondary"`, "idea.unvote")
		} else if b.CanVote {
			form("vote", "", "idea.vote")
		}
	case b.Idea.Voted:
		w.WriteString(`<span class="small">` + esc(b.V.T("idea.you_voted")) + `</span>`)
	case b.SignInLink && b.V.Account == nil && b.Open:
		w.WriteString(`<a href="/signin?next=/ideas/` + id + `">` + esc(b.V.T("idea.signin_to_vote")) + `</a>`)
	}
	w.WriteString(`</div>`)
}

// Languages lists the UI languages for the switcher.
func (v *view) Languages() []string { return i18n.Languages }

// render executes a page into a buffer first, so that a template error
// becomes a clean 500 and never half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, v *view) {
	pt, ok := s.pages[name]
	if !ok {
		panic("no template " + name)
	}
	t, ok := pt.byLang[v.Lang]
	if !ok {
		t = pt.byLang[i18n.Languages[0]]
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		s.Log.Error("render", "template", name, "request_id", requestID(r), "err", err)
		http.Error(w, "internal error, request id "+requestID(r), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Language", v.Lang)
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// formError re-renders a form page with the error of err on its field.
func (s *Server) formError(w http.ResponseWriter, r *http.Request, name string, v *view, err error) {
	status, _, msg, field := s.describe(r, err)
	setRetryAfter(w, err)
	v.Error, v.ErrField = msg, field
	s.render(w, r, status, name, v)
}
