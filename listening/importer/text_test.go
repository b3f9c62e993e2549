package importer

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCleanText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "Great shop", "Great shop"},
		{"trimmed", "  Great shop \n", "Great shop"},
		{"line ends", "one\r\ntwo\rthree", "one\ntwo\nthree"},
		{"controls", "a\x00b\x07c\u0085d", "abcd"},
		{"c1 control alone", "ab\u0085c", "abc"},
		{"entities", "Fast &amp; friendly", "Fast & friendly"},
		{"heart stays", "I <3 this", "I <3 this"},
		{"less than stays", "price < 10", "price < 10"},
		{"tags", "<p>Good <b>service</b></p><p>Again</p>", "Good service\n\nAgain"},
		{"br", "one<br>two<br/>three", "one\ntwo\nthree"},
		{"script dropped", "Nice<script>alert(1)</script> shop", "Nice shop"},
		{"style dropped", "<style>p{}</style>Nice", "Nice"},
		{"unclosed script", "Nice<script>alert(1)", "Nice"},
		{"escaped script", "&lt;script&gt;alert(1)&lt;/script&gt;ok", "ok"},
		{"nested halves", "<<b>script>alert(1)<</b>/script>", "script>alert(1)/script>"},
		{"comment", "a<!-- x > y -->b", "ab"},
		{"unclosed tag", "text <img src=x onerror=alert(1)", "text"},
		{"umlauts", "Grüße <i>aus</i> Århus", "Grüße aus Århus"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cleanText(tt.in, maxText); got != tt.want {
				t.Errorf("cleanText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCleanTextNeverPassesTags(t *testing.T) {
	for _, in := range []string{
		"<script>x</script>", "<SCRIPT SRC=//evil>", "<scr<script>ipt>alert(1)</script>",
		"&lt;script&gt;", "&amp;lt;script&amp;gt;", "<<script>script>", "<img/src=x>", "<!--<script>-->",
	} {
		got := cleanText(in, maxText)
		if strings.Contains(strings.ToLower(got), "<script") || hasTag(got) {
			t.Errorf("cleanText(%q) = %q, a tag came through", in, got)
		}
	}
}

// TestCleanTextLinear feeds inputs that would take a quadratic cleaner
// minutes: deeply nested tag halves, many script elements, many entities.
func TestCleanTextLinear(t *testing.T) {
	for _, in := range []string{
		strings.Repeat("<", maxRow/3) + strings.Repeat("b>", maxRow/3),
		strings.Repeat("<<b>", maxRow/4),
		strings.Repeat("<script></script>", maxRow/17),
		strings.Repeat("<script>", maxRow/8) + "</SCRIPT>x",
		strings.Repeat("&lt;b&gt;", maxRow/9),
	} {
		if got := cleanText(in, maxText); hasTag(got) {
			t.Errorf("cleanText left a tag in %q…", got[:20])
		}
	}
}

func TestTruncate(t *testing.T) {
	long := strings.Repeat("word ", 5000) // 25,000 characters
	got := cleanText(long, maxText)
	if n := utf8.RuneCountInString(got); n > maxText {
		t.Errorf("text has %d characters, want at most %d", n, maxText)
	}
	if !strings.HasSuffix(got, "word…") {
		t.Errorf("text ends %q, want it cut after a word with an ellipsis", got[len(got)-12:])
	}
	runes := strings.Repeat("ø", 400)
	if got := cleanLine(runes, maxTitle); utf8.RuneCountInString(got) != maxTitle || !utf8.ValidString(got) {
		t.Errorf("title cut to %d characters (valid UTF-8: %v), want %d", utf8.RuneCountInString(got), utf8.ValidString(got), maxTitle)
	}
	if got := cleanLine("Anna\nBerg\t(Kiel)", maxAuthor); got != "Anna Berg (Kiel)" {
		t.Errorf("cleanLine = %q, want one line", got)
	}
}

func TestCheckURL(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"https://www.trustpilot.com/reviews/1", true},
		{"http://example.org/r?id=1", true},
		{"HTTPS://EXAMPLE.ORG", true},
		{"javascript:alert(1)", false},
		{"ftp://example.org/x", false},
		{"www.example.org/review", false},
		{"/reviews/1", false},
		{"https://exa mple.org", false},
		{"https://" + strings.Repeat("a", maxURL), false},
	}
	for _, tt := range tests {
		if err := checkURL(tt.in); (err == nil) != tt.ok {
			t.Errorf("checkURL(%q) = %v, want ok %v", tt.in, err, tt.ok)
		}
	}
}

func TestLanguage(t *testing.T) {
	for in, want := range map[string]string{"da": "da", "de-DE": "de", "en_GB": "en", "SV": "sv", "German": "", "": "", "d1": ""} {
		if got := language(in); got != want {
			t.Errorf("language(%q) = %q, want %q", in, got, want)
		}
	}
}
