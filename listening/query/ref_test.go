package query

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// refDoc is a mention as a plain list of positions and the terms at each,
// for a slow matcher written straight from the language's definition.
type refDoc struct {
	p     *Prepared
	at    map[int32][]string
	order []int32 // all positions, in order
}

func newRefDoc(p *Prepared) *refDoc {
	d := &refDoc{p: p, at: map[int32][]string{}}
	for i, t := range p.terms {
		for _, q := range p.occ(i) {
			if d.at[q] == nil {
				d.order = append(d.order, q)
			}
			d.at[q] = append(d.at[q], t)
		}
	}
	return d
}

func (d *refDoc) inScope(q int32, sc scope) bool {
	switch sc {
	case inTitle:
		return q < d.p.titleEnd
	case inAuthor:
		return q >= d.p.bodyEnd
	}
	return q < d.p.bodyEnd
}

// hit reports whether pattern pt matches a term at position q in scope.
func (d *refDoc) hit(pt pattern, sc scope, q int32) bool {
	if !d.inScope(q, sc) {
		return false
	}
	for _, t := range d.at[q] {
		if glob(pt.text, t) {
			return true
		}
	}
	return false
}

// spans lists every place where a word or exact phrase occurs.
func (d *refDoc) spans(n *node) []span {
	var out []span
	if n.kind == kOr {
		for _, k := range n.kids {
			out = append(out, d.spans(k)...)
		}
		return out
	}
	for _, q := range d.order {
		ok := true
		for i, pt := range n.pats {
			ok = ok && d.hit(pt, n.scope, q+int32(i))
		}
		if ok {
			out = append(out, span{q, q + int32(len(n.pats)-1)})
		}
	}
	return out
}

// loose tries every assignment of distinct positions to the words.
func (d *refDoc) loose(n *node, i int, used []int32) bool {
	if i == len(n.pats) {
		lo, hi := used[0], used[0]
		for _, q := range used {
			lo, hi = min(lo, q), max(hi, q)
		}
		return int(hi-lo)-(len(used)-1) <= n.slop
	}
	for _, q := range d.order {
		if d.hit(n.pats[i], n.scope, q) && !containsPos(used, q) && d.loose(n, i+1, append(used, q)) {
			return true
		}
	}
	return false
}

func containsPos(ps []int32, q int32) bool {
	for _, p := range ps {
		if p == q {
			return true
		}
	}
	return false
}

func (d *refDoc) eval(n *node) bool {
	switch n.kind {
	case kWord:
		return len(d.spans(n)) > 0
	case kPhrase:
		if n.slop < 0 {
			return len(d.spans(n)) > 0
		}
		return d.loose(n, 0, nil)
	case kNear:
		for _, a := range d.spans(n.kids[0]) {
			for _, b := range d.spans(n.kids[1]) {
				switch {
				case b.first > a.last && b.first-a.last-1 <= int32(n.dist):
					return true
				case !n.ordered && a.first > b.last && a.first-b.last-1 <= int32(n.dist):
					return true
				}
			}
		}
		return false
	case kAnd:
		for _, k := range n.kids {
			if !d.eval(k) {
				return false
			}
		}
		return true
	case kOr:
		for _, k := range n.kids {
			if d.eval(k) {
				return true
			}
		}
		return false
	case kNot:
		return !d.eval(n.kids[0])
	case kSite:
		h := d.p.host
		return h == n.val || strings.HasSuffix(h, "."+n.val)
	}
	var s scratch
	return n.eval(d.p, &s) // the remaining fields compare plain values
}

// TestMatchEqualsReference checks the fast matcher (binary searches,
// windows, bipartite matching) against the slow definition above.
func TestMatchEqualsReference(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	checked, matched := 0, 0
	for range 4000 {
		q, err := Parse(genQuery(r, 2))
		if err != nil {
			continue
		}
		d := genDoc(r)
		p := Prepare(d)
		want := newRefDoc(p).eval(q.root)
		if got := q.Match(p); got != want {
			t.Fatalf("%q on %+v: Match = %v, reference = %v", q, d, got, want)
		}
		checked++
		if want {
			matched++
		}
	}
	if checked < 2000 || matched < checked/20 {
		t.Errorf("checked %d, matched %d: the generators are off", checked, matched)
	}
}
