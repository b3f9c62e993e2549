package enrich

import (
	"strings"
	"testing"
)

func TestLabTokenize(t *testing.T) {
	for _, s := range []string{
		"Read more on trustpilot.com please",
		"See https://example.com/x?y=1. Great!",
		"mail me at a.b@example.com or @samtal :) ok",
		"arrived.The box was 4.5 kg, 10:30 today :-( #love www.Shop.de/abc",
		"Hello @user, www.x.com",
	} {
		tk := tokenize(s)
		var parts []string
		for i := range tk.toks {
			switch tk.toks[i].kind {
			case kindClause:
				parts = append(parts, "|,")
			case kindSentence:
				parts = append(parts, "|"+string(tk.toks[i].punct))
			default:
				parts = append(parts, string(tk.text(i)))
			}
		}
		t.Logf("%q -> %s", s, strings.Join(parts, " "))
	}
}
