package enrich

import (
	"math"
	"sync"
	"testing"
	"unicode/utf8"
)

func TestEnrich(t *testing.T) {
	const review = "Vi bestilte sofaen for tre uger siden, og den kom i dag. Den er virkelig behagelig, og stoffet føles solidt. Tusind tak for hurtig levering!"
	tests := []struct {
		name, title, text, stated string
		lang, label               string
	}{
		{"detected danish", "", review, "", "da", Positive},
		{"stated language wins", "", review, "no", "no", Positive},
		{"invalid stated language is ignored", "", review, "danish", "da", Positive},
		{"title counts for sentiment", "Aldrig igen. Elendig service og ødelagt vare.", "Vi hentede bordet i lørdags på lageret.", "", "da", Negative},
		{"title does not join the text", "Not", "Good value for money, would buy again.", "en", "en", Positive},
		{"short text: unknown language, still scored", "", "Love it 😍", "", Unknown, Positive},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Enrich(tt.title, tt.text, tt.stated)
			if r.Lang != tt.lang || r.SentimentLabel != tt.label {
				t.Errorf("Enrich = %+v, want lang %s, label %s", r, tt.lang, tt.label)
			}
		})
	}

	// The title is left out of the duplicate keys: a syndicated copy
	// often gets a different title.
	a := Enrich("Great sofa", review, "")
	b := Enrich("Reposted: a review from Trustpilot", review+" Læs mere på trustpilot.dk", "")
	if a.Fingerprint != b.Fingerprint || a.ExactKey != b.ExactKey || a.Fingerprint == 0 {
		t.Errorf("same review with other title and tail: %x/%x vs %x/%x", a.Fingerprint, a.ExactKey, b.Fingerprint, b.ExactKey)
	}
	if a.Fingerprint != Fingerprint(review) || a.ExactKey != ExactKey(review) {
		t.Error("Enrich and Fingerprint/ExactKey disagree")
	}
	if s, l := Sentiment("Great sofa.\n"+review, "da"); math.Abs(s-a.Sentiment) > 1e-9 || l != a.SentimentLabel {
		t.Errorf("Enrich sentiment %.3f %s, Sentiment %.3f %s", a.Sentiment, a.SentimentLabel, s, l)
	}
	if a.LangConfidence <= 0 || a.LangConfidence > 1 {
		t.Errorf("LangConfidence = %v", a.LangConfidence)
	}
	if r := Enrich("", review, "de"); r.LangConfidence != 1 {
		t.Errorf("stated language confidence = %v, want 1", r.LangConfidence)
	}
}

func TestEnrichConcurrent(t *testing.T) {
	want := make([]Result, len(benchReviews))
	for i, r := range benchReviews {
		want[i] = Enrich(r.title, r.text, "")
	}
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for range 8 {
		wg.Go(func() {
			for range 50 {
				for i, r := range benchReviews {
					if got := Enrich(r.title, r.text, ""); got != want[i] {
						errs <- r.lang
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for lang := range errs {
		t.Errorf("concurrent Enrich gave a different result for %s", lang)
	}
}

func FuzzEnrich(f *testing.F) {
	for _, r := range benchReviews {
		f.Add(r.title, r.text, r.lang)
	}
	for _, s := range []string{
		"", " ", "!!!", ":-) :( <3 </3 ;)", "😍👍😡👎🙄", "http://", "www.", "@", "a@b.c",
		"nicht nicht nicht gut", "not not bad but but", "ikke ikke", "aber", "men men men",
		"\xff\xfe invalid utf8 \xc3", "Ǆ İ ß ﬁ", "4.5.6,7,,8", "'''", "don't'", "l'",
		"Read more", "read more read more read more", "gut{,e}", "*", "zu zu zu zu",
	} {
		f.Add("", s, "")
		f.Add(s, s, "xx")
	}
	f.Fuzz(func(t *testing.T, title, text, stated string) {
		r := Enrich(title, text, stated)
		if math.IsNaN(r.Sentiment) || r.Sentiment < -1 || r.Sentiment > 1 {
			t.Errorf("sentiment %v outside -1..1", r.Sentiment)
		}
		switch r.SentimentLabel {
		case Positive, Neutral, Negative:
		default:
			t.Errorf("invalid label %q", r.SentimentLabel)
		}
		if r.LangConfidence < 0 || r.LangConfidence > 1 || (r.Lang == Unknown) != (r.LangConfidence == 0) {
			t.Errorf("lang %q with confidence %v", r.Lang, r.LangConfidence)
		}
		if r.Lang != Unknown && (len(r.Lang) != 2 || !isISO6391(r.Lang)) {
			t.Errorf("lang %q is not an ISO 639-1 code", r.Lang)
		}
		if r.Fingerprint != 0 && r.ExactKey == 0 {
			t.Error("fingerprint without exact key")
		}
		if !utf8.ValidString(text) {
			return
		}
		if got := Fingerprint(text); got != r.Fingerprint {
			t.Errorf("Fingerprint = %x, Enrich = %x", got, r.Fingerprint)
		}
	})
}
