package eval

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
)

// The targets the enricher has to meet, in percent.
const (
	LanguageTarget  = 95 // language id on texts of LongText characters or more, per language and overall
	SentimentTarget = 75 // sentiment agreement, per language of sentimentLangs and overall
)

// sentimentLangs are the languages whose sentiment has a target of its own.
var sentimentLangs = [...]string{"en", "de", "da"}

// Target is one target and the figures measured for it.
type Target struct {
	Name    string
	Correct int
	N       int
	Percent int // the share Correct/N must reach, in percent
}

// Met reports whether the target is reached. A target without texts is not.
func (t Target) Met() bool { return t.N > 0 && t.Correct*100 >= t.Percent*t.N }

// Targets returns the targets with the figures of r: language id on long
// texts for every language present and overall (per language, so that a weak
// Norwegian cannot hide behind a strong English), then sentiment agreement
// for en, de and da and overall.
func (r Report) Targets() []Target {
	var ts []Target
	for _, s := range r.ByLang {
		if s.N100 > 0 {
			ts = append(ts, Target{"language id " + s.Lang + ", long texts", s.Correct100, s.N100, LanguageTarget})
		}
	}
	ts = append(ts, Target{"language id all, long texts", r.Total.Correct100, r.Total.N100, LanguageTarget})
	for _, lang := range sentimentLangs {
		s, _ := r.stats(lang)
		ts = append(ts, Target{"sentiment " + lang, s.SentAgree, s.SentN, SentimentTarget})
	}
	ts = append(ts, Target{"sentiment all", r.Total.SentAgree, r.Total.SentN, SentimentTarget})
	return ts
}

// TargetsMet reports whether every target of Targets is met.
func (r Report) TargetsMet() bool {
	for _, t := range r.Targets() {
		if !t.Met() {
			return false
		}
	}
	return true
}

func (r Report) stats(lang string) (Stats, bool) {
	for _, s := range r.ByLang {
		if s.Lang == lang {
			return s, true
		}
	}
	return Stats{Lang: lang}, false
}

// Write writes r as a plain-text report: per language the language accuracy
// on all and on long texts, what the texts were identified as, the sentiment
// agreement and its confusion matrix; then the totals, the language confusion
// matrix and the targets. Errors of w are not reported: the report is meant
// for a terminal or a buffer.
func (r Report) Write(w io.Writer) {
	fmt.Fprintf(w, "samtal enrichment evaluation: %s in %s (long = %d+ characters)\n",
		plural(r.Total.N, "text"), plural(len(r.ByLang), "language"), LongText)
	for _, s := range r.ByLang {
		fmt.Fprintln(w)
		r.writeStats(w, s)
	}
	fmt.Fprintln(w)
	r.writeStats(w, r.Total)

	fmt.Fprintln(w)
	fmt.Fprintln(w, "language confusion (gold x answered)")
	writeMatrix(w, r.Language, languages[:])

	fmt.Fprintln(w)
	fmt.Fprintf(w, "targets (language id on long texts >= %d%%, sentiment agreement >= %d%%)\n", LanguageTarget, SentimentTarget)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, t := range r.Targets() {
		mark := "NOT MET"
		if t.Met() {
			mark = "met"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", mark, t.Name, ratio(t.Correct, t.N))
	}
	tw.Flush()
	if r.TargetsMet() {
		fmt.Fprintln(w, "targets met: yes")
	} else {
		fmt.Fprintln(w, "targets met: no")
	}
}

func (r Report) writeStats(w io.Writer, s Stats) {
	fmt.Fprintf(w, "%s: %s, %d long\n", s.Lang, plural(s.N, "text"), s.N100)
	fmt.Fprintf(w, "  language id   all %s   long %s\n", ratio(s.LangCorrect, s.N), ratio(s.Correct100, s.N100))
	if row, ok := r.Language[s.Lang]; ok {
		fmt.Fprintf(w, "  answered as   %s\n", answers(row))
	}
	if s.SentN == 0 {
		fmt.Fprintln(w, "  sentiment     no labelled texts")
		return
	}
	fmt.Fprintf(w, "  sentiment     %s agree\n", ratio(s.SentAgree, s.SentN))
	writeMatrix(w, s.Sentiment, sentiments[:])
}

// ratio formats "7/8 87.5%", or "0/0 -" when there is nothing to count.
func ratio(n, of int) string {
	if of == 0 {
		return "0/0 -"
	}
	return fmt.Sprintf("%d/%d %.1f%%", n, of, float64(n)*100/float64(of))
}

// answers lists a row of the language confusion, most frequent first.
func answers(row map[string]int) string {
	keys := make([]string, 0, len(row))
	for k := range row {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if row[keys[i]] != row[keys[j]] {
			return row[keys[i]] > row[keys[j]]
		}
		return keys[i] < keys[j]
	})
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", label(k), row[k])
	}
	return strings.Join(parts, ", ")
}

// writeMatrix writes c as a table: known labels first, then any other
// answers (such as "unknown" or a label outside the set) sorted.
func writeMatrix(w io.Writer, c Confusion, known []string) {
	cols := map[string]bool{}
	for _, row := range c {
		for got := range row {
			cols[got] = true
		}
	}
	for _, k := range known {
		cols[k] = true
	}
	colKeys := orderedKeys(cols, known)
	rowKeys := orderedKeys(c, known)

	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "    gold\\answered\t")
	for _, k := range colKeys {
		fmt.Fprintf(tw, "%s\t", label(k))
	}
	fmt.Fprintln(tw)
	for _, g := range rowKeys {
		fmt.Fprintf(tw, "    %s\t", g)
		for _, k := range colKeys {
			fmt.Fprintf(tw, "%d\t", c.Count(g, k))
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
}

// plural formats "1 text" or "2 texts".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// label shows an empty answer visibly.
func label(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
