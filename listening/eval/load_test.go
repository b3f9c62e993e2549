package eval

import (
	"reflect"
	"strings"
	"testing"
)

func TestLoadReads(t *testing.T) {
	in := `{"id":"en-1","lang":"en","sentiment":"negative","text":"Cold food.","source":"s"}

{"id":"da-1","lang":"da","sentiment":null,"text":"Tak!","source":"s"}` + "\r\n" +
		`{"id":"sv-1","lang":"sv","text":"Tack!","source":"s"}`
	got, err := Load(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Example{
		{ID: "en-1", Lang: "en", Sentiment: "negative", Text: "Cold food.", Source: "s"},
		{ID: "da-1", Lang: "da", Text: "Tak!", Source: "s"},
		{ID: "sv-1", Lang: "sv", Text: "Tack!", Source: "s"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Load = %+v, want %+v", got, want)
	}
}

func TestLoadRejects(t *testing.T) {
	good := `{"id":"en-1","lang":"en","sentiment":"positive","text":"Great.","source":"s"}` + "\n"
	tests := []struct {
		name string
		in   string
		want string // substring of the error
	}{
		{"malformed JSON", good + good[:20] + "\n", "line 2: decode"},
		{"line number counts blank lines", good + "\n\n" + `{"id":`, "line 4:"},
		{"two values on a line", good + strings.TrimSpace(good) + ` {}`, "line 2: more than one JSON value"},
		{"not an object", `["en-1","en"]`, "line 1: decode"},
		{"unknown field", `{"id":"en-1","lang":"en","sentimant":"positive","text":"t","source":"s"}`, `line 1: decode: json: unknown field "sentimant"`},
		{"unknown language", `{"id":"x-1","lang":"nb","text":"t","source":"s"}`, `line 1: id x-1: lang "nb" is not one of`},
		{"unknown sentiment", `{"id":"en-1","lang":"en","sentiment":"mixed","text":"t","source":"s"}`, `line 1: id en-1: sentiment "mixed"`},
		{"empty sentiment", `{"id":"en-1","lang":"en","sentiment":"","text":"t","source":"s"}`, `line 1: sentiment is ""`},
		{"empty id", `{"id":" ","lang":"en","text":"t","source":"s"}`, "line 1: id is empty"},
		{"empty text", `{"id":"en-1","lang":"en","text":"  ","source":"s"}`, "line 1: id en-1: text is empty"},
		{"missing source", `{"id":"en-1","lang":"en","text":"t"}`, "line 1: id en-1: source is empty"},
		{"duplicate id", good + `{"id":"de-1","lang":"de","text":"t","source":"s"}` + "\n" + good, `line 3: id "en-1" already used on line 1`},
		{"line too long", good + strings.Repeat("x", maxLine+1), "after line 1:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Load(strings.NewReader(tt.in))
			if err == nil {
				t.Fatalf("Load = %d examples and no error, want error containing %q", len(got), tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Load error = %q, want it to contain %q", err, tt.want)
			}
			if got != nil {
				t.Errorf("Load returned %d examples with the error, want none", len(got))
			}
		})
	}
}
