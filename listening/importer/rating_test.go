package importer

import (
	"math"
	"testing"
)

func TestParseScale(t *testing.T) {
	tests := []struct {
		in       string
		min, max float64
		wantErr  bool
	}{
		{"", 1, 5, false},
		{"stars", 1, 5, false},
		{"1-5", 1, 5, false},
		{" 0-10 ", 0, 10, false},
		{"0-100", 0, 100, false},
		{"percent", 0, 100, false},
		{"0-1", 0, 1, false},
		{"1-10", 1, 10, false},
		{"5-1", 0, 0, true},
		{"3-3", 0, 0, true},
		{"0-5000", 0, 0, true},
		{"thumbs", 0, 0, true},
		{"-1-1", 0, 0, true},
	}
	for _, tt := range tests {
		sc, err := parseScale(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("parseScale(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if !tt.wantErr && (sc.min != tt.min || sc.max != tt.max) {
			t.Errorf("parseScale(%q) = %v-%v, want %v-%v", tt.in, sc.min, sc.max, tt.min, tt.max)
		}
	}
}

func TestParseRating(t *testing.T) {
	tests := []struct {
		scale, in string
		want      float64
		wantErr   string
	}{
		{"1-5", "1", 0, ""},
		{"1-5", "2", 0.25, ""},
		{"1-5", "3", 0.5, ""},
		{"1-5", "4", 0.75, ""},
		{"1-5", "5", 1, ""},
		{"", "4", 0.75, ""},
		{"1-5", "4,5", 0.875, ""},
		{"1-5", "4.5", 0.875, ""},
		{"1-5", " 4 stars", 0.75, ""},
		{"1-5", "4 Sterne", 0.75, ""},
		{"1-5", "4/5", 0.75, ""},
		{"1-5", "★★★☆☆", 0.5, ""},
		{"stars", "★★★★★", 1, ""},
		{"stars", "★★★★", 0.75, ""},
		{"stars", "⭐️⭐️⭐️⭐️", 0.75, ""},
		{"1-5", "FOUR", 0.75, ""},
		{"1-5", "80%", 0.8, ""},
		{"0-10", "0", 0, ""},
		{"0-10", "7", 0.7, ""},
		{"0-10", "10", 1, ""},
		{"0-10", "8/10", 0.8, ""},
		{"0-100", "80", 0.8, ""},
		{"percent", "80 %", 0.8, ""},
		{"0-1", "0.9", 0.9, ""},
		{"1-5", "7", 0, "rating 7 is outside the scale 1-5"},
		{"1-5", "0", 0, "rating 0 is outside the scale 1-5"},
		{"1-5", "good", 0, `rating "good" is not a number`},
		{"1-5", "4/10", 0, `rating "4/10" does not fit the scale 1-5`},
		{"0-10", "11", 0, "rating 11 is outside the scale 0-10"},
		{"1-5", "120%", 0, `rating "120%" is outside 0-100%`},
		{"1-5", "★★★☆☆☆☆☆☆☆", 0, `rating "★★★☆☆☆☆☆☆☆" has 10 stars, but the scale is 1-5`},
		{"1-5", "NaN", 0, "rating NaN is not a number"},
		{"1-5", "Inf", 0, "rating Inf is not a number"},
		{"1-5", "4 of 5", 0, `rating "4 of 5" is not a number`},
	}
	for _, tt := range tests {
		sc, err := parseScale(tt.scale)
		if err != nil {
			t.Fatal(err)
		}
		got, prob := parseRating(tt.in, sc)
		if tt.wantErr != "" {
			if prob == nil || prob.Message() != tt.wantErr {
				t.Errorf("parseRating(%q, %s) problem = %+v, want %q", tt.in, tt.scale, prob, tt.wantErr)
			}
			continue
		}
		if prob != nil || math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("parseRating(%q, %s) = %v, %+v; want %v", tt.in, tt.scale, got, prob, tt.want)
		}
	}
}
