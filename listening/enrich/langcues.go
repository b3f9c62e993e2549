package enrich

import "strings"

// Indexes into detectable, for the spelling cues below.
const (
	iEN = iota
	iDE
	iDA
	iNO
	iSV
	iNL
	iFR
	iES
	iIT
	iPT
	iFI
)

// suffixCue is a word ending typical of some languages. Words must be at
// least minLen bytes long so that short function words ("het") do not
// count as the ending of a longer word.
type suffixCue struct {
	suffix string
	minLen int
	weight float64
	langs  []int
}

// suffixCues separate close languages whose frequent words overlap:
// Danish -hed/-heden against Norwegian and Swedish -het, Norwegian -sjon,
// the Swedish definite plural -arna/-orna, German -keit/-lich, Dutch
// -heid/-lijk and so on. A word counts at most once, for its longest match.
var suffixCues = [...]suffixCue{
	{"heden", 7, 1, []int{iDA}},
	{"heder", 7, 1, []int{iDA}},
	{"heten", 7, 0.5, []int{iNO, iSV}},
	{"heter", 7, 0.5, []int{iNO, iSV}},
	{"het", 6, 0.5, []int{iNO, iSV}},
	{"sjonen", 8, 1, []int{iNO}},
	{"sjoner", 8, 1, []int{iNO}},
	{"sjon", 6, 1, []int{iNO}},
	{"erne", 6, 0.5, []int{iDA}},
	{"arna", 6, 1, []int{iSV}},
	{"orna", 6, 1, []int{iSV}},
	{"erna", 6, 0.7, []int{iSV}},
	{"ene", 6, 0.4, []int{iNO}},
	{"ede", 6, 0.4, []int{iDA}},
	{"ligt", 6, 0.3, []int{iDA, iSV}},
	{"igt", 5, 0.3, []int{iDA, iSV}},
	{"heit", 6, 1, []int{iDE}},
	{"keit", 6, 1, []int{iDE}},
	{"heiten", 8, 1, []int{iDE}},
	{"keiten", 8, 1, []int{iDE}},
	{"lich", 6, 1, []int{iDE}},
	{"liche", 7, 1, []int{iDE}},
	{"lichen", 8, 1, []int{iDE}},
	{"licher", 8, 1, []int{iDE}},
	{"ung", 6, 0.5, []int{iDE}},
	{"ungen", 8, 0.7, []int{iDE}},
	{"heid", 6, 1, []int{iNL}},
	{"lijk", 6, 1, []int{iNL}},
	{"lijke", 7, 1, []int{iNL}},
	{"eau", 5, 0.5, []int{iFR}},
	{"eaux", 6, 0.5, []int{iFR}},
	{"eux", 5, 0.5, []int{iFR}},
	{"zione", 7, 1, []int{iIT}},
	{"zioni", 7, 1, []int{iIT}},
	{"ción", 6, 1, []int{iES}},
	{"ciones", 8, 1, []int{iES}},
	{"ssa", 6, 0.5, []int{iFI}},
	{"ssä", 6, 0.5, []int{iFI}},
	{"llä", 6, 0.5, []int{iFI}},
	{"stä", 6, 0.5, []int{iFI}},
	{"ly", 5, 0.3, []int{iEN}},
}

// suffixCuesByLast indexes suffixCues by the last byte of the suffix, so
// that a word is only compared with the endings it could have.
var suffixCuesByLast = func() (idx [256][]uint8) {
	for i, c := range suffixCues {
		last := c.suffix[len(c.suffix)-1]
		idx[last] = append(idx[last], uint8(i))
	}
	return idx
}()

// spellingCues adds evidence from letters and word shapes that only some
// languages use: ø/æ (Danish, Norwegian), ä/ö (Swedish, German, Finnish),
// ß (German), Norwegian kj-/gj- where Danish writes k-/g-, and the endings
// in suffixCues.
func spellingCues(w []byte, score *[numLangs]float64) {
	var seen [8]bool // each letter cue counts once per word
	for _, r := range string(w) {
		switch r {
		case 'ø', 'æ':
			if !seen[0] {
				seen[0] = true
				score[iDA] += 0.5
				score[iNO] += 0.5
			}
		case 'ä', 'ö':
			if !seen[1] {
				seen[1] = true
				score[iSV] += 0.5
				score[iDE] += 0.5
				score[iFI] += 0.5
			}
		case 'å':
			if !seen[2] {
				seen[2] = true
				score[iDA] += 0.3
				score[iNO] += 0.3
				score[iSV] += 0.3
			}
		case 'ß':
			score[iDE]++
		case 'ü':
			if !seen[3] {
				seen[3] = true
				score[iDE] += 0.7
			}
		case 'ñ':
			score[iES]++
		case 'ã', 'õ':
			score[iPT]++
		case 'ç':
			score[iFR] += 0.5
			score[iPT] += 0.5
		case 'è', 'ê', 'ù', 'û', 'î', 'ô', 'ë', 'ï', 'œ':
			if !seen[4] {
				seen[4] = true
				score[iFR] += 0.5
			}
		case 'é':
			if !seen[5] {
				seen[5] = true
				score[iFR] += 0.3
			}
		case 'á', 'í', 'ó', 'ú':
			if !seen[6] {
				seen[6] = true
				score[iES] += 0.3
				score[iPT] += 0.3
			}
		case 'ì', 'ò':
			score[iIT] += 0.5
		}
	}
	if hasPrefix(w, "kjø") || hasPrefix(w, "kje") || hasPrefix(w, "kjæ") ||
		hasPrefix(w, "skjø") || hasPrefix(w, "skje") || hasPrefix(w, "gjø") || hasPrefix(w, "gje") {
		score[iNO]++
	}
	if containsPair(w, 'i', 'j') {
		score[iNL] += 0.5
	}
	// Norwegian writes øy, ei and opp- where Danish writes øj, ej and op-
	// (høy/høj, vei/vej, oppdatering/opdatering); Danish also uses æ in
	// many words where Norwegian has e (nætter/netter).
	if containsStr(w, "øy") {
		score[iNO]++
	}
	if containsStr(w, "øj") {
		score[iDA]++
	} else if containsPair(w, 'e', 'j') {
		score[iDA] += 0.5
	}
	if hasPrefix(w, "opp") {
		score[iNO] += 0.7
	}
	if seen[0] && containsStr(w, "æ") {
		score[iDA] += 0.3
	}
	// Norwegian and Swedish end many words in a double consonant where
	// Danish has one (takk/tak, litt/lidt, flott/flot).
	if n := len(w); n >= 3 && w[n-1] == w[n-2] && strings.IndexByte("kptnmlsfg", w[n-1]) >= 0 {
		score[iNO] += 0.3
		score[iSV] += 0.3
	}
	best := -1
	if len(w) >= 5 {
		for _, i := range suffixCuesByLast[w[len(w)-1]] {
			c := &suffixCues[i]
			if len(w) >= c.minLen && hasSuffix(w, c.suffix) && (best < 0 || len(c.suffix) > len(suffixCues[best].suffix)) {
				best = int(i)
			}
		}
	}
	if best >= 0 {
		c := &suffixCues[best]
		for _, l := range c.langs {
			score[l] += c.weight
		}
	}
	// Danish -hed; English past tenses such as "finished" end in -hed too,
	// after s or c.
	if hasSuffix(w, "hed") && len(w) >= 6 && w[len(w)-4] != 's' && w[len(w)-4] != 'c' {
		score[iDA]++
	}
}

func hasPrefix(w []byte, p string) bool { return len(w) >= len(p) && string(w[:len(p)]) == p }

func hasSuffix(w []byte, s string) bool { return len(w) >= len(s) && string(w[len(w)-len(s):]) == s }

func containsStr(w []byte, s string) bool {
	for i := 0; i+len(s) <= len(w); i++ {
		if string(w[i:i+len(s)]) == s {
			return true
		}
	}
	return false
}

func containsPair(w []byte, a, b byte) bool {
	for i := 0; i+1 < len(w); i++ {
		if w[i] == a && w[i+1] == b {
			return true
		}
	}
	return false
}
