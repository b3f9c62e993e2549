package importer

import (
	"strings"
	"testing"
	"time"
)

func TestParseDateDefaults(t *testing.T) {
	day := time.Date(2024, 5, 31, 0, 0, 0, 0, time.UTC)
	at := time.Date(2024, 5, 31, 14, 30, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Time
	}{
		{"2024-05-31", day},
		{"2024-05-31T14:30:00Z", at},
		{"2024-05-31T16:30:00+02:00", at},
		{"2024-05-31T14:30:00.000Z", at},
		{"2024-05-31T14:30:00", at},
		{"2024-05-31T14:30", at},
		{"2024-05-31 14:30:00", at},
		{"2024-05-31 14:30", at},
		{"2024-05-31 16:30:00+02:00", at},
		{"2024-05-31T16:30:00+0200", at},
		{"31.05.2024", day},                // German
		{"31.5.2024", day},                 // German, no padding
		{"31.05.2024 14:30", at},           // German with time
		{"31.05.2024 14:30:00", at},        // German with seconds
		{"31.05.24", day},                  // German, two-digit year
		{"31-05-2024", day},                // Danish
		{"31/05/2024", day},                // Danish, slashes
		{"1/6/2024", day.AddDate(0, 0, 1)}, // day first: 1 June
		{"May 31, 2024", day},
		{"31 May 2024", day},
		{"Fri, 31 May 2024 14:30:00 +0000", at},
		{"1717165800", at},    // Unix seconds
		{"1717165800000", at}, // Unix milliseconds
		{" 2024-05-31 ", day},
	}
	p, err := newDateParser("")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		got, err := p.parse(tt.in)
		if err != nil || !got.Equal(tt.want) || got.Location() != time.UTC {
			t.Errorf("parse(%q) = %v, %v; want %v in UTC", tt.in, got, err, tt.want)
		}
	}
}

func TestParseDateErrors(t *testing.T) {
	tests := []struct {
		format, in, want string
	}{
		{"", "31.13.2024", `date "31.13.2024" is not a date (expected e.g. 2024-05-31 or 31.05.2024)`},
		{"", "05/31/2024", `date "05/31/2024" is not a date (expected e.g. 2024-05-31 or 31.05.2024; for month-first dates set the date format to 01/02/2006)`},
		{"", "yesterday", `date "yesterday" is not a date`},
		{"", "2024-02-30", `date "2024-02-30" is not a date`},
		{"", "20240531", `date "20240531" is not a date`},
		{"02.01.2006", "2024-05-31", `date "2024-05-31" does not match the date format 02.01.2006 (e.g. 31.05.2024)`},
		{"unix", "soon", `date "soon" is not a Unix time`},
	}
	for _, tt := range tests {
		p, err := newDateParser(tt.format)
		if err != nil {
			t.Fatal(err)
		}
		_, prob := p.parse(tt.in)
		if prob == nil || !strings.Contains(prob.Message(), tt.want) {
			t.Errorf("parse(%q) with format %q problem = %+v, want it to contain %q", tt.in, tt.format, prob, tt.want)
		}
	}
}

func TestParseDateExplicitFormat(t *testing.T) {
	tests := []struct {
		format, in string
		want       time.Time
	}{
		{"01/02/2006", "05/06/2024", time.Date(2024, 5, 6, 0, 0, 0, 0, time.UTC)}, // month first only when asked
		{"02.01.2006 15:04", "31.05.2024 14:30", time.Date(2024, 5, 31, 14, 30, 0, 0, time.UTC)},
		{"unix", "1717165800", time.Date(2024, 5, 31, 14, 30, 0, 0, time.UTC)},
		{"unixms", "1717165800000", time.Date(2024, 5, 31, 14, 30, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		p, err := newDateParser(tt.format)
		if err != nil {
			t.Fatalf("newDateParser(%q): %v", tt.format, err)
		}
		got, prob := p.parse(tt.in)
		if prob != nil || !got.Equal(tt.want) {
			t.Errorf("parse(%q) with %q = %v, %+v; want %v", tt.in, tt.format, got, prob, tt.want)
		}
	}
	// The default reads 05/06/2024 day first: 5 June.
	p, _ := newDateParser("")
	if got, _ := p.parse("05/06/2024"); got.Month() != time.June {
		t.Errorf("default parse of 05/06/2024 = %v, want 5 June", got)
	}
}

func TestDateFormatInvalid(t *testing.T) {
	for _, f := range []string{"YYYY-MM-DD", "dd.mm.yyyy", "01/02", "15:04"} {
		if _, err := newDateParser(f); err == nil {
			t.Errorf("newDateParser(%q) accepted a layout without a year", f)
		}
	}
}
