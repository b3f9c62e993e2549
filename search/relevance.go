package search

import (
	"math"
	"strings"
)

// Field weights of a match: a word in the title says most about what a
// text is about, a tag less, the body least.
const (
	weightTitle = 5
	weightTag   = 2
	weightBody  = 1
)

// Relevance scores a text that matched every one of words (search.Words):
// for each word, the weight of the best field it is in. A word found in
// neither title nor tags is in the body, since the text matched it.
//
// Both engines find the candidates and Go ranks them, so SQLite and
// PostgreSQL order hits the same way. The engines' own scores (bm25,
// ts_rank) weigh how rare a word is as well, which costs a pass over every
// text with the word: with prefixes of common words that was two thirds of
// a search's time on SQLite (docs/design.md, "Search and pages of lists").
func Relevance(title string, tags []string, words []string) float64 {
	titleWords, tagWords := tokens(title), tokens(strings.Join(tags, " "))
	score := 0.0
	for _, w := range words {
		switch {
		case anyHasPrefix(titleWords, w):
			score += weightTitle
		case anyHasPrefix(tagWords, w):
			score += weightTag
		default:
			score += weightBody
		}
	}
	return score
}

// VoteBoost multiplies a relevance score: 1 for no votes, about 1.5 for 100
// votes — enough to order equally relevant ideas, not to bury a closer
// match under a popular one.
func VoteBoost(votes int) float64 { return 1 + math.Log1p(float64(max(votes, 0)))/10 }

// tokens returns the folded words of s, as the index sees them.
func tokens(s string) []string {
	return strings.FieldsFunc(Fold(s), func(r rune) bool { return !isWordChar(r) })
}

// HasAllWords reports whether every word (from Words) begins a word of
// one of texts, as the full-text indexes match them: for checking texts
// in Go where walking them is cheaper than asking the index.
func HasAllWords(words []string, texts ...string) bool {
	var toks []string
	for _, t := range texts {
		toks = append(toks, tokens(t)...)
	}
	for _, w := range words {
		if !anyHasPrefix(toks, w) {
			return false
		}
	}
	return true
}

func anyHasPrefix(tokens []string, w string) bool {
	for _, t := range tokens {
		if strings.HasPrefix(t, w) {
			return true
		}
	}
	return false
}
