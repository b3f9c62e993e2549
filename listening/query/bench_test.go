package query

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

var benchBrands = strings.Fields(`ikea jysk ilva bolia hay muuto boconcept lego carlsberg tuborg maersk
	vestas ørsted pandora ecco arla nordea telenor yousee netto føtex bilka rema coop irma salling
	zalando otto lidl aldi edeka rewe rossmann mediamarkt saturn bosch siemens miele adidas puma
	nike zara volvo bmw audi tesla spotify klarna vinted matas elgiganten power proshop komplett
	thansen bauhaus hornbach obi tchibo douglas flaschenpost gorillas wolt foodora lieferando
	hellofresh flink rohlik nemlig lyreco staples dell lenovo samsung apple sony philips braun
	dyson kärcher gardena stihl husqvarna electrolux whirlpool beko gorenje liebherr smeg delonghi
	nespresso jura melitta krups tefal wmf fissler zwilling georgjensen royalcopenhagen kähler
	normann menu fritzhansen carlhansen gubi vitra kartell magis flos louispoulsen artemide
	dsb sas norwegian lufthansa eurowings ryanair easyjet flixbus bahn rejsekort`)

var benchTopics = strings.Fields(`sofa sofaer couch stol stuhl chair bord tisch table seng bett bed
	lampe lamp levering lieferung delivery kundeservice kundenservice support pris preis price
	kvalitet qualität quality returnering rücksendung refund garanti garantie warranty defekt
	broken ødelagt kaputt forsinket verspätet delayed billig günstig cheap dyr teuer expensive
	app website hjemmeside webseite butik laden store filial montage assembly samling anleitung
	vejledning manual`)

var benchStems = strings.Fields(`sof møb möb lever liefer kund servic pris preis qualit kvalit
	defek ødela kaput forsink verspät billig günst monter samling`)

var benchSites = strings.Fields(`trustpilot.com trustpilot.dk reddit.com facebook.com x.com
	instagram.com idealo.de amazon.de pricerunner.dk tripadvisor.com`)

// benchQuery returns a topic query of the kinds marketing teams write.
func benchQuery(r *rand.Rand) string {
	b := func() string { return pick(r, benchBrands) }
	t := func() string { return pick(r, benchTopics) }
	or := func(f func() string, n int) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = f()
		}
		return "(" + strings.Join(parts, " OR ") + ")"
	}
	switch r.IntN(12) {
	case 0, 1:
		return or(b, 1+r.IntN(4))
	case 2:
		return fmt.Sprintf("(%s OR %s*) AND %s", b(), b(), or(t, 2+r.IntN(4)))
	case 3:
		return fmt.Sprintf("%s AND %s AND NOT (job OR jobs OR stilling OR stellenangebot)", b(), or(t, 3))
	case 4:
		return fmt.Sprintf("%s NEAR/5 (levering OR lieferung OR delivery OR %s)", b(), t())
	case 5:
		return fmt.Sprintf(`"%s %s"~3 OR %s NEAR/3f %s*`, b(), t(), b(), pick(r, benchStems))
	case 6:
		return fmt.Sprintf("site:%s AND %s", pick(r, benchSites), or(b, 2))
	case 7:
		return fmt.Sprintf("language:%s AND %s AND rating:[0 TO 0.4]", pick(r, []string{"de", "da", "en"}), or(b, 2))
	case 8:
		return fmt.Sprintf("title:(%s) AND (%s* OR %s)", b(), pick(r, benchStems), t())
	case 9:
		return fmt.Sprintf(`(%s OR "%s %s") AND NOT (%s OR %s) <<< competitor watch >>>`, b(), b(), t(), b(), t())
	case 10:
		if r.IntN(4) == 0 { // a topic without a word condition: checked on every mention
			return fmt.Sprintf("author:%s OR (%s AND %s)", b(), b(), t())
		}
		return fmt.Sprintf(`%s AND ("customer service" OR kundenservice OR kundeservice OR support*)`, b())
	}
	if r.IntN(3) == 0 {
		return fmt.Sprintf("site:%s AND rating:[0 TO 0.2]", pick(r, benchSites))
	}
	return fmt.Sprintf(`%s AND (%s OR "%s %s")`, or(b, 3), t(), t(), t())
}

func benchIndex(tb testing.TB, n int) (*Index, map[int64]*Query) {
	tb.Helper()
	r := rand.New(rand.NewPCG(uint64(n), 42))
	topics := make(map[int64]*Query, n)
	for i := range n {
		src := benchQuery(r)
		q, err := Parse(src)
		if err != nil {
			tb.Fatalf("Parse(%q): %v", src, err)
		}
		topics[int64(i+1)] = q
	}
	return NewIndex(topics), topics
}

// benchDocs are mentions of about 60 words in English, German and Danish.
var benchDocs = []Doc{
	{
		Title: "Late delivery, but a nice sofa",
		Text: `Ordered a new sofa from IKEA last week. The delivery was two days late and the
			customer service didn't answer my emails. The colour is nice though, and the price
			was fair for what you get. Assembly took about an hour with two people. Would I buy
			again? Probably, but I'd check Jysk and Bolia first next time. #ikea #sofa`,
		URL: "https://www.trustpilot.com/review/www.ikea.com", Lang: "en", Rating: rating(0.4),
		Author: "Sarah M.",
	},
	{
		Title: "Lieferung verspätet, Kundenservice schlecht",
		Text: `Ich habe bei Otto einen Tisch und vier Stühle bestellt. Die Lieferung kam eine
			Woche zu spät und ein Stuhl war kaputt. Der Kundenservice hat mich dreimal
			weiterverbunden, bis endlich jemand eine Rücksendung angeboten hat. Die Qualität
			des Tisches ist okay, der Preis war günstig, aber so etwas passiert mir bei
			Möbel Höffner nicht. Nie wieder, leider.`,
		URL: "https://www.idealo.de/preisvergleich/otto", Lang: "de", Rating: rating(0.2),
	},
	{
		Title: "Grøn sofa fra Jysk",
		Text: `Vi købte en grøn sofa hos Jysk i Aarhus, og den er blevet leveret i dag. Levering
			var hurtig og montøren var venlig. Stoffet føles lidt billigt, men prisen var også
			lav. Kundeservice svarede hurtigt på min mail om garanti. Alt i alt er vi glade,
			men jeg havde håbet på bedre kvalitet. Ikea havde en lignende model til næsten
			samme pris.`,
		URL: "https://www.facebook.com/jysk.dk/posts/1", Lang: "da", Rating: rating(0.7),
	},
	{
		Title: "Spotify app keeps crashing",
		Text: `Since the last update the Spotify app crashes every time I open a playlist on my
			Samsung phone. Support told me to reinstall, which did nothing. I pay for premium
			every month and this is what I get? Switched to Apple Music for now. Anyone else
			having the same problem with Android 15? Honestly the worst week of the service
			so far.`,
		URL: "https://old.reddit.com/r/truespotify/comments/abc", Lang: "en",
	},
}

func BenchmarkPrepare(b *testing.B) {
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		Prepare(benchDocs[i%len(benchDocs)])
	}
}

func BenchmarkParse(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	srcs := make([]string, 100)
	for i := range srcs {
		srcs[i] = benchQuery(r)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := Parse(srcs[i%len(srcs)]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIndexMatch matches a prepared mention against n topics through
// the Index; BenchmarkNaive does the same by checking every query, as the
// baseline the Index is measured against.
func BenchmarkIndexMatch(b *testing.B) {
	ps := prepared()
	for _, n := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("topics=%d", n), func(b *testing.B) {
			ix, _ := benchIndex(b, n)
			cand := 0
			for _, p := range ps {
				cand += countCandidates(ix, p)
			}
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				ix.Match(ps[i%len(ps)])
			}
			b.ReportMetric(float64(cand)/float64(len(ps)), "evaluated/op")
		})
	}
}

func BenchmarkNaive(b *testing.B) {
	ps := prepared()
	for _, n := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("topics=%d", n), func(b *testing.B) {
			_, topics := benchIndex(b, n)
			qs := make([]*Query, 0, len(topics))
			for _, q := range topics {
				qs = append(qs, q)
			}
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				p := ps[i%len(ps)]
				for _, q := range qs {
					q.Match(p)
				}
			}
		})
	}
}

// BenchmarkPrepareAndMatch is the whole cost per incoming mention.
func BenchmarkPrepareAndMatch(b *testing.B) {
	ix, _ := benchIndex(b, 1000)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		ix.Match(Prepare(benchDocs[i%len(benchDocs)]))
	}
}

func prepared() []*Prepared {
	ps := make([]*Prepared, len(benchDocs))
	for i, d := range benchDocs {
		ps[i] = Prepare(d)
	}
	return ps
}

// TestBenchTopicsMatch keeps the benchmark honest: its topics parse, some
// match its mentions, and the index agrees with naive matching.
func TestBenchTopicsMatch(t *testing.T) {
	ix, topics := benchIndex(t, 1000)
	total := 0
	for _, p := range prepared() {
		got := ix.Match(p)
		n := 0
		for _, q := range topics {
			if q.Match(p) {
				n++
			}
		}
		if len(got) != n {
			t.Errorf("index found %d topics, naive matching %d", len(got), n)
		}
		total += n
	}
	if total == 0 {
		t.Error("no benchmark topic matches any benchmark mention")
	}
}
