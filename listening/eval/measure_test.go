package eval

import (
	"reflect"
	"strings"
	"testing"
)

// small is a hand-built set whose figures are worked out by hand below. The
// long texts are exactly LongText runes, mostly of a two-byte letter, and the
// short ones one rune less, so the boundary counts runes, not bytes.
func small() []Example {
	long, short := strings.Repeat("æ", LongText-5), strings.Repeat("æ", LongText-1)
	return []Example{
		{ID: "da-1", Lang: "da", Sentiment: "neutral", Text: long + " da-1", Source: "s"},
		{ID: "en-1", Lang: "en", Sentiment: "positive", Text: long + " en-1", Source: "s"},
		{ID: "en-2", Lang: "en", Sentiment: "negative", Text: short, Source: "s"},
		{ID: "da-2", Lang: "da", Sentiment: "positive", Text: short, Source: "s"},
		{ID: "sv-1", Lang: "sv", Text: long + " sv-1", Source: "s"},
	}
}

func always(answer string) func(string) string { return func(string) string { return answer } }

func TestMeasureAlwaysEnglishPositive(t *testing.T) {
	r := Measure(small(), Funcs{
		Language:  always("en"),
		Sentiment: func(string, string) string { return "positive" },
	})
	want := Report{
		ByLang: []Stats{
			{Lang: "en", N: 2, LangCorrect: 2, N100: 1, Correct100: 1, SentN: 2, SentAgree: 1,
				Sentiment: Confusion{"positive": {"positive": 1}, "negative": {"positive": 1}}},
			{Lang: "da", N: 2, LangCorrect: 0, N100: 1, Correct100: 0, SentN: 2, SentAgree: 1,
				Sentiment: Confusion{"neutral": {"positive": 1}, "positive": {"positive": 1}}},
			{Lang: "sv", N: 1, LangCorrect: 0, N100: 1, Correct100: 0, Sentiment: Confusion{}},
		},
		Total: Stats{Lang: "all", N: 5, LangCorrect: 2, N100: 3, Correct100: 1, SentN: 4, SentAgree: 2,
			Sentiment: Confusion{"positive": {"positive": 2}, "negative": {"positive": 1}, "neutral": {"positive": 1}}},
		Language: Confusion{"en": {"en": 2}, "da": {"en": 2}, "sv": {"en": 1}},
	}
	if !reflect.DeepEqual(r, want) {
		t.Errorf("Measure =\n%+v\nwant\n%+v", r, want)
	}
	if r.TargetsMet() {
		t.Error("TargetsMet = true, want false")
	}
}

func TestMeasureNilFuncsAnswerNothing(t *testing.T) {
	r := Measure(small(), Funcs{})
	if r.Total.N != 5 || r.Total.LangCorrect != 0 || r.Total.Correct100 != 0 || r.Total.SentN != 4 || r.Total.SentAgree != 0 {
		t.Errorf("Total = %+v, want 5 texts, 4 labelled, nothing correct", r.Total)
	}
	if got := r.Language.Count("da", ""); got != 2 {
		t.Errorf(`Language.Count("da", "") = %d, want 2`, got)
	}
	if got := r.Total.Sentiment.Count("positive", ""); got != 2 {
		t.Errorf(`Total.Sentiment.Count("positive", "") = %d, want 2`, got)
	}
}

func TestMeasureGivesSentimentThePredictedLanguage(t *testing.T) {
	var calls []string
	r := Measure(small(), Funcs{
		// "nb" is Bokmål's own code; Measure counts it as the set's "no".
		Language: always("nb"),
		Sentiment: func(text, lang string) string {
			calls = append(calls, lang)
			return "mixed"
		},
	})
	// Four labelled texts: sv-1 has no label, so no call for it.
	if want := []string{"no", "no", "no", "no"}; !reflect.DeepEqual(calls, want) {
		t.Errorf("Sentiment got languages %q, want %q", calls, want)
	}
	if got := r.Language.Count("sv", "no"); got != 1 {
		t.Errorf(`Language.Count("sv", "no") = %d, want 1 ("nb" counted as "no")`, got)
	}
	// "mixed" counts as neutral: only da-1, labelled neutral, agrees.
	if r.Total.SentAgree != 1 || r.Total.Sentiment.Count("neutral", "neutral") != 1 || r.Total.Sentiment.Count("positive", "neutral") != 2 {
		t.Errorf("Total sentiment = %d agree, %v; want 1 agree and mixed counted as neutral", r.Total.SentAgree, r.Total.Sentiment)
	}
}

func TestMeasureDefault(t *testing.T) {
	set := Default()
	gold := map[string]Example{}
	perLang := map[string]int{}
	for _, ex := range set {
		gold[ex.Text] = ex
		perLang[ex.Lang]++
	}
	if len(gold) != len(set) {
		t.Fatalf("%d distinct texts in %d examples; the oracle below needs them distinct", len(gold), len(set))
	}

	t.Run("oracle meets every target", func(t *testing.T) {
		r := Measure(set, Funcs{
			Language:  func(text string) string { return gold[text].Lang },
			Sentiment: func(text, _ string) string { return gold[text].Sentiment },
		})
		for _, tg := range r.Targets() {
			if !tg.Met() || tg.Correct != tg.N {
				t.Errorf("target %s: %d/%d, want all correct and met", tg.Name, tg.Correct, tg.N)
			}
		}
		if !r.TargetsMet() {
			t.Error("TargetsMet = false, want true")
		}
		if len(r.Targets()) != len(Languages())+1+len(sentimentLangs)+1 {
			t.Errorf("%d targets, want one per language, one overall, and four for sentiment", len(r.Targets()))
		}
	})

	t.Run("always en", func(t *testing.T) {
		r := Measure(set, Funcs{Language: always("en"), Sentiment: func(string, string) string { return "negative" }})
		if r.Total.N != len(set) || r.Total.LangCorrect != perLang["en"] {
			t.Errorf("Total = %d texts, %d correct; want %d, %d", r.Total.N, r.Total.LangCorrect, len(set), perLang["en"])
		}
		var langs []string
		for _, s := range r.ByLang {
			langs = append(langs, s.Lang)
			wantCorrect := 0
			if s.Lang == "en" {
				wantCorrect = s.N
			}
			if s.N != perLang[s.Lang] || s.LangCorrect != wantCorrect || r.Language.Count(s.Lang, "en") != s.N {
				t.Errorf("%s: %+v, want %d texts, %d correct", s.Lang, s, perLang[s.Lang], wantCorrect)
			}
			if s.SentAgree != s.Sentiment.Count("negative", "negative") {
				t.Errorf("%s: %d agree, want the number of negative texts %d", s.Lang, s.SentAgree, s.Sentiment.Count("negative", "negative"))
			}
		}
		if !reflect.DeepEqual(langs, Languages()) {
			t.Errorf("ByLang order %q, want %q", langs, Languages())
		}
		if r.TargetsMet() {
			t.Error("TargetsMet = true, want false")
		}
	})
}

func TestTargets(t *testing.T) {
	lang := func(code string, correct, n int) Stats { return Stats{Lang: code, N100: n, Correct100: correct} }
	tests := []struct {
		name    string
		r       Report
		unmet   []string
		metWant bool
	}{
		{
			name: "exactly at both targets",
			r: Report{
				ByLang: []Stats{
					{Lang: "en", N100: 20, Correct100: 19, SentN: 4, SentAgree: 3},
					{Lang: "de", N100: 20, Correct100: 19, SentN: 4, SentAgree: 3},
					{Lang: "da", N100: 20, Correct100: 19, SentN: 4, SentAgree: 3},
				},
				Total: Stats{N100: 60, Correct100: 57, SentN: 12, SentAgree: 9},
			},
			metWant: true,
		},
		{
			name: "one language just under, overall still fine",
			r: Report{
				ByLang: []Stats{
					{Lang: "en", N100: 20, Correct100: 20, SentN: 4, SentAgree: 4},
					{Lang: "de", N100: 20, Correct100: 20, SentN: 4, SentAgree: 4},
					{Lang: "da", N100: 20, Correct100: 20, SentN: 4, SentAgree: 3},
					lang("no", 18, 20),
				},
				Total: Stats{N100: 80, Correct100: 78, SentN: 12, SentAgree: 11},
			},
			unmet: []string{"language id no, long texts"},
		},
		{
			name: "sentiment language missing",
			r: Report{
				ByLang: []Stats{
					{Lang: "en", N100: 1, Correct100: 1, SentN: 4, SentAgree: 4},
					{Lang: "da", N100: 1, Correct100: 1, SentN: 4, SentAgree: 2},
				},
				Total: Stats{N100: 2, Correct100: 2, SentN: 8, SentAgree: 6},
			},
			unmet: []string{"sentiment de", "sentiment da"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var unmet []string
			for _, tg := range tt.r.Targets() {
				if !tg.Met() {
					unmet = append(unmet, tg.Name)
				}
			}
			if !reflect.DeepEqual(unmet, tt.unmet) {
				t.Errorf("unmet targets %q, want %q", unmet, tt.unmet)
			}
			if got := tt.r.TargetsMet(); got != tt.metWant {
				t.Errorf("TargetsMet = %v, want %v", got, tt.metWant)
			}
		})
	}
}
