package eval

import (
	"strings"
	"testing"
)

// TestWrite pins the report's layout on the hand-built set of measure_test.go.
func TestWrite(t *testing.T) {
	r := Measure(small(), Funcs{
		Language: func(text string) string {
			if strings.HasSuffix(text, "sv-1") {
				return "unknown"
			}
			return "en"
		},
		Sentiment: func(string, string) string { return "positive" },
	})
	var b strings.Builder
	r.Write(&b)
	want := `samtal enrichment evaluation: 5 texts in 3 languages (long = 100+ characters)

en: 2 texts, 1 long
  language id   all 2/2 100.0%   long 1/1 100.0%
  answered as   en 2
  sentiment     1/2 50.0% agree
      gold\answered  positive  neutral  negative
           positive         1        0         0
           negative         1        0         0

da: 2 texts, 1 long
  language id   all 0/2 0.0%   long 0/1 0.0%
  answered as   en 2
  sentiment     1/2 50.0% agree
      gold\answered  positive  neutral  negative
           positive         1        0         0
            neutral         1        0         0

sv: 1 text, 1 long
  language id   all 0/1 0.0%   long 0/1 0.0%
  answered as   unknown 1
  sentiment     no labelled texts

all: 5 texts, 3 long
  language id   all 2/5 40.0%   long 1/3 33.3%
  sentiment     2/4 50.0% agree
      gold\answered  positive  neutral  negative
           positive         2        0         0
            neutral         1        0         0
           negative         1        0         0

language confusion (gold x answered)
      gold\answered  en  de  da  sv  no  nl  fr  unknown
                 en   2   0   0   0   0   0   0        0
                 da   2   0   0   0   0   0   0        0
                 sv   0   0   0   0   0   0   0        1

targets (language id on long texts >= 95%, sentiment agreement >= 75%)
  met      language id en, long texts   1/1 100.0%
  NOT MET  language id da, long texts   0/1 0.0%
  NOT MET  language id sv, long texts   0/1 0.0%
  NOT MET  language id all, long texts  1/3 33.3%
  NOT MET  sentiment en                 1/2 50.0%
  NOT MET  sentiment de                 0/0 -
  NOT MET  sentiment da                 1/2 50.0%
  NOT MET  sentiment all                2/4 50.0%
targets met: no
`
	if got := b.String(); got != want {
		t.Errorf("Write =\n%s\nwant\n%s", got, want)
	}
}

func TestWriteShowsEmptyAnswersAndSuccess(t *testing.T) {
	var b strings.Builder
	Measure(small(), Funcs{}).Write(&b)
	if out := b.String(); !strings.Contains(out, "answered as   (none) 2") || !strings.HasSuffix(out, "targets met: no\n") {
		t.Errorf("Write with nil funcs does not show the empty answers or the verdict:\n%s", out)
	}

	set := Default()
	gold := map[string]Example{}
	for _, ex := range set {
		gold[ex.Text] = ex
	}
	b.Reset()
	Measure(set, Funcs{
		Language:  func(text string) string { return gold[text].Lang },
		Sentiment: func(text, _ string) string { return gold[text].Sentiment },
	}).Write(&b)
	if out := b.String(); strings.Contains(out, "NOT MET") || !strings.HasSuffix(out, "targets met: yes\n") {
		t.Errorf("Write for a perfect enricher does not report every target met:\n%s", out)
	}
}
