package message

import (
	"slices"
	"testing"
)

func TestFill(t *testing.T) {
	for _, tc := range []struct {
		tpl  string
		args map[string]any
		want string
	}{
		{`expected ")" to close "(" opened at character {{.Open}}`, map[string]any{"Open": 10}, `expected ")" to close "(" opened at character 10`},
		{"{{.A}} and {{.A}}, {{.B}}", map[string]any{"A": "x", "B": 2.5}, "x and x, 2.5"},
		// A value that looks like a placeholder is not filled in again.
		{"{{.Value}} is not a date", map[string]any{"Value": `"{{.Field}}"`, "Field": "date"}, `"{{.Field}}" is not a date`},
		{"no values", nil, "no values"},
	} {
		if got := Fill(tc.tpl, tc.args); got != tc.want {
			t.Errorf("Fill(%q, %v) = %q, want %q", tc.tpl, tc.args, got, tc.want)
		}
	}
	if got := Fill("row {{.Got}} of {{.Want}}", map[string]string{"Got": "4", "Want": "5"}); got != "row 4 of 5" {
		t.Errorf("with string values: %q", got)
	}
}

func TestPlaceholders(t *testing.T) {
	for _, tc := range []struct {
		tpl  string
		want []string
	}{
		{"{{.Value}} is not on the scale {{.Scale}} ({{.Value}})", []string{"Scale", "Value"}},
		{"nothing to fill", []string{}},
		{"an unclosed {{.Name", []string{}},
	} {
		if got := Placeholders(tc.tpl); !slices.Equal(got, tc.want) {
			t.Errorf("Placeholders(%q) = %q, want %q", tc.tpl, got, tc.want)
		}
	}
}
