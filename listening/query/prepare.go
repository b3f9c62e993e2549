package query

import (
	"bytes"
	"cmp"
	"slices"
	"strings"
)

// Doc is what a mention offers to the matcher.
type Doc struct {
	Title string
	Text  string // plain text
	URL   string
	// Author is the display name ("Anna Larsen"), AuthorHandle the handle
	// or address on the network ("@anna@mastodon.social"). author: searches
	// both, so a caller that has them in one string may put it in Author.
	Author       string
	AuthorHandle string
	Lang         string   // ISO 639-1 code ("de"); a region suffix ("de-AT") is ignored
	Rating       *float64 // 0..1, or nil when the mention carries none
}

// regionGap separates the positions of title, text and author tokens so
// that no phrase or NEAR can reach from one into the next: it exceeds the
// widest span a query can ask for.
const regionGap = 1000

// Prepared is a Doc tokenised and folded once, to be matched against many
// queries. It is immutable and safe for concurrent use.
//
// Every token has a position. Title tokens come first (positions below
// titleEnd), then text tokens (below bodyEnd), then the author's name and
// handle, each region regionGap after the previous one.
type Prepared struct {
	terms    []string // distinct folded tokens, sorted
	slots    []int32  // hash table of terms: index+1, or 0 for empty
	offs     []int32  // terms[i] occurs at pos[offs[i]:offs[i+1]]
	pos      []int32
	titleEnd int32
	bodyEnd  int32

	host      string // host name without www.
	url       string // lower case, without scheme and www.
	lang      string
	rating    float64
	hasRating bool
}

// Prepare tokenises and folds d for matching.
func Prepare(d Doc) *Prepared {
	b := builder{buf: make([]byte, 0, len(d.Title)+len(d.Text)+len(d.Author)+len(d.AuthorHandle))}
	b.ents = make([]entry, 0, len(b.buf)/5+4)
	p := &Prepared{
		host: hostOf(d.URL),
		url:  normURL(d.URL),
		lang: langOf(d.Lang),
	}
	b.add(d.Title, 0)
	p.titleEnd = b.next
	b.add(d.Text, b.next+regionGap)
	p.bodyEnd = b.next
	b.add(d.Author, b.next+regionGap)
	b.add(d.AuthorHandle, b.next+regionGap)
	p.index(&b)
	if d.Rating != nil {
		p.rating, p.hasRating = *d.Rating, true
	}
	return p
}

// entry is one token occurrence: buf[s:e] at position pos. key holds the
// token's first eight bytes, big-endian and zero-padded, so that most
// comparisons while sorting are one integer comparison.
type entry struct {
	key       uint64
	s, e, pos int32
}

func newEntry(buf []byte, s, e int, pos int32) entry {
	var k uint64
	for i := range 8 {
		k <<= 8
		if s+i < e {
			k |= uint64(buf[s+i])
		}
	}
	return entry{key: k, s: int32(s), e: int32(e), pos: pos}
}

// builder collects the folded tokens of a document in one buffer.
type builder struct {
	buf  []byte
	ents []entry
	next int32 // the position after the last token
}

// add tokenises s with its first token at position start. A token with
// apostrophes also counts as each of its parts, so ikea matches "IKEA's"
// and "l'IKEA" while don't still matches only "don't" as a whole.
func (b *builder) add(s string, start int32) {
	tz := tokenizer{s: s}
	pos := start
	for {
		n := len(b.buf)
		var ok bool
		b.buf, _, _, ok = tz.next(b.buf)
		if !ok {
			break
		}
		e := len(b.buf)
		b.ents = append(b.ents, newEntry(b.buf, n, e, pos))
		if bytes.IndexByte(b.buf[n:e], '\'') >= 0 {
			from := n
			for i := n; i <= e; i++ {
				if i == e || b.buf[i] == '\'' {
					if i > from {
						b.ents = append(b.ents, newEntry(b.buf, from, i, pos))
					}
					from = i + 1
				}
			}
		}
		pos++
	}
	b.next = pos
}

// index sorts the occurrences into the term and position lists.
func (p *Prepared) index(b *builder) {
	str := string(b.buf)
	ents := b.ents
	slices.SortFunc(ents, func(x, y entry) int {
		if c := cmp.Compare(x.key, y.key); c != 0 {
			return c
		}
		// Tokens hold no zero bytes, so equal keys mean equal tokens
		// unless both are longer than the key.
		if x.e-x.s > 8 && y.e-y.s > 8 {
			if c := strings.Compare(str[x.s+8:x.e], str[y.s+8:y.e]); c != 0 {
				return c
			}
		}
		return cmp.Compare(x.pos, y.pos)
	})
	p.pos = make([]int32, 0, len(ents))
	p.terms = make([]string, 0, len(ents))
	p.offs = make([]int32, 0, len(ents)+1)
	for _, e := range ents {
		t := str[e.s:e.e]
		last := len(p.terms) - 1
		switch {
		case last < 0 || p.terms[last] != t:
			p.terms = append(p.terms, t)
			p.offs = append(p.offs, int32(len(p.pos)))
		case p.pos[len(p.pos)-1] == e.pos:
			continue // "a'a" gives the part "a" twice at one position
		}
		p.pos = append(p.pos, e.pos)
	}
	p.offs = append(p.offs, int32(len(p.pos)))
	// Open addressing with linear probing, at most half full: a query word
	// is found with one or two string comparisons.
	size := 8
	for size < 2*len(p.terms) {
		size *= 2
	}
	p.slots = make([]int32, size)
	mask := uint64(size - 1)
	for t, term := range p.terms {
		i := hashString(term) & mask
		for p.slots[i] != 0 {
			i = (i + 1) & mask
		}
		p.slots[i] = int32(t + 1)
	}
}

// hostOf returns the lower-case host of an address, without port and
// without a leading www.
func hostOf(u string) string {
	s := u
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	} else {
		s = strings.TrimPrefix(s, "//")
	}
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		s = s[:i]
	}
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		s = s[i+1:]
	}
	if i := strings.LastIndexByte(s, ':'); i >= 0 && !strings.Contains(s[i:], "]") {
		s = s[:i]
	}
	return trimWWW(strings.TrimSuffix(strings.ToLower(s), "."))
}

// trimWWW drops leading "www." labels; all of them, so that normalising
// twice changes nothing.
func trimWWW(s string) string {
	for strings.HasPrefix(s, "www.") {
		s = s[4:]
	}
	return s
}

// normURL lower-cases an address and drops its schemes and leading www.,
// so url:ikea.com/de matches https://www.ikea.com/de/….
func normURL(u string) string {
	s := strings.ToLower(u)
	for {
		i := strings.Index(s, "://")
		if i <= 0 || strings.ContainsFunc(s[:i], func(r rune) bool {
			return !('a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '+' || r == '-' || r == '.')
		}) {
			return trimWWW(s)
		}
		s = s[i+3:]
	}
}

// langOf returns the language part of a code such as de-AT.
func langOf(l string) string {
	l = strings.ToLower(strings.TrimSpace(l))
	if i := strings.IndexAny(l, "-_"); i >= 0 {
		l = l[:i]
	}
	return l
}
