package enrich

import (
	"fmt"
	"testing"
)

func debugScores(text string) string {
	tk := tokenize(text)
	var out string
	for i := range tk.toks {
		if tk.toks[i].kind != kindWord {
			continue
		}
		var s [numLangs]float64
		w := tk.text(i)
		if m, ok := wordTable[string(w)]; ok {
			addMask(&s, m, 1)
		} else {
			spellingCues(w, &s)
		}
		out += string(w) + "["
		for l, v := range s {
			if v != 0 {
				out += fmt.Sprintf("%s%.1f ", detectable[l], v)
			}
		}
		out += "] "
	}
	return out
}

func TestLabDebug(t *testing.T) {
	for _, s := range []string{
		"Vi har holdt ferie på Bornholm i en uge, og vejret var skønt hele tiden. Børnene badede hver dag og spiste is til frokost.",
	} {
		t.Log(debugScores(s))
	}
}
