package feed

import (
	"os"
	"strings"
	"testing"
)

// benchFeed is a blog feed of 50 items with HTML descriptions, about the
// size of a busy real one.
func benchFeed(b *testing.B) []byte {
	b.Helper()
	one, err := os.ReadFile("testdata/rss2-blog.xml")
	if err != nil {
		b.Fatal(err)
	}
	s := string(one)
	start, end := strings.Index(s, "<item>"), strings.LastIndex(s, "</item>")+len("</item>")
	return []byte(s[:start] + strings.Repeat(s[start:end], 12) + s[end:])
}

func BenchmarkParse(b *testing.B) {
	body := benchFeed(b)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := Parse(body, "https://blog.kettle.example/feed.xml"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheckDepth is the cost of the nesting guard alone, to compare
// with BenchmarkParse.
func BenchmarkCheckDepth(b *testing.B) {
	body := benchFeed(b)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if err := checkDepth(body); err != nil {
			b.Fatal(err)
		}
	}
}
