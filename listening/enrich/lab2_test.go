package enrich

import (
	"testing"
	"unicode/utf8"

	"github.com/abadojack/whatlanggo"
)

func wlgDetect(text string, wl map[whatlanggo.Lang]bool) (string, float64) {
	info := whatlanggo.DetectWithOptions(text, whatlanggo.Options{Whitelist: wl})
	c := info.Lang.Iso6391()
	if c == "nb" {
		c = "no"
	}
	return c, info.Confidence
}

var wlAll = map[whatlanggo.Lang]bool{whatlanggo.Eng: true, whatlanggo.Deu: true, whatlanggo.Dan: true, whatlanggo.Nob: true, whatlanggo.Swe: true, whatlanggo.Nld: true, whatlanggo.Fra: true, whatlanggo.Spa: true, whatlanggo.Ita: true, whatlanggo.Por: true, whatlanggo.Fin: true}

func TestLabWhatlang(t *testing.T) {
	for _, dir := range []string{"lang", "langcheck"} {
		t.Log(dir)
		ok, n, okL, nL := map[string]int{}, map[string]int{}, map[string]int{}, map[string]int{}
		for _, d := range readLangDev(t, dir) {
			got, _ := wlgDetect(d.text, wlAll)
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
			}
			mine, _ := Language(d.text)
			if mine == Unknown && (d.lang == "da" || d.lang == "no") {
				g2, c2 := wlgDetect(d.text, map[whatlanggo.Lang]bool{whatlanggo.Dan: true, whatlanggo.Nob: true})
				t.Logf("tie %s: wlg-danno=%s %.2f", d.lang, g2, c2)
			}
		}
		for k := range n {
			t.Logf("whatlanggo %s %d/%d long %d/%d", k, ok[k], n[k], okL[k], nL[k])
		}
	}
}

func BenchmarkLabWhatlang(b *testing.B) {
	text := readLangDev(b, "lang")[3].text
	for b.Loop() {
		wlgDetect(text, wlAll)
	}
}

func BenchmarkLabMine(b *testing.B) {
	text := readLangDev(b, "lang")[3].text
	for b.Loop() {
		Language(text)
	}
}

func BenchmarkLabWhatlangDaNo(b *testing.B) {
	text := readLangDev(b, "lang")[3].text
	wl := map[whatlanggo.Lang]bool{whatlanggo.Dan: true, whatlanggo.Nob: true}
	for b.Loop() {
		wlgDetect(text, wl)
	}
}
