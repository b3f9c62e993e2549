package enrich

import (
	"strings"
	"testing"
)

// render shows tokens as text: words, emoji and emoticons as they are,
// clause breaks as "|," and sentence breaks as "|" plus the punctuation
// ("|nl" for a line break).
func render(t *tokens) string {
	parts := make([]string, 0, len(t.toks))
	for i := range t.toks {
		switch t.toks[i].kind {
		case kindClause:
			parts = append(parts, "|,")
		case kindSentence:
			p := string(t.toks[i].punct)
			if p == "\n" {
				p = "nl"
			}
			parts = append(parts, "|"+p)
		default:
			parts = append(parts, string(t.text(i)))
		}
	}
	return strings.Join(parts, " ")
}

func TestTokenize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Hello World", "hello world"},
		{"Read more on trustpilot.com please", "read more on please"},
		{"See https://example.com/x?y=1. Great!", "see |. great |!"},
		{"mail me at a.b@example.com or @samtal :) ok", "mail me at or :) ok"},
		{"arrived.The box", "arrived |. the box"},
		{"4.5 kg, 10:30 today", "4.5 kg |, 10 |, 30 today"},
		{"so sad :-( #fail www.Shop.de/abc", "so sad :( fail"},
		{"Don’t do it", "don't do it"},
		{"C'est l'article", "c'est l'article"},
		{"Wow!!! Really?!", "wow |! really |!"},
		{"e-post fra Ærø", "e post fra ærø"},
		{"Love it 😍😍 👍🏽", "love it 😍 😍 👍"},
		{"first line\nsecond - third", "first line |nl second |, third"},
		{"GRÖSSE Straße", "grösse straße"},
	}
	for _, tt := range tests {
		tk := tokenize(tt.in)
		if got := render(&tk); got != tt.want {
			t.Errorf("tokenize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTokenizeCounts(t *testing.T) {
	tk := tokenize("  Great!! Really great!  ")
	if tk.exclaim != 3 || tk.runes != 21 || tk.letters != 16 {
		t.Errorf("exclaim, runes, letters = %d, %d, %d; want 3, 21, 16", tk.exclaim, tk.runes, tk.letters)
	}
	long := strings.Repeat("word ", maxTextBytes) // far over the cap
	tk = tokenize(long)
	if len(tk.buf) > maxTextBytes {
		t.Errorf("tokenize kept %d bytes of a %d-byte text, want at most %d", len(tk.buf), len(long), maxTextBytes)
	}
}
