package query

import (
	"errors"
	"strings"
	"testing"
)

func TestParseValid(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"ikea", "ikea"},
		{"IKEA", "ikea"},
		{"Grøn Sofa", "gron AND sofa"},
		{"Müller ÆBLE Straße Ørsted", "muller AND aeble AND strasse AND orsted"},
		{"ikea AND sofa", "ikea AND sofa"},
		{"ikea OR jysk OR ilva", "ikea OR jysk OR ilva"},
		{"(ikea OR jysk) AND sofa", "(ikea OR jysk) AND sofa"},
		{"ikea AND (sofa AND chair)", "ikea AND sofa AND chair"},
		{"((ikea))", "ikea"},
		{"ikea AND NOT sofa", "ikea AND NOT sofa"},
		{"ikea NOT sofa", "ikea AND NOT sofa"},
		{"ikea AND NOT (sofa OR chair)", "ikea AND NOT (sofa OR chair)"},
		{"(ikea OR jysk) AND (sofa OR (chair AND table))", "(ikea OR jysk) AND (sofa OR (chair AND table))"},
		{"and or not near", "and AND or AND not AND near"},
		{`"Green Sofa"`, `"green sofa"`},
		{`"green  sofa, please"`, `"green sofa please"`},
		{`"green sofa"~3`, `"green sofa"~3`},
		{`"green sofa"~0`, `"green sofa"~0`},
		{`“grüne Sofa”`, `"grune sofa"`},
		{`„grüne Sofa“`, `"grune sofa"`},
		{`"sofa"`, "sofa"},
		{"sof*", "sof*"},
		{"colo?r", "colo?r"},
		{"s*fa", "s*fa"},
		{"so**fa", "so*fa"},
		{"ki*", "ki*"},
		{`"ikea so*"`, `"ikea so*"`},
		{"ikea.com", `"ikea com"`},
		{"t-shirt", `"t shirt"`},
		{"don't", "don't"},
		{"IKEA’s", "ikea's"},
		{"#ikea @jysk", "ikea AND jysk"},
		{"ikea NEAR/3 sofa", "ikea NEAR/3 sofa"},
		{"ikea NEAR/3f sofa", "ikea NEAR/3f sofa"},
		{"ikea NEAR/0 sofa", "ikea NEAR/0 sofa"},
		{`(ikea OR jysk) NEAR/2 ("green sofa" OR couch*)`, `(ikea OR jysk) NEAR/2 ("green sofa" OR couch*)`},
		{"NOT ikea NEAR/3 sofa AND jysk", "NOT ikea NEAR/3 sofa AND jysk"},
		{"jysk AND ikea NEAR/3 sofa", "jysk AND ikea NEAR/3 sofa"},
		{"ikea <<< the brand >>> AND sofa", "ikea AND sofa"},
		{"<<<start>>>ikea<<<end>>>", "ikea"},
		{`"green <<< colour >>> sofa"`, `"green sofa"`},
		{"title:sofa", "title:sofa"},
		{`title:"Green Sofa"~2`, `title:"green sofa"~2`},
		{"title:(sofa OR couch)", "title:(sofa OR couch)"},
		{"title:sofa OR title:couch", "title:(sofa OR couch)"},
		{"title:sofa OR author:couch", "title:sofa OR author:couch"},
		{"NOT title:(sofa OR couch) AND ikea", "NOT title:(sofa OR couch) AND ikea"},
		{"title:(sofa OR couch) AND ikea", "title:(sofa OR couch) AND ikea"},
		{"title:(sofa OR couch) AND title:ikea", "title:((sofa OR couch) AND ikea)"},
		{"title:(ikea NEAR/2 sofa)", "title:(ikea NEAR/2 sofa)"},
		{"title:((ikea OR jysk) NEAR/2 sofa)", "title:((ikea OR jysk) NEAR/2 sofa)"},
		{"title:ikea NEAR/2 sofa", "title:ikea NEAR/2 sofa"},
		{"title:(ikea AND NOT sofa)", "title:(ikea AND NOT sofa)"},
		{"author:@IKEA", "author:ikea"},
		{`author:"Anna Larsen"`, `author:"anna larsen"`},
		{"author:anna@mastodon.social", `author:"anna mastodon social"`},
		{"site:www.IKEA.com", "site:ikea.com"},
		{"site:shop.ikea.de AND sofa", "site:shop.ikea.de AND sofa"},
		{"url:https://www.IKEA.com/de", "url:ikea.com/de"},
		{"url:ikea.com/search?q=sofa", "url:ikea.com/search?q=sofa"},
		{`url:"ikea.com/de (alt)"`, `url:"ikea.com/de (alt)"`},
		{"language:de AND sofa", "language:de AND sofa"},
		{"rating:[0.6 TO 1]", "rating:[0.6 TO 1]"},
		{"rating:[ 0 TO 0.25 ] AND ikea", "rating:[0 TO 0.25] AND ikea"},
		{"language:da AND NOT (ikea OR jysk)", "language:da AND NOT (ikea OR jysk)"},
		{"ikea\tsofa\n", "ikea AND sofa"},
		{`"12:30" sofa`, `"12 30" AND sofa`},
		{"title:12:30", `title:"12 30"`},
	}
	for _, tt := range tests {
		q, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if got := q.String(); got != tt.want {
			t.Errorf("Parse(%q).String() = %q, want %q", tt.in, got, tt.want)
		}
		q2, err := Parse(q.String())
		if err != nil || q2.String() != q.String() {
			t.Errorf("Parse(%q) again = %v, %v", q.String(), q2, err)
		}
	}
}

// badQueries are queries that do not parse, with where and why.
var badQueries = []struct {
	in  string
	pos int
	msg string
}{
	{"", 1, "the query is empty"},
	{"   ", 1, "the query is empty"},
	{"<<< only a comment >>>", 1, "the query is empty"},
	{"x (ikea OR jy", 14, `expected ")" to close "(" opened at character 3`},
	{"(grøn sofa", 11, `expected ")" to close "(" opened at character 1`},
	{"(", 2, `expected ")" to close "(" opened at character 1`},
	{"ikea)", 5, `")" has no matching "("`},
	{")", 1, `")" has no matching "("`},
	{"()", 2, "empty parentheses; put words between them or remove them"},
	{`ikea "green sofa`, 6, `this quote is never closed; add a closing "`},
	{`""`, 1, "the quotes hold no words to search for"},
	{"ikea AND", 9, `expected a word, a phrase or "(" after AND, found the end of the query`},
	{"über AND (grøn OR", 18, `expected a word, a phrase or "(" after OR, found the end of the query`},
	{"AND ikea", 1, "AND needs a word or phrase before it"},
	{"OR ikea", 1, "OR needs a word or phrase before it"},
	{"ikea OR OR jysk", 9, `expected a word, a phrase or "(" after OR, found OR`},
	{"ikea AND )", 10, `expected a word, a phrase or "(" after AND, found ")"`},
	{"ikea NOT", 9, `expected a word, a phrase or "(" after NOT, found the end of the query`},
	{"NOT ikea", 1, "the query only says what to leave out; add what mentions must contain, as in ikea AND NOT sofa"},
	{"NOT ikea AND NOT jysk", 1, "the query only says what to leave out; add what mentions must contain, as in ikea AND NOT sofa"},
	{"(NOT ikea)", 2, "the query only says what to leave out; add what mentions must contain, as in ikea AND NOT sofa"},
	{"ikea OR NOT jysk", 9, "NOT inside OR matches almost every mention; use AND NOT, as in ikea AND NOT (sofa OR chair)"},
	{"sofa AND (ikea OR NOT jysk)", 19, "NOT inside OR matches almost every mention; use AND NOT, as in ikea AND NOT (sofa OR chair)"},
	{"ikea AND sofa OR jysk", 15, "add parentheses: AND and OR are mixed here; write for example (a OR b) AND c"},
	{"ikea OR jysk AND sofa", 14, "add parentheses: AND and OR are mixed here; write for example (a OR b) AND c"},
	{"ikea sofa OR jysk", 11, "add parentheses: AND and OR are mixed here (words side by side count as AND); write for example (a OR b) AND c"},
	{"ikea OR jysk sofa", 14, "add parentheses: AND and OR are mixed here (words side by side count as AND); write for example (a OR b) AND c"},
	{"*fa", 1, "a wildcard (* or ?) cannot start a word"},
	{"ikea ?ofa", 6, "a wildcard (* or ?) cannot start a word"},
	{`"grøn *fa"`, 7, "a wildcard (* or ?) cannot start a word"},
	{"ikea.*", 6, "a wildcard (* or ?) cannot start a word"},
	{"k*", 1, "a word with a wildcard needs at least two letters or digits, as in ki*"},
	{"ø?", 1, "a word with a wildcard needs at least two letters or digits, as in ki*"},
	{"ikea NEAR sofa", 6, "NEAR needs a distance in words, as in NEAR/3 or NEAR/3f (f: in this order)"},
	{"ikea NEAR/x sofa", 6, "NEAR needs a distance in words, as in NEAR/3 or NEAR/3f (f: in this order)"},
	{"ikea NEAR/-1 sofa", 6, "NEAR needs a distance in words, as in NEAR/3 or NEAR/3f (f: in this order)"},
	{"ikea NEAR/101 sofa", 6, "the distance of NEAR can be at most 100 words"},
	{"NEAR/3 sofa", 1, "NEAR/3 needs a word or phrase before it"},
	{"ikea NEAR/3", 12, `expected a word, a phrase or "(" after NEAR/3, found the end of the query`},
	{"ikea NEAR/3 sofa NEAR/2 chair", 18, "NEAR joins just two words, phrases or (… OR …) groups; to chain them, write (a NEAR/3 b) AND (b NEAR/3 c)"},
	{"ikea NEAR/3 (sofa AND chair)", 14, "NEAR can only join words, phrases and (… OR …) groups of them"},
	{"ikea NEAR/3 (sofa OR (chair AND table))", 23, "NEAR can only join words, phrases and (… OR …) groups of them"},
	{"ikea NEAR/3f NOT sofa", 14, `expected a word, a phrase or "(" after NEAR/3f, found NOT`},
	{`ikea NEAR/3 "green sofa"~2`, 13, `a phrase with "~" cannot be used with NEAR; drop the "~" or use NEAR on the words`},
	{"ikea NEAR/3 site:ikea.com", 13, "NEAR can only join words, phrases and (… OR …) groups of them"},
	{"ikea~2", 5, `"~" goes right after a closing quote, as in "green sofa"~3`},
	{`"ikea"~2`, 1, `"~" needs a phrase of two or more words`},
	{`"green sofa"~`, 13, `expected a number after "~", as in "green sofa"~3`},
	{`"green sofa"~101`, 13, `the distance after "~" can be at most 100 words`},
	{"-sofa", 1, `"-" is not an operator; to leave a word out write NOT, as in ikea AND NOT sofa`},
	{"ikea +sofa", 6, `"+" is not an operator; to leave a word out write NOT, as in ikea AND NOT sofa`},
	{"ikea && sofa", 6, `"&&" has no letters or digits to search for; combine words with AND, OR and NOT`},
	{"ikea <<< note", 6, `this comment is never closed; end it with ">>>"`},
	{"ikea >>> sofa", 6, `">>>" ends a comment, but no comment was opened with "<<<"`},
	{"foo:bar", 1, `unknown field "foo:"; the fields are title:, author:, site:, url:, language: and rating: (put text with a colon in quotes)`},
	{"møbler https://ikea.com", 8, `unknown field "https:"; the fields are title:, author:, site:, url:, language: and rating: (put text with a colon in quotes)`},
	{"open 12:30", 6, `unknown field "12:"; the fields are title:, author:, site:, url:, language: and rating: (put text with a colon in quotes)`},
	{"Title:sofa", 1, `write the field "title:" in lower case`},
	{"title:", 1, "title: needs a value right after the colon, as in title:sofa or title:\"green sofa\""},
	{"title: sofa", 1, "title: needs a value right after the colon, as in title:sofa or title:\"green sofa\""},
	{"(title:)", 2, "title: needs a value right after the colon, as in title:sofa or title:\"green sofa\""},
	{"title:[1 TO 2]", 1, `title: takes a word, a "phrase" or a group in parentheses, as in title:sofa or title:"green sofa"`},
	{"author:", 1, "author: needs a value right after the colon, as in author:ikea"},
	{"ikea site: sofa", 6, "site: needs a value right after the colon, as in site:ikea.com"},
	{"author:[1 TO 2]", 1, `author: takes a word, a "phrase" or a group in parentheses, as in author:ikea`},
	{"title:(sofa OR site:ikea.com)", 16, "site: cannot be used inside title:( ) or author:( )"},
	{"title:(sofa OR couch", 21, `expected ")" to close "(" opened at character 7`},
	{"site:(ikea.com OR jysk.dk)", 1, "site: takes one value; for several, combine fields with OR, as in (site:ikea.com OR site:jysk.dk)"},
	{"site:ikea", 1, "site: takes a host name, as in site:ikea.com"},
	{"site:ikea..com", 1, "site: takes a host name, as in site:ikea.com"},
	{"site:ikea.com/de", 1, "site: takes just a host name, as in site:ikea.com; use url: for part of an address"},
	{"site:*.ikea.com", 1, "site: already matches subdomains such as shop.ikea.com; leave out the *"},
	{"url:ikea.com/*/sofa", 1, "url: matches every address that contains the text; leave out the *"},
	{"url:https://", 1, "url: takes part of an address, as in url:ikea.com/de"},
	{"language:DE", 1, "language: takes a two-letter lower-case language code, as in language:de"},
	{"language:deu", 1, "language: takes a two-letter lower-case language code, as in language:de"},
	{"ikea language:d", 6, "language: takes a two-letter lower-case language code, as in language:de"},
	{"rating:0.6", 1, "rating: takes a range of numbers from 0 to 1, as in rating:[0.6 TO 1]"},
	{"rating:[0.6 to 1]", 1, "rating: takes a range of numbers from 0 to 1, as in rating:[0.6 TO 1]"},
	{"rating:[x TO 1]", 1, "rating: takes a range of numbers from 0 to 1, as in rating:[0.6 TO 1]"},
	{"rating:[0.6 TO 2]", 1, "ratings go from 0 to 1, as in rating:[0.6 TO 1]"},
	{"rating:[0.8 TO 0.2]", 1, "the range starts above where it ends; write the lower number first"},
	{"rating:[0.6 TO 1", 8, `this range is never closed; add "]", as in rating:[0.6 TO 1]`},
	{`site:"ikea.com"~2`, 1, `"~" only works with phrases of words, not with site:`},
	{`"` + strings.Repeat("ord ", 33) + `"`, 1, "a phrase can have at most 32 words"},
	{`ikea "` + strings.Repeat("ord ", 9) + `"~2`, 6, `a phrase with "~" can have at most 8 words`},
	{strings.Repeat("(", 10000), 4001, "the query is too long: at most 4000 characters"},
	{strings.Repeat("ß ", 1999), 3999, "the query is too long: written out in full (AND between words side by side) it has 13988 characters; at most 4000"},
	{strings.Repeat("(", 3999), 51, "the query is nested too deeply: at most 50 levels of parentheses and NOT"},
	{strings.Repeat("NOT ", 999) + "a", 201, "the query is nested too deeply: at most 50 levels of parentheses and NOT"},
	{strings.Repeat("(", 60) + "a" + strings.Repeat(")", 60), 51, "the query is nested too deeply: at most 50 levels of parentheses and NOT"},
	{"a AND " + strings.Repeat("NOT ", 60) + "b", 207, "the query is nested too deeply: at most 50 levels of parentheses and NOT"},
}

func TestParseErrors(t *testing.T) {
	for _, tt := range badQueries {
		q, err := Parse(tt.in)
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("Parse(%.40q) = %v, %v; want a *ParseError", tt.in, q, err)
			continue
		}
		if pe.Pos != tt.pos || pe.Msg != tt.msg {
			t.Errorf("Parse(%.40q) error = %d %q,\n want %d %q", tt.in, pe.Pos, pe.Msg, tt.pos, tt.msg)
		}
	}
}

func TestParseErrorText(t *testing.T) {
	_, err := Parse("x (ikea OR jy")
	want := `at character 14: expected ")" to close "(" opened at character 3`
	if err == nil || err.Error() != want {
		t.Fatalf("error = %v, want %s", err, want)
	}
}

func TestTerms(t *testing.T) {
	tests := []struct {
		in   string
		want []string // nil: no condition
	}{
		{"ikea", []string{"ikea"}},
		{"IKEA OR Jysk", []string{"ikea", "jysk"}},
		{"ikea AND sofa", []string{"ikea"}}, // equal cost: the first
		{"the AND sofa", []string{"sofa"}},  // stop words are common
		{"ab AND sofa", []string{"sofa"}},   // short words are common
		{"sof* AND couch", []string{"couch"}},
		{"sofa* OR grøn", []string{"gron", "sofa*"}},
		{`"the green sofa"`, []string{"green"}},
		{"colo?r", []string{"colo*"}},
		{"ikea AND NOT sofa", []string{"ikea"}},
		{"(ikea OR jysk) AND (so OR ab)", []string{"ikea", "jysk"}},
		{"ikea NEAR/3 (so OR ab)", []string{"ikea"}},
		{"title:ikea", []string{"ikea"}},
		{"site:ikea.com", nil},
		{"language:de AND rating:[0 TO 0.5]", nil},
		{"author:ikea", nil},
		{"author:ikea AND sofa", []string{"sofa"}},
		{"ikea OR site:ikea.com", nil},
		{"site:ikea.com AND sofa", []string{"sofa"}},
	}
	for _, tt := range tests {
		q, err := Parse(tt.in)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.in, err)
		}
		got := q.Terms()
		if strings.Join(got, ",") != strings.Join(tt.want, ",") || (got == nil) != (tt.want == nil) {
			t.Errorf("Parse(%q).Terms() = %q, want %q", tt.in, got, tt.want)
		}
	}
}
