package eval

import (
	"slices"
	"sort"
	"unicode/utf8"
)

// LongText is the length, in characters (runes), from which a text counts as
// long. The language target is set on long texts because no identifier is
// reliable on a handful of words.
const LongText = 100

// Funcs are the two enrichment functions Measure scores. A nil function
// counts as one that always answers "" (nothing), so its figures are zero
// and its targets unmet.
type Funcs struct {
	// Language returns the ISO 639-1 code of text, or "unknown".
	Language func(text string) string
	// Sentiment returns "positive", "neutral" or "negative" for text written
	// in lang. "mixed" is counted as "neutral".
	Sentiment func(text, lang string) string
}

// Confusion counts answers by gold label (first key) and predicted label
// (second key).
type Confusion map[string]map[string]int

// Count returns how often gold was answered with got.
func (c Confusion) Count(gold, got string) int { return c[gold][got] }

func (c Confusion) add(gold, got string) {
	row := c[gold]
	if row == nil {
		row = map[string]int{}
		c[gold] = row
	}
	row[got]++
}

// Stats are the figures for one language of the set, or for all of it.
type Stats struct {
	Lang string // gold language, or "all" for the totals

	N           int // texts
	LangCorrect int // texts whose language was identified correctly
	N100        int // texts of LongText characters or more
	Correct100  int // long texts whose language was identified correctly

	SentN     int       // texts with a sentiment label
	SentAgree int       // labelled texts whose predicted sentiment equals the label
	Sentiment Confusion // gold sentiment x predicted sentiment
}

// Report is the result of Measure.
type Report struct {
	// ByLang holds one entry per gold language present, in the order of
	// Languages() (codes outside it follow, sorted).
	ByLang []Stats
	Total  Stats
	// Language is gold language x predicted language over all texts.
	Language Confusion
}

// langAliases maps answers that name a set language by another ISO 639-1
// code: Norwegian Bokmål is "nb", a dialect of the macrolanguage "no" that
// the set uses, and identifiers differ in which one they return.
var langAliases = map[string]string{"nb": "no"}

// Measure runs f over examples and counts how often it agrees with the labels.
// The sentiment function is given the predicted language, not the gold one,
// because that is what it gets in production: a wrong language costs
// sentiment agreement too. It is called only for texts with a sentiment label.
func Measure(examples []Example, f Funcs) Report {
	r := Report{Total: newStats("all"), Language: Confusion{}}
	by := map[string]*Stats{}
	for _, ex := range examples {
		s := by[ex.Lang]
		if s == nil {
			st := newStats(ex.Lang)
			s = &st
			by[ex.Lang] = s
		}
		got := ""
		if f.Language != nil {
			got = f.Language(ex.Text)
		}
		if alias, ok := langAliases[got]; ok {
			got = alias
		}
		r.Language.add(ex.Lang, got)
		long := utf8.RuneCountInString(ex.Text) >= LongText
		s.addLanguage(got == ex.Lang, long)
		r.Total.addLanguage(got == ex.Lang, long)

		if ex.Sentiment == "" {
			continue
		}
		sent := ""
		if f.Sentiment != nil {
			sent = f.Sentiment(ex.Text, got)
		}
		if sent == "mixed" {
			sent = "neutral"
		}
		s.addSentiment(ex.Sentiment, sent)
		r.Total.addSentiment(ex.Sentiment, sent)
	}
	for _, lang := range orderedKeys(by, languages[:]) {
		r.ByLang = append(r.ByLang, *by[lang])
	}
	return r
}

func newStats(lang string) Stats { return Stats{Lang: lang, Sentiment: Confusion{}} }

func (s *Stats) addLanguage(correct, long bool) {
	s.N++
	if correct {
		s.LangCorrect++
	}
	if long {
		s.N100++
		if correct {
			s.Correct100++
		}
	}
}

func (s *Stats) addSentiment(gold, got string) {
	s.SentN++
	if gold == got {
		s.SentAgree++
	}
	s.Sentiment.add(gold, got)
}

// orderedKeys returns the keys of m: those in known first, in that order,
// then the rest sorted, so reports list labels in a stable order.
func orderedKeys[V any](m map[string]V, known []string) []string {
	var out, rest []string
	for _, k := range known {
		if _, ok := m[k]; ok {
			out = append(out, k)
		}
	}
	for k := range m {
		if !slices.Contains(known, k) {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	return append(out, rest...)
}
