// Package htmltext turns the HTML of feeds and social networks into plain
// text that samtal can store, search and show without ever rendering a
// stranger's markup.
package htmltext

import (
	"html"
	"regexp"
	"strings"
	"unicode"

	"github.com/microcosm-cc/bluemonday"
)

// Markers stand for breaks while the text passes through the sanitiser,
// which keeps text and drops tags. They come from Unicode's private use
// area, and any the input carries are removed first.
const (
	paraMark = '\uE000'
	lineMark = '\uE001'
)

var (
	// strict drops every element, and the content of script, style,
	// iframe and the like. A Policy is safe for concurrent use and never
	// changes after this line.
	strict = bluemonday.StrictPolicy()

	// Only the opening tag of a list item or row breaks the line, so a
	// list comes out one item per line rather than a blank line apart.
	lineBreak = regexp.MustCompile(`(?i)<br(?:\s[^>]*)?/?>|<(?:li|tr|dt|dd)(?:\s[^>]*)?>`)
	paraBreak = regexp.MustCompile(`(?i)</?(?:p|div|ul|ol|dl|h[1-6]|blockquote|pre|table|section|article|header|footer|aside|main|nav|figure|figcaption|address|details|summary|hr)(?:\s[^>]*)?/?>`)
	// markupLeft finds markup that survives one pass because it was
	// escaped twice, as some feeds do with their descriptions.
	markupLeft = regexp.MustCompile(`(?i)</(?:p|div|span|a|b|i|em|strong|li|ul|ol|h[1-6]|blockquote|pre|code|table|tr|td|script|style|iframe)\s*>|<(?:br|img|hr|script|iframe)\b[^>]*>`)
	scriptTag  = regexp.MustCompile(`(?i)<(/?script)`)
	stripMarks = strings.NewReplacer(string(paraMark), "", string(lineMark), "")
)

// FromHTML returns the text of an HTML fragment: every tag dropped, the
// content of script, style and similar elements dropped, entities decoded,
// runs of white space made one space, paragraphs and blocks separated by a
// blank line and <br> and list items kept as line breaks. Markup escaped
// twice is unpacked once more. As a last guard the result never contains
// "<script": any left (from text that spelled it out) becomes "‹script".
func FromHTML(s string) string {
	s = stripMarks.Replace(s)
	s = pass(s)
	for range 2 {
		if !markupLeft.MatchString(s) {
			break
		}
		s = pass(s)
	}
	s = tidy(s, false)
	return scriptTag.ReplaceAllString(s, "‹$1")
}

// pass marks the breaks, sanitises and decodes entities once.
func pass(s string) string {
	s = lineBreak.ReplaceAllString(s, "${0}"+string(lineMark))
	s = paraBreak.ReplaceAllString(s, "${0}"+string(paraMark))
	return html.UnescapeString(strict.Sanitize(s))
}

// Clean tidies text that is already plain (a JSON Feed's content_text, an
// Atom text construct): control characters removed, white space within a
// line collapsed, line breaks kept and blank lines made at most one.
func Clean(s string) string {
	return tidy(stripMarks.Replace(s), true)
}

// tidy collapses white space. With keepNewlines a newline in s is a line
// break; without, only the markers break lines, as in HTML.
func tidy(s string, keepNewlines bool) string {
	var lines []string
	var line strings.Builder
	space := false
	endLine := func() {
		lines = append(lines, line.String())
		line.Reset()
		space = false
	}
	for _, r := range strings.ReplaceAll(s, "\r\n", "\n") {
		switch {
		case r == paraMark:
			endLine()
			lines = append(lines, "")
		case r == lineMark, keepNewlines && (r == '\n' || r == '\r'):
			endLine()
		case unicode.IsSpace(r):
			space = line.Len() > 0
		case unicode.IsControl(r):
			// Control characters carry nothing a reader can see.
		default:
			if space {
				line.WriteByte(' ')
				space = false
			}
			line.WriteRune(r)
		}
	}
	endLine()

	var out strings.Builder
	blank := false
	for _, l := range lines {
		if l == "" {
			blank = out.Len() > 0
			continue
		}
		if out.Len() > 0 {
			if blank {
				out.WriteString("\n\n")
			} else {
				out.WriteByte('\n')
			}
		}
		blank = false
		out.WriteString(l)
	}
	return out.String()
}
