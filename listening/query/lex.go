package query

import (
	"strconv"
	"strings"
	"unicode"
)

type tokKind uint8

const (
	tEOF tokKind = iota
	tLParen
	tRParen
	tAnd
	tOr
	tNot
	tNear
	tWord   // an unquoted run of characters
	tPhrase // text in quotes
	tField  // name: followed by a value
	tRange  // [a TO b], only as a field's value
)

// token is one lexical unit of a query. Positions are 1-based rune
// positions in the query as the user typed it.
type token struct {
	kind    tokKind
	pos     int    // the token's first character
	text    string // a word's characters, a phrase's inside, a field's value
	textPos int    // the position of text's first character
	slop    int    // a phrase's ~n, or -1
	dist    int    // NEAR/n
	ordered bool   // NEAR/nf
	field   string // a field's name
	valKind tokKind
}

// lexer cuts a query into tokens. Comments are blanked out beforehand so
// positions stay those of the original text.
type lexer struct {
	src []rune
	i   int
}

func isQuote(r rune) bool {
	// Curly quotes arrive when a query is pasted from a word processor;
	// German „…“ is accepted too.
	return r == '"' || r == '“' || r == '”' || r == '„'
}

func isDelim(r rune) bool {
	return unicode.IsSpace(r) || r == '(' || r == ')' || isQuote(r)
}

// blankComments replaces every <<< comment >>> with spaces.
func blankComments(src []rune) error {
	for i := 0; i < len(src); i++ {
		switch {
		case runesAt(src, i, "<<<"):
			end := -1
			for j := i + 3; j+3 <= len(src); j++ {
				if runesAt(src, j, ">>>") {
					end = j + 3
					break
				}
			}
			if end < 0 {
				return perr(i+1, "unclosed_comment", nil)
			}
			for j := i; j < end; j++ {
				src[j] = ' '
			}
			i = end - 1
		case runesAt(src, i, ">>>"):
			return perr(i+1, "unopened_comment", nil)
		}
	}
	return nil
}

func runesAt(src []rune, i int, s string) bool {
	for _, r := range s {
		if i >= len(src) || src[i] != r {
			return false
		}
		i++
	}
	return true
}

// next returns the next token.
func (l *lexer) next() (token, error) {
	for l.i < len(l.src) && unicode.IsSpace(l.src[l.i]) {
		l.i++
	}
	if l.i >= len(l.src) {
		return token{kind: tEOF, pos: len(l.src) + 1}, nil
	}
	pos := l.i + 1
	switch r := l.src[l.i]; {
	case r == '(':
		l.i++
		return token{kind: tLParen, pos: pos}, nil
	case r == ')':
		l.i++
		return token{kind: tRParen, pos: pos}, nil
	case isQuote(r):
		return l.phrase()
	}
	return l.run()
}

// run reads an unquoted word, an operator or a field.
func (l *lexer) run() (token, error) {
	start := l.i
	for l.i < len(l.src) && !isDelim(l.src[l.i]) {
		switch l.src[l.i] {
		case ':':
			if l.i > start {
				return l.field(start)
			}
		case '~':
			return token{}, perr(l.i+1, "misplaced_tilde", nil)
		}
		l.i++
	}
	text := string(l.src[start:l.i])
	pos := start + 1
	switch {
	case text == "AND":
		return token{kind: tAnd, pos: pos}, nil
	case text == "OR":
		return token{kind: tOr, pos: pos}, nil
	case text == "NOT":
		return token{kind: tNot, pos: pos}, nil
	case text == "NEAR" || strings.HasPrefix(text, "NEAR/"):
		return nearToken(text, pos)
	}
	return token{kind: tWord, pos: pos, text: text, textPos: pos, slop: -1}, nil
}

// nearToken reads NEAR/n or NEAR/nf.
func nearToken(text string, pos int) (token, error) {
	rest, _ := strings.CutPrefix(text, "NEAR/")
	rest, ordered := strings.CutSuffix(rest, "f")
	n, err := strconv.Atoi(rest)
	if err != nil || n < 0 || strings.HasPrefix(rest, "+") {
		return token{}, perr(pos, "near_distance", nil)
	}
	if n > maxDistance {
		return token{}, perr(pos, "near_too_far", args{"Max": maxDistance})
	}
	return token{kind: tNear, pos: pos, dist: n, ordered: ordered}, nil
}

// phrase reads text in quotes and an optional ~n after it.
func (l *lexer) phrase() (token, error) {
	open := l.i
	j := l.i + 1
	for j < len(l.src) && !isQuote(l.src[j]) {
		j++
	}
	if j >= len(l.src) {
		return token{}, perr(open+1, "unclosed_quote", nil)
	}
	t := token{kind: tPhrase, pos: open + 1, text: string(l.src[open+1 : j]), textPos: open + 2, slop: -1}
	l.i = j + 1
	if l.i < len(l.src) && l.src[l.i] == '~' {
		k := l.i + 1
		for k < len(l.src) && l.src[k] >= '0' && l.src[k] <= '9' {
			k++
		}
		if k == l.i+1 {
			return token{}, perr(l.i+1, "tilde_number", nil)
		}
		n, err := strconv.Atoi(string(l.src[l.i+1 : k]))
		if err != nil || n > maxDistance {
			return token{}, perr(l.i+1, "tilde_too_far", args{"Max": maxDistance})
		}
		t.slop = n
		l.i = k
	}
	return t, nil
}

// field reads name:value; l.i is at the colon.
func (l *lexer) field(start int) (token, error) {
	name := string(l.src[start:l.i])
	pos := start + 1
	examples, ok := fieldExamples(strings.ToLower(name))
	if !ok {
		return token{}, perr(pos, "unknown_field", args{"Field": name})
	}
	if strings.ToLower(name) != name {
		return token{}, perr(pos, "field_case", args{"Field": strings.ToLower(name)})
	}
	l.i++ // the colon
	t := token{kind: tField, pos: pos, field: name, textPos: l.i + 1, slop: -1}
	if l.i >= len(l.src) || unicode.IsSpace(l.src[l.i]) || l.src[l.i] == ')' {
		return token{}, exampleErr(pos, "field_no_value", name, examples)
	}
	switch r := l.src[l.i]; {
	case r == '(':
		l.i++
		t.valKind = tLParen
	case isQuote(r):
		ph, err := l.phrase()
		if err != nil {
			return token{}, err
		}
		t.valKind, t.text, t.textPos, t.slop = tPhrase, ph.text, ph.textPos, ph.slop
	case r == '[':
		j := l.i + 1
		for j < len(l.src) && l.src[j] != ']' {
			j++
		}
		if j >= len(l.src) {
			return token{}, perr(l.i+1, "unclosed_range", nil)
		}
		t.valKind, t.text, t.textPos = tRange, string(l.src[l.i+1:j]), l.i+2
		l.i = j + 1
	default:
		j := l.i
		for j < len(l.src) && !isDelim(l.src[j]) {
			j++
		}
		t.valKind, t.text = tWord, string(l.src[l.i:j])
		l.i = j
	}
	return t, nil
}
