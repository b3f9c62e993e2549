package query

import (
	"slices"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// foldTableSize bounds the runes folded by table: Latin, Greek, Cyrillic and
// the Latin extensions used by Vietnamese all lie below it. Other runes are
// only lower-cased.
const foldTableSize = 0x2000

// foldTable maps a rune to its folded form: lower case, accents removed and
// the letters that have no decomposition spelled out (ø→o, æ→ae, ß→ss).
// It is built once because the normaliser is far too slow for the hot path.
type foldTable struct {
	one   [foldTableSize]rune // folded rune; 0 drops the rune; -1 means see many
	many  map[rune]string     // runes that fold to more than one rune
	class [128]uint8          // ASCII character classes
}

const (
	classSep uint8 = iota
	classWord
	classWild
)

// folds is the immutable folding table shared by documents and queries.
var folds = newFoldTable()

func newFoldTable() *foldTable {
	t := &foldTable{many: map[rune]string{}}
	for r := rune(0); r < foldTableSize; r++ {
		rs := []rune(foldSlow(r))
		switch len(rs) {
		case 0:
			t.one[r] = 0
		case 1:
			t.one[r] = rs[0]
		default:
			t.one[r] = -1
			t.many[r] = string(rs)
		}
	}
	for c := 0; c < 128; c++ {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			t.class[c] = classWord
		case c == '*' || c == '?':
			t.class[c] = classWild
		}
	}
	return t
}

// spelledOut lists letters that Unicode does not decompose but that readers
// of Danish, Norwegian, German, French, Polish and Icelandic treat as
// variants of plain Latin letters.
func spelledOut(r rune) (string, bool) {
	switch r {
	case 'ø', 'Ø':
		return "o", true
	case 'æ', 'Æ':
		return "ae", true
	case 'ß', 'ẞ':
		return "ss", true
	case 'œ', 'Œ':
		return "oe", true
	case 'đ', 'Đ', 'ð', 'Ð':
		return "d", true
	case 'ł', 'Ł':
		return "l", true
	case 'þ', 'Þ':
		return "th", true
	case 'ı':
		return "i", true
	}
	return "", false
}

// foldSlow folds one rune with the normaliser; it builds the table.
func foldSlow(r rune) string {
	if s, ok := spelledOut(r); ok {
		return s
	}
	var out []rune
	for _, c := range norm.NFKD.String(string(unicode.ToLower(r))) {
		if s, ok := spelledOut(c); ok {
			out = append(out, []rune(s)...)
			continue
		}
		// Compatibility decompositions may bring punctuation or marks
		// (ŉ → ʼn); only letters and digits belong to a word.
		if (unicode.IsLetter(c) || unicode.IsDigit(c)) && !isApostrophe(c) {
			out = append(out, unicode.ToLower(c))
		}
	}
	return string(out)
}

// appendFold appends the folded form of r to dst.
func appendFold(dst []byte, r rune) []byte {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return append(dst, byte(r))
	}
	if r >= foldTableSize {
		// Some symbols lower-case into the table (Å, the ångström sign).
		if r = unicode.ToLower(r); r >= foldTableSize {
			return utf8.AppendRune(dst, r)
		}
	}
	switch f := folds.one[r]; f {
	case 0:
		return dst
	case -1:
		return append(dst, folds.many[r]...)
	default:
		return utf8.AppendRune(dst, f)
	}
}

// isApostrophe reports whether r joins two parts of a word (don't, IKEA's).
func isApostrophe(r rune) bool {
	return r == '\'' || r == '’' || r == 'ʼ'
}

// runeClass says whether r is part of a word, a wildcard or a separator.
func runeClass(r rune) uint8 {
	if r < utf8.RuneSelf {
		return folds.class[r]
	}
	if isApostrophe(r) {
		return classSep
	}
	if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) {
		return classWord
	}
	return classSep
}

// tokenizer splits text into folded tokens: runs of letters and digits,
// where an apostrophe between two such characters stays inside the token.
// With wild set, * and ? count as word characters (query words).
type tokenizer struct {
	s    string
	i    int
	wild bool
}

// isWord reports whether r continues a token.
func (t *tokenizer) isWord(r rune) bool {
	switch runeClass(r) {
	case classWord:
		return true
	case classWild:
		return t.wild
	}
	return false
}

// next appends the next token's folded form to buf. start and end are the
// byte offsets of the token in the text. ok is false at the end of the text.
func (t *tokenizer) next(buf []byte) (out []byte, start, end int, ok bool) {
	for t.i < len(t.s) {
		r, w := rune(t.s[t.i]), 1
		if r >= utf8.RuneSelf {
			r, w = utf8.DecodeRuneInString(t.s[t.i:])
		}
		if !t.isWord(r) {
			t.i += w
			continue
		}
		start = t.i
		n := len(buf)
		// An apostrophe is written only once a character that folds to
		// something follows it, so a token never ends in one.
		apostrophe := false
		for t.i < len(t.s) {
			if c := t.s[t.i]; c < utf8.RuneSelf && folds.class[c] == classWord {
				// The common case: an ASCII letter or digit.
				if apostrophe {
					buf = append(buf, '\'')
					apostrophe = false
				}
				if 'A' <= c && c <= 'Z' {
					c += 'a' - 'A'
				}
				buf = append(buf, c)
				t.i++
				continue
			}
			r, w = rune(t.s[t.i]), 1
			if r >= utf8.RuneSelf {
				r, w = utf8.DecodeRuneInString(t.s[t.i:])
			}
			if t.isWord(r) {
				m := len(buf)
				buf = appendFold(buf, r)
				if apostrophe && len(buf) > m {
					buf = slices.Insert(buf, m, '\'')
					apostrophe = false
				}
				t.i += w
				continue
			}
			if isApostrophe(r) && t.i+w < len(t.s) && len(buf) > n {
				r2, _ := utf8.DecodeRuneInString(t.s[t.i+w:])
				if t.isWord(r2) {
					apostrophe = true
					t.i += w
					continue
				}
			}
			break
		}
		if len(buf) > n { // a run of combining marks alone folds to nothing
			return buf, start, t.i, true
		}
	}
	return buf, 0, 0, false
}
