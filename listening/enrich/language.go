package enrich

import (
	"bytes"
	_ "embed"
	"math"
	"math/bits"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Unknown is the language code for texts whose language cannot be told:
// too short, no letters, another script, or no clear winner.
const Unknown = "unknown"

// detectable lists the languages Language can return, in the bit order of
// wordTable masks. "no" is Norwegian Bokmål (Nynorsk words count for it too).
var detectable = [...]string{"en", "de", "da", "no", "sv", "nl", "fr", "es", "it", "pt", "fi"}

const numLangs = len(detectable)

// Thresholds of Language, chosen on the development texts in
// testdata/lang (see the package documentation for the measurements).
const (
	minRunes      = 20  // shorter texts are Unknown
	minEvidence   = 1.5 // the winner needs at least this much evidence
	minConfidence = 0.3 // below this the answer is Unknown
)

//go:embed langwords.txt
var langWordsText string

// wordTable maps a lowercase word to the set of languages (bit i is
// detectable[i]) whose frequent-word list contains it. It is built once
// and only read afterwards.
var wordTable = buildWordTable(langWordsText)

func buildWordTable(src string) map[string]uint16 {
	table := make(map[string]uint16, 2500)
	for line := range strings.Lines(src) {
		fields := strings.Fields(line)
		if len(fields) < 2 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		idx := langIndex(fields[0])
		if idx < 0 {
			panic("enrich: langwords.txt: unknown language " + fields[0])
		}
		for _, w := range fields[1:] {
			table[w] |= 1 << idx
		}
	}
	return table
}

func langIndex(code string) int {
	for i, c := range detectable {
		if c == code {
			return i
		}
	}
	return -1
}

// Language identifies the language of text and returns its ISO 639-1 code
// (one of en, de, da, no, sv, nl, fr, es, it, pt, fi) and a confidence in
// 0..1, or Unknown and 0 when the text is shorter than 20 characters, has no
// letters, is not in the Latin script or gives no clear winner.
func Language(text string) (code string, confidence float64) {
	t := tokenize(text)
	code, confidence, _ = detectLanguage(&t)
	return code, confidence
}

// LanguageHint returns stated, normalised, with confidence 1 when it is a
// valid ISO 639-1 code (a region or script suffix such as "en-GB" is
// dropped; "nb" and "nn" become "no"); otherwise it detects the language of
// text as Language does.
func LanguageHint(text, stated string) (code string, confidence float64) {
	if c, ok := normalizeStated(stated); ok {
		return c, 1
	}
	return Language(text)
}

// normalizeStated turns a stated language tag into an ISO 639-1 code.
func normalizeStated(stated string) (string, bool) {
	s := strings.TrimSpace(stated)
	if i := strings.IndexAny(s, "-_"); i >= 0 {
		s = s[:i]
	}
	if len(s) != 2 {
		return "", false
	}
	s = strings.ToLower(s)
	if s == "nb" || s == "nn" {
		return "no", true
	}
	if !isISO6391(s) {
		return "", false
	}
	return s, true
}

// iso6391 holds every ISO 639-1 code, two letters each, for validating
// stated languages.
const iso6391 = "aaabaeafakamanarasavayazbabebgbhbibmbnbobrbscacechcocrcscucvcydadedvdzeeeleneoeseteufafffifjfofrfygagdglgngugvhahehihohrhthuhyhziaidieigiiikioisitiujajvkakgkikjkkklkmknkokrkskukvkwkylalblglilnloltlulvmgmhmimkmlmnmrmsmtmynanbndnengnlnnnonrnvnyocojomorospapiplpsptqurmrnrorurwsascsdsesgsiskslsmsnsosqsrssstsusvswtatetgthtitktltntotrtstttwtyugukuruzvevivowawoxhyiyozazhzu"

func isISO6391(code string) bool {
	for i := 0; i+2 <= len(iso6391); i += 2 {
		if iso6391[i:i+2] == code {
			return true
		}
	}
	return false
}

// detectLanguage scores every detectable language by the frequent words and
// spelling cues found in t and returns the best one when it wins clearly.
// guess is the best language even when it does not win clearly (a short
// text that is Danish or Norwegian is still best scored with a Danish
// lexicon), or Unknown when there is no evidence at all.
func detectLanguage(t *tokens) (code string, confidence float64, guess string) {
	if t.letters == 0 || t.runes < minRunes {
		return Unknown, 0, Unknown
	}
	var score [numLangs]float64
	latin, other := 0, 0
	for i := range t.toks {
		tok := &t.toks[i]
		if tok.kind != kindWord || !tok.letters {
			continue
		}
		w := t.text(i)
		if isLatinWord(w) {
			latin++
		} else {
			other++
			continue
		}
		if mask, ok := wordTable[string(w)]; ok {
			// A listed word is evidence enough; its spelling would
			// count the same letters twice.
			addMask(&score, mask, 1)
			continue
		}
		if a := bytes.IndexByte(w, '\''); a > 0 {
			// Elided French and Italian forms: l'article, qu'il, dell'anno.
			if mask, ok := wordTable[string(w[:a+1])]; ok {
				addMask(&score, mask, 1)
			}
			if mask, ok := wordTable[string(w[a+1:])]; ok {
				addMask(&score, mask, 1)
			}
		}
		spellingCues(w, &score)
	}
	if other > latin {
		return Unknown, 0, Unknown
	}
	best, second := 0, -1
	for i := 1; i < numLangs; i++ {
		if score[i] > score[best] {
			second, best = best, i
		} else if second < 0 || score[i] > score[second] {
			second = i
		}
	}
	if score[best] < minEvidence {
		return Unknown, 0, Unknown
	}
	margin := score[best] - score[second]
	conf := 1 - math.Exp(-margin/2)
	if conf < minConfidence {
		return Unknown, 0, detectable[best]
	}
	return detectable[best], math.Round(conf*100) / 100, detectable[best]
}

func addMask(score *[numLangs]float64, mask uint16, w float64) {
	for mask != 0 {
		i := bits.TrailingZeros16(mask)
		score[i] += w
		mask &^= 1 << i
	}
}

// isLatinWord reports whether the first letter of w is in the Latin script.
func isLatinWord(w []byte) bool {
	for _, r := range string(w) {
		if r < utf8.RuneSelf {
			if r >= 'a' && r <= 'z' {
				return true
			}
			continue
		}
		if unicode.IsLetter(r) {
			return unicode.Is(unicode.Latin, r)
		}
	}
	return false
}
