package enrich

import (
	"math"
	"sort"
	"testing"
)

func TestSentimentLabels(t *testing.T) {
	tests := []struct {
		lang, text, want string
	}{
		// Negation, English.
		{"en", "The sofa is good", Positive},
		{"en", "The sofa is not good", Negative},
		{"en", "Not bad at all", Positive},
		{"en", "It doesn't work", Negative},
		{"en", "I would not recommend this shop", Negative},
		{"en", "No problems so far", Positive},
		{"en", "Never again", Negative},
		{"en", "I expected much worse", Positive},
		{"en", "I expected better", Negative},
		{"en", "Can't wait to try it", Positive},
		// Negation, German.
		{"de", "Das ist gut", Positive},
		{"de", "Das ist nicht gut", Negative},
		{"de", "Gar nicht schlecht", Positive},
		{"de", "Kein Problem", Positive},
		{"de", "Keine Probleme mit der Lieferung", Positive},
		{"de", "Nie wieder!", Negative},
		{"de", "Das Sofa funktioniert nicht", Negative},
		{"de", "Ich kann den Laden nicht empfehlen", Negative},
		{"de", "Ich empfehle den Laden nicht", Negative},
		{"de", "Lieferung war super", Positive},
		// Negation, Danish.
		{"da", "Den er god", Positive},
		{"da", "Den er ikke god", Negative},
		{"da", "Ikke dårligt", Positive},
		{"da", "Aldrig igen", Negative},
		{"da", "Den virker ikke", Negative},
		{"da", "Jeg kan ikke anbefale den", Negative},
		{"da", "Ingen problemer med leveringen", Positive},
		{"da", "Stolen kom i stykker", Negative},
		// Swedish and Norwegian.
		{"sv", "Den är inte bra", Negative},
		{"sv", "Inte dåligt alls", Positive},
		{"sv", "Aldrig igen", Negative},
		{"no", "Den er ikke bra", Negative},
		{"no", "Kjempefornøyd med sofaen", Positive},
		{"no", "Stolen er helt ustø", Negative},
		// Lexicon words from the brief.
		{"en", "The table is wobbly", Negative},
		{"de", "Der Tisch ist wackelig", Negative},
		{"da", "Bordet er vakkelvorn", Negative},
		{"en", "The staff were rude", Negative},
		{"de", "Das Personal war unfreundlich", Negative},
		{"da", "Personalet var uhøflige", Negative},
		{"en", "We love it", Positive},
		{"de", "Wir lieben es", Positive},
		{"da", "Vi elsker den", Positive},
		{"de", "Die Lampe ist kaputt", Negative},
		{"de", "Die Reklamation läuft seit Wochen", Negative},
		// Contrast: the clause after "but" weighs more.
		{"en", "The sofa is great but the delivery was awful", Negative},
		{"en", "Delivery was slow but the sofa is great", Positive},
		{"de", "Teuer, aber die Qualität ist hervorragend", Positive},
		{"da", "Den var dyr, men kvaliteten er fremragende", Positive},
		{"en", "Lovely sofa. But the delivery was a nightmare.", Negative},
		// Emoji and emoticons, in any language.
		{"en", "New sofa arrived 😍", Positive},
		{"de", "Paket ist da 👍", Positive},
		{"da", "Pakken kom i dag 😡", Negative},
		{"en", "Delivery today :(", Negative},
		{"en", "Delivery today :-)", Positive},
		{"en", "Great job guys 🙄", Negative},
		// Neutral texts.
		{"en", "Does anyone know when the store opens?", Neutral},
		{"de", "Der Tisch ist 180 cm lang.", Neutral},
		{"da", "Vi henter skabet på lørdag.", Neutral},
		{"en", "", Neutral},
		// Ratings: no negation after them reaches them, none a low one.
		{"da", "1 stjerne fordi man ikke kan give 0", Negative},
		{"da", "Ikke engang 1 stjerne værd", Negative},
		{"da", "Fortjener ikke 5 stjerner", Negative},
		{"en", "1 star because you can't give 0", Negative},
		{"de", "1 Stern, weil man nicht 0 geben kann", Negative},
		{"de", "1 Stern weil man nicht 0 geben kann", Negative},
		// Phrases that say nothing mask their words.
		{"de", "Ab sofort haben wir sonntags geöffnet", Neutral},
		{"de", "Die Lieferung kam sofort", Positive},
		{"da", "Ok, jeg prøver at ringe i morgen", Neutral},
		{"da", "Ærligt talt, det er for dårligt", Negative},
		{"da", "Det var bedre end forventet", Positive},
		// Question tags make a statement; "ik'" never negates.
		{"da", "Den er flot, ikke?", Positive},
		{"da", "Den er mega flot ikke?", Positive},
		{"da", "Den er sgu fed ik'", Positive},
		{"da", "Det virker ik", Negative},
		{"da", "Svarer I ikke?", Negative},
		// Irony: echo words next to a complaint, "not", 🙃.
		{"da", "Toget er aflyst igen. Super.", Negative},
		{"da", "Pakken kom i går. Super!", Positive},
		{"da", "Lidt forsinket. Men ellers perfekt.", Positive},
		{"da", "Pakken var forsinket. Ellers perfekt.", Positive},
		{"da", "Perfekt, så blev flyet aflyst igen.", Negative},
		{"da", "Perfekt, så ses vi på lørdag.", Positive},
		{"da", "Godt gået... not.", Negative},
		{"da", "Skønt, så kom regningen igen 🙃", Negative},
		{"da", "Tak for ingenting", Negative},
		// Polite complaints, contrast, short life.
		{"da", "Jeg havde nu forventet lidt mere", Negative},
		{"da", "Jeg havde regnet med bedre", Negative},
		{"da", "Ventetiden var lang, til gengæld var maden fremragende", Positive},
		{"da", "Den virkede fint i to uger", Negative},
		{"da", "Den virkede fint i mange år", Positive},
		// Unsupported languages use English words and emoji.
		{"fr", "Livraison rapide 👍", Positive},
		{Unknown, "Terrible!!!", Negative},
	}
	for _, tt := range tests {
		score, label := Sentiment(tt.text, tt.lang)
		if label != tt.want {
			t.Errorf("Sentiment(%q, %q) = %.2f %s, want %s", tt.text, tt.lang, score, label, tt.want)
		}
	}
}

func TestSentimentModifiers(t *testing.T) {
	tests := []struct {
		lang, plain, stronger string
	}{
		{"en", "The sofa is good", "The sofa is very good"},
		{"en", "The sofa is good", "The sofa is really good"},
		{"de", "Das Sofa ist gut", "Das Sofa ist sehr gut"},
		{"da", "Sofaen er god", "Sofaen er meget god"},
		{"da", "Sofaen er god", "Sofaen er virkelig god"},
		{"en", "The chair is a bit wobbly", "The chair is wobbly"},
		{"de", "Der Stuhl ist etwas wackelig", "Der Stuhl ist wackelig"},
		{"da", "Stolen er lidt vakkelvorn", "Stolen er vakkelvorn"},
		{"en", "Great sofa", "Great sofa!!!"},
		{"en", "Bad service", "Bad service!!"},
		{"en", "Not good", "Terrible"},
	}
	for _, tt := range tests {
		a, _ := Sentiment(tt.plain, tt.lang)
		b, _ := Sentiment(tt.stronger, tt.lang)
		if math.Abs(b) <= math.Abs(a) {
			t.Errorf("|%q| = %.3f should be above |%q| = %.3f", tt.stronger, b, tt.plain, a)
		}
	}
	// "not bad" is mildly positive: less than plain "good".
	notBad, _ := Sentiment("Not bad", "en")
	good, _ := Sentiment("Good", "en")
	if notBad <= 0 || notBad >= good {
		t.Errorf("Sentiment(not bad) = %.2f, want in (0, %.2f)", notBad, good)
	}
}

func TestSentimentRange(t *testing.T) {
	long := ""
	for range 200 {
		long += "Amazing fantastic wonderful perfect! "
	}
	for _, text := range []string{long, "awful terrible horrible worst disaster 😡😡😡 !!!!!!"} {
		score, _ := Sentiment(text, "en")
		if score < -1 || score > 1 || math.IsNaN(score) {
			t.Errorf("Sentiment score %v outside -1..1", score)
		}
	}
}

// TestSentimentDevSet measures accuracy on the hand-written labelled
// texts (see testdata/README.md). testdata/sentiment was used to write the
// lexicons; sentimentcheck and sentimentcheck2 were measured and then used
// to broaden them; sentimentcheck3 was the held-out set until a few of its
// words were added in November 2026; sentiment2 is the development set of
// the implicit-complaint rules; sentimentcheck4 was written before those
// rules and never tuned on, so its figure is the honest one. sentiment3
// is the Danish development set of the colloquial rules (irony, tags,
// polite complaints); sentimentcheck5 was written before them and is only
// measured: its misses are counted but never logged, so that reading the
// test output cannot tune on it. Besides accuracy, it counts positive
// texts called negative, which must stay rare: a complaint rule that fires
// on praise is worse than one that misses.
func TestSentimentDevSet(t *testing.T) {
	limits := map[string]struct {
		floor     float64
		maxPosNeg int
		heldOut   bool
	}{
		"sentiment":       {0.95, 0, false},
		"sentimentcheck":  {0.90, 0, false},
		"sentimentcheck2": {0.85, 0, false},
		"sentimentcheck3": {0.80, 0, false},
		"sentiment2":      {0.90, 0, false},
		"sentimentcheck4": {0.85, 1, false},
		"sentiment3":      {0.90, 0, false},
		"sentimentcheck5": {0.85, 0, true},
	}
	dirs := make([]string, 0, len(limits))
	for d := range limits {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	for _, dir := range dirs {
		ok, n := map[string]int{}, map[string]int{}
		okAll, nAll, posNeg, negPos := 0, 0, 0, 0
		for _, d := range readSentimentDev(t, dir) {
			_, got := Sentiment(d.text, d.lang)
			n[d.lang]++
			nAll++
			if got == d.label {
				ok[d.lang]++
				okAll++
				continue
			}
			switch {
			case d.label == Positive && got == Negative:
				posNeg++
			case d.label == Negative && got == Positive:
				negPos++
			}
			if !limits[dir].heldOut {
				t.Logf("%s: %s text labelled %s, got %s: %q", dir, d.lang, d.label, got, d.text)
			}
		}
		for _, l := range []string{"en", "de", "da", "sv"} {
			if n[l] > 0 {
				t.Logf("%s %s: %d/%d = %.1f%%", dir, l, ok[l], n[l], 100*float64(ok[l])/float64(n[l]))
			}
		}
		acc := float64(okAll) / float64(nAll)
		t.Logf("%s total: %d/%d = %.1f%%, positive called negative: %d, negative called positive: %d",
			dir, okAll, nAll, 100*acc, posNeg, negPos)
		lim := limits[dir]
		if acc < lim.floor {
			t.Errorf("%s accuracy %.3f below the floor %.2f", dir, acc, lim.floor)
		}
		if posNeg > lim.maxPosNeg {
			t.Errorf("%s: %d positive texts called negative, want at most %d", dir, posNeg, lim.maxPosNeg)
		}
	}
}

func TestLexiconsLoad(t *testing.T) {
	m, err := loadLexicons()
	if err != nil {
		t.Fatal(err)
	}
	for lang, min := range map[string]int{"en": 600, "de": 600, "da": 500, "sv": 450, "no": 500} {
		terms := 0
		for _, e := range m[lang].entries {
			if e.score != 0 {
				terms++
			}
		}
		t.Logf("%s: %d terms, %d prefixes", lang, terms, len(m[lang].prefixes))
		if terms < min {
			t.Errorf("%s lexicon has %d terms, want at least %d", lang, terms, min)
		}
	}
}

func TestLexiconParseErrors(t *testing.T) {
	for _, src := range []string{
		"[terms]\ngood\n",           // no weight
		"[terms]\ngood 9\n",         // out of range
		"[terms]\ngood 1\ngood 2\n", // twice
		"[colours]\nred 1\n",        // unknown section
		"[negators]\nno*\n",         // prefix outside terms
		"[wanted]\nreply 2\n",       // wanted must be negative when negated
		"[numbers]\nthree 0\n",      // a number must be positive
		"[persist]\nstill*\n",       // prefix outside terms
		"[ratings]\none star\n",     // no weight
		"[neutral]\nab*\n",          // prefix outside terms
	} {
		lex := &lexicon{entries: map[string]entry{}, prefixes: map[string]float64{}}
		if err := lex.parse(src); err == nil {
			t.Errorf("parse(%q) succeeded, want an error", src)
		}
	}
}

func TestExpandBraces(t *testing.T) {
	got := expandBraces("gut{,e,en} 2")
	want := []string{"gut 2", "gute 2", "guten 2"}
	if len(got) != len(want) {
		t.Fatalf("expandBraces = %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("expandBraces[%d] = %q, want %q", i, got[i], want[i])
		}
	}
}
