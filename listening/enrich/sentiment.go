package enrich

import "math"

// Sentiment labels.
const (
	Positive = "positive"
	Neutral  = "neutral"
	Negative = "negative"
)

// Rules of Sentiment. The weights are ours, chosen on the development
// texts in testdata/sentiment (see the package documentation).
const (
	// alpha flattens the raw sum into -1..1: sum/sqrt(sum²+alpha). With 15
	// one plain "good" (2) scores 0.46 and "great" plus "love" 0.84.
	alpha = 15
	// neutralBand: scores closer to 0 than this are neutral.
	neutralBand = 0.15
	// Negation turns a positive term into a weaker negative ("not good")
	// and a negative term into a mild positive ("not bad").
	negatePositive = -0.75
	negateNegative = -0.5
	negationScope  = 3 // words after a negator that it can reach
	modifierScope  = 2 // words after a modifier that it can reach
	maxModifier    = 2.5
	// Before "but" a clause counts half, after it one and a half.
	beforeContrast = 0.5
	afterContrast  = 1.5
	// Each exclamation mark, up to three, pushes the sum 0.3 further from 0.
	exclaimBoost = 0.3
	maxExclaim   = 3
	// A sentence of at most echoWords words that are all echo words,
	// after one that sums to echoAfter or less, is ironic (see
	// ironicEcho).
	echoWords = 3
	echoAfter = -1.5
	// tagPraise is the least praise that a negator tag without a comma
	// follows ("Den er flot ikke?").
	tagPraise = 2
)

// Sentiment scores the tone of text in language lang (an ISO 639-1 code)
// and returns a score in -1..1 and its label: Positive, Neutral or
// Negative. English, German, Danish and Swedish have their own lexicons,
// Norwegian has the Danish one plus its own words; any other language,
// Unknown included, is scored with the English lexicon, which still reads
// emoji, emoticons and English words mixed into the text. A text that is
// both praised and criticised comes out by its balance, the part after
// "but" counting more. Sentences that complain without sentiment words
// ("still no refund", "tredje gang jeg ringer", "seit drei Wochen keine
// Antwort") count as criticism (see implicitComplaint), and so does praise
// marked as irony ("Great job guys 🙄", "Godt gået... not.", "Toget er
// aflyst igen. Super.").
func Sentiment(text, lang string) (score float64, label string) {
	t := tokenize(text)
	return scoreSentiment(&t, lexiconFor(lang))
}

// hit is one sentiment term found in the text.
type hit struct {
	value    float64
	negValue float64 // value once negated
	word     int     // word index in the text, for negation reach
	clause   int
	negated  bool
	fixed    bool // no negation reaches it (see entry.fixed)
	rating   bool // no negation after it reaches it (see entry.rating)
	echo     bool // ironic alone after a complaint (see entry.echo)
	wait     bool // a word of waiting, which a short duration makes harmless
}

// sentimentScanner walks the tokens once, collecting hits and applying
// negation, modifiers and contrast as it goes.
type sentimentScanner struct {
	hits []hit

	word, clause int

	negWord, negClause int
	negPending         bool
	negForwardOnly     bool

	modFactor          float64 // 0 when no modifier is pending
	modScore           float64 // the pending modifier's own term weight
	modEcho            bool    // the pending modifier is an echo word ("Super.")
	modWord, modClause int

	sentenceStart, prevSentenceStart int // indexes into hits
	sentenceWords                    int
	contrastBoost                    bool
	contrastStart                    int  // index into hits where the text after the last "but" starts
	tagged                           bool // the sentence ends in a question tag ("ikke?")
	openingClause, openingWords      int  // the first clause of the sentence and its length in words

	// Implicit complaints (implicit.go): what the current sentence has
	// shown so far.
	cues           cue
	negComplaint   bool // the pending negator complains when it negates nothing
	unresolved     int  // negations that reached no term
	complaints     int  // complaining negators that reached no term
	number         float64
	numberWord     int  // word index of the last number word
	shortWord      int  // word index of the last "only", "kun", "nur"
	lastedClause   int  // clause of the last "lasted" cue
	durationClause int  // clause of the last duration
	short          bool // a duration right after "only": "only waited 5 minutes"
	prevSum        float64
	prevCues       cue // of the sentence before, for a lone "Again."
}

func newSentimentScanner() sentimentScanner {
	// No number or "only" has been seen: keep their word indexes far
	// enough back that nothing counts as right after them.
	return sentimentScanner{hits: make([]hit, 0, 16), numberWord: -10, shortWord: -10}
}

func scoreSentiment(t *tokens, lex *lexicon) (float64, string) {
	s := newSentimentScanner()
	sum := s.scan(t, lex)
	if sum != 0 && t.exclaim > 0 {
		sum += math.Copysign(exclaimBoost*float64(min(t.exclaim, maxExclaim)), sum)
	}
	score := sum / math.Sqrt(sum*sum+alpha)
	return score, labelFor(score)
}

// scan walks the tokens and returns the sum of the hits.
func (s *sentimentScanner) scan(t *tokens, lex *lexicon) float64 {
	for i := 0; i < len(t.toks); {
		switch t.toks[i].kind {
		case kindClause:
			s.endClause()
			i++
			continue
		case kindSentence:
			s.endSentence(t.toks[i].punct == '?' && !s.tagged)
			i++
			continue
		}
		e, n := lex.lookup(t, i)
		if e.tag && s.isTagQuestion(t, i, n, e) {
			// "Den er flot, ikke?" asks nothing: the sentence is a
			// statement and the tag negates nothing.
			s.tagged = true
			i += n
			continue
		}
		s.visit(e)
		s.word++
		s.sentenceWords++
		i += n
	}
	s.endSentence(false)

	sum := 0.0
	for _, h := range s.hits {
		sum += h.value
	}
	return sum
}

func labelFor(score float64) string {
	switch {
	case score >= neutralBand:
		return Positive
	case score <= -neutralBand:
		return Negative
	}
	return Neutral
}

// isTagQuestion reports whether the tag at tokens i..i+n-1 ends a
// question. A tag that is also a negator ("ikke?") must follow a comma or
// clear praise ("Den er flot ikke?"), so that "Virker den ikke?" and
// "Svarer I ikke?" keep their negation.
func (s *sentimentScanner) isTagQuestion(t *tokens, i, n int, e entry) bool {
	end := i + n
	if end >= len(t.toks) || t.toks[end].kind != kindSentence || t.toks[end].punct != '?' {
		return false
	}
	if !e.negator || i > 0 && t.toks[i-1].kind == kindClause {
		return true
	}
	s.flushModifier()
	last := len(s.hits) - 1
	return last >= s.sentenceStart && s.hits[last].value >= tagPraise && s.hits[last].clause == s.clause
}

// visit handles one word, emoji or phrase.
func (s *sentimentScanner) visit(e entry) {
	if s.modFactor != 0 && s.word-s.modWord > modifierScope {
		s.flushModifier()
	}
	if s.negPending && s.word-s.negWord > negationScope {
		s.expireNegation()
	}
	if e.sarcasm {
		s.sarcasm()
	}
	if e.cues != 0 {
		s.cue(e.cues)
	}
	if e.number != 0 {
		s.number, s.numberWord = e.number, s.word
	}
	switch {
	case e.contrast:
		s.contrast()
	case e.negator && e.score == 0:
		s.expireNegation()
		s.negPending, s.negWord, s.negClause, s.negForwardOnly = true, s.word, s.clause, e.forwardOnly
		s.negComplaint = e.complaint
	case e.factor != 0:
		// A word that is both modifier and term ("super", "pretty")
		// modifies the next term if one follows and counts as a term
		// itself otherwise (see flushModifier).
		f := e.factor
		if s.modFactor != 0 {
			f = math.Min(f*s.modFactor, maxModifier)
		}
		s.modFactor, s.modScore, s.modWord, s.modClause, s.modEcho = f, e.score, s.word, s.clause, e.echo
	case e.score != 0:
		v := e.score
		if s.modFactor != 0 && s.modClause == s.clause {
			v *= s.modFactor
		}
		s.modFactor, s.modScore = 0, 0
		s.term(v, s.word, e)
	case e.wanted != 0:
		// Worth nothing unless negated, so it leaves a pending modifier
		// alone: "super hjælp" still counts "super".
		s.term(0, s.word, e)
	}
}

// flushModifier drops a pending modifier that reached no term; if it was
// also a term itself ("Lieferung war super"), it counts as that term.
func (s *sentimentScanner) flushModifier() {
	if s.modScore != 0 {
		s.term(s.modScore, s.modWord, entry{echo: s.modEcho})
	}
	s.modFactor, s.modScore = 0, 0
}

// term records a sentiment term of weight v at word index word, negating
// it when a negator in the same clause reaches it; e says how it negates
// (see entry.wanted and entry.fixed).
func (s *sentimentScanner) term(v float64, word int, e entry) {
	neg := negate(v)
	if e.wanted != 0 {
		neg = e.wanted
	}
	if s.contrastBoost {
		v *= afterContrast
		neg *= afterContrast
	}
	h := hit{value: v, negValue: neg, word: word, clause: s.clause, wait: e.cues&cueWait != 0,
		fixed: e.fixed || e.rating && v < 0, rating: e.rating, echo: e.echo}
	if !h.fixed && s.negPending && s.negClause == s.clause && word > s.negWord && word-s.negWord <= negationScope {
		h.value = h.negValue
		h.negated = true
		s.negPending = false
	}
	s.hits = append(s.hits, h)
}

// expireNegation ends a negation that found no term after it: it then
// negates the term just before it in the same clause, as in "funktioniert
// nicht", "virker ikke" and "I recommend it not".
func (s *sentimentScanner) expireNegation() {
	if !s.negPending {
		return
	}
	s.negPending = false
	if n := len(s.hits); n > 0 && !s.negForwardOnly {
		h := &s.hits[n-1]
		if !h.negated && !h.fixed && !h.rating && h.clause == s.negClause && s.negWord-h.word <= negationScope {
			h.value = h.negValue
			h.negated = true
			return
		}
	}
	s.unresolved++
	if s.negComplaint {
		s.complaints++
	}
}

func (s *sentimentScanner) endClause() {
	s.flushModifier()
	s.expireNegation()
	if s.clause == s.openingClause {
		s.openingWords = s.sentenceWords
	}
	s.clause++
}

// contrast discounts what came before "but" in this sentence, or in the
// previous sentence when the sentence starts with it ("Nice sofa. But…").
func (s *sentimentScanner) contrast() {
	s.endClause() // "not only …, but" must not carry over
	from := s.sentenceStart
	if s.sentenceWords == 0 {
		from = s.prevSentenceStart
	}
	for i := from; i < len(s.hits); i++ {
		s.hits[i].value *= beforeContrast
	}
	s.contrastBoost = true
	s.contrastStart = len(s.hits)
}

// sarcasm turns the praise of this sentence (or of the previous one when
// the marker opens the sentence) into criticism: "Great job guys 🙄".
func (s *sentimentScanner) sarcasm() {
	s.flushModifier()
	from := s.sentenceStart
	if s.sentenceWords == 0 {
		from = s.prevSentenceStart
	}
	for i := from; i < len(s.hits); i++ {
		if s.hits[i].value > 0 {
			s.hits[i].value *= negatePositive
		}
	}
}

// ironicEcho turns echo words (see entry.echo) into criticism when they
// make up a short sentence right after a clear complaint ("Toget er
// aflyst igen. Super.") or a short opening clause before one ("Perfekt,
// så blev flyet aflyst igen."). A contrast word keeps them praise
// ("Lidt forsinket. Men ellers perfekt.").
func (s *sentimentScanner) ironicEcho() {
	if s.contrastBoost || len(s.hits) == s.sentenceStart {
		return
	}
	end := len(s.hits)
	if s.sentenceWords > echoWords || s.prevSum > echoAfter {
		if s.openingWords > echoWords {
			return
		}
		end = s.sentenceStart
		for end < len(s.hits) && s.hits[end].clause == s.openingClause {
			end++
		}
		rest := 0.0
		for _, h := range s.hits[end:] {
			rest += h.value
		}
		if end == s.sentenceStart || rest > echoAfter {
			return
		}
	}
	for _, h := range s.hits[s.sentenceStart:end] {
		if !h.echo || h.value <= 0 {
			return
		}
	}
	for i := s.sentenceStart; i < end; i++ {
		s.hits[i].value *= negatePositive
	}
}

func negate(v float64) float64 {
	if v > 0 {
		return v * negatePositive
	}
	return v * negateNegative
}

// meaningful reports whether e does anything beyond starting a phrase.
func (e entry) meaningful() bool {
	return e.score != 0 || e.factor != 0 || e.negator || e.contrast || e.sarcasm ||
		e.wanted != 0 || e.number != 0 || e.cues != 0 || e.neutral || e.tag
}

// lookup finds the longest phrase, word or prefix entry at token i and
// returns it with the number of tokens it covers (at least 1).
func (lex *lexicon) lookup(t *tokens, i int) (entry, int) {
	w := t.text(i)
	e, ok := lex.entries[string(w)]
	if t.toks[i].apostrophe {
		// "ik'" is a question tag where "ik" negates.
		if ae, aok := lex.entries[string(w)+"'"]; aok {
			e, ok = ae, aok
		}
	}
	if ok && e.phraseWords > 0 {
		last := i
		for last+1 < len(t.toks) && last+1-i < int(e.phraseWords) && t.toks[last+1].kind <= kindEmoticon {
			last++
		}
		for j := last; j > i; j-- {
			if pe, ok := lex.entries[string(t.span(i, j))]; ok && pe.meaningful() {
				return pe, j - i + 1
			}
		}
	}
	if t.toks[i].kind == kindWord && !t.toks[i].letters {
		// Digits count as numbers for durations and repetitions.
		e.number = digitsValue(w)
		return e, 1
	}
	if ok {
		// An emoji says how the writer feels about the whole sentence:
		// "definitely not the last 😊" does not negate the smile.
		e.fixed = e.fixed || t.toks[i].kind != kindWord
		return e, 1
	}
	if t.toks[i].kind == kindWord {
		if v, ok := lex.prefixScore(w); ok {
			return entry{score: v}, 1
		}
	}
	return entry{}, 1
}

// digitsValue returns the value of the leading digits of w ("45", "13.30"
// gives 13), capped at a million.
func digitsValue(w []byte) float64 {
	v := 0.0
	for _, c := range w {
		if c < '0' || c > '9' || v > 1e6 {
			break
		}
		v = v*10 + float64(c-'0')
	}
	return v
}
