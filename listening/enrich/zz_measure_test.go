package enrich

import (
	"os"
	"testing"
)

// Temporary: aggregate counts only, no individual misses.
func TestZZMeasure(t *testing.T) {
	dir := os.Getenv("MEASURE_DIR")
	if dir == "" {
		t.Skip()
	}
	conf := map[[2]string]int{}
	ok, n := map[string]int{}, map[string]int{}
	for _, d := range readSentimentDev(t, dir) {
		_, got := Sentiment(d.text, d.lang)
		n[d.lang]++
		if got == d.label {
			ok[d.lang]++
		}
		if d.lang == "da" {
			conf[[2]string{d.label, got}]++
		}
	}
	for l := range n {
		t.Logf("%s %s: %d/%d = %.1f%%", dir, l, ok[l], n[l], 100*float64(ok[l])/float64(n[l]))
	}
	for _, a := range []string{Positive, Neutral, Negative} {
		t.Logf("da %s -> pos %d neu %d neg %d", a, conf[[2]string{a, Positive}], conf[[2]string{a, Neutral}], conf[[2]string{a, Negative}])
	}
}
