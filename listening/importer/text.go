package importer

import (
	"html"
	"strings"
	"unicode/utf8"
)

// Caps on the text fields, in characters. A longer text or title is cut at
// a word and ends with "…": a review that long is still worth listening to,
// and refusing it would lose it. Ids and URLs are never cut (a cut id would
// collide); they are row errors instead.
const (
	maxText   = 20000
	maxTitle  = 300
	maxAuthor = 200
	maxHandle = 320 // the longest email address
	maxID     = 200
	maxURL    = 2048
)

// cleanText turns an exported text into plain text: entities are decoded,
// then anything that looks like an HTML tag is removed (script and style
// elements with their content), line ends become "\n", control characters
// go (PostgreSQL refuses NUL), and the text is trimmed and capped. Decoding
// before stripping means "&lt;script&gt;" is stripped too, so no tag ever
// comes out. Plain exports take the fast path and are returned as they are.
func cleanText(s string, limit int) string {
	if needsCleaning(s) {
		if strings.IndexByte(s, '&') >= 0 {
			s = html.UnescapeString(s)
		}
		if hasTag(s) {
			s = stripTags(s)
		}
		s = dropControls(s)
		s = strings.TrimSpace(s)
	}
	return truncate(s, limit)
}

// cleanLine is cleanText for one-line fields (author, title): line breaks
// become spaces.
func cleanLine(s string, limit int) string {
	s = cleanText(s, limit)
	if strings.IndexByte(s, '\n') >= 0 || strings.IndexByte(s, '\t') >= 0 {
		s = strings.Join(strings.Fields(s), " ")
	}
	return s
}

// needsCleaning is the fast check: no markup, no control characters, no
// surrounding space.
func needsCleaning(s string) bool {
	if s == "" {
		return false
	}
	if isSpace(s[0]) || isSpace(s[len(s)-1]) {
		return true
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '<' || c == '&' || c < 0x20 && c != '\n' && c != '\t' || c == 0x7f {
			return true
		}
		if c == 0xC2 && i+1 < len(s) && s[i+1] >= 0x80 && s[i+1] < 0xA0 { // U+0080..U+009F
			return true
		}
	}
	return false
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// tagStart reports whether s[i] is '<' opening something a browser would
// treat as markup: a letter, "/", "!" or "?" follows.
func tagStart(s string, i int) bool {
	return s[i] == '<' && i+1 < len(s) && isTagChar(s[i+1])
}

func isTagChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '/' || c == '!' || c == '?'
}

func hasTag(s string) bool {
	for i := strings.IndexByte(s, '<'); i >= 0; {
		if tagStart(s, i) {
			return true
		}
		j := strings.IndexByte(s[i+1:], '<')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}

// stripTags removes each tag in one pass, drops comments and script and
// style elements whole, and turns block ends and <br> into line breaks. An
// unclosed tag runs to the end of the text, as in a browser. Removing a tag
// can join a literal "<" to what follows ("<<b>script>"); that "<" is
// dropped, so no tag is ever left and no input needs a second pass (which
// would make nested input quadratic).
func stripTags(s string) string {
	var b []byte
	b = make([]byte, 0, len(s))
	emit := func(c byte) {
		if n := len(b); n > 0 && b[n-1] == '<' && isTagChar(c) {
			b = b[:n-1]
		}
		b = append(b, c)
	}
	for i := 0; i < len(s); {
		if !tagStart(s, i) {
			emit(s[i])
			i++
			continue
		}
		if strings.HasPrefix(s[i:], "<!--") {
			end := strings.Index(s[i+4:], "-->")
			if end < 0 {
				break
			}
			i += 4 + end + 3
			continue
		}
		end := strings.IndexByte(s[i:], '>')
		if end < 0 {
			break
		}
		name := tagName(s[i+1 : i+end])
		i += end + 1
		switch name {
		case "script", "style":
			closing := indexFold(s[i:], "</"+name)
			if closing < 0 {
				i = len(s)
				continue
			}
			i += closing
		case "br", "p", "/p", "div", "/div", "li", "/li", "tr", "/tr", "h1", "h2", "h3", "h4", "h5", "h6", "/h1", "/h2", "/h3", "/h4", "/h5", "/h6":
			emit('\n')
		}
	}
	return string(b)
}

// indexFold is strings.Index ignoring ASCII case, without lowering all of s
// for every script element.
func indexFold(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); {
		j := strings.IndexByte(s[i:], sub[0])
		if j < 0 || i+j+len(sub) > len(s) {
			return -1
		}
		i += j
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return i
		}
		i++
	}
	return -1
}

// tagName returns the lower-case name of a tag's inside ("/p", "br").
func tagName(tag string) string {
	if len(tag) > 10 {
		tag = tag[:10] // enough for any name we look for
	}
	tag = strings.ToLower(tag)
	end := strings.IndexAny(tag, " \t\n\r/>")
	if end == 0 && strings.HasPrefix(tag, "/") {
		n := tagName(tag[1:])
		return "/" + n
	}
	if end < 0 {
		return tag
	}
	return tag[:end]
}

// dropControls removes control characters other than tab and line feed;
// "\r\n" and a lone "\r" become "\n".
func dropControls(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\r':
			return '\n'
		case r == '\n' || r == '\t':
			return r
		case r < 0x20 || r >= 0x7f && r < 0xa0:
			return -1
		}
		return r
	}, s)
}

// truncate cuts s to limit characters, at a space when one is near.
func truncate(s string, limit int) string {
	if len(s) <= limit || utf8.RuneCountInString(s) <= limit {
		return s
	}
	cut := 0
	for n := 0; n < limit-1; n++ {
		_, size := utf8.DecodeRuneInString(s[cut:])
		cut += size
	}
	if sp := strings.LastIndexAny(s[:cut], " \n\t"); sp > cut-100 && sp > 0 {
		cut = sp
	}
	return strings.TrimRight(s[:cut], " \n\t") + "…"
}
