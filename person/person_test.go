package person_test

import (
	"testing"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/person"
)

func TestNormalizeIdentity(t *testing.T) {
	tests := []struct {
		in          person.Identity
		wantValue   string
		wantNetwork string
		wantField   string // "" means valid
	}{
		{person.Identity{Kind: person.KindEmail, Value: "  Anne.Sorensen@Example.DK "}, "anne.sorensen@example.dk", "", ""},
		{person.Identity{Kind: person.KindEmail, Value: "Anne <anne@example.dk>"}, "", "", "email"},
		{person.Identity{Kind: person.KindEmail, Value: "anne@localhost"}, "", "", "email"},
		{person.Identity{Kind: person.KindEmail, Value: "not an email"}, "", "", "email"},
		{person.Identity{Kind: person.KindHandle, Network: "Mastodon", Value: "@EmmaBuilds@mastodon.social"}, "emmabuilds@mastodon.social", "mastodon", ""},
		{person.Identity{Kind: person.KindHandle, Value: "frederik"}, "", "", "network"},
		{person.Identity{Kind: person.KindHandle, Network: "instagram", Value: "two words"}, "", "", "value"},
		{person.Identity{Kind: person.KindURL, Value: "https://www.Jonas-Wohnt.example.de/"}, "jonas-wohnt.example.de", "", ""},
		{person.Identity{Kind: person.KindURL, Value: "http://jonas-wohnt.example.de/blog/"}, "jonas-wohnt.example.de/blog", "", ""},
		{person.Identity{Kind: person.KindURL, Value: "javascript:alert(1)"}, "", "", "value"},
		{person.Identity{Kind: person.KindReviewName, Network: "Trustpilot", Value: "  Anne   S. "}, "anne s.", "trustpilot", ""},
		{person.Identity{Kind: person.KindReviewName, Network: "trustpilot", Value: "   "}, "", "", "value"},
		{person.Identity{Kind: "phone", Value: "+45 1234"}, "", "", "kind"},
	}
	for _, tt := range tests {
		got, err := person.NormalizeIdentity(tt.in)
		if tt.wantField != "" {
			var e *samtal.Error
			if err == nil || samtal.ErrorCode(err) != samtal.EINVALID {
				t.Errorf("%+v: err = %v, want EINVALID on %s", tt.in, err, tt.wantField)
			} else if e, _ = err.(*samtal.Error); e.Field != tt.wantField {
				t.Errorf("%+v: field = %q, want %q", tt.in, e.Field, tt.wantField)
			}
			continue
		}
		if err != nil {
			t.Errorf("%+v: %v", tt.in, err)
			continue
		}
		if got.Value != tt.wantValue || got.Network != tt.wantNetwork {
			t.Errorf("%+v: got (%q, %q), want (%q, %q)", tt.in, got.Network, got.Value, tt.wantNetwork, tt.wantValue)
		}
		if got.Display == "" {
			t.Errorf("%+v: display lost", tt.in)
		}
	}
}

func TestNameKey(t *testing.T) {
	for _, tt := range []struct{ a, b string }{
		{"Katrin Müller", "mueller katrin"},
		{"Søren Ærø", "Soeren  Aeroe"},
		{"Åse Grünewald-Strauß", "aase gruenewald strauss"},
		{"José  Núñez", "nunez jose"},
	} {
		if ka, kb := person.NameKey(tt.a), person.NameKey(tt.b); ka == "" || ka != kb {
			t.Errorf("NameKey(%q) = %q, NameKey(%q) = %q; want equal", tt.a, ka, tt.b, kb)
		}
	}
	for _, name := range []string{"", "Bo", "  ", "Anne"} {
		if k := person.NameKey(name); name != "Anne" && k != "" {
			t.Errorf("NameKey(%q) = %q, want none", name, k)
		}
	}
	if person.NameKey("Anna Jensen") == person.NameKey("Anne Jensen") {
		t.Error("different first names share a key")
	}
}
