package importer

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/samtal-dev/samtal"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name  string
		m     Mapping
		field string // "" when valid
	}{
		{"text only", Mapping{Text: "text"}, ""},
		{"full", Mapping{Text: "text", Author: "a", Rating: "r", Date: "d", URL: "u", Title: "t", Language: "l", ID: "id", AuthorHandle: "e", RatingScale: "0-10", DateFormat: "02.01.2006", Network: "Trustpilot"}, ""},
		{"no text", Mapping{Author: "a"}, "text"},
		{"blank text", Mapping{Text: "  "}, "text"},
		{"bad scale", Mapping{Text: "t", RatingScale: "thumbs"}, "rating_scale"},
		{"bad date format", Mapping{Text: "t", DateFormat: "dd.mm.yyyy"}, "date_format"},
		{"bad network", Mapping{Text: "t", Network: "trust pilot"}, "network"},
		{"long column", Mapping{Text: "t", Author: strings.Repeat("a", 201)}, "author"},
		{"control in column", Mapping{Text: "t", Date: "da\nte"}, "date"},
	}
	for _, tt := range tests {
		err := tt.m.Validate()
		if tt.field == "" {
			if err != nil {
				t.Errorf("%s: Validate = %v, want nil", tt.name, err)
			}
			continue
		}
		if samtal.ErrorCode(err) != samtal.EINVALID {
			t.Errorf("%s: Validate = %v, want EINVALID", tt.name, err)
			continue
		}
		if e := err.(*samtal.Error); e.Field != tt.field {
			t.Errorf("%s: Validate names field %q, want %q", tt.name, e.Field, tt.field)
		}
	}
}

func TestMappingJSON(t *testing.T) {
	m := Mapping{Text: "Review Content", Author: "reviewer.name", Rating: "stars", Date: "date", URL: "link", Title: "title", Language: "lang", ID: "id", AuthorHandle: "email", RatingScale: "1-5", DateFormat: "02.01.2006", Network: "trustpilot", Records: "reviews"}
	data, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{`"text":`, `"author":`, `"rating":`, `"date":`, `"url":`, `"title":`, `"language":`, `"id":`, `"author_handle":`, `"rating_scale":`, `"date_format":`, `"network":`, `"records":`} {
		if !strings.Contains(string(data), k) {
			t.Errorf("JSON %s has no key %s", data, k)
		}
	}
	got, err := ParseMapping(data)
	if err != nil || got != m {
		t.Errorf("ParseMapping(Marshal(m)) = %+v, %v; want %+v", got, err, m)
	}
	if data, _ := json.Marshal(Mapping{Text: "t"}); string(data) != `{"text":"t"}` {
		t.Errorf("minimal mapping = %s, want only text", data)
	}
}

func TestParseMappingRefuses(t *testing.T) {
	tests := []struct {
		in, code string
	}{
		{`{"text":"t","date_fromat":"02.01.2006"}`, samtal.EMALFORMED},
		{`{"text":`, samtal.EMALFORMED},
		{`{"author":"a"}`, samtal.EINVALID},
	}
	for _, tt := range tests {
		if _, err := ParseMapping([]byte(tt.in)); samtal.ErrorCode(err) != tt.code {
			t.Errorf("ParseMapping(%s) = %v, want code %s", tt.in, err, tt.code)
		}
	}
}
