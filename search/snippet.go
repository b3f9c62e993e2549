package search

import (
	"html"
	"strings"
	"unicode/utf8"
)

// snippetLen is about how many characters of a text a hit shows.
const snippetLen = 200

// Highlight cuts text into parts: even parts are plain, odd parts are words
// that match one of words (folded, as prefixes), so that a page can mark
// them after escaping each part.
func Highlight(text string, words []string) []string {
	parts := []string{""}
	i := 0
	for i < len(text) {
		r, n := utf8.DecodeRuneInString(text[i:])
		if !isWordChar(r) {
			parts[len(parts)-1] += text[i : i+n]
			i += n
			continue
		}
		j := i
		for j < len(text) {
			r, n := utf8.DecodeRuneInString(text[j:])
			if !isWordChar(r) {
				break
			}
			j += n
		}
		tok := text[i:j]
		if matches(tok, words) {
			parts = append(parts, tok, "")
		} else {
			parts[len(parts)-1] += tok
		}
		i = j
	}
	return parts
}

func matches(tok string, words []string) bool {
	f := Fold(tok)
	for _, w := range words {
		if strings.HasPrefix(f, w) {
			return true
		}
	}
	return false
}

// Snippet is Highlight of about snippetLen characters of text around its
// first matching word, with "…" where it was cut.
func Snippet(text string, words []string) []string {
	text = strings.Join(strings.Fields(text), " ")
	runes := []rune(text)
	if len(runes) <= snippetLen {
		return Highlight(text, words)
	}
	start := 0
	parts := Highlight(text, words)
	if len(parts) > 1 {
		// Characters before the first match; begin a little before it.
		start = max(0, utf8.RuneCountInString(parts[0])-snippetLen/4)
	}
	for start > 0 && start < len(runes) && runes[start-1] != ' ' {
		start--
	}
	end := min(len(runes), start+snippetLen)
	for end < len(runes) && runes[end] != ' ' && end-start < snippetLen+20 {
		end++
	}
	cut := string(runes[start:end])
	if start > 0 {
		cut = "…" + cut
	}
	if end < len(runes) {
		cut += "…"
	}
	return Highlight(cut, words)
}

// HTML writes parts as HTML: each part escaped, odd parts in <mark>.
func HTML(parts []string) string {
	var b strings.Builder
	for i, p := range parts {
		if i%2 == 1 {
			b.WriteString("<mark>" + html.EscapeString(p) + "</mark>")
		} else {
			b.WriteString(html.EscapeString(p))
		}
	}
	return b.String()
}
