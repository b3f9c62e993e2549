package listening

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/i18n"
	"github.com/samtal-dev/samtal/listening/query"
)

// queryFailures are a query for each way a query can fail to parse.
var queryFailures = []struct{ code, query string }{
	{"unclosed_comment", "ikea <<< note"},
	{"unopened_comment", "ikea >>> sofa"},
	{"unclosed_quote", `ikea "green sofa`},
	{"unclosed_range", "rating:[0.6 TO 1"},
	{"misplaced_tilde", "ikea~2"},
	{"tilde_number", `"green sofa"~`},
	{"tilde_too_far", `"green sofa"~101`},
	{"tilde_one_word", `"ikea"~2`},
	{"near_distance", "ikea NEAR/x sofa"},
	{"near_too_far", "ikea NEAR/101 sofa"},
	{"near_chain", "ikea NEAR/3 sofa NEAR/2 chair"},
	{"near_operand", "ikea NEAR/3 (sofa AND chair)"},
	{"near_loose_phrase", `ikea NEAR/3 "green sofa"~2`},
	{"empty", "   "},
	{"too_long", strings.Repeat("(", 4001)},
	{"too_long_expanded", strings.Repeat("ß ", 1999)},
	{"too_deep", strings.Repeat("(", 60) + "a" + strings.Repeat(")", 60)},
	{"unclosed_paren", "ikea AND (sofa"},
	{"unopened_paren", "ikea)"},
	{"empty_parens", "ikea ()"},
	{"mixed_and_or", "ikea AND sofa OR jysk"},
	{"mixed_and_or_implicit", "ikea sofa OR jysk"},
	{"operator_first", "NEAR/3 sofa"},
	{"missing_operand", "ikea NEAR/3f NOT sofa"},
	{"missing_operand_at_end", "ikea AND"},
	{"sign_operator", "ikea -sofa"},
	{"only_not", "NOT ikea"},
	{"not_in_or", "ikea OR NOT jysk"},
	{"empty_phrase", `ikea ""`},
	{"no_letters", "ikea && sofa"},
	{"phrase_too_long", `"` + strings.Repeat("ord ", 33) + `"`},
	{"loose_phrase_too_long", `ikea "` + strings.Repeat("ord ", 9) + `"~2`},
	{"wildcard_start", "ikea *fa"},
	{"wildcard_short", "ikea k*"},
	{"unknown_field", "møbler https://ikea.com"},
	{"field_case", "Title:sofa"},
	{"field_no_value", "ikea site: sofa"},
	{"field_no_value_or", "ikea title: sofa"},
	{"field_in_group", "title:(sofa OR site:ikea.com)"},
	{"field_one_value", "site:(ikea.com OR jysk.dk)"},
	{"field_tilde", `site:"ikea.com"~2`},
	{"group_field_value", "author:[1 TO 2]"},
	{"group_field_value_or", "title:[1 TO 2]"},
	{"language_value", "ikea language:deu"},
	{"site_value", "site:ikea"},
	{"site_path", "site:ikea.com/de"},
	{"site_wildcard", "site:*.ikea.com"},
	{"url_value", "url:https://"},
	{"url_wildcard", "url:ikea.com/*/sofa"},
	{"rating_value", "rating:0.6"},
	{"rating_bounds", "rating:[0.6 TO 2]"},
	{"rating_order", "rating:[0.8 TO 0.2]"},
}

// translations are the UI languages other than English.
var translations = []string{"de", "da"}

// TestQueryErrorMessages: every way a query can fail becomes a catalog key
// that exists in every language; English says what the parser says, and
// German and Danish say it with the position and every value filled in.
func TestQueryErrorMessages(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, tt := range queryFailures {
		_, perr := query.Parse(tt.query)
		var pe *query.ParseError
		if !errors.As(perr, &pe) || pe.Code != tt.code {
			t.Errorf("Parse(%.40q) = %v, want a ParseError %s", tt.query, perr, tt.code)
			continue
		}
		seen[pe.Code] = true
		if _, ok := pe.Args["Pos"]; ok {
			t.Errorf("%s: an arg named Pos would be overwritten by the position", pe.Code)
		}
		err := queryError(perr)
		var se *samtal.Error
		if !errors.As(err, &se) || se.Code != samtal.EINVALID || se.Field != "query" || se.Message != "error.query."+tt.code || se.Data["Pos"] != pe.Pos {
			t.Errorf("queryError(%.40q) = %v, want EINVALID on query, error.query.%s at %d", tt.query, err, tt.code, pe.Pos)
			continue
		}
		// Like the parser's text, with the sentence's first letter capitalised.
		if got, want := cat.T("en", se.Message, se.Data), "A"+pe.Error()[1:]; got != want {
			t.Errorf("%s in en:\n got %q\nwant %q", se.Message, got, want)
		}
		en := cat.T("en", se.Message, se.Data)
		for _, lang := range translations {
			if !cat.Has(lang, se.Message) {
				t.Errorf("%s is missing from %s.json", se.Message, lang)
				continue
			}
			got := cat.T(lang, se.Message, se.Data)
			if strings.Contains(got, "{{") || strings.Contains(got, "<no value>") || got == en {
				t.Errorf("%s in %s: %q", se.Message, lang, got)
			}
			if !strings.Contains(got, fmt.Sprintf(" %d: ", pe.Pos)) {
				t.Errorf("%s in %s does not start with the position %d: %q", se.Message, lang, pe.Pos, got)
			}
			// A placeholder without data renders as nothing, so look
			// for each value.
			for k, v := range se.Data {
				if !strings.Contains(got, fmt.Sprint(v)) {
					t.Errorf("%s in %s leaves out {{.%s}} (%v): %q", se.Message, lang, k, v, got)
				}
			}
		}
	}
	for _, c := range query.Codes() {
		if !seen[c] {
			t.Errorf("no query of queryFailures gives %s", c)
		}
	}
}

var number2 = regexp.MustCompile(`\b2\b`)

// TestExampleErrorMessages: an example that does not behave is named by
// its number and text in every language.
func TestExampleErrorMessages(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		topic   Topic
		key     string
		field   string
		example string
	}{
		{Topic{Name: "x", Query: "ikea", MustMatch: []string{"ikea sofa", "a sofa from elsewhere"}}, "error.example_must_match", "must_match[1]", "a sofa from elsewhere"},
		{Topic{Name: "x", Query: "ikea", MustNotMatch: []string{"a sofa", "ikea jobs"}}, "error.example_must_not_match", "must_not_match[1]", "ikea jobs"},
	}
	for _, tt := range tests {
		_, err := checkTopic(&tt.topic)
		var se *samtal.Error
		if !errors.As(err, &se) || se.Message != tt.key || se.Field != tt.field {
			t.Errorf("checkTopic(%+v) = %v, want %s on %s", tt.topic, err, tt.key, tt.field)
			continue
		}
		for _, lang := range i18n.Languages {
			got := cat.T(lang, se.Message, se.Data)
			if !cat.Has(lang, se.Message) || strings.Contains(got, "{{") || strings.Contains(got, "<no value>") ||
				!number2.MatchString(got) || !strings.Contains(got, tt.example) {
				t.Errorf("%s in %s: %q", se.Message, lang, got)
			}
		}
	}
}
