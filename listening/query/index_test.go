package query

import (
	"math/bits"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestIndexEqualsNaive checks the pruning: the Index must find exactly the
// topics that matching every query one by one finds. Small and large
// indexes take different paths (walking their keys or the mention's
// tokens), so both are tried.
func TestIndexEqualsNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var all []*Query
	tried := 0
	for len(all) < 400 {
		tried++
		if q, err := Parse(genQuery(r, 3)); err == nil {
			all = append(all, q)
		}
	}
	if tried > 2*len(all) {
		t.Fatalf("only %d of %d generated queries parse; the generator is off", len(all), tried)
	}
	for _, size := range []int{3, 40, 400} {
		topics := map[int64]*Query{}
		for _, q := range all[:size] {
			topics[int64(r.IntN(1_000_000))] = q
		}
		ix := NewIndex(topics)
		if ix.Len() != len(topics) {
			t.Fatalf("Len() = %d, want %d", ix.Len(), len(topics))
		}
		matched, candidates, docs := 0, 0, 500
		for range docs {
			d := genDoc(r)
			p := Prepare(d)
			var want []int64
			for id, q := range topics {
				if q.Match(p) {
					want = append(want, id)
				}
			}
			slices.Sort(want)
			got := ix.Match(p)
			if !slices.Equal(got, want) {
				for _, id := range symDiff(got, want) {
					t.Errorf("topic %d %q on %+v: index says %v", id, topics[id], d, slices.Contains(got, id))
				}
				t.FailNow()
			}
			matched += len(want)
			candidates += countCandidates(ix, p)
		}
		t.Logf("%d topics: matched %d, evaluated %d of %d", size, matched, candidates, docs*size)
		// Both must be far from trivial for the comparison to mean something.
		if size == 400 && (matched < docs || candidates > docs*size/2) {
			t.Errorf("matched %d, evaluated %d of %d topic checks; want many matches and real pruning", matched, candidates, docs*size)
		}
	}
}

// TestTermsNecessary checks what Terms promises: a matching mention
// contains one of the terms in its title or text.
func TestTermsNecessary(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 3000 {
		q, err := Parse(genQuery(r, 3))
		if err != nil {
			continue
		}
		terms := q.Terms()
		if terms == nil {
			continue
		}
		d := genDoc(r)
		d.Author, d.AuthorHandle = "", ""
		p := Prepare(d)
		if !q.Match(p) {
			continue
		}
		found := slices.ContainsFunc(p.terms, func(tok string) bool {
			return slices.ContainsFunc(terms, func(term string) bool {
				pre, wild := strings.CutSuffix(term, "*")
				return tok == term || (wild && strings.HasPrefix(tok, pre))
			})
		})
		if !found {
			t.Fatalf("%q matches %+v but none of Terms() %q is in it", q, d, terms)
		}
	}
}

func symDiff(a, b []int64) []int64 {
	var out []int64
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	for _, x := range b {
		if !slices.Contains(a, x) {
			out = append(out, x)
		}
	}
	return out
}

// countCandidates returns how many topics the index would evaluate for p.
func countCandidates(ix *Index, p *Prepared) int {
	cand := make([]uint64, (ix.Len()+63)/64)
	ix.candidates(p, cand)
	n := 0
	for _, w := range cand {
		n += bits.OnesCount64(w)
	}
	return n
}

func TestIndexEmptyAndNil(t *testing.T) {
	ix := NewIndex(nil)
	if got := ix.Match(Prepare(text("ikea"))); len(got) != 0 {
		t.Errorf("empty index matched %v", got)
	}
	if got := new(Index).Match(&Prepared{}); len(got) != 0 {
		t.Errorf("zero index matched %v", got)
	}
	q, _ := Parse("ikea")
	ix = NewIndex(map[int64]*Query{3: q, 1: nil, 2: q})
	if got := ix.Match(Prepare(text("IKEA"))); !slices.Equal(got, []int64{2, 3}) {
		t.Errorf("Match = %v, want [2 3]", got)
	}
	if got := ix.AppendMatch([]int64{9}, Prepare(text("IKEA"))); !slices.Equal(got, []int64{9, 2, 3}) {
		t.Errorf("AppendMatch = %v, want [9 2 3]", got)
	}
}

// TestIndexConcurrent runs one Index from several goroutines; with -race it
// checks that matching shares no state between calls.
func TestIndexConcurrent(t *testing.T) {
	ix, topics := benchIndex(t, 300)
	ps := prepared()
	want := make([][]int64, len(ps))
	for i, p := range ps {
		want[i] = ix.Match(p)
	}
	errs := make(chan string, 4)
	for g := range 4 {
		go func() {
			msg := ""
			for i := range 200 {
				k := (i + g) % len(ps)
				if got := ix.Match(ps[k]); !slices.Equal(got, want[k]) {
					msg = "concurrent Match differs"
				}
			}
			errs <- msg
		}()
	}
	for range 4 {
		if msg := <-errs; msg != "" {
			t.Error(msg)
		}
	}
	if len(topics) != 300 {
		t.Fatalf("%d topics", len(topics))
	}
}
