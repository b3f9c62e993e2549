package enrich

import (
	"math/bits"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// review40 is a 40-word review used for near-duplicate pairs.
const review40 = "We bought the oak dining table in March and it still looks great. " +
	"The top is solid wood, the legs do not wobble and the oil finish handles " +
	"coffee cups well. Delivery took two weeks, which was fine for us."

func TestNearDuplicatePairs(t *testing.T) {
	if n := len(strings.Fields(review40)); n != 40 {
		t.Fatalf("review40 has %d words, want 40", n)
	}
	tests := []struct {
		name string
		a, b string
		want bool
	}{
		{"syndicated copy", review40, review40, true},
		{"whitespace, punctuation and case", review40,
			"we bought the OAK dining table in march, and it still looks great!!  The top is solid wood - the legs do not wobble; and the oil finish handles coffee cups well... Delivery took two weeks which was fine for us", true},
		{"read more tail", review40, review40 + " Read more on trustpilot.com", true},
		{"read more tail in Danish", review40, review40 + " … Læs mere på trustpilot.dk", true},
		{"url added", review40, review40 + " https://shop.example.com/tables/oak?ref=feed", true},
		{"one word changed", review40, strings.Replace(review40, "two weeks", "three weeks", 1), true},
		{"one word added", review40, strings.Replace(review40, "solid wood", "solid oak wood", 1), true},
		{"accents dropped", "Das Sofa ist sehr bequem, die Farbe passt genau und der Stoff fühlt sich hochwertig an. Lieferung war schnell.",
			"Das Sofa ist sehr bequem, die Farbe passt genau und der Stoff fuhlt sich hochwertig an. Lieferung war schnell.", true},
		{"same product, different review", review40,
			"The oak dining table looks great in photos but the top is not solid wood and the legs wobble. Coffee cups leave rings on the finish. Delivery took four weeks and nobody called us.", false},
		{"german and english review", review40,
			"Wir haben den Esstisch aus Eiche im März gekauft und er sieht immer noch toll aus. Die Platte ist aus Massivholz und die Beine wackeln nicht.", false},
		{"reply quoting a short part", review40,
			"> the legs do not wobble\nThanks for the kind words! We are glad the table works for you. If you ever need care oil for the finish, our stores stock it.", false},
		{"too short to fingerprint", "Love it!", "Love it!", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := Fingerprint(tt.a), Fingerprint(tt.b)
			if got := NearDuplicate(a, b); got != tt.want {
				t.Errorf("NearDuplicate = %v, want %v (distance %d, %#016x vs %#016x)", got, tt.want, Distance(a, b), a, b)
			}
			if tt.want && !shareBand(Bands(a), Bands(b)) {
				t.Errorf("near duplicates share no band: %x %x", Bands(a), Bands(b))
			}
		})
	}
}

func shareBand(a, b [4]uint32) bool {
	for i := range a {
		if a[i] != 0 && a[i] == b[i] {
			return true
		}
	}
	return false
}

// TestFingerprintGolden pins values: they are stored in the database, so
// they must not change across processes, platforms or Go versions. If a
// deliberate change breaks this test, bump FingerprintVersion.
func TestFingerprintGolden(t *testing.T) {
	tests := []struct {
		text      string
		fp, exact uint64
	}{
		{"The sofa arrived two days late, but the fabric is lovely and the cushions are firm. Customer service apologised and refunded the delivery fee.",
			0x0c7066e852abcd8e, 0x9cb521ee67735a4e},
		{"Sofaen kom to dage for sent, men stoffet er dejligt og puderne er faste. Kundeservice undskyldte og refunderede fragten.",
			0xbcfaa265536f15af, 0xb09f82324a689005},
		{"Thanks!", 0, 0xf9601b809b9a91bd},
		{"", 0, 0},
		{"https://example.com @someone", 0, 0},
	}
	for _, tt := range tests {
		if fp, exact := Fingerprint(tt.text), ExactKey(tt.text); fp != tt.fp || exact != tt.exact {
			t.Errorf("%q: Fingerprint, ExactKey = %#016x, %#016x; want %#016x, %#016x", tt.text, fp, exact, tt.fp, tt.exact)
		}
	}
}

func TestExactKey(t *testing.T) {
	same := [][2]string{
		{"Love it!", "love it"},
		{"Løve it", "LOVE it"}, // accents fold
		{"Thanks :)", "thanks :-)"},
		{"Great shop https://example.com", "Great shop"},
		{"Straße", "strasse"},
	}
	for _, p := range same {
		if a, b := ExactKey(p[0]), ExactKey(p[1]); a != b || a == 0 {
			t.Errorf("ExactKey(%q) = %x, ExactKey(%q) = %x; want equal, non-zero", p[0], a, p[1], b)
		}
	}
	differ := [][2]string{
		{"Love it", "Loved it"},
		{"Love it 😍", "Love it 😡"},
		{"it love", "love it"},
	}
	for _, p := range differ {
		if ExactKey(p[0]) == ExactKey(p[1]) {
			t.Errorf("ExactKey(%q) == ExactKey(%q)", p[0], p[1])
		}
	}
}

func TestFingerprintShortTexts(t *testing.T) {
	if fp := Fingerprint("Only seven words are in this text"); fp != 0 {
		t.Errorf("7-word text got fingerprint %x, want 0", fp)
	}
	if fp := Fingerprint("Exactly eight words are in this text here"); fp == 0 {
		t.Error("8-word text got no fingerprint")
	}
	if Bands(0) != [4]uint32{} {
		t.Errorf("Bands(0) = %x, want zeros", Bands(0))
	}
	if NearDuplicate(0, 0) {
		t.Error("NearDuplicate(0, 0) = true")
	}
}

func TestBands(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for range 2000 {
		a := rng.Uint64() | 1
		b := a
		for range rng.IntN(4) { // 0..3 flipped bits
			b ^= 1 << rng.IntN(64)
		}
		if b == 0 {
			continue
		}
		ba, bb := Bands(a), Bands(b)
		if !shareBand(ba, bb) {
			t.Fatalf("%x and %x differ in %d bits but share no band", a, b, Distance(a, b))
		}
		for i, k := range ba {
			if k>>16 != uint32(i+1) || k == 0 {
				t.Fatalf("band %d key %x does not carry its band number", i, k)
			}
		}
	}
}

// TestFingerprintDevSet checks the near-duplicate rules over the
// development texts: every one-word edit of a ~40-word text is a near
// duplicate, and no two different texts of the same language are.
func TestFingerprintDevSet(t *testing.T) {
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

	langs := make([]string, 0, len(byLang))
	for l := range byLang {
		langs = append(langs, l)
	}
	slices.Sort(langs) // a fixed order keeps the random edits repeatable
	rng := rand.New(rand.NewPCG(1, 2))
	var vocab, longs []string
	for _, l := range langs {
		texts := byLang[l]
		cur := ""
		for _, x := range texts {
			vocab = append(vocab, strings.Fields(x)...)
			if cur = strings.TrimSpace(cur + " " + x); len(strings.Fields(cur)) >= 35 {
				longs = append(longs, cur)
				cur = ""
			}
		}
	}
	edits := []struct {
		name string
		do   func(w []string) []string
		must bool // every edit must be a near duplicate
	}{
		{"replace one word", func(w []string) []string {
			w[rng.IntN(len(w))] = vocab[rng.IntN(len(vocab))]
			return w
		}, true},
		{"insert one word", func(w []string) []string {
			i := rng.IntN(len(w))
			return append(w[:i], append([]string{vocab[rng.IntN(len(vocab))]}, w[i:]...)...)
		}, true},
		{"delete one word", func(w []string) []string {
			i := rng.IntN(len(w))
			return append(w[:i], w[i+1:]...)
		}, true},
		{"replace two words", func(w []string) []string {
			w[rng.IntN(len(w))] = vocab[rng.IntN(len(vocab))]
			w[rng.IntN(len(w))] = vocab[rng.IntN(len(vocab))]
			return w
		}, false},
	}
	for _, e := range edits {
		n, near, dist := 0, 0, 0
		for range 10 {
			for _, s := range longs {
				a := Fingerprint(s)
				b := Fingerprint(strings.Join(e.do(strings.Fields(s)), " "))
				n++
				dist += Distance(a, b)
				if NearDuplicate(a, b) {
					near++
				} else if e.must {
					t.Errorf("%s: not a near duplicate (distance %d): %q", e.name, Distance(a, b), s)
				}
			}
		}
		t.Logf("%s: %d/%d near duplicates, mean distance %.1f", e.name, near, n, float64(dist)/float64(n))
	}

	pairs, near, shared := 0, 0, 0
	for _, texts := range byLang {
		fps := make([]uint64, len(texts))
		for i, x := range texts {
			fps[i] = Fingerprint(x)
		}
		for i := range texts {
			for j := i + 1; j < len(texts); j++ {
				if fps[i] == 0 || fps[j] == 0 || texts[i] == texts[j] {
					continue
				}
				pairs++
				if shareBand(Bands(fps[i]), Bands(fps[j])) {
					shared++
				}
				if NearDuplicate(fps[i], fps[j]) {
					near++
					t.Errorf("different texts are near duplicates: %q / %q", texts[i], texts[j])
				}
			}
		}
	}
	t.Logf("different texts of the same language: %d pairs, %d near duplicates, %d (%.2f%%) share a band", pairs, near, shared, 100*float64(shared)/float64(pairs))
}

func TestFoldHashMatchesASCII(t *testing.T) {
	// Folding must make "fühlt" hash like "fuhlt" and "Straße" like "strasse".
	if foldHash([]byte("fühlt"), fnvOffset) != foldHash([]byte("fuhlt"), fnvOffset) {
		t.Error("fühlt and fuhlt hash differently")
	}
	if foldHash([]byte("straße"), fnvOffset) != foldHash([]byte("strasse"), fnvOffset) {
		t.Error("straße and strasse hash differently")
	}
	if bits.OnesCount64(mix64(1)^mix64(2)) < 16 {
		t.Error("mix64 does not spread neighbouring inputs")
	}
}
