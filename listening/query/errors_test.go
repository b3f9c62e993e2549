package query

import (
	"errors"
	"maps"
	"slices"
	"testing"

	"github.com/samtal-dev/samtal/internal/message"
)

// TestParseErrorCodes: every code is reached by a query of badQueries, and
// a ParseError's Args name exactly the placeholders of its message, so that
// a translation given the same Args can say all the English says.
func TestParseErrorCodes(t *testing.T) {
	seen := map[string]bool{}
	for _, tt := range badQueries {
		_, err := Parse(tt.in)
		var pe *ParseError
		if !errors.As(err, &pe) {
			continue // TestParseErrors reports it
		}
		msg, ok := messages[pe.Code]
		if !ok {
			t.Errorf("Parse(%.40q): code %q has no message", tt.in, pe.Code)
			continue
		}
		seen[pe.Code] = true
		want, got := message.Placeholders(msg), slices.Sorted(maps.Keys(pe.Args))
		if !slices.Equal(got, want) {
			t.Errorf("Parse(%.40q): %s has args %v, its message names %v", tt.in, pe.Code, got, want)
		}
	}
	for _, c := range Codes() {
		if !seen[c] {
			t.Errorf("no query of badQueries gives %s", c)
		}
	}
}

// A value that looks like a placeholder is shown as typed, not filled in.
func TestParseErrorValueNotExpanded(t *testing.T) {
	_, err := Parse("{{.Field}}:x")
	want := `at character 1: unknown field "{{.Field}}:"; the fields are title:, author:, site:, url:, language: and rating: (put text with a colon in quotes)`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %s", err, want)
	}
}
