package enrich

import (
	"testing"
	"unicode/utf8"
)

func TestLabLangOnSentiment(t *testing.T) {
	for _, dir := range []string{"sentiment", "sentimentcheck", "sentimentcheck2", "sentimentcheck3"} {
		ok, n, okL, nL := map[string]int{}, map[string]int{}, map[string]int{}, map[string]int{}
		for _, d := range readSentimentDev(t, dir) {
			got, _ := Language(d.text)
			long := utf8.RuneCountInString(d.text) >= 100
			n[d.lang]++
			if long {
				nL[d.lang]++
			}
			if got == d.lang {
				ok[d.lang]++
				if long {
					okL[d.lang]++
				}
			} else {
				t.Logf("%s %s->%s %q", dir, d.lang, got, d.text)
			}
		}
		for k := range n {
			t.Logf("%s %s %d/%d long %d/%d", dir, k, ok[k], n[k], okL[k], nL[k])
		}
	}
}
