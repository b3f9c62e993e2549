package enrich

import (
	"os"
	"testing"
)

func TestZZMeasure(t *testing.T) {
	dir := os.Getenv("SENTDIR")
	if dir == "" {
		t.Skip()
	}
	verbose := os.Getenv("SENTVERBOSE") != ""
	ok, okE, n := map[string]int{}, map[string]int{}, map[string]int{}
	pn, np := 0, 0
	for _, d := range readSentimentDev(t, dir) {
		s, got := Sentiment(d.text, d.lang)
		n[d.lang]++
		if got == d.label {
			ok[d.lang]++
		} else if verbose {
			t.Logf("%s want %s got %s %.2f: %s", d.lang, d.label, got, s, d.text)
		}
		if d.label == Positive && got == Negative {
			pn++
		}
		if d.label == Negative && got == Positive {
			np++
		}
		if Enrich("", d.text, "").SentimentLabel == d.label {
			okE[d.lang]++
		}
	}
	for _, l := range []string{"en", "de", "da"} {
		if n[l] > 0 {
			t.Logf("%s %s: %d/%d = %.1f%% (Enrich detected lang: %.1f%%)", dir, l, ok[l], n[l], 100*float64(ok[l])/float64(n[l]), 100*float64(okE[l])/float64(n[l]))
		}
	}
	t.Logf("pos->neg %d, neg->pos %d", pn, np)
}
