package query

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// fuzzSeeds covers every operator, field and error path.
var fuzzSeeds = []string{
	"ikea", "Grøn Sofa", "ikea AND sofa", "ikea OR jysk", "(ikea OR jysk) AND NOT sofa",
	"ikea sofa", `"green sofa"`, `"green sofa"~3`, `„grüne Sofa“`, "sof*", "colo?r", "s*fa",
	"ikea NEAR/3 sofa", "ikea NEAR/3f sofa", `(ikea OR jysk) NEAR/2 ("green sofa" OR couch)`,
	"ikea <<< note >>> sofa", "title:(sofa OR couch)", `title:"green sofa"~2`, "author:@ikea",
	"site:www.ikea.com", "url:https://ikea.com/de?q=1", "language:de", "rating:[0.6 TO 1]",
	"don't", "IKEA’s", "ikea.com", "t-shirt", "NOT ikea", "ikea OR NOT jysk", "ikea AND sofa OR jysk",
	"*fa", "k*", "ikea NEAR sofa", "ikea NEAR/3 sofa NEAR/2 chair", "foo:bar", "title:", "((((",
	"))", `"unclosed`, "<<< open", ">>>", "rating:[1 TO 0]", "language:DE", "ikea~2", `"a"~2`, "-sofa",
	"title:(site:x.com)", "NOT NOT ikea", "straße ÆØÅ", "ü\u0301ber", "\xff\xfe", "a:b:c", "url:\"x y\"",
}

func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	docs := []*Prepared{
		Prepare(Doc{Title: "Grøn sofa", Text: "IKEA's new sofa from Jysk, don't miss it", URL: "https://www.ikea.com/de/x", Author: "Anna", Lang: "de", Rating: rating(0.8)}),
		Prepare(Doc{Text: "colour couch t-shirt straße café", URL: "https://jysk.dk"}),
	}
	f.Fuzz(func(t *testing.T, src string) {
		q, err := Parse(src)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q) error %T %v, want *ParseError", src, err, err)
			}
			if n := utf8.RuneCountInString(src); pe.Pos < 1 || pe.Pos > n+1 || pe.Msg == "" {
				t.Fatalf("Parse(%q) error at %d (query has %d characters): %q", src, pe.Pos, n, pe.Msg)
			}
			return
		}
		s := q.String()
		q2, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q) gave %q, which does not parse: %v", src, s, err)
		}
		if s2 := q2.String(); s2 != s {
			t.Fatalf("Parse(%q) gave %q, then %q", src, s, s2)
		}
		if !slices.Equal(q.Terms(), q2.Terms()) {
			t.Fatalf("Terms of %q and %q differ: %q, %q", src, s, q.Terms(), q2.Terms())
		}
		for _, p := range docs {
			if q.Match(p) != q2.Match(p) {
				t.Fatalf("%q and its normal form %q match differently", src, s)
			}
		}
	})
}

// FuzzMatch checks that matching never panics and that a one-topic Index
// agrees with the query.
func FuzzMatch(f *testing.F) {
	texts := []string{"IKEA's grøn sofa, don't", "colour\u0301 sofas ikea ikea sofa", "a b c d e f g", ""}
	for i, s := range fuzzSeeds {
		f.Add(s, texts[i%len(texts)], "Title "+texts[(i+1)%len(texts)])
	}
	f.Fuzz(func(t *testing.T, src, text, title string) {
		q, err := Parse(src)
		if err != nil {
			return
		}
		p := Prepare(Doc{Title: title, Text: text, URL: text, Author: title, Lang: strings.ToLower(title)})
		want := q.Match(p)
		got := NewIndex(map[int64]*Query{1: q}).Match(p)
		if (len(got) == 1) != want {
			t.Fatalf("%q on title %q text %q: Match %v, index %v", src, title, text, want, got)
		}
	})
}
