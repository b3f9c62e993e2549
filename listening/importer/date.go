package importer

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Layouts tried when the mapping names no date format, grouped by the shape
// of the value so that a row costs one or two attempts, not ten. Dates
// without a zone are UTC.
var (
	isoLayouts = []string{
		"2006-01-02",
		time.RFC3339Nano, // also reads RFC 3339 without fractions
		"2006-01-02T15:04:05",
		"2006-01-02T15:04",
		"2006-01-02 15:04:05Z07:00",
		"2006-01-02 15:04:05",
		"2006-01-02 15:04",
		"2006-01-02T15:04:05Z0700",
		"2006-01-02 15:04:05 -0700",
		"2006-01-02 15:04:05 MST",
	}
	// dayFirst are European dates; "2" and "1" read one or two digits.
	// The separator ('.', '-' or '/') is put in per value.
	dayFirst = []string{
		"2x1x2006",
		"2x1x2006 15:04",
		"2x1x2006 15:04:05",
		"2x1x06",
		"2x1x06 15:04",
	}
	wordLayouts = []string{
		time.RFC1123Z,
		time.RFC1123,
		"Jan 2, 2006",
		"January 2, 2006",
		"2 Jan 2006",
		"2 January 2006",
		"Jan 2, 2006 15:04",
		"January 2, 2006 15:04",
	}
)

// dayFirstBySep holds dayFirst with each separator put in, built once.
var dayFirstBySep = map[byte][]string{
	'.': withSep('.'),
	'-': withSep('-'),
	'/': withSep('/'),
}

func withSep(sep byte) []string {
	out := make([]string, len(dayFirst))
	for i, l := range dayFirst {
		out[i] = strings.ReplaceAll(l, "x", string(sep))
	}
	return out
}

// exampleTime is the date shown in messages: "expected e.g. 2024-05-31".
var exampleTime = time.Date(2024, 5, 31, 14, 30, 0, 0, time.UTC)

// dateParser reads the dates of one mapping.
type dateParser struct {
	layout string // "" for the default list
}

// newDateParser checks a Mapping.DateFormat.
func newDateParser(format string) (dateParser, error) {
	format = strings.TrimSpace(format)
	switch format {
	case "", "unix", "unixms":
		return dateParser{format}, nil
	}
	// A layout must survive a round trip and contain at least a year;
	// "YYYY-MM-DD" is a common mistake and comes back unchanged.
	s := exampleTime.Format(format)
	t, err := time.Parse(format, s)
	if err != nil || s == format || t.Year() != exampleTime.Year() {
		return dateParser{}, fmt.Errorf("the date format %q is not a Go layout with a year; write the date 2 January 2006 15:04:05 the way the file does (e.g. 02.01.2006 or 01/02/2006)", format)
	}
	return dateParser{format}, nil
}

var errNotDate = errors.New("not a date")

// parse reads one date value. A problem names the value as staff typed it.
func (p dateParser) parse(s string) (time.Time, *Problem) {
	s = strings.TrimSpace(s)
	var t time.Time
	var err error
	switch p.layout {
	case "":
		t, err = parseAnyDate(s)
	case "unix", "unixms":
		t, err = parseUnix(s, p.layout == "unixms")
	default:
		t, err = time.Parse(p.layout, s)
	}
	if err != nil {
		return time.Time{}, p.explain(s)
	}
	return t.UTC(), nil
}

func (p dateParser) explain(s string) *Problem {
	shown := quote(s)
	switch p.layout {
	case "":
		if looksMonthFirst(s) {
			return problem("date_invalid_month_first", args{"Value": shown})
		}
		return problem("date_invalid", args{"Value": shown})
	case "unix", "unixms":
		return problem("date_not_unix", args{"Value": shown})
	}
	return problem("date_format_mismatch", args{"Value": shown, "Format": p.layout, "Example": exampleTime.Format(p.layout)})
}

// parseAnyDate tries the default layouts that fit the value's shape.
func parseAnyDate(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, errNotDate
	}
	if allDigits(s) {
		// 10 digits are seconds since 1970, 13 milliseconds, as JSON
		// exports write them; a bare "20240531" is not taken as a time.
		switch len(s) {
		case 10:
			return parseUnix(s, false)
		case 13:
			return parseUnix(s, true)
		}
		return time.Time{}, errNotDate
	}
	var layouts []string
	switch {
	case len(s) >= 10 && s[4] == '-' && allDigits(s[:4]):
		layouts = isoLayouts
		if len(s) == 10 {
			layouts = layouts[:1]
		}
	case len(s) >= 6 && (isSep(s[1]) || isSep(s[2])):
		sep := s[1]
		if !isSep(sep) {
			sep = s[2]
		}
		layouts = dayFirstBySep[sep]
	default:
		layouts = wordLayouts
	}
	for _, l := range layouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errNotDate
}

func parseUnix(s string, ms bool) (time.Time, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return time.Time{}, errNotDate
	}
	if ms {
		return time.UnixMilli(n), nil
	}
	return time.Unix(n, 0), nil
}

func isSep(c byte) bool { return c == '.' || c == '-' || c == '/' }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// looksMonthFirst reports a slash date whose second number is over 12, as
// in an American 05/31/2024.
func looksMonthFirst(s string) bool {
	parts := strings.SplitN(s, "/", 3)
	if len(parts) != 3 {
		return false
	}
	d, err := strconv.Atoi(parts[1])
	return err == nil && d > 12 && d <= 31
}
