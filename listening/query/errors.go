package query

import (
	"fmt"
	"maps"
	"slices"

	"github.com/samtal-dev/samtal/internal/message"
)

// ParseError says where and why a query cannot be read. Pos counts
// characters (not bytes) from 1; a Pos one past the last character means
// the end of the query.
//
// Code names the kind of problem and Args holds the values its message
// mentions, by name, so that a user interface can say the same in the
// reader's language ("error.query."+Code in samtal's catalogs, with
// {{.Name}} placeholders). Msg is the message in English.
type ParseError struct {
	Pos  int
	Code string
	Args map[string]any
	Msg  string
}

// Error returns the message with its position, for people writing queries.
func (e *ParseError) Error() string {
	return fmt.Sprintf("at character %d: %s", e.Pos, e.Msg)
}

// args are the values of a message's placeholders.
type args = map[string]any

// perr returns the error of code at pos; args fill its message.
func perr(pos int, code string, a args) *ParseError {
	return &ParseError{Pos: pos, Code: code, Args: a, Msg: message.Fill(messages[code], a)}
}

// Codes returns every Code a ParseError can have, sorted.
func Codes() []string {
	return slices.Sorted(maps.Keys(messages))
}

// messages are the English messages by code. Query syntax in them (")",
// NEAR/3, title:) stays as typed in every language. Where English prose
// differs (a note, "the end of the query", a second example joined by
// "or"), the code differs, because a translation words that prose itself.
var messages = map[string]string{
	// Comments, quotes, ranges and "~".
	"unclosed_comment":  `this comment is never closed; end it with ">>>"`,
	"unopened_comment":  `">>>" ends a comment, but no comment was opened with "<<<"`,
	"unclosed_quote":    `this quote is never closed; add a closing "`,
	"unclosed_range":    `this range is never closed; add "]", as in rating:[0.6 TO 1]`,
	"misplaced_tilde":   `"~" goes right after a closing quote, as in "green sofa"~3`,
	"tilde_number":      `expected a number after "~", as in "green sofa"~3`,
	"tilde_too_far":     `the distance after "~" can be at most {{.Max}} words`,
	"tilde_one_word":    `"~" needs a phrase of two or more words`,
	"near_distance":     "NEAR needs a distance in words, as in NEAR/3 or NEAR/3f (f: in this order)",
	"near_too_far":      "the distance of NEAR can be at most {{.Max}} words",
	"near_chain":        "NEAR joins just two words, phrases or (… OR …) groups; to chain them, write (a NEAR/3 b) AND (b NEAR/3 c)",
	"near_operand":      "NEAR can only join words, phrases and (… OR …) groups of them",
	"near_loose_phrase": `a phrase with "~" cannot be used with NEAR; drop the "~" or use NEAR on the words`,

	// The shape of the query.
	"empty":                  "the query is empty",
	"too_long":               "the query is too long: at most {{.Max}} characters",
	"too_long_expanded":      "the query is too long: written out in full (AND between words side by side) it has {{.Length}} characters; at most {{.Max}}",
	"too_deep":               "the query is nested too deeply: at most {{.Max}} levels of parentheses and NOT",
	"unclosed_paren":         `expected ")" to close "(" opened at character {{.Open}}`,
	"unopened_paren":         `")" has no matching "("`,
	"empty_parens":           "empty parentheses; put words between them or remove them",
	"mixed_and_or":           "add parentheses: AND and OR are mixed here; write for example (a OR b) AND c",
	"mixed_and_or_implicit":  "add parentheses: AND and OR are mixed here (words side by side count as AND); write for example (a OR b) AND c",
	"operator_first":         "{{.Operator}} needs a word or phrase before it",
	"missing_operand":        `expected a word, a phrase or "(" after {{.After}}, found {{.Found}}`,
	"missing_operand_at_end": `expected a word, a phrase or "(" after {{.After}}, found the end of the query`,
	"sign_operator":          `"{{.Sign}}" is not an operator; to leave a word out write NOT, as in ikea AND NOT sofa`,
	"only_not":               "the query only says what to leave out; add what mentions must contain, as in ikea AND NOT sofa",
	"not_in_or":              "NOT inside OR matches almost every mention; use AND NOT, as in ikea AND NOT (sofa OR chair)",

	// Words and phrases.
	"empty_phrase":          "the quotes hold no words to search for",
	"no_letters":            `"{{.Text}}" has no letters or digits to search for; combine words with AND, OR and NOT`,
	"phrase_too_long":       "a phrase can have at most {{.Max}} words",
	"loose_phrase_too_long": `a phrase with "~" can have at most {{.Max}} words`,
	"wildcard_start":        "a wildcard (* or ?) cannot start a word",
	"wildcard_short":        "a word with a wildcard needs at least two letters or digits, as in ki*",

	// Fields.
	"unknown_field":        `unknown field "{{.Field}}:"; the fields are title:, author:, site:, url:, language: and rating: (put text with a colon in quotes)`,
	"field_case":           `write the field "{{.Field}}:" in lower case`,
	"field_no_value":       "{{.Field}}: needs a value right after the colon, as in {{.Example}}",
	"field_no_value_or":    "{{.Field}}: needs a value right after the colon, as in {{.Example}} or {{.Example2}}",
	"field_in_group":       "{{.Field}}: cannot be used inside title:( ) or author:( )",
	"field_one_value":      "{{.Field}}: takes one value; for several, combine fields with OR, as in (site:ikea.com OR site:jysk.dk)",
	"field_tilde":          `"~" only works with phrases of words, not with {{.Field}}:`,
	"group_field_value":    `{{.Field}}: takes a word, a "phrase" or a group in parentheses, as in {{.Example}}`,
	"group_field_value_or": `{{.Field}}: takes a word, a "phrase" or a group in parentheses, as in {{.Example}} or {{.Example2}}`,
	"language_value":       "language: takes a two-letter lower-case language code, as in language:de",
	"site_value":           "site: takes a host name, as in site:ikea.com",
	"site_path":            "site: takes just a host name, as in site:ikea.com; use url: for part of an address",
	"site_wildcard":        "site: already matches subdomains such as shop.ikea.com; leave out the *",
	"url_value":            "url: takes part of an address, as in url:ikea.com/de",
	"url_wildcard":         "url: matches every address that contains the text; leave out the *",
	"rating_value":         "rating: takes a range of numbers from 0 to 1, as in rating:[0.6 TO 1]",
	"rating_bounds":        "ratings go from 0 to 1, as in rating:[0.6 TO 1]",
	"rating_order":         "the range starts above where it ends; write the lower number first",
}

// fieldExamples returns how a field is written, for messages: one example,
// or two for title:; ok is false when name is not a field.
func fieldExamples(name string) (examples []string, ok bool) {
	switch name {
	case "title":
		return []string{"title:sofa", `title:"green sofa"`}, true
	case "author":
		return []string{"author:ikea"}, true
	case "site":
		return []string{"site:ikea.com"}, true
	case "url":
		return []string{"url:ikea.com/de"}, true
	case "language":
		return []string{"language:de"}, true
	case "rating":
		return []string{"rating:[0.6 TO 1]"}, true
	}
	return nil, false
}

// exampleErr returns the error of code about a field with its examples in
// args; two examples take the code's "_or" variant.
func exampleErr(pos int, code, field string, examples []string) *ParseError {
	a := args{"Field": field, "Example": examples[0]}
	if len(examples) > 1 {
		code += "_or"
		a["Example2"] = examples[1]
	}
	return perr(pos, code, a)
}
