package query

import (
	"strconv"
	"strings"
)

type nodeKind uint8

const (
	kWord   nodeKind = iota // one token pattern
	kPhrase                 // consecutive tokens, or all within slop words
	kNear                   // two operands within dist words
	kAnd
	kOr
	kNot
	kSite
	kURL
	kLang
	kRating
)

// scope says which part of a mention a word or phrase must be found in.
type scope uint8

const (
	inBody   scope = iota // the title or the text
	inTitle               // the title
	inAuthor              // the author's name or handle
)

func (s scope) prefix() string {
	switch s {
	case inTitle:
		return "title:"
	case inAuthor:
		return "author:"
	}
	return ""
}

// pattern is one folded query token; * and ? in it are wildcards.
type pattern struct {
	text string
	lit  int    // bytes before the first wildcard; len(text) when there is none
	hash uint64 // hashString(text), to look the word up in a Prepared
}

// hashString is 64-bit FNV-1a.
func hashString(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

func (p pattern) wild() bool { return p.lit < len(p.text) }

// node is one element of a compiled query. Which fields are used depends
// on kind.
type node struct {
	kind    nodeKind
	pos     int // the rune position where the element starts in the query
	kids    []*node
	pats    []pattern // kWord: one; kPhrase: two or more
	slop    int       // kPhrase: -1 for an exact phrase
	scope   scope     // kWord, kPhrase
	dist    int       // kNear
	ordered bool      // kNear: the first operand must come first
	val     string    // kSite: host; kURL: part of an address; kLang: code
	lo, hi  float64   // kRating
}

// write appends the normalised form of n to b. With bare set an enclosing
// title:( ) or author:( ) already names the scope of the words.
func (n *node) write(b *strings.Builder, bare bool) {
	switch n.kind {
	case kWord:
		if !bare {
			b.WriteString(n.scope.prefix())
		}
		b.WriteString(n.pats[0].text)
	case kPhrase:
		if !bare {
			b.WriteString(n.scope.prefix())
		}
		b.WriteByte('"')
		for i, p := range n.pats {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(p.text)
		}
		b.WriteByte('"')
		if n.slop >= 0 {
			b.WriteByte('~')
			b.WriteString(strconv.Itoa(n.slop))
		}
	case kNear, kAnd, kOr:
		if sc := n.sharedScope(); !bare && sc != inBody {
			// title:(a OR b) rather than title:a OR title:b
			b.WriteString(sc.prefix())
			b.WriteByte('(')
			n.write(b, true)
			b.WriteByte(')')
			return
		}
		sep := " AND "
		switch n.kind {
		case kOr:
			sep = " OR "
		case kNear:
			sep = " NEAR/" + strconv.Itoa(n.dist)
			if n.ordered {
				sep += "f"
			}
			sep += " "
		}
		for i, k := range n.kids {
			if i > 0 {
				b.WriteString(sep)
			}
			k.writeGrouped(b, bare)
		}
	case kNot:
		b.WriteString("NOT ")
		n.kids[0].writeGrouped(b, bare)
	case kSite:
		b.WriteString("site:")
		b.WriteString(n.val)
	case kURL:
		b.WriteString("url:")
		writeValue(b, n.val)
	case kLang:
		b.WriteString("language:")
		b.WriteString(n.val)
	case kRating:
		b.WriteString("rating:[")
		b.WriteString(strconv.FormatFloat(n.lo, 'g', -1, 64))
		b.WriteString(" TO ")
		b.WriteString(strconv.FormatFloat(n.hi, 'g', -1, 64))
		b.WriteByte(']')
	}
}

// writeGrouped writes n in parentheses when it is a list of AND or OR,
// unless it writes itself as title:( ) or author:( ).
func (n *node) writeGrouped(b *strings.Builder, bare bool) {
	if (n.kind == kAnd || n.kind == kOr) && (bare || n.sharedScope() == inBody) {
		b.WriteByte('(')
		n.write(b, bare)
		b.WriteByte(')')
		return
	}
	n.write(b, bare)
}

// sharedScope returns the scope shared by all words under n, or inBody
// when they differ or n holds other fields.
func (n *node) sharedScope() scope {
	switch n.kind {
	case kWord, kPhrase:
		return n.scope
	case kAnd, kOr, kNear, kNot:
		sc := n.kids[0].sharedScope()
		for _, k := range n.kids[1:] {
			if k.sharedScope() != sc {
				return inBody
			}
		}
		return sc
	}
	return inBody
}

// writeValue writes a field's value, in quotes when it could not be read
// back without them.
func writeValue(b *strings.Builder, v string) {
	if strings.ContainsFunc(v, func(r rune) bool { return isDelim(r) || r == '~' }) || strings.HasPrefix(v, "[") {
		b.WriteByte('"')
		b.WriteString(v)
		b.WriteByte('"')
		return
	}
	b.WriteString(v)
}

// join makes an AND or OR of kids, flattening nested lists of the same
// operator; a single kid stands for itself.
func join(op nodeKind, kids []*node) *node {
	if len(kids) == 1 {
		return kids[0]
	}
	n := &node{kind: op, pos: kids[0].pos}
	for _, k := range kids {
		if k.kind == op {
			n.kids = append(n.kids, k.kids...)
		} else {
			n.kids = append(n.kids, k)
		}
	}
	return n
}
