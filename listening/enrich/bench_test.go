package enrich

import (
	"strings"
	"testing"
)

// benchReviews are ~60-word reviews, one per language, for the benchmarks.
var benchReviews = []struct{ lang, title, text string }{
	{"en", "Lovely sofa, slow delivery",
		"We ordered the three-seater in dark green and it looks even better than in the photos. " +
			"The cushions are firm but comfortable, and the fabric feels sturdy enough for two kids and a dog. " +
			"Delivery took almost three weeks though, and nobody told us about the delay until we called. " +
			"Assembly was easy. Would buy again, but I hope they fix the communication!"},
	{"de", "Schönes Sofa, langsame Lieferung",
		"Wir haben den Dreisitzer in Dunkelgrün bestellt und er sieht sogar besser aus als auf den Fotos. " +
			"Die Kissen sind fest, aber bequem, und der Stoff wirkt robust genug für zwei Kinder und einen Hund. " +
			"Die Lieferung hat allerdings fast drei Wochen gedauert, und niemand hat uns über die Verzögerung informiert. " +
			"Der Aufbau war einfach. Würde wieder kaufen, aber die Kommunikation muss besser werden!"},
	{"da", "Dejlig sofa, langsom levering",
		"Vi bestilte tre-personers sofaen i mørkegrøn, og den ser endnu bedre ud end på billederne. " +
			"Puderne er faste, men behagelige, og stoffet virker solidt nok til to børn og en hund. " +
			"Leveringen tog dog næsten tre uger, og ingen fortalte os om forsinkelsen, før vi ringede. " +
			"Samlingen var nem. Vi ville købe den igen, men de må blive bedre til at kommunikere!"},
}

func BenchmarkEnrich(b *testing.B) {
	for _, r := range benchReviews {
		b.Run(r.lang, func(b *testing.B) {
			b.SetBytes(int64(len(r.title) + len(r.text)))
			for b.Loop() {
				Enrich(r.title, r.text, "")
			}
		})
	}
}

func BenchmarkLanguage(b *testing.B) {
	for _, r := range benchReviews {
		b.Run(r.lang, func(b *testing.B) {
			for b.Loop() {
				Language(r.text)
			}
		})
	}
}

func BenchmarkSentiment(b *testing.B) {
	for _, r := range benchReviews {
		b.Run(r.lang, func(b *testing.B) {
			for b.Loop() {
				Sentiment(r.text, r.lang)
			}
		})
	}
}

func BenchmarkFingerprint(b *testing.B) {
	for _, r := range benchReviews {
		b.Run(r.lang, func(b *testing.B) {
			for b.Loop() {
				Fingerprint(r.text)
			}
		})
	}
}

// BenchmarkTokenize is the shared cost included in each of the above.
func BenchmarkTokenize(b *testing.B) {
	for _, r := range benchReviews {
		b.Run(r.lang, func(b *testing.B) {
			for b.Loop() {
				tokenize(r.text)
			}
		})
	}
}

// BenchmarkBaseline lowercases and splits the same reviews with the
// standard library, as a yardstick for the figures above on this machine.
func BenchmarkBaseline(b *testing.B) {
	for _, r := range benchReviews {
		b.Run(r.lang, func(b *testing.B) {
			for b.Loop() {
				_ = strings.Fields(strings.ToLower(r.title + " " + r.text))
			}
		})
	}
}
