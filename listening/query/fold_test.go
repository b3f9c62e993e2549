package query

import (
	"testing"
	"unicode/utf8"
)

func foldString(s string) string {
	var b []byte
	for _, r := range s {
		b = appendFold(b, r)
	}
	return string(b)
}

// TestFoldIdempotent checks that folded text is made of word characters
// that fold to themselves, so a query in normal form reads back the same.
func TestFoldIdempotent(t *testing.T) {
	for r := rune(0); r <= 0x2FFFF; r++ {
		if runeClass(r) != classWord || !utf8.ValidRune(r) {
			continue
		}
		f := foldString(string(r))
		for _, c := range f {
			if runeClass(c) != classWord {
				t.Fatalf("%U folds to %q, which holds the non-word %U", r, f, c)
			}
		}
		if g := foldString(f); g != f {
			t.Fatalf("%U folds to %q, which folds to %q", r, f, g)
		}
	}
}

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ÉéÜüØøÆæÅåßÖöÄä", "eeuuooaeaeaassooaa"},
		{"ẞŒœÞþÐðĐđŁłı", "ssoeoeththddddlli"},
		{"ĲŉǄ", "ijndz"},
		{"ΆΣς", "ασς"},
		{"\u212B\u212A", "ak"}, // ångström and kelvin signs
		{"ЁЙ", "еи"},
		{"ＩＫＥＡ", "ｉｋｅａ"},
	}
	for _, tt := range tests {
		if got := foldString(tt.in); got != tt.want {
			t.Errorf("fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
