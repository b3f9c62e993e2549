package importer

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
)

// scale is the range a file's ratings are on; Normalise maps it to 0..1.
type scale struct {
	min, max float64
	name     string
}

// maxScale bounds the top of a scale: reviews do not rate out of a million.
const maxScale = 1000

// parseScale reads a Mapping.RatingScale.
func parseScale(s string) (scale, error) {
	name := strings.ToLower(strings.TrimSpace(s))
	switch name {
	case "", "stars":
		return scale{1, 5, "1-5"}, nil
	case "percent", "%":
		return scale{0, 100, "0-100"}, nil
	}
	lo, hi, ok := strings.Cut(name, "-")
	if ok {
		minV, err1 := strconv.ParseFloat(strings.TrimSpace(lo), 64)
		maxV, err2 := strconv.ParseFloat(strings.TrimSpace(hi), 64)
		if err1 == nil && err2 == nil && minV >= 0 && minV < maxV && maxV <= maxScale {
			return scale{minV, maxV, formatNum(minV) + "-" + formatNum(maxV)}, nil
		}
	}
	return scale{}, fmt.Errorf("the rating scale %q is not one of 1-5, 0-10, 0-100, 0-1, stars, percent or another min-max range", s)
}

// normalise maps v on the scale to 0..1.
func (sc scale) normalise(v float64) float64 {
	return (v - sc.min) / (sc.max - sc.min)
}

// Star glyphs as review tools print them.
const (
	starFull  = '★'
	starEmoji = '⭐'
	starEmpty = '☆'
)

// numberWords are ratings written out, as Google's review API does
// ("starRating": "FOUR").
var numberWords = map[string]float64{
	"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
	"six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}

// parseRating reads one rating value on sc and returns it normalised to
// 0..1. It accepts a number (decimal point or comma: "4,5"), a number with
// a trailing word ("4 stars", "4 Sterne"), an English number word ("FOUR"),
// "4/5" (the denominator must be the scale's top), star glyphs ("★★★★☆")
// and a percentage ("80%"), which is always 0..100 whatever the scale. A
// problem names the value as staff typed it.
func parseRating(s string, sc scale) (float64, *Problem) {
	s = strings.TrimSpace(s)
	shown := quoteValue(s)
	if v, ok := parseStars(s); ok {
		if v.total > v.full && float64(v.total) != sc.max {
			return 0, problem("rating_stars", args{"Value": shown, "Stars": strconv.Itoa(v.total), "Scale": sc.name})
		}
		return inScale(float64(v.full), sc, shown)
	}
	if num, ok := strings.CutSuffix(s, "%"); ok {
		v, err := parseNumber(num)
		if err != nil {
			return 0, problem("rating_not_number", args{"Value": shown})
		}
		if v < 0 || v > 100 {
			return 0, problem("rating_outside_percent", args{"Value": shown})
		}
		return v / 100, nil
	}
	if num, den, ok := strings.Cut(s, "/"); ok {
		v, err1 := parseNumber(num)
		d, err2 := parseNumber(den)
		if err1 != nil || err2 != nil {
			return 0, problem("rating_not_number", args{"Value": shown})
		}
		if d != sc.max {
			return 0, problem("rating_not_on_scale", args{"Value": shown, "Scale": sc.name})
		}
		return inScale(v, sc, shown)
	}
	v, err := parseNumber(trimWord(s))
	if w, ok := numberWords[strings.ToLower(s)]; ok {
		v, err = w, nil
	}
	if err != nil {
		return 0, problem("rating_not_number", args{"Value": shown})
	}
	return inScale(v, sc, shown)
}

func inScale(v float64, sc scale, shown string) (float64, *Problem) {
	if v < sc.min || v > sc.max {
		return 0, problem("rating_outside_scale", args{"Value": shown, "Scale": sc.name})
	}
	return sc.normalise(v), nil
}

type stars struct{ full, total int }

// parseStars counts star glyphs; ok is false unless s is made only of them
// (and spaces).
func parseStars(s string) (stars, bool) {
	var st stars
	for _, r := range s {
		switch r {
		case starFull, starEmoji:
			st.full++
		case starEmpty:
		case ' ', '\uFE0F': // the emoji star often carries a variation selector
			continue
		default:
			return stars{}, false
		}
		st.total++
	}
	return st, st.total > 0
}

// trimWord drops a trailing word after a number: "4 stars" → "4".
func trimWord(s string) string {
	i := strings.IndexFunc(s, unicode.IsLetter)
	if i <= 0 || strings.ContainsFunc(s[i:], func(r rune) bool { return !unicode.IsLetter(r) }) {
		return s
	}
	return strings.TrimSpace(s[:i])
}

var errNotNumber = errors.New("not a number")

// parseNumber reads a finite decimal with a point or a comma.
func parseNumber(s string) (float64, error) {
	s = strings.TrimSpace(s)
	if strings.Count(s, ",") == 1 && !strings.Contains(s, ".") {
		s = strings.Replace(s, ",", ".", 1)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, errNotNumber
	}
	return v, nil
}

func formatNum(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// quoteValue shows a rating in a message: numbers bare (rating 7), anything
// else quoted.
func quoteValue(s string) string {
	if _, err := strconv.ParseFloat(s, 64); err == nil && len(s) < 20 {
		return s
	}
	return quote(s)
}

// quote shows a value in a message, quoted and cut to a readable length.
func quote(s string) string {
	const show = 40
	n := 0
	for i := range s {
		if n == show {
			s = s[:i] + "…"
			break
		}
		n++
	}
	return strconv.Quote(s)
}
