package htmltext

import (
	"strings"
	"testing"
)

func TestFromHTML(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"plain", "just words", "just words"},
		{"paragraphs", "<p>One.</p><p>Two.</p>", "One.\n\nTwo."},
		{"line breaks", "one<br>two<br/>three<BR class=x>four", "one\ntwo\nthree\nfour"},
		{"double break is a paragraph", "one<br><br>two", "one\n\ntwo"},
		{"list", "<p>Items:</p><ul><li>a</li><li>b</li></ul><p>end</p>", "Items:\n\na\nb\n\nend"},
		{"heading", "<h2>Title</h2>Body text", "Title\n\nBody text"},
		{"source newlines are spaces", "<p>a\n  long\tline</p>", "a long line"},
		{"script dropped with content", `<p>Hi</p><script>alert("x")</script><p>there</p>`, "Hi\n\nthere"},
		{"style dropped", "<style>p{color:red}</style>text", "text"},
		{"handlers dropped", `<a href="https://x.example" onclick="steal()">link</a> <img src=x onerror="alert(1)">`, "link"},
		{"iframe dropped", `before<iframe src="https://evil.example">inside</iframe>after`, "beforeafter"},
		{"entities", "Gr&uuml;&szlig;e &amp; K&oslash;benhavn &#248; &#x2014; &lt;3 &nbsp;x", "Grüße & København ø — <3 x"},
		{"escaped twice", "&lt;p&gt;Hello &amp;amp; welcome&lt;/p&gt;&lt;p&gt;Second&lt;/p&gt;", "Hello & welcome\n\nSecond"},
		{"escaped script", "&lt;script&gt;alert(1)&lt;/script&gt;visible", "visible"},
		{"spelled-out script tag", "write &lt;script to start", "write ‹script to start"},
		{"comparison survives", "x &lt; y and a&lt;b", "x < y and a<b"},
		{"mastodon", `<p>Caught on the hop. 😺 </p><p><a href="https://chaos.social/tags/cats" class="mention hashtag" rel="tag">#<span>cats</span></a><br>(photo: <span class="h-card"><a href="https://chaos.social/@kernpanik" class="u-url mention">@<span>kernpanik</span></a></span>)</p>`,
			"Caught on the hop. 😺\n\n#cats\n(photo: @kernpanik)"},
		{"mastodon link", `<p><a href="https://www.example.com/a/b"><span class="invisible">https://www.</span><span class="ellipsis">example.com/a</span><span class="invisible">/b</span></a></p>`, "https://www.example.com/a/b"},
		{"injected markers", "a\uE000b\uE001c", "abc"},
		{"control characters", "a\x00b\x07c", "abc"},
		{"unclosed tag", "<p>open <b>bold", "open bold"},
		{"comment", "a<!-- hidden -->b", "ab"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FromHTML(tt.in); got != tt.want {
				t.Errorf("FromHTML(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestClean(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", ""},
		{"  one  two  ", "one two"},
		{"line one\nline two", "line one\nline two"},
		{"para one\r\n\r\n\r\n\npara two", "para one\n\npara two"},
		{"a <b>not a tag</b>", "a <b>not a tag</b>"},
		{"tab\there\x00", "tab here"},
	}
	for _, tt := range tests {
		if got := Clean(tt.in); got != tt.want {
			t.Errorf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzFromHTML(f *testing.F) {
	for _, s := range []string{"<p>a</p>", "&lt;script&gt;", "<scr<script>ipt>", "&amp;lt;script&amp;gt;x", "<<script>script>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := FromHTML(s)
		if strings.Contains(strings.ToLower(got), "<script") {
			t.Errorf("FromHTML(%q) = %q keeps a script tag", s, got)
		}
		if strings.ContainsAny(got, "\uE000\uE001") {
			t.Errorf("FromHTML(%q) = %q leaks a marker", s, got)
		}
	})
}
