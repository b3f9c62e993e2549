package search

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits of a query: more words make a query slower without finding better.
const (
	MaxQueryLen = 200 // characters
	MaxWords    = 8
	maxWordLen  = 40
)

// foldFrom and foldTo are the accents taken off, character by character:
// exactly the ones SQLite's unicode61 remove_diacritics 2 takes off (ß, æ,
// ø, œ and ł stay), and the same lists as samtal_search_text in the
// PostgreSQL migration. A test compares all three.
const (
	foldFrom = "àáâãäåçèéêëìíîïñòóôõöùúûüýÿšžčřěůőűńśźżąęćğŕľĺťďňşţ"
	foldTo   = "aaaaaaceeeeiiiinooooouuuuyyszcreuounszzaecgrlltdnst"
)

var foldMap = func() map[rune]rune {
	m := map[rune]rune{}
	to := []rune(foldTo)
	for i, r := range []rune(foldFrom) {
		m[r] = to[i]
	}
	return m
}()

// FoldChars lists the characters Fold takes accents off (for tests).
func FoldChars() string { return foldFrom }

// Fold lower-cases s and takes accents off as the search index does.
func Fold(s string) string {
	if isFoldedASCII(s) {
		return s // most words of most searches: nothing to do, nothing to copy
	}
	return strings.Map(func(r rune) rune {
		if r < utf8.RuneSelf {
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			return r
		}
		r = unicode.ToLower(r)
		if f, ok := foldMap[r]; ok {
			return f
		}
		return r
	}, s)
}

// isFoldedASCII reports whether s is ASCII without capitals.
func isFoldedASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || ('A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// isWordChar reports whether r belongs to a word: letters and digits, as
// the index tokenizers see them; everything else separates words.
func isWordChar(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// suffixes are endings taken off a query word before it is matched as a
// prefix, longest first: Danish definite and plural forms (sofaen, stolene,
// børnene), German plural and inflected adjectives (Farben, grüne), English
// plurals. Together with prefix matching this finds "sofa" for "Sofaen" and
// "Farben" for "Farbe" without a stemmer that would mangle the other two
// languages.
var suffixes = []string{"erne", "ene", "en", "er", "et", "e", "s"}

// minStem is the shortest stem a suffix may be taken off to: shorter
// prefixes match too much ("gre" for "green").
const minStem = 4

func stem(w string) string {
	n := utf8.RuneCountInString(w)
	for _, s := range suffixes {
		if strings.HasSuffix(w, s) && n-utf8.RuneCountInString(s) >= minStem {
			return strings.TrimSuffix(w, s)
		}
	}
	return w
}

// Words splits a user's query into the folded word prefixes to match, in
// order and without repeats. Anything that is not a letter or digit
// separates words, so no character of the query reaches the query language
// of either engine: quotes, parentheses, NEAR, *, ^, -, : are only
// separators or plain words.
func Words(q string) []string {
	if utf8.RuneCountInString(q) > MaxQueryLen {
		q = string([]rune(q)[:MaxQueryLen])
	}
	var out []string
	seen := map[string]bool{}
	for _, w := range tokens(q) {
		if utf8.RuneCountInString(w) > maxWordLen {
			w = string([]rune(w)[:maxWordLen])
		}
		w = stem(w)
		if seen[w] {
			continue
		}
		seen[w] = true
		out = append(out, w)
		if len(out) == MaxWords {
			break
		}
	}
	return out
}

// stopWords are left out of "any word" queries (similar ideas), where they
// would match nearly everything: the commonest words of English, German
// and Danish, folded.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
		a an and are as at be but by can do for from has have how i if in is it my no not of on or our so than that the this to
		too up was we what when which who why will with would you your
		aber als am an auch auf aus bei bin bis da das dass dem den der des die doch du ein eine einem einen einer es fur hat
		ich im in ist ja kann man mehr mit nach nicht noch nur oder sich sie sind so und uns von vor war was wie wir wird zu zum zur
		af al alle at da de dem den der det du efter eller en er et for fra har hun hvad hvis hvor ikke jeg kan man med men mig
		min mit nar ned noget nu og om op os pa sa skal som til ud var vi vil`) {
		m[w] = true
	}
	return m
}()

// SimilarWords is Words for "any of these words" matching: stop words and
// one- and two-letter words are left out.
func SimilarWords(q string) []string {
	var out []string
	for _, w := range Words(q) {
		if utf8.RuneCountInString(w) > 2 && !stopWords[w] {
			out = append(out, w)
		}
	}
	return out
}
