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
		return nil, perr(MaxQueryLen+1, "the query is too long: at most %d characters", MaxQueryLen)
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
		return nil, perr(1, "the query is empty")
	}
	root, err := p.seq()
	if err != nil {
		return nil, err
	}
	if p.tok.kind == tRParen {
		return nil, perr(p.tok.pos, `")" has no matching "("`)
	}
	if err := checkNegation(root); err != nil {
		return nil, err
	}
	q := &Query{root: root, terms: need(root, false), index: need(root, true)}
	// The normal form must read back, so it is held to the same limit.
	if n := utf8.RuneCountInString(q.String()); n > MaxQueryLen {
		return nil, perr(len(rs)+1, "the query is too long: written out in full (AND between words side by side) it has %d characters; at most %d", n, MaxQueryLen)
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
		return perr(pos, "the query is nested too deeply: at most %d levels of parentheses and NOT", maxDepth)
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
	var op nodeKind // kAnd or kOr once known
	implicit := ""  // a note once words side by side were read as AND
	for {
		t := p.tok
		var n *node
		switch t.kind {
		case tEOF, tRParen:
			return join(op, kids), nil
		case tNear:
			return nil, perr(t.pos, "NEAR joins just two words, phrases or (… OR …) groups; to chain them, write (a NEAR/3 b) AND (b NEAR/3 c)")
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
			implicit = " (words side by side count as AND)"
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

func mixed(pos int, note string) error {
	return perr(pos, "add parentheses: AND and OR are mixed here%s; write for example (a OR b) AND c", note)
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
		return perr(n.pos, `a phrase with "~" cannot be used with NEAR; drop the "~" or use NEAR on the words`)
	case kOr:
		for _, k := range n.kids {
			if k.kind != kWord && k.kind != kPhrase {
				return perr(k.pos, "NEAR can only join words, phrases and (… OR …) groups of them")
			}
			if err := nearOperand(k); err != nil {
				return err
			}
		}
		return nil
	}
	return perr(n.pos, "NEAR can only join words, phrases and (… OR …) groups of them")
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
			return nil, perr(t.pos, "%s needs a word or phrase before it", describe(t))
		case tRParen:
			return nil, perr(t.pos, `")" has no matching "("`)
		}
	}
	return nil, perr(t.pos, `expected a word, a phrase or "(" after %s, found %s`, after, describe(t))
}

func describe(t token) string {
	switch t.kind {
	case tEOF:
		return "the end of the query"
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
	return "a word"
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
		return nil, perr(p.tok.pos, "empty parentheses; put words between them or remove them")
	case tEOF:
		return nil, perr(p.tok.pos, `expected ")" to close "(" opened at character %d`, open)
	}
	inner, err := p.seq()
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tRParen {
		return nil, perr(p.tok.pos, `expected ")" to close "(" opened at character %d`, open)
	}
	return inner, p.advance()
}

// term compiles a word or a phrase. An unquoted word with punctuation
// inside (ikea.com, t-shirt) is a phrase of its parts.
func term(t token, sc scope) (*node, error) {
	if t.kind == tWord && len(t.text) > 1 && (t.text[0] == '-' || t.text[0] == '+') {
		return nil, perr(t.pos, `"%c" is not an operator; to leave a word out write NOT, as in ikea AND NOT sofa`, t.text[0])
	}
	pats, err := patterns(t.text, t.textPos)
	if err != nil {
		return nil, err
	}
	switch {
	case len(pats) == 0 && t.kind == tPhrase:
		return nil, perr(t.pos, "the quotes hold no words to search for")
	case len(pats) == 0:
		return nil, perr(t.pos, `"%s" has no letters or digits to search for; combine words with AND, OR and NOT`, t.text)
	case len(pats) > maxPhraseWords:
		return nil, perr(t.pos, "a phrase can have at most %d words", maxPhraseWords)
	case len(pats) > maxLooseWords && t.slop >= 0:
		return nil, perr(t.pos, `a phrase with "~" can have at most %d words`, maxLooseWords)
	case len(pats) == 1 && t.slop >= 0:
		return nil, perr(t.pos, `"~" needs a phrase of two or more words`)
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
			return nil, perr(at, "a wildcard (* or ?) cannot start a word")
		case utf8.RuneCountInString(s)-strings.Count(s, "*")-strings.Count(s, "?") < 2:
			return nil, perr(at, "a word with a wildcard needs at least two letters or digits, as in ki*")
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
		return nil, perr(t.pos, "%s: cannot be used inside title:( ) or author:( )", t.field)
	}
	if t.field == "title" || t.field == "author" {
		return p.scoped(t)
	}
	example, _ := fieldExample(t.field)
	if t.valKind == tLParen {
		return nil, perr(t.pos, "%s: takes one value; for several, combine fields with OR, as in (site:ikea.com OR site:jysk.dk)", t.field)
	}
	if t.slop >= 0 {
		return nil, perr(t.pos, `"~" only works with phrases of words, not with %s:`, t.field)
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
			return nil, perr(t.pos, "language: takes a two-letter lower-case language code, as in language:de")
		}
		n = &node{kind: kLang, val: t.text}
	case "rating":
		n, err = ratingNode(t, example)
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
		example, _ := fieldExample(t.field)
		return nil, perr(t.pos, `%s: takes a word, a "phrase" or a group in parentheses, as in %s`, t.field, example)
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
		return nil, perr(t.pos, "site: already matches subdomains such as shop.ikea.com; leave out the *")
	case strings.ContainsAny(host, "/?#:"):
		return nil, perr(t.pos, "site: takes just a host name, as in site:ikea.com; use url: for part of an address")
	}
	labels := strings.Split(host, ".")
	ok := len(labels) >= 2
	for _, l := range labels {
		ok = ok && l != "" && !strings.ContainsFunc(l, func(r rune) bool {
			return r != '-' && runeClass(r) != classWord
		})
	}
	if !ok {
		return nil, perr(t.pos, "site: takes a host name, as in site:ikea.com")
	}
	return &node{kind: kSite, val: host}, nil
}

// urlNode compiles url:, which matches addresses that contain the value.
func urlNode(t token) (*node, error) {
	v := normURL(strings.TrimSpace(t.text))
	switch {
	case t.valKind == tRange || v == "":
		return nil, perr(t.pos, "url: takes part of an address, as in url:ikea.com/de")
	case strings.Contains(v, "*"):
		return nil, perr(t.pos, "url: matches every address that contains the text; leave out the *")
	}
	return &node{kind: kURL, val: v}, nil
}

// ratingNode compiles rating:[low TO high].
func ratingNode(t token, example string) (*node, error) {
	bad := perr(t.pos, "rating: takes a range of numbers from 0 to 1, as in %s", example)
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
		return nil, perr(t.pos, "ratings go from 0 to 1, as in %s", example)
	case lo > hi:
		return nil, perr(t.pos, "the range starts above where it ends; write the lower number first")
	}
	return &node{kind: kRating, lo: lo, hi: hi}, nil
}

// checkNegation refuses queries that match (almost) everything because they
// only say what to leave out.
func checkNegation(root *node) error {
	if negative(root) {
		return perr(root.pos, "the query only says what to leave out; add what mentions must contain, as in ikea AND NOT sofa")
	}
	var walk func(n *node) error
	walk = func(n *node) error {
		for _, k := range n.kids {
			if n.kind == kOr && negative(k) {
				return perr(k.pos, "NOT inside OR matches almost every mention; use AND NOT, as in ikea AND NOT (sofa OR chair)")
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
