package feed

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const rssHead = `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>`

func TestParseHostile(t *testing.T) {
	deep := func(open, close string, n int) string {
		return strings.Repeat(open, n) + strings.Repeat(close, n)
	}
	tests := []struct {
		name string
		body string
		// want is the error, or nil when a safe result is fine; check
		// then looks at that result.
		want  error
		check func(t *testing.T, f *Feed)
	}{
		{name: "empty", body: " \n\t", want: ErrEmpty},
		{name: "html page", body: "<!doctype html><html><head><title>Shop</title></head><body>hi</body></html>", want: ErrNotFeed},
		{name: "plain text", body: "hello, world", want: ErrNotFeed},
		{name: "malformed xml", body: rssHead + `<item><guid>1</guid><description>hel<lo</description></item></channel></rss>`, want: errAny},
		{name: "truncated", body: rssHead + `<item><guid>1</guid><description>hello</description></item><item><guid>2</gu`, want: errAny},
		{name: "truncated json", body: `{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"1"`, want: errAny},
		{
			// Entities defined in a DTD are never expanded: the text keeps
			// the reference, and nothing grows.
			name: "billion laughs",
			body: `<?xml version="1.0"?><!DOCTYPE rss [` +
				`<!ENTITY lol "lol">` +
				`<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">` +
				`<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">` +
				`<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">` +
				`<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">` +
				`<!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">` +
				`]><rss version="2.0"><channel><title>&lol9;</title><item><guid>1</guid><description>&lol9;</description></item></channel></rss>`,
			check: func(t *testing.T, f *Feed) {
				if len(f.Items) != 1 || strings.Contains(f.Items[0].Text, "lollol") || len(f.Items[0].Text) > 100 {
					t.Errorf("entities expanded: %+v", f.Items)
				}
			},
		},
		{
			// An external entity is neither fetched nor read from disk.
			name: "external entity",
			body: `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd"><!ENTITY remote SYSTEM "http://127.0.0.1/secret">]>` +
				`<rss version="2.0"><channel><title>t</title><item><guid>1</guid><description>a &xxe; b &remote; c</description></item></channel></rss>`,
			check: func(t *testing.T, f *Feed) {
				if len(f.Items) != 1 || strings.Contains(f.Items[0].Text, "root:") {
					t.Errorf("external entity read: %+v", f.Items)
				}
			},
		},
		{name: "deep nesting in channel", body: rssHead + deep("<a>", "</a>", 100000) + `</channel></rss>`, want: ErrTooDeep},
		{name: "deep nesting unclosed", body: rssHead + strings.Repeat("<a>", 100000), want: ErrTooDeep},
		{name: "deep xhtml content", body: `<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><id>1</id><content type="xhtml">` + deep("<div>", "</div>", 100000) + `</content></entry></feed>`, want: ErrTooDeep},
		{name: "deep json", body: `{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"1","x":` + deep("[", "]", 100000) + `}]}`, want: errAny},
		{name: "deep escaped html", body: rssHead + `<item><guid>1</guid><description>` + strings.Repeat("&lt;b&gt;", 100000) + `x</description></item></channel></rss>`,
			check: func(t *testing.T, f *Feed) {
				if len(f.Items) != 1 || f.Items[0].Text != "x" {
					t.Errorf("items = %+v", f.Items)
				}
			},
		},
		{name: "nesting at the limit", body: rssHead + `<item><guid>1</guid>` + deep("<x>", "</x>", MaxDepth-3) + `</item></channel></rss>`,
			check: func(t *testing.T, f *Feed) {
				if len(f.Items) != 1 {
					t.Errorf("items = %+v", f.Items)
				}
			},
		},
		{name: "huge text node", body: rssHead + `<item><guid>1</guid><description>` + strings.Repeat("x", MaxSize-200) + `</description></item></channel></rss>`,
			check: func(t *testing.T, f *Feed) {
				if len(f.Items) != 1 || len(f.Items[0].Text) > MaxText {
					t.Errorf("text is %d bytes", len(f.Items[0].Text))
				}
			},
		},
		{name: "over the size cap", body: rssHead + strings.Repeat(" ", MaxSize) + `</channel></rss>`, want: ErrTooLarge},
		{name: "control characters", body: rssHead + "<item><guid>1</guid><description>a\x00b\x01c</description></item></channel></rss>",
			check: func(t *testing.T, f *Feed) {
				if len(f.Items) != 1 || f.Items[0].Text != "abc" {
					t.Errorf("items = %+v", f.Items)
				}
			},
		},
		{name: "invalid utf-8", body: rssHead + "<item><guid>1</guid><description>caf\xe9 \xff\xfe</description></item></channel></rss>", want: errAny},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse([]byte(tt.body), "https://hostile.example/feed")
			switch {
			case tt.want == errAny:
				if err == nil {
					t.Fatalf("Parse succeeded with %+v, want an error", f)
				}
			case tt.want != nil:
				if !errors.Is(err, tt.want) {
					t.Fatalf("Parse error = %v, want %v", err, tt.want)
				}
			case err != nil:
				t.Fatalf("Parse: %v", err)
			default:
				tt.check(t, f)
			}
		})
	}
}

// errAny stands for "some error" in the table above.
var errAny = errors.New("any error")

func FuzzParse(f *testing.F) {
	files, err := filepath.Glob("testdata/*.*")
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed feeds: %v", err)
	}
	for _, name := range files {
		body, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(body)
	}
	f.Add([]byte(rssHead + `<item><description>&lt;script&gt;alert(1)&lt;/script&gt;</description></item></channel></rss>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		feed, err := Parse(body, "https://fuzz.example/feed")
		if err != nil {
			return
		}
		for _, it := range feed.Items {
			if it.ExternalID == "" && it.URL == "" {
				t.Errorf("item with neither id nor URL: %+v", it)
			}
			for _, s := range []string{it.Text, it.Title, it.Author} {
				if strings.Contains(strings.ToLower(s), "<script") {
					t.Errorf("markup left: %q", s)
				}
			}
			for _, u := range []string{it.URL, it.AuthorURL} {
				if u != "" && !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
					t.Errorf("unsafe link %q", u)
				}
			}
		}
	})
}
