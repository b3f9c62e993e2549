package enrich

import (
	"math/bits"
	"slices"
	"unicode/utf8"
)

// FingerprintVersion changes whenever Fingerprint or ExactKey would give a
// different value for the same text (tokenizer, folding, hash or layout).
// Stored values carry it so that a store can tell when to recompute them.
const FingerprintVersion = 1

// Near-duplicate parameters, chosen by measurement (see the package
// documentation). Texts shorter than MinFingerprintWords get no
// fingerprint. Two fingerprints are near duplicates when two of their four
// 16-bit blocks are identical and they differ in at most MaxDistance bits,
// or when one block is identical and they differ in at most
// maxDistanceOneBlock bits.
const (
	MinFingerprintWords = 8
	MaxDistance         = 16
	maxDistanceOneBlock = 8
)

// Fingerprint returns a 64-bit SimHash of text for near-duplicate
// detection, or 0 when the text has fewer than MinFingerprintWords words
// (compare ExactKey for those).
//
// The text is normalised first: lowercased, accents folded (é→e, ø→o,
// ß→ss), URLs, e-mail addresses and @mentions dropped, and a trailing
// "Read more on …" dropped. Each distinct word is hashed with FNV-1a (fixed,
// so values are stable across processes and versions of Go) and falls by
// its hash into one of four groups; each group votes a 16-bit SimHash, and
// the four blocks make the fingerprint. Replacing, adding or removing one
// word therefore changes at most two blocks and leaves at least two
// identical, which is what NearDuplicate and Bands rely on.
func Fingerprint(text string) uint64 {
	t := tokenize(text)
	fp, _ := fingerprints(&t)
	return fp
}

// ExactKey returns a 64-bit hash of the normalised text (as for
// Fingerprint, with emoji kept), or 0 for a text with nothing to hash. Two
// texts with the same key are the same after normalisation; use it for
// texts too short to fingerprint. Every "Thanks!" has the same key, so a
// store that clusters on it may want to add the author or the source.
func ExactKey(text string) uint64 {
	t := tokenize(text)
	_, key := fingerprints(&t)
	return key
}

// Bands returns the four lookup keys of a fingerprint: key i is
// (i+1)<<16 | block i, so keys of different bands never collide and 0 is
// never a key. Near duplicates share at least two keys, and fingerprints
// within 3 bits of each other at least one, so a store finds the
// candidates with four index probes and confirms them with NearDuplicate.
// The zero fingerprint (a text too short to fingerprint) has no bands:
// Bands returns four zeros, which a store should not index.
func Bands(fp uint64) [4]uint32 {
	var b [4]uint32
	if fp == 0 {
		return b
	}
	for i := range 4 {
		b[i] = uint32(i+1)<<16 | uint32(block(fp, i))
	}
	return b
}

// NearDuplicate reports whether two fingerprints are of near-duplicate
// texts: two identical 16-bit blocks and at most MaxDistance (16)
// differing bits, which holds after one word of a review was replaced,
// added or removed, or one identical block and at most 8 differing bits,
// which holds after most two-word edits. A zero fingerprint (a text too
// short to fingerprint) is never a near duplicate.
func NearDuplicate(a, b uint64) bool {
	if a == 0 || b == 0 {
		return false
	}
	equal := 0
	for i := range 4 {
		if block(a, i) == block(b, i) {
			equal++
		}
	}
	d := bits.OnesCount64(a ^ b)
	return equal >= 2 && d <= MaxDistance || equal >= 1 && d <= maxDistanceOneBlock
}

// Distance returns the number of bits in which two fingerprints differ.
func Distance(a, b uint64) int { return bits.OnesCount64(a ^ b) }

func block(fp uint64, i int) uint16 { return uint16(fp >> (48 - 16*i)) }

// readMoreTails are endings that syndication adds after a review, in folded
// form. One found among the last few words is cut off with all after it.
var readMoreTails = [...]string{
	"read more", "read the full", "continue reading", "see more", "show more", "view more",
	"mehr lesen", "weiterlesen", "mehr anzeigen", "ganzen beitrag",
	"laes mere", "se mere", "vis mere", "les mer", "se mer", "vis mer",
	"las mer", "visa mer", "lees meer", "lire la suite", "voir plus",
}

const (
	maxTailWords = 8
	// fnvOffset and fnvPrime are the 64-bit FNV-1a parameters.
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// fingerprints computes Fingerprint and ExactKey in one pass over t.
func fingerprints(t *tokens) (fp, exact uint64) {
	// Word hashes, and for the exact key all content tokens, in order.
	var wordBuf [96]uint64
	words := wordBuf[:0]
	var idxBuf [128]int32
	content := idxBuf[:0] // token indexes of words, emoji and emoticons
	for i := range t.toks {
		if t.toks[i].kind <= kindEmoticon {
			content = append(content, int32(i))
		}
	}
	content = trimReadMore(t, content)
	if len(content) == 0 {
		return 0, 0
	}
	exact = fnvOffset
	opening := uint64(fnvOffset) // digest of the first three words
	for n, i := range content {
		if n > 0 {
			exact = (exact ^ ' ') * fnvPrime
		}
		h := foldHash(t.text(int(i)), fnvOffset)
		exact = foldHash(t.text(int(i)), exact)
		if t.toks[i].kind == kindWord {
			words = append(words, mix64(h))
			if len(words) <= 3 {
				opening = (opening ^ h) * fnvPrime
			}
		}
	}
	exact = mix64(exact)
	if exact == 0 {
		exact = 1 // 0 means "nothing to hash"
	}
	if len(words) < MinFingerprintWords {
		return 0, exact
	}
	slices.Sort(words)
	words = slices.Compact(words)

	var votes [4][16]int32
	var filled [4]bool
	var sums [4]uint64 // order-free digest of each group, to break ties
	for _, h := range words {
		g := h >> 62
		filled[g] = true
		sums[g] += h
		v := &votes[g]
		for j := range 16 {
			if h>>(8+j)&1 == 1 {
				v[j]++
			} else {
				v[j]--
			}
		}
	}
	for g := range 4 {
		var b uint16
		if filled[g] {
			// A tied vote takes its bit from the group's digest: a
			// fixed 0 would make groups of two or three common words
			// look alike across unrelated texts.
			tie := mix64(sums[g])
			for j := range 16 {
				if votes[g][j] > 0 || votes[g][j] == 0 && tie>>j&1 == 1 {
					b |= 1 << j
				}
			}
		} else {
			// An empty group would give every such text the block 0
			// and flood one band with unrelated candidates. Take a
			// value from the text's opening words instead: specific to
			// the text, yet unchanged by an edit further on.
			b = uint16(mix64(opening ^ uint64(g+1)*0x9e3779b97f4a7c15))
		}
		fp |= uint64(b) << (48 - 16*g)
	}
	if fp == 0 {
		fp = 1
	}
	return fp, exact
}

// trimReadMore drops a trailing "Read more on …" and what follows it.
func trimReadMore(t *tokens, content []int32) []int32 {
	n := len(content)
	for p := n - 2; p >= 0 && n-p <= maxTailWords; p-- {
		for _, tail := range readMoreTails {
			if matchFolded(t, content[p:], tail) {
				return content[:p]
			}
		}
	}
	return content
}

// matchFolded reports whether the folded words at the start of idx spell
// phrase (words separated by single spaces).
func matchFolded(t *tokens, idx []int32, phrase string) bool {
	pos := 0
	for k, i := range idx {
		if k > 0 {
			if pos >= len(phrase) || phrase[pos] != ' ' {
				return false
			}
			pos++
		}
		// Phrases are ASCII, so a non-ASCII letter must fold to match.
		w := t.text(int(i))
		for j := 0; j < len(w); {
			if w[j] < utf8.RuneSelf {
				if pos >= len(phrase) || phrase[pos] != w[j] {
					return false
				}
				pos++
				j++
				continue
			}
			r, size := utf8.DecodeRune(w[j:])
			f := foldRune(r)
			if f == "" || pos+len(f) > len(phrase) || phrase[pos:pos+len(f)] != f {
				return false
			}
			pos += len(f)
			j += size
		}
		if pos == len(phrase) {
			return true
		}
	}
	return false
}

// foldHash continues FNV-1a hash h over w with accents folded.
func foldHash(w []byte, h uint64) uint64 {
	for i := 0; i < len(w); {
		if w[i] < utf8.RuneSelf {
			h = (h ^ uint64(w[i])) * fnvPrime
			i++
			continue
		}
		r, size := utf8.DecodeRune(w[i:])
		if f := foldRune(r); f != "" {
			for j := 0; j < len(f); j++ {
				h = (h ^ uint64(f[j])) * fnvPrime
			}
		} else {
			for _, c := range w[i : i+size] {
				h = (h ^ uint64(c)) * fnvPrime
			}
		}
		i += size
	}
	return h
}

// foldRune maps an accented lowercase Latin letter to its unaccented ASCII
// spelling, or returns "" for any other rune.
func foldRune(r rune) string {
	switch r {
	case 'à', 'á', 'â', 'ã', 'ä', 'å', 'ā':
		return "a"
	case 'æ':
		return "ae"
	case 'ç', 'č':
		return "c"
	case 'è', 'é', 'ê', 'ë', 'ē', 'ě':
		return "e"
	case 'ì', 'í', 'î', 'ï':
		return "i"
	case 'ñ', 'ń':
		return "n"
	case 'ò', 'ó', 'ô', 'õ', 'ö', 'ø', 'ő':
		return "o"
	case 'œ':
		return "oe"
	case 'ù', 'ú', 'û', 'ü', 'ű':
		return "u"
	case 'ý', 'ÿ':
		return "y"
	case 'ß':
		return "ss"
	case 'š':
		return "s"
	case 'ž':
		return "z"
	case 'ł':
		return "l"
	}
	return ""
}

// mix64 spreads the bits of an FNV hash so that its top and low bits are
// equally random (the 64-bit finaliser of MurmurHash3).
func mix64(k uint64) uint64 {
	k ^= k >> 33
	k *= 0xff51afd7ed558ccd
	k ^= k >> 33
	k *= 0xc4ceb9fe1a85ec53
	k ^= k >> 33
	return k
}
