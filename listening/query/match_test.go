package query

import "testing"

func text(s string) Doc { return Doc{Text: s} }

func rating(r float64) *float64 { return &r }

func TestMatch(t *testing.T) {
	tests := []struct {
		q    string
		doc  Doc
		want bool
	}{
		// Words are whole tokens, case- and accent-insensitive.
		{"ikea", text("I love IKEA!"), true},
		{"ikea", text("ikeasofa"), false},
		{"ikea", text("IKEA's new store"), true},
		{"ikea", text("Rendez-vous chez l’IKEA"), true},
		{"ikea's", text("IKEA’s sofa"), true},
		{"ikea's", text("ikea sofa"), false},
		{"don't", text("I don’t like it"), true},
		{"don't", text("I dont like it"), false},
		{"don't", text("I don t like it"), false},
		{"grøn", text("En GRØN sofa"), true},
		{"grøn", text("en gron sofa"), true},
		{"grøn", text("grønne sofaer"), false},
		{"gron", text("grøn"), true},
		{"straße", text("Die STRASSE ist lang"), true},
		{"straße", text("Hauptstraße"), false},
		{"müller", text("Herr Muller"), true},
		{"müller", text("Herr Mueller"), false},
		{"aeble", text("Et æble om dagen"), true},
		{"café", text("cafe\u0301 au lait"), true},
		{"cafe", text("CAFÉ"), true},
		{"and", text("ikea and jysk"), true},
		// Phrases.
		{`"grøn sofa"`, text("Jeg købte en grøn sofa i går"), true},
		{`"grøn sofa"`, text("Grøn, sofa!"), true},
		{`"grøn sofa"`, text("en sofa, grøn"), false},
		{`"grøn sofa"`, text("grøn stor sofa"), false},
		{`"ikea sofa"`, text("IKEA's sofa"), true},
		{"ikea.com", text("bought on IKEA.com today"), true},
		{"ikea.com", text("ikea com"), true},
		{"ikea.com", text("ikea dot com"), false},
		{`"green sofa"~2`, text("green leather sofa"), true},
		{`"green sofa"~2`, text("the sofa is green"), true},
		{`"green sofa"~2`, text("green a b c sofa"), false},
		{`"green sofa"~0`, text("sofa green"), true},
		{`"very very good"~1`, text("very good"), false},
		{`"very very good"~1`, text("very good very"), true},
		{`"very very good"~1`, text("very very nice good"), true},
		{`"very very good"~1`, text("very x very y good"), false},
		{`"ikea so*"`, text("ikea sofas"), true},
		{`"ikea so*"`, text("ikea bed"), false},
		// Wildcards.
		{"colo?r", text("a nice colour"), true},
		{"colo?r", text("a nice color"), false},
		{"colo?r", text("a nice colouur"), false},
		{"sof*", text("sofa"), true},
		{"sof*", text("SOFAS"), true},
		{"sof*", text("sof"), true},
		{"sof*", text("so"), false},
		{"sof*", text("ikea-sofa"), true},
		{"s*fa", text("sofa"), true},
		{"s*fa", text("sfa"), true},
		{"s*fa", text("sofas"), false},
		{"mö?el", text("Möbel"), true},
		{"möbel*", text("Neue Möbelstücke bei IKEA"), true},
		{"ikea*", text("IKEA's"), true},
		// NEAR.
		{"ikea NEAR/3 sofa", text("ikea sofa"), true},
		{"ikea NEAR/3 sofa", text("a sofa from ikea"), true},
		{"ikea NEAR/3 sofa", text("ikea a b c sofa"), true},
		{"ikea NEAR/3 sofa", text("ikea a b c d sofa"), false},
		{"ikea NEAR/3 sofa", text("sofa a b c d ikea"), false},
		{"ikea NEAR/3f sofa", text("ikea has a sofa"), true},
		{"ikea NEAR/3f sofa", text("sofa from ikea"), false},
		{"ikea NEAR/3f sofa", text("sofa from ikea and a sofa"), true},
		{"ikea NEAR/0 sofa", text("sofa ikea"), true},
		{"ikea NEAR/0 sofa", text("ikea x sofa"), false},
		{"sof* NEAR/1 sofa", text("sofa"), false},
		{"sof* NEAR/1 sofa", text("sofas sofa"), true},
		{`(ikea OR jysk) NEAR/2 ("green sofa" OR couch)`, text("Jysk sells a green sofa"), true},
		{`(ikea OR jysk) NEAR/2 ("green sofa" OR couch)`, text("green sofa from the Jysk"), true},
		{`(ikea OR jysk) NEAR/2 ("green sofa" OR couch)`, text("jysk a b c couch"), false},
		{`"green sofa" NEAR/1f ikea`, text("the green sofa at ikea"), true},
		{`"green sofa" NEAR/1f ikea`, text("ikea green sofa"), false},
		{"ikea NEAR/5 möbel*", text("IKEA hat neue Möbel"), true},
		{"NOT ikea NEAR/2 sofa AND jysk", text("jysk sofa, ikea"), false},
		{"NOT ikea NEAR/2 sofa AND jysk", text("jysk sofa, a b c ikea"), true},
		// Boolean operators.
		{"ikea AND sofa", text("sofa ikea"), true},
		{"ikea AND sofa", text("ikea"), false},
		{"ikea sofa", text("ikea"), false},
		{"ikea OR jysk", text("jysk"), true},
		{"ikea OR jysk", text("ilva"), false},
		{"ikea AND NOT sofa", text("ikea chair"), true},
		{"ikea AND NOT sofa", text("ikea sofa"), false},
		{`"grøn sofa" AND NOT (brugt OR "til salg")`, text("Jeg har købt en grøn sofa hos IKEA"), true},
		{`"grøn sofa" AND NOT (brugt OR "til salg")`, text("Grøn sofa til salg"), false},
		{`(möbel* OR sofa) AND ikea`, text("Neue Möbelstücke bei IKEA"), true},
		{`(möbel* OR sofa) AND ikea`, text("Neue Möbelstücke bei Jysk"), false},
		// Title and text.
		{"sofa", Doc{Title: "Sofa"}, true},
		{"title:sofa", Doc{Title: "New sofa", Text: "nice"}, true},
		{"title:sofa", Doc{Title: "New", Text: "sofa"}, false},
		{`title:"new sofa"`, Doc{Title: "New sofa"}, true},
		{"title:(sofa OR couch) AND ikea", Doc{Title: "Couch", Text: "from IKEA"}, true},
		{"title:so*", Doc{Title: "x", Text: "sofa"}, false},
		{"title:so*", Doc{Title: "sofas", Text: "x"}, true},
		{`"green sofa"`, Doc{Title: "green", Text: "sofa"}, false},
		{"ikea NEAR/1 sofa", Doc{Title: "ikea", Text: "sofa"}, false},
		// Author.
		{"author:anna", Doc{Author: "Anna Larsen", Text: "hi"}, true},
		{"author:anna", Doc{AuthorHandle: "@anna@mastodon.social"}, true},
		{`author:"anna larsen"`, Doc{Author: "Anna Larsen"}, true},
		{`author:"anna larsen"`, Doc{Author: "Larsen, Anna"}, false},
		{"author:anna", Doc{Text: "anna"}, false},
		{"anna", Doc{Author: "Anna"}, false},
		{"author:ikea", Doc{Author: "Ikea Deutschland", AuthorHandle: "ikea_de"}, true},
		{`author:"anna" AND sofa`, Doc{Author: "Anna Larsen @anna", Text: "my sofa"}, true},
		// Site and url.
		{"site:ikea.com", Doc{URL: "https://www.ikea.com/de/x"}, true},
		{"site:ikea.com", Doc{URL: "https://shop.IKEA.com/"}, true},
		{"site:ikea.com", Doc{URL: "http://ikea.com:8080/x"}, true},
		{"site:ikea.com", Doc{URL: "https://notikea.com/"}, false},
		{"site:ikea.com", Doc{URL: "https://ikea.com.evil.net/ikea.com"}, false},
		{"site:ikea.com", Doc{URL: ""}, false},
		{"site:www.ikea.com", Doc{URL: "https://ikea.com"}, true},
		{"url:ikea.com/de", Doc{URL: "https://www.ikea.com/de/sofa"}, true},
		{"url:ikea.com/de", Doc{URL: "https://www.ikea.com/dk/"}, false},
		{"url:Sofa", Doc{URL: "https://jysk.dk/SOFAER"}, true},
		// Language and rating.
		{"language:de AND sofa", Doc{Lang: "de", Text: "Sofa"}, true},
		{"language:de AND sofa", Doc{Lang: "de-AT", Text: "Sofa"}, true},
		{"language:de AND sofa", Doc{Lang: "da", Text: "Sofa"}, false},
		{"language:de AND sofa", Doc{Text: "Sofa"}, false},
		{"rating:[0.6 TO 1]", Doc{Rating: rating(0.6)}, true},
		{"rating:[0.6 TO 1]", Doc{Rating: rating(1)}, true},
		{"rating:[0.6 TO 1]", Doc{Rating: rating(0.59)}, false},
		{"rating:[0.6 TO 1]", Doc{}, false},
		{"rating:[0 TO 0.2] AND NOT ikea", Doc{Rating: rating(0)}, true},
	}
	for _, tt := range tests {
		q, err := Parse(tt.q)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.q, err)
		}
		p := Prepare(tt.doc)
		if got := q.Match(p); got != tt.want {
			t.Errorf("Parse(%q).Match(%+v) = %v, want %v", tt.q, tt.doc, got, tt.want)
		}
		// A single-topic index must agree with the query.
		got := NewIndex(map[int64]*Query{7: q}).Match(p)
		if (len(got) == 1) != tt.want {
			t.Errorf("index of %q on %+v = %v, want match %v", tt.q, tt.doc, got, tt.want)
		}
	}
}

func TestGlob(t *testing.T) {
	tests := []struct {
		pat, s string
		want   bool
	}{
		{"so*", "sofa", true},
		{"so*", "so", true},
		{"so*a", "sofaa", true},
		{"so*a", "sofab", false},
		{"s?fa", "sxfa", true},
		{"s?fa", "søfa", true},
		{"s?fa", "sfa", false},
		{"a*b*c", "axxbyyc", true},
		{"a*b*c", "axxbyy", false},
		{"*", "", true},
		{"?", "", false},
		{"a?", "aé", true},
	}
	for _, tt := range tests {
		if got := glob(tt.pat, tt.s); got != tt.want {
			t.Errorf("glob(%q, %q) = %v, want %v", tt.pat, tt.s, got, tt.want)
		}
	}
}

func TestPrepareTokens(t *testing.T) {
	p := Prepare(Doc{Title: "IKEA’s Sofa", Text: "Don't—buy 2 sofas; rock'n'roll!"})
	want := []string{"2", "buy", "don", "don't", "ikea", "ikea's", "n", "rock", "rock'n'roll", "roll", "s", "sofa", "sofas", "t"}
	if len(p.terms) != len(want) {
		t.Fatalf("terms = %q, want %q", p.terms, want)
	}
	for i := range want {
		if p.terms[i] != want[i] {
			t.Fatalf("terms = %q, want %q", p.terms, want)
		}
	}
	if i := p.find("sofa", hashString("sofa")); p.occ(i)[0] != 1 {
		t.Errorf("sofa at %v, want 1 (title)", p.occ(i))
	}
	if i := p.find("buy", hashString("buy")); p.occ(i)[0] != 2+regionGap+1 {
		t.Errorf("buy at %v, want %d", p.occ(i), 2+regionGap+1)
	}
}
