package query

import (
	"slices"
	"strings"
)

// Match reports whether the prepared mention p matches q.
func (q *Query) Match(p *Prepared) bool {
	var s scratch
	return q.root.eval(p, &s)
}

// scratch holds buffers reused across the evaluation of one or many
// queries against one mention, so the hot path rarely allocates.
type scratch struct {
	bits   []uint64  // Index: candidate topics
	bufs   [][]int32 // a stack of position lists for wildcard words
	top    int       // bufs in use
	lists  [][]int32 // the position lists of one phrase's words
	spans  []span
	starts []int32 // window starts of a loose phrase
	asg    assigner
}

// span is a run of token positions, first to last.
type span struct{ first, last int32 }

func (n *node) eval(p *Prepared, s *scratch) bool {
	switch n.kind {
	case kWord:
		return p.has(n.pats[0], n.scope)
	case kPhrase:
		if n.slop >= 0 {
			return p.loose(n, s)
		}
		r := p.appendPhrase(s.spans[:0], n, s, true)
		s.spans = r[:0]
		return len(r) > 0
	case kNear:
		return p.near(n, s)
	case kAnd:
		for _, k := range n.kids {
			if !k.eval(p, s) {
				return false
			}
		}
		return true
	case kOr:
		for _, k := range n.kids {
			if k.eval(p, s) {
				return true
			}
		}
		return false
	case kNot:
		return !n.kids[0].eval(p, s)
	case kSite:
		h := p.host
		return strings.HasSuffix(h, n.val) && (len(h) == len(n.val) || h[len(h)-len(n.val)-1] == '.')
	case kURL:
		return strings.Contains(p.url, n.val)
	case kLang:
		return p.lang == n.val
	case kRating:
		return p.hasRating && n.lo <= p.rating && p.rating <= n.hi
	}
	return false
}

// find returns the index of term w, whose hashString is h, or -1.
func (p *Prepared) find(w string, h uint64) int {
	if len(p.slots) == 0 { // a zero Prepared, not made by Prepare
		return -1
	}
	mask := uint64(len(p.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		t := p.slots[i] - 1
		if t < 0 {
			return -1
		}
		if p.terms[t] == w {
			return int(t)
		}
	}
}

func (p *Prepared) occ(i int) []int32 { return p.pos[p.offs[i]:p.offs[i+1]] }

// prefixRange returns the range of terms that start with pre.
func (p *Prepared) prefixRange(pre string) (lo, hi int) {
	lo, _ = slices.BinarySearch(p.terms, pre)
	hi = lo
	for hi < len(p.terms) && strings.HasPrefix(p.terms[hi], pre) {
		hi++
	}
	return lo, hi
}

// hasPrefix reports whether a term starts with pre.
func (p *Prepared) hasPrefix(pre string) bool {
	i, _ := slices.BinarySearch(p.terms, pre)
	return i < len(p.terms) && strings.HasPrefix(p.terms[i], pre)
}

// inScope cuts a sorted position list to the positions in sc.
func (p *Prepared) inScope(ps []int32, sc scope) []int32 {
	switch sc {
	case inTitle:
		i, _ := slices.BinarySearch(ps, p.titleEnd)
		return ps[:i]
	case inAuthor:
		i, _ := slices.BinarySearch(ps, p.bodyEnd)
		return ps[i:]
	}
	i, _ := slices.BinarySearch(ps, p.bodyEnd)
	return ps[:i]
}

// present reports whether a non-empty sorted position list has a position
// in sc.
func (p *Prepared) present(ps []int32, sc scope) bool {
	switch sc {
	case inTitle:
		return ps[0] < p.titleEnd
	case inAuthor:
		return ps[len(ps)-1] >= p.bodyEnd
	}
	return ps[0] < p.bodyEnd
}

// has reports whether pt occurs in sc.
func (p *Prepared) has(pt pattern, sc scope) bool {
	if !pt.wild() {
		i := p.find(pt.text, pt.hash)
		return i >= 0 && p.present(p.occ(i), sc)
	}
	lo, hi := p.prefixRange(pt.text[:pt.lit])
	for i := lo; i < hi; i++ {
		if glob(pt.text[pt.lit:], p.terms[i][pt.lit:]) && p.present(p.occ(i), sc) {
			return true
		}
	}
	return false
}

// positions returns the sorted positions in sc where pt occurs. For a
// wildcard the list lives in s.bufs until s.top is reset below it.
func (s *scratch) positions(p *Prepared, pt pattern, sc scope) []int32 {
	if !pt.wild() {
		i := p.find(pt.text, pt.hash)
		if i < 0 {
			return nil
		}
		return p.inScope(p.occ(i), sc)
	}
	if s.top == len(s.bufs) {
		s.bufs = append(s.bufs, nil)
	}
	b := s.bufs[s.top][:0]
	lo, hi := p.prefixRange(pt.text[:pt.lit])
	merged := 0
	for i := lo; i < hi; i++ {
		if glob(pt.text[pt.lit:], p.terms[i][pt.lit:]) {
			if ps := p.inScope(p.occ(i), sc); len(ps) > 0 {
				b = append(b, ps...)
				merged++
			}
		}
	}
	if merged > 1 {
		slices.Sort(b)
		b = slices.Compact(b)
	}
	s.bufs[s.top] = b
	s.top++
	return b
}

// collect fills s.lists with the position lists of n's words. It returns
// false when one of them does not occur; the caller resets s.top.
func (s *scratch) collect(p *Prepared, n *node) bool {
	s.lists = s.lists[:0]
	for _, pt := range n.pats {
		l := s.positions(p, pt, n.scope)
		if len(l) == 0 {
			return false
		}
		s.lists = append(s.lists, l)
	}
	return true
}

// appendPhrase appends the spans where the exact phrase n occurs, in
// order; with first set it stops after one.
func (p *Prepared) appendPhrase(dst []span, n *node, s *scratch, first bool) []span {
	top := s.top
	defer func() { s.top = top }()
	if !s.collect(p, n) {
		return dst
	}
	// Walk the rarest word's positions and look the others up.
	a := 0
	for i, l := range s.lists {
		if len(l) < len(s.lists[a]) {
			a = i
		}
	}
	last := int32(len(s.lists) - 1)
outer:
	for _, q := range s.lists[a] {
		start := q - int32(a)
		for i, l := range s.lists {
			if i != a {
				if _, ok := slices.BinarySearch(l, start+int32(i)); !ok {
					continue outer
				}
			}
		}
		dst = append(dst, span{start, start + last})
		if first {
			break
		}
	}
	return dst
}

// appendSpans appends the spans where a NEAR operand occurs, sorted by
// their first position.
func (p *Prepared) appendSpans(dst []span, n *node, s *scratch) []span {
	switch n.kind {
	case kWord:
		top := s.top
		for _, q := range s.positions(p, n.pats[0], n.scope) {
			dst = append(dst, span{q, q})
		}
		s.top = top
	case kPhrase:
		dst = p.appendPhrase(dst, n, s, false)
	case kOr:
		from := len(dst)
		for _, k := range n.kids {
			dst = p.appendSpans(dst, k, s)
		}
		slices.SortFunc(dst[from:], func(x, y span) int { return int(x.first - y.first) })
	}
	return dst
}

// near reports whether the operands of a NEAR occur at different places
// with at most n.dist words between them (and, for NEAR/nf, in order).
func (p *Prepared) near(n *node, s *scratch) bool {
	all := p.appendSpans(s.spans[:0], n.kids[0], s)
	na := len(all)
	if na > 0 {
		all = p.appendSpans(all, n.kids[1], s)
	}
	s.spans = all[:0]
	as, bs := all[:na], all[na:]
	if len(bs) == 0 {
		return false
	}
	var longest int32
	for _, b := range bs {
		longest = max(longest, b.last-b.first)
	}
	d := int32(n.dist)
	for _, a := range as {
		// Only spans starting in this window can be close enough.
		from, _ := slices.BinarySearchFunc(bs, a.first-d-longest-1, func(x span, t int32) int { return int(x.first - t) })
		for _, b := range bs[from:] {
			if b.first > a.last+d+1 {
				break
			}
			switch {
			case b.first > a.last:
				if b.first-a.last-1 <= d {
					return true
				}
			case n.ordered:
			case b.last < a.first:
				if a.first-b.last-1 <= d {
					return true
				}
			}
		}
	}
	return false
}

// loose reports whether all words of the phrase n occur at different
// positions within a stretch that holds at most n.slop other words.
func (p *Prepared) loose(n *node, s *scratch) bool {
	top := s.top
	defer func() { s.top = top }()
	if !s.collect(p, n) {
		return false
	}
	width := int32(len(s.lists) - 1 + n.slop) // last minus first position
	// The first position of a fit is where one of the words occurs; try
	// each such position once.
	starts := s.starts[:0]
	for _, l := range s.lists {
		starts = append(starts, l...)
	}
	slices.Sort(starts)
	starts = slices.Compact(starts)
	s.starts = starts
	for _, m := range starts {
		if s.asg.fits(s.lists, m, m+width) {
			return true
		}
	}
	return false
}

// assigner finds distinct positions for the words of a loose phrase within
// a window: a bipartite matching, since a position may suit several words
// (wildcards, or apostrophe parts sharing a token).
type assigner struct {
	cand  [][]int32
	owner []int8 // window offset → word, or -1
	seen  []bool
	base  int32
}

// fits reports whether every word can have its own position in [lo, hi].
func (a *assigner) fits(lists [][]int32, lo, hi int32) bool {
	a.cand = a.cand[:0]
	for _, l := range lists {
		i, _ := slices.BinarySearch(l, lo)
		j, _ := slices.BinarySearch(l, hi+1)
		if i == j {
			return false
		}
		a.cand = append(a.cand, l[i:j])
	}
	size := int(hi-lo) + 1
	a.owner = slices.Grow(a.owner[:0], size)[:size]
	a.seen = slices.Grow(a.seen[:0], size)[:size]
	for i := range a.owner {
		a.owner[i] = -1
	}
	a.base = lo
	for w := range a.cand {
		clear(a.seen)
		if !a.augment(w) {
			return false
		}
	}
	return true
}

func (a *assigner) augment(w int) bool {
	for _, q := range a.cand[w] {
		o := q - a.base
		if a.seen[o] {
			continue
		}
		a.seen[o] = true
		if a.owner[o] < 0 || a.augment(int(a.owner[o])) {
			a.owner[o] = int8(w)
			return true
		}
	}
	return false
}
