package enrich

import "testing"

func TestLabSentimentDev(t *testing.T) {
	for _, dir := range []string{"sentiment", "sentimentcheck", "sentimentcheck2", "sentimentcheck3"} {
		ok, n := map[string]int{}, map[string]int{}
		for _, d := range readSentimentDev(t, dir) {
			sc, l := Sentiment(d.text, d.lang)
			n[d.lang]++
			if l == d.label {
				ok[d.lang]++
			} else {
				t.Logf("MISS %s want %s got %s %+.2f %q", d.lang, d.label, l, sc, d.text)
			}
		}
		for k := range n {
			t.Logf("%s %s %d/%d", dir, k, ok[k], n[k])
		}
	}
}
