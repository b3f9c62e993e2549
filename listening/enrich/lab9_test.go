package enrich

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestLabDist(t *testing.T) {
	byLang := map[string][]string{}
	for _, dir := range []string{"lang", "langcheck"} {
		for _, d := range readLangDev(t, dir) {
			byLang[d.lang] = append(byLang[d.lang], d.text)
		}
	}
	for _, dir := range []string{"sentiment", "sentimentcheck", "sentimentcheck2", "sentimentcheck3"} {
		for _, d := range readSentimentDev(t, dir) {
			byLang[d.lang] = append(byLang[d.lang], d.text)
		}
	}
	var all []string
	for _, v := range byLang {
		all = append(all, v...)
	}
	eq2 := map[int]int{}
	eq1 := map[int]int{}
	for i := range all {
		a := Fingerprint(all[i])
		for j := i + 1; j < len(all); j++ {
			b := Fingerprint(all[j])
			if a == 0 || b == 0 || all[i] == all[j] {
				continue
			}
			switch eqBlocks(a, b) {
			case 1:
				eq1[Distance(a, b)]++
			case 2, 3, 4:
				eq2[Distance(a, b)]++
			}
		}
	}
	t.Logf("unrelated eq>=2: %v", eq2)
	t.Logf("unrelated eq==1: %v", eq1)
	rng := rand.New(rand.NewPCG(3, 4))
	var vocab []string
	for _, s := range all {
		vocab = append(vocab, strings.Fields(s)...)
	}
	for _, minW := range []int{8, 15, 25, 35} {
		h := map[int]int{}
		for rep := 0; rep < 20; rep++ {
			for _, s := range all {
				w := strings.Fields(s)
				if len(w) < minW || len(w) >= minW+10 && minW < 35 {
					continue
				}
				w2 := slices.Clone(w)
				w2[rng.IntN(len(w2))] = vocab[rng.IntN(len(vocab))]
				a, b := Fingerprint(s), Fingerprint(strings.Join(w2, " "))
				if eqBlocks(a, b) >= 2 {
					h[Distance(a, b)]++
				} else {
					h[-1]++
				}
			}
		}
		t.Logf("replace1 words %d..: %v", minW, h)
	}
}

func eqBlocks(a, b uint64) int {
	n := 0
	for i := range 4 {
		if block(a, i) == block(b, i) {
			n++
		}
	}
	return n
}
