package markup

import (
	"regexp"
	"strings"
	"testing"
)

func TestRenderMarkdown(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"emphasis", "some *soft* and **strong** words", []string{"<em>soft</em>", "<strong>strong</strong>"}},
		{"list", "- one\n- two\n", []string{"<ul>", "<li>one</li>", "<li>two</li>"}},
		{"ordered list", "3. three\n4. four\n", []string{`<ol start="3">`, "<li>three</li>"}},
		{"link", "see [the plan](https://example.org/plan)", []string{`<a href="https://example.org/plan" rel="nofollow ugc noopener">the plan</a>`}},
		{"autolink", "see https://example.org/x now", []string{`<a href="https://example.org/x" rel="nofollow ugc noopener">https://example.org/x</a>`}},
		{"mailto", "[write](mailto:team@example.org)", []string{`href="mailto:team@example.org"`}},
		{"local link", "[idea](/ideas/3)", []string{`href="/ideas/3"`}},
		{"code", "use `go test`\n\n```go\nfmt.Println(1 < 2)\n```\n", []string{"<code>go test</code>", `<code class="language-go">`, "1 &lt; 2"}},
		{"heading demoted", "# Big\n\n## Less", []string{"<h3>Big</h3>", "<h4>Less</h4>"}},
		{"own upload image", "![chair](/uploads/abcdefghijklmnopqrstuv)", []string{`<img src="/uploads/abcdefghijklmnopqrstuv" alt="chair">`}},
		{"line breaks kept", "first line\nsecond line", []string{"first line<br>\nsecond line"}},
		{"umlauts", "Grüße aus Århus", []string{"Grüße aus Århus"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Render(tt.in)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("Render(%q) = %q, want it to contain %q", tt.in, got, w)
				}
			}
		})
	}
}

// TestRenderInert feeds what an attacker would write; nothing of it may
// come out active.
func TestRenderInert(t *testing.T) {
	tests := []struct {
		name, in string
		want     string // must be in the output (the text stays readable)
	}{
		{"script tag", "<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"},
		{"inline script", "hello <script>alert(1)</script> there", "&lt;script&gt;"},
		{"raw html block", "<div onclick=\"x()\">hi</div>", "&lt;div onclick="},
		{"raw inline html", "a <b>bold</b> claim", "&lt;b&gt;bold&lt;/b&gt;"},
		{"onerror attribute", "<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"},
		{"javascript link", "[click](javascript:alert(1))", "click"},
		{"javascript link upper", "[click](JaVaScRiPt:alert(1))", "click"},
		{"encoded javascript link", "[click](javascript&#58;alert(1))", "click"},
		{"data link", "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", "x"},
		{"data image", "![x](data:image/png;base64,iVBORw0KGgo=)", "x"},
		{"foreign image", "![tracker](https://evil.example/pixel.gif)", "tracker"},
		{"vbscript", "[x](vbscript:msgbox(1))", "x"},
		{"iframe", "<iframe src=\"https://evil.example\"></iframe>", "&lt;iframe"},
		{"style", "<style>body{display:none}</style>", "&lt;style&gt;"},
		{"svg", "<svg onload=alert(1)>", "&lt;svg onload=alert(1)&gt;"},
	}
	tag := regexp.MustCompile(`<([a-zA-Z0-9]+)([^>]*)>`)
	allowedTags := map[string]bool{"p": true, "a": true, "em": true, "strong": true, "code": true, "br": true}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Render(tt.in)
			if !strings.Contains(got, tt.want) {
				t.Errorf("Render(%q) = %q, want it to contain %q", tt.in, got, tt.want)
			}
			for _, m := range tag.FindAllStringSubmatch(got, -1) {
				if !allowedTags[m[1]] {
					t.Errorf("Render(%q) = %q: element <%s> came through", tt.in, got, m[1])
				}
				attrs := strings.ToLower(m[2])
				for _, bad := range []string{"on", "javascript", "data:", "vbscript", "style", "src"} {
					if strings.Contains(attrs, bad+"=") || strings.Contains(attrs, "\""+bad) || strings.Contains(attrs, bad+":") {
						t.Errorf("Render(%q) = %q: attribute %q came through", tt.in, got, m[2])
					}
				}
			}
		})
	}
}

func TestEveryLinkHasRel(t *testing.T) {
	got := Render("[a](https://a.example) and <https://b.example> and www.c.example and [d](/ideas/1)")
	links := regexp.MustCompile(`<a [^>]*>`).FindAllString(got, -1)
	if len(links) != 4 {
		t.Fatalf("want 4 links in %q", got)
	}
	for _, l := range links {
		if !strings.Contains(l, `rel="nofollow ugc noopener"`) {
			t.Errorf("link without rel: %s", l)
		}
	}
}

func TestRenderEmpty(t *testing.T) {
	if got := Render("  \n "); got != "" {
		t.Errorf("Render(blank) = %q, want empty", got)
	}
}

func TestExcerpt(t *testing.T) {
	for _, tt := range []struct {
		in   string
		n    int
		want string
	}{
		{"short  text\n", 20, "short text"},
		{"Sofaen er for lille til os", 16, "Sofaen er for…"},
		{"ææææææææææ", 4, "ææææ…"},
		{"", 5, ""},
	} {
		if got := Excerpt(tt.in, tt.n); got != tt.want {
			t.Errorf("Excerpt(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}
