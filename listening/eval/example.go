// Package eval holds samtal's labelled evaluation set for the enrichment of
// mentions (language and sentiment) and the code that measures an enricher
// against it. The set was written for this purpose and is kept out of the
// tuning of the enricher; see README.md. The package does not import the
// enricher: a caller hands Measure the two functions to score.
package eval

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Example is one labelled text of the set.
type Example struct {
	ID   string
	Lang string // ISO 639-1 code, one of Languages()
	// Sentiment is "positive", "neutral" or "negative", or empty when the
	// text carries a language label only.
	Sentiment string
	Text      string
	// Source says who wrote the text, when and in what style.
	Source string
}

// languages are the codes the set may hold, in the order reports list them.
var languages = [...]string{"en", "de", "da", "sv", "no", "nl", "fr"}

// sentiments are the three labels, in the order reports list them.
var sentiments = [...]string{"positive", "neutral", "negative"}

// Languages returns the language codes an example may carry, in report order.
func Languages() []string {
	l := languages
	return l[:]
}

// Sentiments returns the three sentiment labels, in report order.
func Sentiments() []string {
	s := sentiments
	return s[:]
}

//go:embed testdata/mentions.jsonl
var mentions string

// Default returns the embedded evaluation set. It panics only if the embedded
// file is invalid, which the package's tests rule out.
func Default() []Example {
	ex, err := Load(strings.NewReader(mentions))
	if err != nil {
		panic("eval: embedded evaluation set: " + err.Error())
	}
	return ex
}

// record is one line of the JSON Lines file. Sentiment is a pointer so that
// null (unlabelled) and "" (a mistake) can be told apart.
type record struct {
	ID        string  `json:"id"`
	Lang      string  `json:"lang"`
	Sentiment *string `json:"sentiment"`
	Text      string  `json:"text"`
	Source    string  `json:"source"`
}

// maxLine bounds one line of the file; the longest text is far below it.
const maxLine = 1 << 20

// Load reads examples from JSON Lines: one object per line with the fields
// id, lang, sentiment (null or absent when unlabelled), text and source.
// Blank lines are skipped. It returns an error naming the line number for a
// line that is not one such object, has an unknown field, an unknown
// language or sentiment, an empty id, text or source, or an id used before.
func Load(r io.Reader) ([]Example, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), maxLine)
	var out []Example
	seen := map[string]int{}
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		ex, err := parseLine(b)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if first, ok := seen[ex.ID]; ok {
			return nil, fmt.Errorf("line %d: id %q already used on line %d", line, ex.ID, first)
		}
		seen[ex.ID] = line
		out = append(out, ex)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("after line %d: %w", line, err)
	}
	return out, nil
}

// parseLine decodes and validates one non-blank line.
func parseLine(b []byte) (Example, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	// A misspelt field name would otherwise drop a label without a word.
	dec.DisallowUnknownFields()
	var rec record
	if err := dec.Decode(&rec); err != nil {
		return Example{}, fmt.Errorf("decode: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Example{}, errors.New("more than one JSON value on the line")
	}
	ex := Example{ID: rec.ID, Lang: rec.Lang, Text: rec.Text, Source: rec.Source}
	if rec.Sentiment != nil {
		if *rec.Sentiment == "" {
			return Example{}, errors.New(`sentiment is ""; write null for an unlabelled text`)
		}
		ex.Sentiment = *rec.Sentiment
	}
	return ex, ex.validate()
}

// validate checks one example on its own; uniqueness of ids is Load's job.
func (ex Example) validate() error {
	switch {
	case strings.TrimSpace(ex.ID) == "":
		return errors.New("id is empty")
	case !slices.Contains(languages[:], ex.Lang):
		return fmt.Errorf("id %s: lang %q is not one of %s", ex.ID, ex.Lang, strings.Join(languages[:], ", "))
	case ex.Sentiment != "" && !slices.Contains(sentiments[:], ex.Sentiment):
		return fmt.Errorf("id %s: sentiment %q is not one of %s or null", ex.ID, ex.Sentiment, strings.Join(sentiments[:], ", "))
	case strings.TrimSpace(ex.Text) == "":
		return fmt.Errorf("id %s: text is empty", ex.ID)
	case strings.TrimSpace(ex.Source) == "":
		return fmt.Errorf("id %s: source is empty", ex.ID)
	}
	return nil
}
