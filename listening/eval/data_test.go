package eval

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// The embedded set must hold what the README promises; these tests are that
// promise. Load already refuses invalid lines, so the checks here restate the
// rules directly rather than trust Load alone.

func TestDefaultIsValid(t *testing.T) {
	set := Default()
	if len(set) == 0 {
		t.Fatal("Default() is empty")
	}
	ids := map[string]bool{}
	for _, ex := range set {
		if ex.ID == "" || ids[ex.ID] {
			t.Errorf("id %q is empty or used twice", ex.ID)
		}
		ids[ex.ID] = true
		if !slices.Contains(Languages(), ex.Lang) {
			t.Errorf("%s: lang %q unknown", ex.ID, ex.Lang)
		}
		// The id names its language so that a reader of a report can tell.
		if !strings.HasPrefix(ex.ID, ex.Lang+"-") {
			t.Errorf("%s: id does not start with %q", ex.ID, ex.Lang+"-")
		}
		if ex.Sentiment != "" && !slices.Contains(Sentiments(), ex.Sentiment) {
			t.Errorf("%s: sentiment %q unknown", ex.ID, ex.Sentiment)
		}
		if strings.TrimSpace(ex.Text) == "" || ex.Text != strings.TrimSpace(ex.Text) {
			t.Errorf("%s: text %q is empty or has surrounding space", ex.ID, ex.Text)
		}
		if n := utf8.RuneCountInString(ex.Text); n < 20 {
			t.Errorf("%s: text has %d characters, want at least 20", ex.ID, n)
		}
		if !strings.HasPrefix(ex.Source, "written for samtal's evaluation set, ") || !strings.Contains(ex.Source, "style: ") {
			t.Errorf("%s: source %q does not say who wrote it and in what style", ex.ID, ex.Source)
		}
	}
}

func TestDefaultCounts(t *testing.T) {
	type counts struct{ n, long, pos, neu, neg, unlabelled int }
	by := map[string]*counts{}
	for _, ex := range Default() {
		c := by[ex.Lang]
		if c == nil {
			c = &counts{}
			by[ex.Lang] = c
		}
		c.n++
		if utf8.RuneCountInString(ex.Text) >= LongText {
			c.long++
		}
		switch ex.Sentiment {
		case "positive":
			c.pos++
		case "neutral":
			c.neu++
		case "negative":
			c.neg++
		default:
			c.unlabelled++
		}
	}
	tests := []struct {
		lang     string
		min      int
		labelled bool
	}{
		{"en", 120, true}, {"de", 120, true}, {"da", 120, true},
		{"sv", 25, false}, {"no", 25, false}, {"nl", 25, false}, {"fr", 25, false},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			c := by[tt.lang]
			if c == nil {
				t.Fatal("no texts")
			}
			if c.n < tt.min {
				t.Errorf("%d texts, want at least %d", c.n, tt.min)
			}
			// Two thirds long for the sentiment languages; "mostly" for the rest.
			if 3*c.long < 2*c.n {
				t.Errorf("%d of %d texts are long, want at least two thirds", c.long, c.n)
			}
			if !tt.labelled {
				return
			}
			if c.unlabelled != 0 {
				t.Errorf("%d texts without a sentiment label, want none", c.unlabelled)
			}
			if c.n-c.long < c.n/4 {
				t.Errorf("%d of %d texts are short, want about a third", c.n-c.long, c.n)
			}
			// Roughly 40% negative, 35% positive, 25% neutral.
			share := func(k int) int { return k * 100 / c.n }
			if s := share(c.neg); s < 30 || s > 50 {
				t.Errorf("negative %d%%, want 30-50%%", s)
			}
			if s := share(c.pos); s < 25 || s > 45 {
				t.Errorf("positive %d%%, want 25-45%%", s)
			}
			if s := share(c.neu); s < 15 || s > 35 {
				t.Errorf("neutral %d%%, want 15-35%%", s)
			}
		})
	}
}

// TestDefaultHardCases checks that the hard cases are in the set for every
// sentiment language; the source's style names them.
func TestDefaultHardCases(t *testing.T) {
	want := map[string]int{"negation": 5, "sarcasm": 2, "contrast": 2, "typos": 2, "mixed without lean": 3, "question": 2}
	got := map[string]map[string]int{}
	for _, ex := range Default() {
		if ex.Sentiment == "" {
			continue
		}
		if got[ex.Lang] == nil {
			got[ex.Lang] = map[string]int{}
		}
		for tag := range want {
			if strings.Contains(ex.Source, tag) {
				got[ex.Lang][tag]++
			}
		}
	}
	for _, lang := range sentimentLangs {
		for tag, min := range want {
			if got[lang][tag] < min {
				t.Errorf("%s: %d texts tagged %q, want at least %d", lang, got[lang][tag], tag, min)
			}
		}
	}
}
