package query

import (
	"math/bits"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// maxPrefixKey caps the length in bytes of the prefixes the Index looks
// up. A shorter prefix of a wildcard's literal start is still a necessary
// condition, and the cap bounds the look-ups per mention token.
const maxPrefixKey = 8

// Index matches one mention against many topics. From every query it
// derives a necessary condition (words, word prefixes, sites or languages
// of which a matching mention has at least one) and files the topic under
// them; a mention then only evaluates the topics filed under something it
// has, plus the few topics without a condition (such as a query on
// rating: alone). An Index is immutable and safe for concurrent use; build
// a new one when topics change.
type Index struct {
	ids []int64 // sorted; topic i of the lists below is ids[i]
	qs  []*Query

	words      []indexKey // the keys of exact, to walk when they are few
	exact      map[string][]int32
	prefixes   []indexKey // the keys of prefix, to walk when they are few
	prefix     map[string][]int32
	prefixLens uint32 // bit n set: some prefix key has n bytes
	site       map[string][]int32
	lang       map[string][]int32
	always     []int32 // topics without a condition

	pool sync.Pool // *scratch
}

// indexKey is a word or prefix with the topics filed under it.
type indexKey struct {
	s      string
	hash   uint64
	topics []int32
}

// NewIndex builds an index of topics by id. Nil queries are left out.
func NewIndex(topics map[int64]*Query) *Index {
	ix := &Index{
		exact:  map[string][]int32{},
		prefix: map[string][]int32{},
		site:   map[string][]int32{},
		lang:   map[string][]int32{},
	}
	for id, q := range topics {
		if q != nil {
			ix.ids = append(ix.ids, id)
		}
	}
	slices.Sort(ix.ids)
	hashes := map[string]uint64{}
	for i, id := range ix.ids {
		q := topics[id]
		ix.qs = append(ix.qs, q)
		if !q.index.ok {
			ix.always = append(ix.always, int32(i))
			continue
		}
		for _, k := range q.index.keys {
			switch k.kind {
			case keyWord:
				ix.exact[k.s] = appendOnce(ix.exact[k.s], int32(i))
				hashes[k.s] = k.hash
			case keyPrefix:
				s := truncate(k.s, maxPrefixKey)
				ix.prefix[s] = appendOnce(ix.prefix[s], int32(i))
				ix.prefixLens |= 1 << len(s)
			case keySite:
				ix.site[k.s] = appendOnce(ix.site[k.s], int32(i))
			case keyLang:
				ix.lang[k.s] = appendOnce(ix.lang[k.s], int32(i))
			}
		}
	}
	for s, l := range ix.exact {
		ix.words = append(ix.words, indexKey{s: s, hash: hashes[s], topics: l})
	}
	for s, l := range ix.prefix {
		ix.prefixes = append(ix.prefixes, indexKey{s: s, topics: l})
	}
	n := (len(ix.ids) + 63) / 64
	ix.pool.New = func() any { return &scratch{bits: make([]uint64, n)} }
	return ix
}

func appendOnce(l []int32, i int32) []int32 {
	if len(l) > 0 && l[len(l)-1] == i {
		return l
	}
	return append(l, i)
}

// truncate cuts s to at most n bytes without splitting a character.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Len returns the number of topics in the index.
func (ix *Index) Len() int { return len(ix.ids) }

// Match returns the ids of the topics that p matches, in increasing order.
func (ix *Index) Match(p *Prepared) []int64 {
	return ix.AppendMatch(nil, p)
}

// AppendMatch appends the ids of the topics that p matches to dst, in
// increasing order, and returns the extended slice.
func (ix *Index) AppendMatch(dst []int64, p *Prepared) []int64 {
	s, _ := ix.pool.Get().(*scratch)
	if s == nil { // a zero Index, not made by NewIndex
		s = &scratch{bits: make([]uint64, (len(ix.ids)+63)/64)}
	}
	defer ix.pool.Put(s)
	ix.candidates(p, s.bits)
	for w, word := range s.bits {
		for word != 0 {
			i := w<<6 | bits.TrailingZeros64(word)
			word &= word - 1
			if ix.qs[i].root.eval(p, s) {
				dst = append(dst, ix.ids[i])
			}
		}
	}
	return dst
}

// candidates sets the bits of the topics whose condition p meets. It
// walks whichever is shorter: the mention's tokens or the index's keys.
func (ix *Index) candidates(p *Prepared, cand []uint64) {
	clear(cand)
	mark := func(l []int32) {
		for _, i := range l {
			cand[i>>6] |= 1 << (i & 63)
		}
	}
	if len(ix.words) < len(p.terms) {
		for i := range ix.words {
			if k := &ix.words[i]; p.find(k.s, k.hash) >= 0 {
				mark(k.topics)
			}
		}
	} else {
		for _, t := range p.terms {
			if l, ok := ix.exact[t]; ok {
				mark(l)
			}
		}
	}
	if len(ix.prefixes) < 2*len(p.terms) {
		for i := range ix.prefixes {
			if k := &ix.prefixes[i]; p.hasPrefix(k.s) {
				mark(k.topics)
			}
		}
	} else {
		for _, t := range p.terms {
			for n := 1; ix.prefixLens>>n != 0 && n <= len(t); n++ {
				if ix.prefixLens&(1<<n) == 0 {
					continue
				}
				if l, ok := ix.prefix[t[:n]]; ok {
					mark(l)
				}
			}
		}
	}
	if len(ix.site) > 0 {
		// site:ikea.com is met by ikea.com and by any of its subdomains.
		for h := p.host; h != ""; {
			mark(ix.site[h])
			i := strings.IndexByte(h, '.')
			if i < 0 {
				break
			}
			h = h[i+1:]
		}
	}
	mark(ix.lang[p.lang])
	mark(ix.always)
}
