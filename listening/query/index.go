package query

import (
	"math/bits"
	"slices"
	"sync"
	"unicode/utf8"
)

// maxPrefixKey caps the length in bytes of the prefixes the Index looks
// up. A shorter prefix of a wildcard's literal start is still a necessary
// condition, and the cap bounds the look-ups per mention token.
const maxPrefixKey = 8

// Index matches one mention against many topics. From every query it
// takes a necessary condition (see Query.Terms) and files the topic under
// those words and prefixes; a mention then only evaluates the topics filed
// under one of its own tokens, plus those without a condition. An Index is
// immutable and safe for concurrent use; build a new one when topics
// change.
type Index struct {
	ids        []int64 // sorted; topic i of the lists below is ids[i]
	qs         []*Query
	exact      map[string][]int32
	prefix     map[string][]int32
	prefixLens uint32  // bit n set: some prefix key has n bytes
	always     []int32 // topics without a condition
	pool       sync.Pool
}

// NewIndex builds an index of topics by id. Nil queries are left out.
func NewIndex(topics map[int64]*Query) *Index {
	ix := &Index{exact: map[string][]int32{}, prefix: map[string][]int32{}}
	for id, q := range topics {
		if q != nil {
			ix.ids = append(ix.ids, id)
		}
	}
	slices.Sort(ix.ids)
	for i, id := range ix.ids {
		q := topics[id]
		ix.qs = append(ix.qs, q)
		if !q.need.ok {
			ix.always = append(ix.always, int32(i))
			continue
		}
		for _, k := range q.need.keys {
			if !k.prefix {
				ix.exact[k.s] = appendOnce(ix.exact[k.s], int32(i))
				continue
			}
			s := truncate(k.s, maxPrefixKey)
			ix.prefix[s] = appendOnce(ix.prefix[s], int32(i))
			ix.prefixLens |= 1 << len(s)
		}
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
	s := ix.pool.Get().(*scratch)
	defer ix.pool.Put(s)
	cand := s.bits
	clear(cand)
	mark := func(l []int32) {
		for _, i := range l {
			cand[i>>6] |= 1 << (i & 63)
		}
	}
	for _, t := range p.terms {
		if l, ok := ix.exact[t]; ok {
			mark(l)
		}
		for lens, n := ix.prefixLens, 1; lens>>n != 0 && n <= len(t); n++ {
			if lens&(1<<n) == 0 {
				continue
			}
			if l, ok := ix.prefix[t[:n]]; ok {
				mark(l)
			}
		}
	}
	mark(ix.always)
	for w, word := range cand {
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
