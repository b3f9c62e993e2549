package query

import (
	"slices"
	"unicode/utf8"
)

// keyKind says what a key is looked up among.
type keyKind uint8

const (
	keyWord   keyKind = iota // a token
	keyPrefix                // the start of a token
	keySite                  // the host or a parent domain of the mention's address
	keyLang                  // the mention's language
)

// key is one thing a mention may have.
type key struct {
	s    string
	kind keyKind
	hash uint64 // hashString(s) for words
}

// cond is a necessary condition of a query: every matching mention has at
// least one of keys. ok is false when the query has no such condition.
type cond struct {
	keys []key
	cost float64 // how often the condition is expected to hold; lower is better
	ok   bool
}

// need derives n's condition: OR takes the union of its operands, AND and
// NEAR the cheapest of theirs, a phrase its rarest word; NOT, url: and
// rating: give none.
//
// With forIndex unset (Query.Terms) only words of the title and text
// count. With it set (Index) so do author: words, which Prepared holds
// among its tokens, and site: and language:.
func need(n *node, forIndex bool) cond {
	switch n.kind {
	case kWord, kPhrase:
		if n.scope == inAuthor && !forIndex {
			return cond{}
		}
		var best cond
		for _, pt := range n.pats {
			best = cheaper(best, patCond(pt))
		}
		return best
	case kSite, kLang:
		if !forIndex {
			return cond{}
		}
		k := key{s: n.val, kind: keySite}
		if n.kind == kLang {
			k.kind = keyLang
		}
		return cond{keys: []key{k}, cost: keyCost(k), ok: true}
	case kAnd, kNear:
		var best cond
		for _, k := range n.kids {
			best = cheaper(best, need(k, forIndex))
		}
		return best
	case kOr:
		u := cond{ok: true}
		for _, k := range n.kids {
			c := need(k, forIndex)
			if !c.ok {
				return cond{}
			}
			for _, ky := range c.keys {
				if !slices.Contains(u.keys, ky) {
					u.keys = append(u.keys, ky)
					u.cost += keyCost(ky)
				}
			}
		}
		return u
	}
	return cond{}
}

func cheaper(a, b cond) cond {
	if !a.ok || (b.ok && b.cost < a.cost) {
		return b
	}
	return a
}

func patCond(pt pattern) cond {
	k := key{s: pt.text, kind: keyWord, hash: pt.hash}
	if pt.wild() {
		k = key{s: pt.text[:pt.lit], kind: keyPrefix}
	}
	return cond{keys: []key{k}, cost: keyCost(k), ok: true}
}

// keyCost estimates how common a key is among mentions: short words,
// stop words and short prefixes are common; a site carries many mentions
// and a language even more.
func keyCost(k key) float64 {
	switch k.kind {
	case keySite:
		return 8
	case keyLang:
		return 60
	}
	n := utf8.RuneCountInString(k.s)
	if k.kind == keyPrefix {
		switch n {
		case 1:
			return 300
		case 2:
			return 80
		case 3:
			return 20
		case 4:
			return 6
		}
		return 3
	}
	if isStopword(k.s) {
		return 40
	}
	switch n {
	case 1:
		return 30
	case 2:
		return 10
	case 3:
		return 3
	}
	return 1
}

// isStopword reports whether w (folded) is among the commonest words of
// English, German and Danish mentions.
func isStopword(w string) bool {
	switch w {
	case "the", "a", "an", "and", "or", "of", "to", "in", "is", "it", "for", "on",
		"with", "that", "this", "at", "be", "are", "was", "i", "you", "we", "my",
		"not", "but", "have", "has", "so", "they", "me",
		"der", "die", "das", "und", "ist", "nicht", "ein", "eine", "zu", "mit",
		"den", "von", "im", "es", "ich", "sie", "auf", "fur", "dem", "sich", "auch",
		"og", "er", "det", "en", "et", "til", "af", "pa", "med", "de", "jeg",
		"ikke", "har", "som", "var", "vi", "du", "kan", "men":
		return true
	}
	return false
}

// Terms returns the folded words of which every mention matching q has at
// least one in its title or text. An entry ending in * stands for any word
// that starts with the letters before the star. Words are folded as the
// matcher folds them (lower case, accents removed: "grøn" is "gron"), so a
// full-text prefilter must fold the same way or compare accent-insensitively.
//
// Terms returns nil when the query has no such list, for example when it
// only uses fields (site:, language:, rating:, author:, url:); such a query
// must be checked against every mention.
func (q *Query) Terms() []string {
	if !q.terms.ok {
		return nil
	}
	out := make([]string, 0, len(q.terms.keys))
	for _, k := range q.terms.keys {
		if k.kind == keyPrefix {
			out = append(out, k.s+"*")
		} else {
			out = append(out, k.s)
		}
	}
	slices.Sort(out)
	return out
}
