package enrich

import "testing"

func TestLabSentimentQuick(t *testing.T) {
	for _, c := range []struct{ text, lang string }{
		{"This is not good", "en"},
		{"not bad at all", "en"},
		{"Das ist nicht gut", "de"},
		{"Kein Problem, gerne wieder", "de"},
		{"Nie wieder bestelle ich hier", "de"},
		{"Den er ikke god", "da"},
		{"Aldrig igen", "da"},
		{"Lieferung war super!", "de"},
		{"Super schnelle Lieferung", "de"},
		{"The sofa is great but the delivery was awful", "en"},
		{"Das Sofa funktioniert nicht", "de"},
		{"Det virker ikke", "da"},
		{"I love it 😍", "en"},
		{"Very disappointed :(", "en"},
	} {
		sc, l := Sentiment(c.text, c.lang)
		t.Logf("%-50q %+.2f %s", c.text, sc, l)
	}
}
