package enrich

import (
	"math/bits"
	"math/rand/v2"
	"strings"
	"testing"
)

func labCorpus(t *testing.T) (singles []string, longs []string) {
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
	for _, texts := range byLang {
		singles = append(singles, texts...)
		cur := ""
		for _, x := range texts {
			cur = strings.TrimSpace(cur + " " + x)
			if len(strings.Fields(cur)) >= 35 {
				longs = append(longs, cur)
				cur = ""
			}
		}
	}
	return
}

// classic 64-bit simhash over 3-word shingles, for comparison
func classicSimhash(text string) uint64 {
	tk := tokenize(text)
	var ws []uint64
	for i := range tk.toks {
		if tk.toks[i].kind == kindWord {
			ws = append(ws, foldHash(tk.text(i), fnvOffset))
		}
	}
	var v [64]int
	for i := 0; i+3 <= len(ws); i++ {
		h := mix64(ws[i] ^ ws[i+1]*31 ^ ws[i+2]*961)
		for j := range 64 {
			if h>>j&1 == 1 {
				v[j]++
			} else {
				v[j]--
			}
		}
	}
	var fp uint64
	for j := range 64 {
		if v[j] > 0 {
			fp |= 1 << j
		}
	}
	return fp
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

func TestLabFingerprint(t *testing.T) {
	singles, longs := labCorpus(t)
	rng := rand.New(rand.NewPCG(1, 2))
	var vocab []string
	for _, s := range singles {
		vocab = append(vocab, strings.Fields(s)...)
	}
	edits := map[string]func([]string) []string{
		"replace1": func(w []string) []string {
			w = append([]string(nil), w...)
			w[rng.IntN(len(w))] = vocab[rng.IntN(len(vocab))]
			return w
		},
		"insert1": func(w []string) []string {
			i := rng.IntN(len(w))
			return append(append(append([]string(nil), w[:i]...), vocab[rng.IntN(len(vocab))]), w[i:]...)
		},
		"delete1": func(w []string) []string {
			i := rng.IntN(len(w))
			return append(append([]string(nil), w[:i]...), w[i+1:]...)
		},
		"replace2": func(w []string) []string {
			w = append([]string(nil), w...)
			w[rng.IntN(len(w))] = vocab[rng.IntN(len(vocab))]
			w[rng.IntN(len(w))] = vocab[rng.IntN(len(vocab))]
			return w
		},
		"readmore": func(w []string) []string {
			return append(append([]string(nil), w...), "Read", "more", "on", "trustpilot.com")
		},
	}
	for _, name := range []string{"replace2"} {
		edit := edits[name]
		var n, nd, band, classic3, dsum, ruleB int
		hist := map[int]int{}
		for rep := 0; rep < 20; rep++ {
			for _, s := range longs {
				v := strings.Join(edit(strings.Fields(s)), " ")
				a, b := Fingerprint(s), Fingerprint(v)
				n++
				if NearDuplicate(a, b) {
					nd++
				}
				if d2 := bits.OnesCount64(a ^ b); eqBlocks(a, b) >= 2 && d2 <= 12 || eqBlocks(a, b) >= 1 && d2 <= 8 {
					ruleB++
				}
				if eqBlocks(a, b) >= 1 {
					band++
				}
				d := bits.OnesCount64(a ^ b)
				dsum += d
				hist[min(d, 20)]++
				if bits.OnesCount64(classicSimhash(s)^classicSimhash(v)) <= 3 {
					classic3++
				}
			}
		}
		t.Logf("%-9s n=%d neardup=%.3f shareband=%.3f meanDist=%.1f classic3shingleK3=%.3f ruleB=%.3f hist=%v", name, n, float64(nd)/float64(n), float64(band)/float64(n), float64(dsum)/float64(n), float64(classic3)/float64(n), float64(ruleB)/float64(n), hist)
	}
	// unrelated pairs
	var pairs, fpos, bandc, cl3 int
	minD := 64
	dh := map[int]int{}
	bandHist := map[int]int{}
	for i := range singles {
		a := Fingerprint(singles[i])
		if a == 0 {
			continue
		}
		ca := classicSimhash(singles[i])
		for j := i + 1; j < len(singles); j++ {
			b := Fingerprint(singles[j])
			if b == 0 || singles[i] == singles[j] {
				continue
			}
			pairs++
			if NearDuplicate(a, b) {
				fpos++
				t.Logf("FP %q / %q", singles[i], singles[j])
			}
			d := bits.OnesCount64(a ^ b)
			if eqBlocks(a, b) >= 1 {
				bandc++
				bandHist[d]++
			}
			if d < 12 {
				t.Logf("CLOSE d=%d eq=%d %q / %q", d, eqBlocks(a, b), singles[i], singles[j])
			}
			minD = min(minD, d)
			dh[d/4*4]++
			if bits.OnesCount64(ca^classicSimhash(singles[j])) <= 3 {
				cl3++
			}
		}
	}
	t.Logf("band-sharing unrelated by distance: %v", bandHist)
	t.Logf("unrelated pairs=%d neardup=%d shareband=%.4f minDist=%d classicK3=%d hist=%v", pairs, fpos, float64(bandc)/float64(pairs), minD, cl3, dh)
}
