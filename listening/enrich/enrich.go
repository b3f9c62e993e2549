package enrich

import "strings"

// Result is what Enrich finds out about one mention.
type Result struct {
	Lang           string  // ISO 639-1 code, or Unknown
	LangConfidence float64 // 0..1; 1 when the source stated the language
	Sentiment      float64 // -1..1
	SentimentLabel string  // Positive, Neutral or Negative
	Fingerprint    uint64  // see Fingerprint; 0 for texts under 8 words
	ExactKey       uint64  // see ExactKey; 0 for texts with nothing to hash
}

// Enrich identifies the language of a mention, scores its sentiment over
// title and text, and computes its duplicate keys, tokenizing only once.
// A statedLang that is a valid ISO 639-1 code (see LanguageHint) wins over
// detection. When detection is unsure, Lang is Unknown but sentiment still
// uses the lexicon of the most likely language (short Danish and Norwegian
// texts are often too close to call). Fingerprint and ExactKey cover the text only, since
// syndicated copies often change or drop the title. Enrich keeps no state
// and is safe for concurrent use.
func Enrich(title, text, statedLang string) Result {
	var r Result
	n := min(len(title)+len(text), 2*maxTextBytes)
	all := tokens{buf: make([]byte, 0, n+16), toks: make([]token, 0, n/4+8)}
	if strings.TrimSpace(title) != "" {
		all.add(title)
		// The title is a sentence of its own, so that its last word
		// never joins a negation or phrase with the text.
		all.addBreak(kindSentence, '.')
	}
	start := len(all.toks)
	all.add(text)
	body := tokens{buf: all.buf, toks: all.toks[start:]}

	lexLang := ""
	if code, ok := normalizeStated(statedLang); ok {
		r.Lang, r.LangConfidence, lexLang = code, 1, code
	} else {
		r.Lang, r.LangConfidence, lexLang = detectLanguage(&all)
	}
	r.Sentiment, r.SentimentLabel = scoreSentiment(&all, lexiconFor(lexLang))
	r.Fingerprint, r.ExactKey = fingerprints(&body)
	return r
}
