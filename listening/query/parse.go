package query

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits on a query. They keep parsing and matching cheap and stop a
// hostile query (10,000 parentheses) from exhausting the stack.
const (
	MaxQueryLen    = 4000 // characters
	maxDepth       = 50   // nested parentheses and NOTs
	maxDistance    = 100  // words in NEAR/n and "…"~n
	maxPhraseWords = 32
	maxLooseWords  = 8 // in "…"~n, whose matching grows quickly with words
)

// Query is a compiled topic query. It is immutable and safe for concurrent
// use.
type Query struct {
	root  *node
	terms cond // for Terms: words of the title and text
	index cond // for Index: also author: words, site: and language:
}

// String returns the query in normalised form: words folded to lower case
// without accents, operators spelled out (implicit AND written as AND),
// nested lists of one operator flattened, parentheses only where needed,
// words that share title: or author: grouped as title:( ), and comments
// dropped. Parse(q.String()) gives an equivalent query with the same
// String.
func (q *Query) String() string {
	var b strings.Builder
	q.root.write(&b, false)
	return b.String()
}

// Parse compiles a topic query. When the query cannot be read it returns
// a *ParseError that says at which character and why.
func Parse(src string) (*Query, error) {
	if n := utf8.RuneCountInString(src); n > MaxQueryLen {
		return nil, perr(MaxQueryLen+1, "too_long", args{"Max": MaxQueryLen})
	}
	rs := []rune(src)
	if err := blankComments(rs); err != nil {
		return nil, err
	}
	p := &parser{lx: lexer{src: rs}}
	if err := p.advance(); err != nil {
		return nil, err
	}
	if p.tok.kind == tEOF {
		return nil, perr(1, "empty", nil)
	}
	root, err := p.seq()
	if err != nil {
		return nil, err
	}
	if p.tok.kind == tRParen {
		return nil, perr(p.tok.pos, "unopened_paren", nil)
	}
	if err := checkNegation(root); err != nil {
		return nil, err
	}
	q := &Query{root: root, terms: need(root, false), index: need(root, true)}
	// The normal form must read back, so it is held to the same limit.
	if n := utf8.RuneCountInString(q.String()); n > MaxQueryLen {
		return nil, perr(len(rs)+1, "too_long_expanded", args{"Length": n, "Max": MaxQueryLen})
	}
	return q, nil
}

// parser is a recursive-descent parser over the lexer's tokens, with one
// token of look-ahead in tok.
type parser struct {
	lx    lexer
	tok   token
	depth int
	scope scope // the field of an enclosing title:( ) or author:( )
}

func (p *parser) advance() error {
	t, err := p.lx.next()
	if err != nil {
		return err
	}
	p.tok = t
	return nil
}

func (p *parser) enter(pos int) error {
	p.depth++
	if p.depth > maxDepth {
		return perr(pos, "too_deep", args{"Max": maxDepth})
	}
	return nil
}

// seq parses operands joined by AND, OR or nothing (which means AND), up to
// ")" or the end. AND and OR may not be mixed in one sequence.
func (p *parser) seq() (*node, error) {
	first, err := p.unary("")
	if err != nil {
		return nil, err
	}
	kids := []*node{first}
	var op nodeKind   // kAnd or kOr once known
	implicit := false // words side by side were read as AND
	for {
		t := p.tok
		var n *node
		switch t.kind {
		case tEOF, tRParen:
			return join(op, kids), nil
		case tNear:
			return nil, perr(t.pos, "near_chain", nil)
		case tAnd, tOr:
			k, name := kAnd, "AND"
			if t.kind == tOr {
				k, name = kOr, "OR"
			}
			if len(kids) > 1 && op != k {
				return nil, mixed(t.pos, implicit)
			}
			op = k
			if err := p.advance(); err != nil {
				return nil, err
			}
			if n, err = p.unary(name); err != nil {
				return nil, err
			}
		default:
			implicit = true
			if len(kids) > 1 && op != kAnd {
				return nil, mixed(t.pos, implicit)
			}
			op = kAnd
			if n, err = p.unary(""); err != nil {
				return nil, err
			}
		}
		kids = append(kids, n)
	}
}

// mixed says AND and OR are mixed; implicit adds that words side by side
// count as AND, which is what mixed them.
func mixed(pos int, implicit bool) error {
	if implicit {
		return perr(pos, "mixed_and_or_implicit", nil)
	}
	return perr(pos, "mixed_and_or", nil)
}

// unary parses NOT x or a NEAR expression; after names what came before,
// for error messages.
func (p *parser) unary(after string) (*node, error) {
	if p.tok.kind != tNot {
		return p.near(after)
	}
	pos := p.tok.pos
	if err := p.enter(pos); err != nil {
		return nil, err
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	x, err := p.unary("NOT")
	if err != nil {
		return nil, err
	}
	p.depth--
	return &node{kind: kNot, pos: pos, kids: []*node{x}}, nil
}

// near parses an operand and, when NEAR follows, the second operand.
func (p *parser) near(after string) (*node, error) {
	left, err := p.primary(after)
	if err != nil || p.tok.kind != tNear {
		return left, err
	}
	t := p.tok
	if err := p.advance(); err != nil {
		return nil, err
	}
	name := "NEAR/" + strconv.Itoa(t.dist)
	if t.ordered {
		name += "f"
	}
	right, err := p.primary(name)
	if err != nil {
		return nil, err
	}
	for _, o := range []*node{left, right} {
		if err := nearOperand(o); err != nil {
			return nil, err
		}
	}
	return &node{kind: kNear, pos: left.pos, kids: []*node{left, right}, dist: t.dist, ordered: t.ordered}, nil
}

// nearOperand accepts a word, an exact phrase or an OR of those.
func nearOperand(n *node) error {
	switch n.kind {
	case kWord:
		return nil
	case kPhrase:
		if n.slop < 0 {
			return nil
		}
		return perr(n.pos, "near_loose_phrase", nil)
	case kOr:
		for _, k := range n.kids {
			if k.kind != kWord && k.kind != kPhrase {
				return perr(k.pos, "near_operand", nil)
			}
			if err := nearOperand(k); err != nil {
				return err
			}
		}
		return nil
	}
	return perr(n.pos, "near_operand", nil)
}

// primary parses a word, a phrase, a group in parentheses or a field.
func (p *parser) primary(after string) (*node, error) {
	t := p.tok
	switch t.kind {
	case tWord, tPhrase:
		n, err := term(t, p.scope)
		if err != nil {
			return nil, err
		}
		return n, p.advance()
	case tLParen:
		return p.group(t.pos, true)
	case tField:
		return p.field(t)
	}
	if after == "" {
		switch t.kind {
		case tAnd, tOr, tNear:
			return nil, perr(t.pos, "operator_first", args{"Operator": spell(t)})
		case tRParen:
			return nil, perr(t.pos, "unopened_paren", nil)
		}
	}
	if t.kind == tEOF {
		return nil, perr(t.pos, "missing_operand_at_end", args{"After": after})
	}
	return nil, perr(t.pos, "missing_operand", args{"After": after, "Found": spell(t)})
}

// spell returns how an operator or ")" is written, for messages.
func spell(t token) string {
	switch t.kind {
	case tRParen:
		return `")"`
	case tAnd:
		return "AND"
	case tOr:
		return "OR"
	case tNot:
		return "NOT"
	case tNear:
		if t.ordered {
			return fmt.Sprintf("NEAR/%df", t.dist)
		}
		return fmt.Sprintf("NEAR/%d", t.dist)
	}
	return "" // the other tokens are operands and never named in a message
}

// group parses ( … ); p.tok is the "(" at open. The group of a title:( )
// or author:( ) does not count as a level (counted is false): such groups
// cannot nest, and the normal form may add one.
func (p *parser) group(open int, counted bool) (*node, error) {
	if counted {
		if err := p.enter(open); err != nil {
			return nil, err
		}
		defer func() { p.depth-- }()
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	switch p.tok.kind {
	case tRParen:
		return nil, perr(p.tok.pos, "empty_parens", nil)
	case tEOF:
		return nil, perr(p.tok.pos, "unclosed_paren", args{"Open": open})
	}
	inner, err := p.seq()
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tRParen {
		return nil, perr(p.tok.pos, "unclosed_paren", args{"Open": open})
	}
	return inner, p.advance()
}

// term compiles a word or a phrase. An unquoted word with punctuation
// inside (ikea.com, t-shirt) is a phrase of its parts.
func term(t token, sc scope) (*node, error) {
	if t.kind == tWord && len(t.text) > 1 && (t.text[0] == '-' || t.text[0] == '+') {
		return nil, perr(t.pos, "sign_operator", args{"Sign": t.text[:1]})
	}
	pats, err := patterns(t.text, t.textPos)
	if err != nil {
		return nil, err
	}
	switch {
	case len(pats) == 0 && t.kind == tPhrase:
		return nil, perr(t.pos, "empty_phrase", nil)
	case len(pats) == 0:
		return nil, perr(t.pos, "no_letters", args{"Text": t.text})
	case len(pats) > maxPhraseWords:
		return nil, perr(t.pos, "phrase_too_long", args{"Max": maxPhraseWords})
	case len(pats) > maxLooseWords && t.slop >= 0:
		return nil, perr(t.pos, "loose_phrase_too_long", args{"Max": maxLooseWords})
	case len(pats) == 1 && t.slop >= 0:
		return nil, perr(t.pos, "tilde_one_word", nil)
	case len(pats) == 1:
		return &node{kind: kWord, pos: t.pos, pats: pats, scope: sc}, nil
	}
	return &node{kind: kPhrase, pos: t.pos, pats: pats, slop: t.slop, scope: sc}, nil
}

// patterns splits text (which starts at rune position pos) into folded
// token patterns and checks the wildcards.
func patterns(text string, pos int) ([]pattern, error) {
	tz := tokenizer{s: text, wild: true}
	var pats []pattern
	var buf []byte
	for {
		var start int
		var ok bool
		buf, start, _, ok = tz.next(buf[:0])
		if !ok {
			return pats, nil
		}
		s := collapseStars(string(buf))
		at := pos + utf8.RuneCountInString(text[:start])
		lit := strings.IndexAny(s, "*?")
		switch {
		case lit < 0:
			lit = len(s)
		case lit == 0:
			return nil, perr(at, "wildcard_start", nil)
		case utf8.RuneCountInString(s)-strings.Count(s, "*")-strings.Count(s, "?") < 2:
			return nil, perr(at, "wildcard_short", nil)
		}
		pats = append(pats, pattern{text: s, lit: lit, hash: hashString(s)})
	}
}

// collapseStars turns ** into *, which means the same.
func collapseStars(s string) string {
	for strings.Contains(s, "**") {
		s = strings.ReplaceAll(s, "**", "*")
	}
	return s
}

// field compiles name:value; p.tok is t.
func (p *parser) field(t token) (*node, error) {
	if p.scope != inBody {
		return nil, perr(t.pos, "field_in_group", args{"Field": t.field})
	}
	if t.field == "title" || t.field == "author" {
		return p.scoped(t)
	}
	if t.valKind == tLParen {
		return nil, perr(t.pos, "field_one_value", args{"Field": t.field})
	}
	if t.slop >= 0 {
		return nil, perr(t.pos, "field_tilde", args{"Field": t.field})
	}
	var n *node
	var err error
	switch t.field {
	case "site":
		n, err = siteNode(t)
	case "url":
		n, err = urlNode(t)
	case "language":
		if len(t.text) != 2 || !isLowerASCII(t.text) || t.valKind == tRange {
			return nil, perr(t.pos, "language_value", nil)
		}
		n = &node{kind: kLang, val: t.text}
	case "rating":
		n, err = ratingNode(t)
	}
	if err != nil {
		return nil, err
	}
	n.pos = t.pos
	return n, p.advance()
}

// scoped compiles title: and author: with a word, a phrase or a group.
func (p *parser) scoped(t token) (*node, error) {
	sc := inTitle
	if t.field == "author" {
		sc = inAuthor
	}
	switch t.valKind {
	case tLParen:
		p.scope = sc
		n, err := p.group(t.textPos, false)
		p.scope = inBody
		return n, err
	case tRange:
		examples, _ := fieldExamples(t.field)
		return nil, exampleErr(t.pos, "group_field_value", t.field, examples)
	}
	n, err := term(token{kind: t.valKind, pos: t.pos, text: t.text, textPos: t.textPos, slop: t.slop}, sc)
	if err != nil {
		return nil, err
	}
	return n, p.advance()
}

func isLowerASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}

// siteNode checks a host name; a leading www. is dropped because site:
// matches subdomains anyway.
func siteNode(t token) (*node, error) {
	host := trimWWW(strings.ToLower(strings.TrimSpace(t.text)))
	switch {
	case strings.Contains(host, "*"):
		return nil, perr(t.pos, "site_wildcard", nil)
	case strings.ContainsAny(host, "/?#:"):
		return nil, perr(t.pos, "site_path", nil)
	}
	labels := strings.Split(host, ".")
	ok := len(labels) >= 2
	for _, l := range labels {
		ok = ok && l != "" && !strings.ContainsFunc(l, func(r rune) bool {
			return r != '-' && runeClass(r) != classWord
		})
	}
	if !ok {
		return nil, perr(t.pos, "site_value", nil)
	}
	return &node{kind: kSite, val: host}, nil
}

// urlNode compiles url:, which matches addresses that contain the value.
func urlNode(t token) (*node, error) {
	v := normURL(strings.TrimSpace(t.text))
	switch {
	case t.valKind == tRange || v == "":
		return nil, perr(t.pos, "url_value", nil)
	case strings.Contains(v, "*"):
		return nil, perr(t.pos, "url_wildcard", nil)
	}
	return &node{kind: kURL, val: v}, nil
}

// ratingNode compiles rating:[low TO high].
func ratingNode(t token) (*node, error) {
	bad := perr(t.pos, "rating_value", nil)
	f := strings.Fields(t.text)
	if t.valKind != tRange || len(f) != 3 || f[1] != "TO" {
		return nil, bad
	}
	lo, err1 := strconv.ParseFloat(f[0], 64)
	hi, err2 := strconv.ParseFloat(f[2], 64)
	switch {
	case err1 != nil || err2 != nil || math.IsNaN(lo) || math.IsNaN(hi):
		return nil, bad
	case lo < 0 || hi > 1:
		return nil, perr(t.pos, "rating_bounds", nil)
	case lo > hi:
		return nil, perr(t.pos, "rating_order", nil)
	}
	return &node{kind: kRating, lo: lo, hi: hi}, nil
}

// checkNegation refuses queries that match (almost) everything because they
// only say what to leave out.
func checkNegation(root *node) error {
	if negative(root) {
		return perr(root.pos, "only_not", nil)
	}
	var walk func(n *node) error
	walk = func(n *node) error {
		for _, k := range n.kids {
			if n.kind == kOr && negative(k) {
				return perr(k.pos, "not_in_or", nil)
			}
			if err := walk(k); err != nil {
				return err
			}
		}
		return nil
	}
	return walk(root)
}

// negative reports whether n only excludes.
func negative(n *node) bool {
	switch n.kind {
	case kNot:
		return true
	case kAnd:
		for _, k := range n.kids {
			if !negative(k) {
				return false
			}
		}
		return true
	}
	return false
}
