package enrich

import (
	"sort"
	"testing"
	"unicode/utf8"
)

func TestLabLanguage(t *testing.T) {
	for _, dir := range []string{"lang", "langcheck"} {
		t.Log(dir)
		type acc struct{ n, ok, unk, nLong, okLong int }
		stats := map[string]*acc{}
		for _, d := range readLangDev(t, dir) {
			a := stats[d.lang]
			if a == nil {
				a = &acc{}
				stats[d.lang] = a
			}
			got, conf := Language(d.text)
			long := utf8.RuneCountInString(d.text) >= 100
			a.n++
			if long {
				a.nLong++
			}
			switch {
			case got == d.lang:
				a.ok++
				if long {
					a.okLong++
				}
			case got == Unknown:
				a.unk++
				t.Logf("UNK %s (%.2f) %q", d.lang, conf, d.text)
			default:
				t.Logf("ERR %s->%s (%.2f) %q", d.lang, got, conf, d.text)
			}
		}
		var keys []string
		for k := range stats {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			a := stats[k]
			t.Logf("%s all %d/%d unk %d long %d/%d", k, a.ok, a.n, a.unk, a.okLong, a.nLong)
		}
	}
}
