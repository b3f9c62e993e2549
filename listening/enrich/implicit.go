package enrich

// Implicit complaints: many complaints carry no sentiment word at all ("we
// are still waiting for the refund", "tredje gang jeg ringer", "seit drei
// Wochen keine Antwort"). The lexicons mark the words that hint at one
// (see cue); the scanner collects them per sentence and, at the end of the
// sentence, adds one criticism when they add up.

const (
	// implicitComplaint is what a sentence whose cues add up to a
	// complaint counts: about as much as "disappointing".
	implicitComplaint = -2.5
	// Praise in a question is mostly a wish or a request for advice
	// ("which sofa would you recommend?"), so it counts little; criticism
	// in a question is often rhetorical ("why is nobody answering?") and
	// counts half, which keeps strong words negative but lets a question
	// such as "has anyone waited long?" stay neutral.
	questionPraise    = 0.1
	questionCriticism = 0.5
	// shortWait is what "only waited 5 minutes" counts.
	shortWait = 1
)

// cue records the cues of a word; a time or count unit right after a
// number becomes a duration ("drei Wochen") or a repetition ("tre gange",
// "zum dritten Mal").
func (s *sentimentScanner) cue(c cue) {
	afterNumber := s.numberWord == s.word-1
	if c&cueLasted != 0 {
		s.lastedClause = s.clause
	}
	if c&cueDuration != 0 {
		s.durationClause = s.clause
	}
	if c&cueTimeUnit != 0 && afterNumber {
		s.cues |= cueDuration
		s.durationClause = s.clause
		if s.numberWord-s.shortWord <= 2 {
			s.short = true
		}
	}
	if c&cueShort != 0 {
		s.shortWord = s.word
	}
	if c&cueCountUnit != 0 && afterNumber && s.number >= 2 {
		s.cues |= cueRepeat
	}
	s.cues |= c &^ (cueTimeUnit | cueCountUnit)
}

// endSentence closes a sentence: praise in a question counts little, and
// cues that add up to an implicit complaint add one.
func (s *sentimentScanner) endSentence(question bool) {
	s.endClause()
	if question {
		for i := s.sentenceStart; i < len(s.hits); i++ {
			if s.hits[i].value > 0 {
				s.hits[i].value *= questionPraise
			} else {
				s.hits[i].value *= questionCriticism
			}
		}
	}
	if s.short && s.cues&cueWait != 0 {
		for i := s.sentenceStart; i < len(s.hits); i++ {
			if s.hits[i].wait && s.hits[i].value < 0 {
				s.hits[i].value = 0
			}
		}
		s.hits = append(s.hits, hit{value: shortWait, negValue: shortWait, word: s.word, clause: s.clause - 1, negated: true})
	}
	if !question {
		s.ironicEcho()
	}
	if s.implicitComplaint(question) {
		v := implicitComplaint
		if s.contrastBoost {
			v *= afterContrast
		}
		// A closed clause: no later negator can reach it.
		s.hits = append(s.hits, hit{value: v, negValue: v, word: s.word, clause: s.clause - 1, negated: true})
	}
	s.prevSum, s.prevCues = 0, s.cues
	for _, h := range s.hits[s.sentenceStart:] {
		s.prevSum += h.value
	}
	s.prevSentenceStart, s.sentenceStart = s.sentenceStart, len(s.hits)
	s.sentenceWords = 0
	s.contrastBoost, s.tagged = false, false
	s.openingClause = s.clause
	s.cues, s.unresolved, s.complaints, s.short = 0, 0, 0, false
}

// implicitComplaint reports whether the sentence complains without
// sentiment words. It never overrides praise in the same sentence
// ("explained it twice without a sigh"). Complaints are: a complaining
// negator that negated nothing ("not even a receipt"); a negation that
// negated nothing next to "still", "again" or a duration ("noch immer
// nicht geliefert", "seit drei Wochen keine Rückmeldung"), except in a
// question ("can't you pay cash any more?"); a problem that is still
// there ("still loud"); a refusal next to "although" ("wollte es nicht
// hochtragen, obwohl wir bezahlt hatten"); waiting next to a duration,
// "still" or "again" ("har ventet i 4 uger", but not "only 5 minutes");
// contacting again ("tredje gang jeg ringer", "had to call again");
// lasting a few days, weeks or months ("hat zwei Wochen gehalten"); or a
// lone "Again." after a complaint.
func (s *sentimentScanner) implicitComplaint(question bool) bool {
	if s.cues&cueLasted != 0 && s.cues&cueDuration != 0 && s.lastedClause == s.durationClause {
		// "virkede fint i to uger": the praise is for the short time it
		// lasted.
		for i := s.sentenceStart; i < len(s.hits); i++ {
			if s.hits[i].clause == s.lastedClause && s.hits[i].value > 0 {
				s.hits[i].value = 0
			}
		}
	}
	sum := 0.0
	for _, h := range s.hits[max(s.sentenceStart, s.contrastStart):] {
		sum += h.value
	}
	if sum > 0 {
		return false
	}
	temporal := s.cues&(cuePersist|cueRepeat|cueDuration) != 0
	switch {
	case s.complaints > 0:
		return true
	case s.unresolved > 0 && (temporal || s.cues&cueConcede != 0) && !question:
		return true
	case s.cues&cuePersist != 0 && sum < 0:
		return true
	case s.cues&cueLasted != 0 && s.cues&cueDuration != 0:
		return true
	case s.cues&cueWait != 0 && temporal && !s.short:
		return true
	case s.cues&cueContact != 0 && s.cues&cueRepeat != 0:
		return true
	case s.cues == cueRepeat && s.sentenceWords <= 2 && len(s.hits) == s.sentenceStart &&
		(s.prevSum < 0 || s.prevCues&(cueWait|cueContact) != 0):
		// "Spent my lunch break in your phone queue. Again."
		return true
	}
	return false
}
