// Package markup turns what people write (Markdown) into HTML that is safe
// to put on a page: raw HTML shows as text, links get rel="nofollow ugc
// noopener" and only http, https, mailto or our own paths, images come only
// from our own /uploads/, and headings are demoted below the page's own.
//
// Render is called once when a text is written, and the HTML is stored
// beside its source (see docs/design.md): pages never render Markdown.
package markup

import (
	"bytes"
	stdhtml "html"
	"regexp"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Rel is the rel attribute of every link: the links are the community's,
// not ours, and must not reach back into the page that opened them.
const Rel = "nofollow ugc noopener"

// headingShift demotes headings: a page has its own h1 and h2, so a "#" in
// a brief becomes an h3.
const headingShift = 2

// uploadPath is the only image source allowed: our own uploads.
var uploadPath = regexp.MustCompile(`^/uploads/[A-Za-z0-9_-]{16,64}$`)

// renderer is built once and only read afterwards: both goldmark and a
// finished bluemonday policy are safe for concurrent use.
type engine struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
}

var get = sync.OnceValue(func() *engine {
	md := goldmark.New(
		goldmark.WithExtensions(extension.Strikethrough, extension.Linkify),
		goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(transformer{}, 100))),
		// Members write text with line breaks and expect them kept.
		goldmark.WithRendererOptions(html.WithHardWraps(), renderer.WithNodeRenderers(util.Prioritized(rawAsText{}, 100))),
	)
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "em", "strong", "del", "code", "pre", "blockquote", "ul", "ol", "li", "hr", "h3", "h4", "h5", "h6")
	p.AllowAttrs("start").Matching(bluemonday.Integer).OnElements("ol")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^language-[A-Za-z0-9_+-]{1,30}$`)).OnElements("code")
	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("rel").Matching(regexp.MustCompile(`^` + Rel + `$`)).OnElements("a")
	p.AllowAttrs("title").OnElements("a", "img")
	p.AllowAttrs("src").Matching(uploadPath).OnElements("img")
	p.AllowAttrs("alt").OnElements("img")
	p.AllowURLSchemes("http", "https", "mailto")
	p.AllowRelativeURLs(true)
	p.RequireParseableURLs(true)
	return &engine{md: md, policy: p}
})

// Render returns the safe HTML of a Markdown text; "" for an empty one.
func Render(src string) string {
	if strings.TrimSpace(src) == "" {
		return ""
	}
	e := get()
	var buf bytes.Buffer
	if err := e.md.Convert([]byte(src), &buf); err != nil {
		// goldmark fails only on a failing writer; a buffer does not fail.
		return "<p>" + stdhtml.EscapeString(src) + "</p>"
	}
	// The sanitiser is the second line: whatever the renderer lets
	// through, only the elements and attributes above survive.
	return strings.TrimSpace(e.policy.Sanitize(buf.String()))
}

// transformer demotes headings, marks links and drops images that are not
// our own uploads (their text stays).
type transformer struct{}

func (transformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	var foreign []*ast.Image
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			n.Level = min(n.Level+headingShift, 6)
		case *ast.Link:
			n.SetAttributeString("rel", []byte(Rel))
		case *ast.AutoLink:
			n.SetAttributeString("rel", []byte(Rel))
		case *ast.Image:
			if !uploadPath.Match(n.Destination) {
				foreign = append(foreign, n)
			}
		}
		return ast.WalkContinue, nil
	})
	for _, img := range foreign {
		parent := img.Parent()
		for c := img.FirstChild(); c != nil; {
			next := c.NextSibling()
			parent.InsertBefore(parent, img, c)
			c = next
		}
		parent.RemoveChild(parent, img)
	}
}

// rawAsText shows raw HTML as the text it is, instead of dropping it
// silently: "<b>" in a comment was most likely meant to be read.
type rawAsText struct{}

func (rawAsText) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindRawHTML, func(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			segs := node.(*ast.RawHTML).Segments
			for i := range segs.Len() {
				s := segs.At(i)
				w.WriteString(stdhtml.EscapeString(string(s.Value(source))))
			}
		}
		return ast.WalkSkipChildren, nil
	})
	reg.Register(ast.KindHTMLBlock, func(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
		n := node.(*ast.HTMLBlock)
		if entering {
			w.WriteString("<p>")
			lines := n.Lines()
			for i := range lines.Len() {
				l := lines.At(i)
				w.WriteString(stdhtml.EscapeString(string(l.Value(source))))
			}
			if n.HasClosure() {
				w.WriteString(stdhtml.EscapeString(string(n.ClosureLine.Value(source))))
			}
			w.WriteString("</p>\n")
		}
		return ast.WalkSkipChildren, nil
	})
}

// Excerpt returns the start of a plain text for a preview: runs of blanks
// become one space, and a text longer than n characters is cut at the last
// space in its second half (or at n) and ends with "…".
func Excerpt(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n])
	if i := strings.LastIndexByte(cut, ' '); i > len(cut)/2 {
		cut = cut[:i]
	}
	return cut + "…"
}
