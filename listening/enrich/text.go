package enrich

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxTextBytes caps how much of a mention is analysed, so that a pasted
// novel costs the same as a long review; the first 20 KB decide language,
// tone and duplicates well enough.
const maxTextBytes = 20000

// Token kinds produced by tokenize.
const (
	kindWord     uint8 = iota // letters and digits, lowercased
	kindEmoji                 // one emoji rune
	kindEmoticon              // a canonical ASCII emoticon such as ":)"
	kindClause                // , ; : ( ) and dashes: ends a negation scope
	kindSentence              // . ! ? and line breaks: ends a sentence
)

// token is a slice of tokens.buf plus its kind. For breaks, punct holds the
// punctuation byte.
type token struct {
	start, end int32
	kind       uint8
	punct      byte
	letters    bool // the word contains at least one letter
	apostrophe bool // the word ended in an apostrophe ("ik'"), which is not in its text
}

// tokens is a text split into lowercased words, emoji, emoticons and
// breaks. Word text lives in buf separated by single spaces, so that the
// text of consecutive words is one slice of buf (used for phrase lookups).
type tokens struct {
	buf     []byte
	toks    []token
	letters int // letters in the text, to refuse texts that have none
	runes   int // characters in the text, not counting surrounding space
	exclaim int // exclamation marks
}

func (t *tokens) text(i int) []byte { return t.buf[t.toks[i].start:t.toks[i].end] }

// span returns the buffer text of tokens i..j inclusive; it is only a phrase
// when all of them are words (see phraseEnd).
func (t *tokens) span(i, j int) []byte { return t.buf[t.toks[i].start:t.toks[j].end] }

// tokenize splits text. It skips URLs, e-mail addresses and @mentions,
// keeps the word of a #hashtag, keeps apostrophes inside words (don't,
// c'est) and decimal points inside numbers.
func tokenize(text string) tokens {
	t := tokens{
		buf:  make([]byte, 0, min(len(text), maxTextBytes)+16),
		toks: make([]token, 0, min(len(text), maxTextBytes)/4+8),
	}
	t.add(text)
	return t
}

// add appends the tokens of text (at most maxTextBytes of it) to t.
func (t *tokens) add(text string) {
	if len(text) > maxTextBytes {
		cut := maxTextBytes
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut]
	}
	t.runes += utf8.RuneCountInString(strings.TrimSpace(text))
	inWord := false
	// Where the current whitespace-separated chunk began, in the text and
	// in t, so that a chunk that turns out to be a URL can be taken back.
	// Checking only when a chunk shows '.', '@', '/' or ':' keeps plain
	// words from being scanned twice.
	chunk, chunkToks, chunkBuf, chunkLetters := 0, len(t.toks), len(t.buf), t.letters
	for i := 0; i < len(text); {
		r, size := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(text[i:])
		}
		switch {
		case isSpace(r):
			t.endWord(&inWord)
			chunk, chunkToks, chunkBuf, chunkLetters = i+size, len(t.toks), len(t.buf), t.letters
			if r == '\n' {
				t.addBreak(kindSentence, '\n')
			}
		case r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9'):
			t.startWord(&inWord)
			t.buf = append(t.buf, byte(r))
			if r >= 'a' {
				t.letters++
				t.toks[len(t.toks)-1].letters = true
			}
		case r >= 'A' && r <= 'Z':
			t.startWord(&inWord)
			t.buf = append(t.buf, byte(r+'a'-'A'))
			t.letters++
			t.toks[len(t.toks)-1].letters = true
		case r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.Is(unicode.Mn, r)):
			t.startWord(&inWord)
			t.buf = utf8.AppendRune(t.buf, unicode.ToLower(r))
			t.letters++
			t.toks[len(t.toks)-1].letters = true
		case r >= utf8.RuneSelf && unicode.IsDigit(r):
			t.startWord(&inWord)
			t.buf = utf8.AppendRune(t.buf, r)
		case inWord && isApostrophe(r) && followedByLetter(text[i+size:]):
			t.buf = append(t.buf, '\'')
		case inWord && (r == '.' || r == ',') && lastIsDigit(t.buf) && followedByDigit(text[i+size:]):
			t.buf = append(t.buf, byte(r))
		case isEmoji(r):
			t.endWord(&inWord)
			t.addEmoji(text[i : i+size])
		default:
			if (r == '.' || r == '@' || r == '/' || r == ':') && i+1 < len(text) && text[i+1] > ' ' {
				if n := skippableChunk(text[chunk:]); n > 0 && chunk+n > i {
					t.toks, t.buf, t.letters = t.toks[:chunkToks], t.buf[:chunkBuf], chunkLetters
					inWord = false
					i = chunk + n
					continue
				}
			}
			if inWord && isApostrophe(r) {
				t.toks[len(t.toks)-1].apostrophe = true
			}
			t.endWord(&inWord)
			if n, canon := emoticonAt(text, i); n > 0 {
				t.addEmoticon(canon)
				i += n
				continue
			}
			if r == '-' && i > 0 && text[i-1] == ' ' && i+1 < len(text) && text[i+1] == ' ' {
				t.addBreak(kindClause, ',')
			} else {
				t.punctuation(r)
			}
		}
		i += size
	}
	t.endWord(&inWord)
}

func (t *tokens) startWord(inWord *bool) {
	if *inWord {
		return
	}
	*inWord = true
	if len(t.buf) > 0 {
		t.buf = append(t.buf, ' ')
	}
	t.toks = append(t.toks, token{start: int32(len(t.buf)), kind: kindWord})
}

func (t *tokens) endWord(inWord *bool) {
	if !*inWord {
		return
	}
	*inWord = false
	t.toks[len(t.toks)-1].end = int32(len(t.buf))
}

func (t *tokens) addBreak(kind uint8, p byte) {
	// Collapse runs such as "!!!" or "\n\n" into one break, but count
	// every exclamation mark.
	if n := len(t.toks); n > 0 && t.toks[n-1].kind >= kindClause {
		if kind > t.toks[n-1].kind || p == '!' || p == '?' {
			t.toks[n-1].kind = kind
			t.toks[n-1].punct = p
		}
		return
	}
	t.toks = append(t.toks, token{start: int32(len(t.buf)), end: int32(len(t.buf)), kind: kind, punct: p})
}

func (t *tokens) addEmoji(s string) {
	if len(t.buf) > 0 {
		t.buf = append(t.buf, ' ')
	}
	start := len(t.buf)
	t.buf = append(t.buf, s...)
	t.toks = append(t.toks, token{start: int32(start), end: int32(len(t.buf)), kind: kindEmoji})
}

func (t *tokens) addEmoticon(canon string) {
	t.addEmoji(canon)
	t.toks[len(t.toks)-1].kind = kindEmoticon
}

func (t *tokens) punctuation(r rune) {
	switch r {
	case '!', '¡':
		t.exclaim++
		t.addBreak(kindSentence, '!')
	case '?', '¿':
		t.addBreak(kindSentence, '?')
	case '.', '…':
		t.addBreak(kindSentence, '.')
	case ',', ';', ':', '(', ')', '[', ']', '–', '—', '"', '“', '”', '„', '«', '»':
		t.addBreak(kindClause, ',')
	}
	// Anything else, such as a hyphen inside "e-post", just splits words.
}

func isSpace(r rune) bool {
	return r == ' ' || r == '\n' || r == '\t' || r == '\r' || r == '\u00a0' || r >= utf8.RuneSelf && unicode.IsSpace(r)
}

func isApostrophe(r rune) bool { return r == '\'' || r == '’' || r == '‘' }

func followedByLetter(s string) bool {
	if s == "" {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLetter(r)
}

func followedByDigit(s string) bool { return s != "" && s[0] >= '0' && s[0] <= '9' }

func lastIsDigit(b []byte) bool { return len(b) > 0 && b[len(b)-1] >= '0' && b[len(b)-1] <= '9' }

// isEmoji reports whether r is a pictographic emoji. Skin-tone modifiers,
// variation selectors and joiners are not: they are dropped.
func isEmoji(r rune) bool {
	switch {
	case r >= 0x1F3FB && r <= 0x1F3FF:
		return false
	case r >= 0x1F000 && r <= 0x1FAFF, r >= 0x2600 && r <= 0x27BF, r == 0x2B50:
		return true
	}
	return false
}

// emoticons maps ASCII emoticons to a canonical form. Longer ones come
// first so that ":-))" is not read as ":-)".
var emoticons = [...]struct{ text, canon string }{
	{":-))", ":)"}, {":))", ":)"}, {":-)", ":)"}, {":)", ":)"}, {"=)", ":)"}, {":]", ":)"},
	{":-D", ":D"}, {":D", ":D"},
	{";-)", ";)"}, {";)", ";)"},
	{":-((", ":("}, {":((", ":("}, {":-(", ":("}, {":(", ":("}, {"=(", ":("}, {":[", ":("},
	{":'-(", ":'("}, {":'(", ":'("},
	{":-/", ":/"}, {":/", ":/"}, {":-|", ":|"}, {":|", ":|"},
	{":-P", ":P"}, {":P", ":P"}, {":p", ":P"},
	{"</3", "</3"}, {"<3", "<3"},
}

// emoticonAt returns the length and canonical form of an emoticon starting
// at text[i], or 0. An emoticon must not be glued to a preceding letter or
// digit (so "http://" and "10:30" are not emoticons) and must end at a space,
// punctuation or the end of the text.
func emoticonAt(text string, i int) (int, string) {
	c := text[i]
	if c != ':' && c != ';' && c != '=' && c != '<' {
		return 0, ""
	}
	if i > 0 {
		prev, _ := utf8.DecodeLastRuneInString(text[:i])
		if unicode.IsLetter(prev) || unicode.IsDigit(prev) {
			return 0, ""
		}
	}
	for _, e := range emoticons {
		if !strings.HasPrefix(text[i:], e.text) {
			continue
		}
		rest := text[i+len(e.text):]
		if rest != "" {
			r, _ := utf8.DecodeRuneInString(rest)
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				continue
			}
		}
		return len(e.text), e.canon
	}
	return 0, ""
}

// skippableChunk returns the length of a URL, e-mail address or @mention at
// the start of s (up to the next space), or 0. Trailing punctuation stays.
func skippableChunk(s string) int {
	// Most chunks are plain words: rule them out with one cheap scan.
	end, marks := 0, false
	for end < len(s) {
		c := s[end]
		if c == ' ' || c == '\n' || c == '\t' || c == '\r' || c >= utf8.RuneSelf && isSpaceAt(s, end) {
			break
		}
		if c == '.' || c == '@' || c == '/' || c == ':' {
			marks = true
		}
		end++
	}
	if !marks {
		return 0
	}
	chunk := s[:end]
	for chunk != "" && strings.IndexByte(".,;:!?)]\"'", chunk[len(chunk)-1]) >= 0 {
		chunk = chunk[:len(chunk)-1]
	}
	switch {
	case chunk == "":
		return 0
	case chunk[0] == '@' && len(chunk) > 1:
		return len(chunk)
	case strings.Contains(chunk, "://"), hasPrefixFold(chunk, "www."):
		return len(chunk)
	case strings.IndexByte(chunk, '@') > 0 && strings.IndexByte(chunk, '.') > 0:
		return len(chunk)
	case looksLikeDomain(chunk):
		return len(chunk)
	}
	return 0
}

func isSpaceAt(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return isSpace(r)
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// topLevelDomains are the endings that make "trustpilot.com" or
// "shop.example.de/x" a domain rather than two words missing a space.
var topLevelDomains = map[string]bool{
	"com": true, "net": true, "org": true, "io": true, "co": true, "eu": true, "info": true,
	"de": true, "dk": true, "se": true, "no": true, "nl": true, "fr": true, "uk": true,
	"at": true, "ch": true, "be": true, "fi": true, "es": true, "it": true, "pt": true,
	"app": true, "shop": true, "store": true, "ly": true, "me": true, "tv": true,
}

// looksLikeDomain reports whether chunk is host.tld or host.tld/path with a
// lowercase known top-level domain.
func looksLikeDomain(chunk string) bool {
	host := chunk
	if i := strings.IndexByte(host, '/'); i >= 0 {
		host = host[:i]
	}
	dot := strings.LastIndexByte(host, '.')
	if dot <= 0 || dot == len(host)-1 {
		return false
	}
	for _, r := range host[:dot] {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.') {
			return false
		}
	}
	return topLevelDomains[host[dot+1:]]
}
