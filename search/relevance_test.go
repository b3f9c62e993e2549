package search

import (
	"math"
	"testing"
)

func TestRelevanceWeighsTitleAboveTagsAboveBody(t *testing.T) {
	words := Words("Sofaen grøn")
	title := Relevance("Den grønne sofa", nil, words)          // both in the title
	tag := Relevance("Et nyt betræk", []string{"sofa"}, words) // sofa a tag, grøn in the body
	body := Relevance("Et nyt betræk", nil, words)             // both in the body
	if !(title > tag && tag > body) {
		t.Errorf("title %v, tag %v, body %v: want title > tag > body", title, tag, body)
	}
	if title != 2*weightTitle || tag != weightTag+weightBody || body != 2*weightBody {
		t.Errorf("scores %v, %v, %v", title, tag, body)
	}
	// Words match as prefixes of the folded text, as in the index.
	if got := Relevance("SOFAEN er GRØN", nil, Words("sofa grøn")); got != 2*weightTitle {
		t.Errorf("folded prefixes: %v", got)
	}
}

func TestVoteBoostIsGentle(t *testing.T) {
	if VoteBoost(0) != 1 || VoteBoost(-3) != 1 {
		t.Errorf("no votes boost %v, %v", VoteBoost(0), VoteBoost(-3))
	}
	if b := VoteBoost(100); math.Abs(b-1.46) > 0.01 {
		t.Errorf("100 votes boost %v, want about 1.46", b)
	}
	// A body match with many votes stays below a title match without.
	if weightBody*VoteBoost(10_000) >= weightTitle*VoteBoost(0) {
		t.Error("votes bury a closer match")
	}
}
