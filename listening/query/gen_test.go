package query

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// genVocab is shared by generated queries and documents so that they meet
// often: brands, products, English, German and Danish words, with accents,
// apostrophes and near-duplicates.
var genVocab = strings.Fields(`ikea jysk ilva bolia hay muuto ikea's IKEA’s sofa sofas sofaen
	Sofa grøn grön gron green grüne møbel möbel möbler Möbelhaus colour color chair stol stuhl
	the og und der den det a i en ein don't dont straße strasse café cafe bed seng bett rock
	n roll delivery levering lieferung kundeservice kundenservice service price pris preis
	cheap billig günstig broken ødelagt kaputt love elsker liebe hate hader new ny neu
	store butik laden order bestilling bestellung fast hurtig schnell slow langsom langsam`)

func pick(r *rand.Rand, xs []string) string { return xs[r.IntN(len(xs))] }

// genWord returns a plain word or a wildcard built from a vocabulary word.
func genWord(r *rand.Rand) string {
	w := pick(r, genVocab)
	rs := []rune(w)
	if len(rs) < 3 || r.IntN(4) != 0 {
		return w
	}
	switch r.IntN(3) {
	case 0:
		return string(rs[:2+r.IntN(len(rs)-2)]) + "*"
	case 1:
		i := 2 + r.IntN(len(rs)-2)
		return string(rs[:i]) + "?" + string(rs[min(i+1, len(rs)):])
	default:
		return string(rs[:2]) + "*" + string(rs[len(rs)-1:])
	}
}

func genPhrase(r *rand.Rand) string {
	n := 2 + r.IntN(2)
	ws := make([]string, n)
	for i := range ws {
		ws[i] = genWord(r)
	}
	s := `"` + strings.Join(ws, " ") + `"`
	if r.IntN(3) == 0 {
		s += fmt.Sprintf("~%d", r.IntN(4))
	}
	return s
}

func genTerm(r *rand.Rand) string {
	var t string
	if r.IntN(3) == 0 {
		t = genPhrase(r)
	} else {
		t = genWord(r)
	}
	switch r.IntN(10) {
	case 0:
		return "title:" + t
	case 1:
		return "author:" + t
	}
	return t
}

func genNearOperand(r *rand.Rand) string {
	if r.IntN(3) == 0 {
		exact, _, _ := strings.Cut(genPhrase(r), "~")
		return "(" + genWord(r) + " OR " + exact + ")"
	}
	return genWord(r)
}

func genField(r *rand.Rand) string {
	switch r.IntN(4) {
	case 0:
		return "site:" + pick(r, []string{"ikea.com", "jysk.dk", "www.ikea.de", "trustpilot.com"})
	case 1:
		return "language:" + pick(r, []string{"de", "da", "en"})
	case 2:
		lo := float64(r.IntN(5)) / 5
		return fmt.Sprintf("rating:[%g TO %g]", lo, lo+0.2)
	}
	return "url:" + pick(r, []string{"ikea.com/de", "/review", "jysk"})
}

// genQuery returns a random query; most parse, some are refused.
func genQuery(r *rand.Rand, depth int) string {
	if depth <= 0 {
		return genTerm(r)
	}
	switch r.IntN(8) {
	case 0, 1:
		return genTerm(r)
	case 7: // fields alone, which the Index files under sites and languages
		return genField(r) + pick(r, []string{" AND ", " OR "}) + genField(r)
	case 2: // AND, sometimes with NOT
		n := 2 + r.IntN(2)
		parts := []string{"(" + genQuery(r, depth-1) + ")"}
		for range n - 1 {
			p := "(" + genQuery(r, depth-1) + ")"
			if r.IntN(3) == 0 {
				p = "NOT " + p
			}
			parts = append(parts, p)
		}
		return strings.Join(parts, pick(r, []string{" AND ", " "}))
	case 3:
		n := 2 + r.IntN(2)
		parts := make([]string, n)
		for i := range parts {
			parts[i] = "(" + genQuery(r, depth-1) + ")"
		}
		return strings.Join(parts, " OR ")
	case 4:
		f := ""
		if r.IntN(2) == 0 {
			f = "f"
		}
		return fmt.Sprintf("%s NEAR/%d%s %s", genNearOperand(r), r.IntN(4), f, genNearOperand(r))
	case 5:
		return genField(r) + " AND (" + genQuery(r, depth-1) + ")"
	}
	return "title:(" + genQuery(r, depth-1) + ")"
}

// genDoc returns a random mention made of vocabulary words.
func genDoc(r *rand.Rand) Doc {
	words := func(n int) string {
		var b strings.Builder
		for i := range n {
			if i > 0 {
				b.WriteString(pick(r, []string{" ", " ", " ", ", ", ". ", "-", " (", "! "}))
			}
			b.WriteString(pick(r, genVocab))
		}
		return b.String()
	}
	d := Doc{
		Title:  words(r.IntN(5)),
		Text:   words(3 + r.IntN(40)),
		URL:    pick(r, []string{"", "https://www.ikea.com/de/review/1", "https://jysk.dk/x", "http://shop.ikea.com/", "https://trustpilot.com/review/ikea.de", "https://m.shop.ikea.com/sofa", "https://de.trustpilot.com/review/jysk.dk"}),
		Author: pick(r, []string{"", "Anna Larsen", "IKEA Deutschland", "jysk fan"}),
		Lang:   pick(r, []string{"", "de", "da", "en"}),
	}
	if r.IntN(2) == 0 {
		d.Rating = rating(float64(r.IntN(11)) / 10)
	}
	return d
}
