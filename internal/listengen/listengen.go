// Package listengen makes realistic mentions and topics for the load
// benchmark and the listening benchmarks: reviews of many brands' furniture
// in English, German and Danish, and topic queries of the shapes teams
// write. Deterministic for a given random source.
package listengen

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/samtal-dev/samtal/listening/raw"
)

// The words the generated mentions and topics are made of: what people
// write in reviews and posts about furniture and home brands, in English,
// German and Danish. Brands and product lines are many, so that 1,000
// topics each follow something different, as a big team's topics do.
var (
	genProducts = map[string][]string{
		"en": {"sofa", "couch", "armchair", "table", "lamp", "bed", "mattress", "wardrobe", "shelf", "kitchen", "chair", "desk", "rug", "curtains"},
		"de": {"sofa", "couch", "sessel", "tisch", "lampe", "bett", "matratze", "schrank", "regal", "küche", "stuhl", "schreibtisch", "teppich", "vorhänge"},
		"da": {"sofa", "sofaen", "lænestol", "bord", "lampe", "seng", "madras", "skab", "reol", "køkken", "stol", "skrivebord", "tæppe", "gardiner"},
	}
	genPraise = map[string][]string{
		"en": {"love it", "really comfortable", "great quality", "beautiful design", "friendly staff", "fast delivery", "worth every penny"},
		"de": {"wirklich bequem", "tolle Qualität", "schönes Design", "freundliches Personal", "schnelle Lieferung", "sehr zufrieden"},
		"da": {"virkelig behagelig", "god kvalitet", "flot design", "venligt personale", "hurtig levering", "meget tilfreds"},
	}
	genComplaints = map[string][]string{
		"en": {"not good at all", "the delivery was late", "customer service never answered", "it wobbles", "a screw was missing", "broken on arrival"},
		"de": {"leider nicht gut", "die Lieferung kam zu spät", "der Kundenservice hat nie geantwortet", "es wackelt", "eine Schraube fehlte", "kaputt angekommen"},
		"da": {"ikke godt", "leveringen kom for sent", "kundeservice svarede aldrig", "det vakler", "en skrue manglede", "i stykker ved levering"},
	}
	genFiller = map[string][]string{
		"en": {"We bought it last month for the living room.", "The store in town was busy on Saturday.", "Assembly took about two hours with the manual.",
			"My partner picked the colour and I agreed.", "We compared three shops before deciding.", "The old one had lasted for ten years."},
		"de": {"Wir haben es letzten Monat für das Wohnzimmer gekauft.", "Der Laden in der Stadt war am Samstag sehr voll.", "Der Aufbau dauerte etwa zwei Stunden.",
			"Meine Partnerin hat die Farbe ausgesucht.", "Wir haben drei Geschäfte verglichen.", "Das alte hat zehn Jahre gehalten."},
		"da": {"Vi købte den sidste måned til stuen.", "Butikken i byen var fyldt om lørdagen.", "Samlingen tog cirka to timer med vejledningen.",
			"Min kæreste valgte farven, og jeg var enig.", "Vi sammenlignede tre butikker før vi besluttede os.", "Den gamle holdt i ti år."},
	}
	genSites = []string{"trustpilot.com", "forum.example.com", "blog.example.org", "reviews.example.net", "mastodon.social"}
	genLangs = []string{"en", "de", "da"}
)

// Brand is the name of brand i: each is its own word.
func Brand(i int) string { return fmt.Sprintf("nordvik%d", i) }

// Brands is how many brands mentions talk about; topics follow them.
const Brands = 1000

// Item makes item n of a generator: a review of 40 to 70 words about a
// brand's product, in one of three languages, positive, negative or both.
func Item(r *rand.Rand, n int, now time.Time) raw.Item {
	lang := genLangs[r.IntN(len(genLangs))]
	brand := Brand(r.IntN(Brands))
	product := genProducts[lang][r.IntN(len(genProducts[lang]))]
	var b strings.Builder
	pick := func(list []string) string { return list[r.IntN(len(list))] }
	fmt.Fprintf(&b, "%s %s: ", brand, product)
	switch r.IntN(3) {
	case 0:
		b.WriteString(pick(genPraise[lang]) + ", " + pick(genPraise[lang]) + ". ")
	case 1:
		b.WriteString(pick(genComplaints[lang]) + ". " + pick(genComplaints[lang]) + ". ")
	default:
		b.WriteString(pick(genPraise[lang]) + ", but " + pick(genComplaints[lang]) + ". ")
	}
	for range 3 + r.IntN(3) {
		b.WriteString(pick(genFiller[lang]) + " ")
	}
	fmt.Fprintf(&b, "Order %d.", n)
	site := genSites[r.IntN(len(genSites))]
	rating := float64(r.IntN(5)) / 4
	return raw.Item{
		ExternalID: fmt.Sprintf("gen-%d", n),
		URL:        fmt.Sprintf("https://%s/r/%d", site, n),
		Author:     fmt.Sprintf("Reviewer %d", r.IntN(200000)),
		Text:       b.String(),
		Rating:     &rating,
		Published:  now.Add(-time.Duration(r.IntN(365*24*60)) * time.Minute),
	}
}

// Topics returns n topic queries of the shapes teams write: a brand with
// product words, phrases, wildcards, exclusions, proximity and fields.
func Topics(n int) []string {
	out := make([]string, n)
	for i := range out {
		b := Brand(i % Brands)
		switch i % 6 {
		case 0:
			out[i] = fmt.Sprintf(`%s AND (sofa* OR couch OR sessel OR lænestol)`, b)
		case 1:
			out[i] = fmt.Sprintf(`%s AND (deliver* OR lieferung OR levering*) NOT job*`, b)
		case 2:
			out[i] = fmt.Sprintf(`"%s lampe" OR (%s NEAR/3 lamp*)`, b, b)
		case 3:
			out[i] = fmt.Sprintf(`%s AND ("nicht gut" OR "ikke godt" OR "not good") <<< complaints >>>`, b)
		case 4:
			out[i] = fmt.Sprintf(`%s AND language:da AND rating:[0 TO 0.5]`, b)
		default:
			out[i] = fmt.Sprintf(`%s AND (site:trustpilot.com OR kundenservice OR kundeservice OR "customer service")`, b)
		}
	}
	return out
}
