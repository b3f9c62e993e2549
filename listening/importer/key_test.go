package importer

import (
	"testing"
	"time"

	"github.com/samtal-dev/samtal/listening/raw"
)

func TestKey(t *testing.T) {
	date := time.Date(2024, 5, 31, 14, 30, 0, 0, time.UTC)
	tests := []struct {
		name string
		it   raw.Item
		want string
	}{
		{"id first", raw.Item{ExternalID: "abc", URL: "https://x.org/1", Text: "t"}, "id:abc"},
		{"then url", raw.Item{URL: "https://x.org/1", Text: "t"}, "url:https://x.org/1"},
		// These hashes are stored by every import: they must never change.
		// (printf "Anna\n2024-05-31T14:30:00Z\nGreat shop" | sha256sum)
		{"hash", raw.Item{Author: "Anna", Published: date, Text: "Great shop"}, "text:2b090dcd933091616523b0e0f25a3663"},
		{"hash without date", raw.Item{Author: "Anna", Text: "Great shop"}, "text:f831fef5e0505d093173eb823c3e0fe6"},
	}
	for _, tt := range tests {
		if got := Key(tt.it); got != tt.want {
			t.Errorf("%s: Key = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestKeyHashInputs(t *testing.T) {
	date := time.Date(2024, 5, 31, 14, 30, 0, 0, time.UTC)
	base := raw.Item{Author: "Anna", Published: date, Text: "Great shop"}
	same := []raw.Item{
		{Author: "Anna ", Published: date, Text: "Great  shop\n"},                              // white space does not count
		{Author: "Anna", Published: date.In(time.FixedZone("CEST", 7200)), Text: "Great shop"}, // nor the zone
		{Author: "Anna", Published: date, Text: "Great shop", Title: "x", Rating: ptr(1), Lang: "en"},
	}
	for _, it := range same {
		if Key(it) != Key(base) {
			t.Errorf("Key(%+v) differs from Key(%+v)", it, base)
		}
	}
	differ := []raw.Item{
		{Author: "Ben", Published: date, Text: "Great shop"},
		{Author: "Anna", Published: date.AddDate(0, 0, 1), Text: "Great shop"},
		{Author: "Anna", Published: date, Text: "Great shop!"},
		{Author: "Anna\nGreat", Published: date, Text: "shop"},
	}
	for _, it := range differ {
		if Key(it) == Key(base) {
			t.Errorf("Key(%+v) equals Key(%+v)", it, base)
		}
	}
}
