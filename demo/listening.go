package demo

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/listening"
	"github.com/samtal-dev/samtal/listening/raw"
	"github.com/samtal-dev/samtal/person"
)

// The listening part of the demo: what people wrote about Fjordhus
// elsewhere over the last month, heard through the four kinds of source
// and each through its real path. A Trustpilot export is imported (two of
// its rows are refused, to show row errors); the community forum delivers
// through its signed webhook; the design blog's feed and the #söderhamn
// hashtag on Mastodon were read once and then paused. Topics sort the
// mentions (the last one is made afterwards and runs over the history),
// reviews by people the brand knows land on their profiles, a review the
// forum syndicated is one duplicate, and staff have triaged a few.

// heard is one post or review as its source has it.
type heard struct {
	ago               time.Duration // how long before the seed it was published
	id, url           string
	title, text       string
	author            string
	handle, authorURL string // Mastodon handle, author's own site
	stars             int    // 1-5 on a review site, 0 without a rating
	badDate           string // a date the export should not have
}

const aDay = 24 * time.Hour

// tpURL is the address of a review on Trustpilot. Every review is on the
// same host: listening names a review site by its host, so a reviewer on
// www.trustpilot.com and dk.trustpilot.com would be two identities.
func tpURL(n int) string {
	return fmt.Sprintf("https://www.trustpilot.com/reviews/66a0c4e1b2f3%012x", 0x5a17e0+n)
}

// kasperText is a review that the forum also syndicated, with a line
// appended: the inbox shows it once, with one duplicate.
const kasperText = "Vi købte spisebordet Eikra i massiv eg for to måneder siden. Bordpladen er smuk, " +
	"men den har allerede fået en revne langs årerne, og benene vipper, selvom gulvet er helt plant. " +
	"Vi har skrevet til kundeservice to gange uden at få svar. Vi er skuffede: " +
	"kvaliteten er ikke god nok til et bord, der skal holde i mange år."

// trustpilotRows are the rows of the review export; the last two are
// refused (a date nobody can read, a review without text).
var trustpilotRows = []heard{
	{ago: 2*aDay + 5*time.Hour, id: "tp-20417", url: tpURL(1), author: "Grace O.", stars: 5, title: "Havbro sofa, three months in",
		text: "We ordered the Havbro sofa in the sea-green fabric and it still looks new after three months with two kids and a dog. " +
			"The cushions keep their shape, and the delivery team carried it up four flights of stairs with a smile. We love it and would happily buy again."},
	{ago: 5*aDay + 2*time.Hour, id: "tp-20388", url: tpURL(2), author: "Anne S.", stars: 4, title: "Flot sofa, lang levering",
		text: "Sofaen er virkelig flot og behagelig, men leveringen tog fem uger i stedet for de lovede tre. " +
			"Kundeservice var søde og gav os et gavekort, så alt i alt er vi tilfredse."},
	{ago: 9*aDay + 7*time.Hour, id: "tp-20311", url: tpURL(3), author: "Kasper H.", stars: 2, title: "Smukt bord, men kvaliteten er ikke god", text: kasperText},
	{ago: 12*aDay + 3*time.Hour, id: "tp-20276", url: tpURL(4), author: "Martina R.", stars: 1, title: "Leider nicht gut",
		text: "Die Lieferung kam zwei Wochen zu spät, und der Bezug des Sessels war an der Armlehne kaputt. " +
			"Der Kundenservice hat zwar schnell geantwortet, aber auf den Ersatz warten wir immer noch. Leider nicht gut."},
	{ago: 15*aDay + 9*time.Hour, id: "tp-20240", url: tpURL(5), author: "Dev P.", stars: 4, title: "Not bad at all",
		text: "I was sceptical about buying a sofa online, but this was not bad at all. Assembly took twenty minutes, " +
			"the instructions were clear and the colour matches the photos. Four stars because the cushions are firmer than I expected."},
	{ago: 3*aDay + 1*time.Hour, id: "tp-20402", url: tpURL(6), author: "Thomas W.", stars: 5, title: "Super Beratung",
		text: "Ich war mir bei der Farbe unsicher und habe dem Kundenservice Fotos von unserem Wohnzimmer geschickt. " +
			"Die Antwort kam noch am selben Tag, mit zwei Stoffmustern per Post. Das Sofa steht jetzt seit einem Monat bei uns und wir lieben es."},
	{ago: 1*aDay + 4*time.Hour, id: "tp-20431", url: tpURL(7), author: "Signe L.", stars: 5, title: "Årets bedste køb",
		text: "Lampen Fjordlys giver et utroligt hyggeligt lys i stuen. Den blev leveret dagen efter, pænt pakket og uden plastik. Tusind tak!"},
	{ago: 18*aDay + 6*time.Hour, id: "tp-20203", url: tpURL(8), author: "Ruth A.", stars: 3, title: "Lovely chair, confusing instructions",
		text: "The Kobbe armchair is comfortable and well made, but step 6 of the instructions shows the wrong screws. " +
			"Support sent a corrected sheet within the hour, which I appreciated."},
	{ago: 21*aDay + 2*time.Hour, id: "tp-20167", url: tpURL(9), author: "Jan-Peter S.", stars: 2, title: "Reklamation zieht sich",
		text: "Beim Auspacken war ein Bein der Kommode abgebrochen. Die Reklamation läuft seit drei Wochen, " +
			"und ich musste die Bestellnummer dreimal schicken. Das Möbel selbst wäre schön, aber so macht es keinen Spaß."},
	{ago: 24*aDay + 8*time.Hour, id: "tp-20135", url: tpURL(10), author: "Marcus L.", stars: 5, title: "This is how service should work",
		text: "The sofa arrived with a scratch on one leg. I sent a photo to customer service and a new leg was in the post " +
			"the next morning: no forms, no arguing. Excellent service, thank you."},
	{ago: 27*aDay + 5*time.Hour, id: "tp-20102", url: tpURL(11), author: "Henrik B.", stars: 1, title: "Ikke en god oplevelse",
		text: "Vi ventede hjemme en hel dag, men leveringen kom aldrig, og ingen ringede. Da sofaen endelig kom en uge senere, " +
			"manglede der skruer. Det er ikke en god oplevelse, og vi havde glædet os."},
	{ago: 7*aDay + 3*time.Hour, id: "tp-20349", url: tpURL(12), author: "Claudia F.", stars: 4, title: "Gute Qualität, teurer Versand",
		text: "Die Verarbeitung des Regals ist wirklich gut, alles massiv und sauber geschliffen. " +
			"Die Versandkosten nach Österreich fand ich allerdings ziemlich hoch."},
	{ago: 11*aDay + 2*time.Hour, id: "tp-20290", url: tpURL(13), author: "Oliver N.", stars: 5, title: "Worth the wait",
		text: "The green sofa took six weeks to arrive, but the team kept us updated every week and it was worth every day of waiting. " +
			"Solid frame, beautiful fabric."},
	{id: "tp-20355", url: tpURL(14), author: "Louise K.", stars: 4, title: "Fin reol", badDate: "engang i maj",
		text: "Reolen er nem at samle og ser godt ud i børneværelset."},
	{ago: 6 * aDay, id: "tp-20361", url: tpURL(15), author: "Pia D.", stars: 3, title: "Helt okay"},
}

// trustpilotMapping maps the export's columns; the ids keep a second
// import of the same file from storing anything twice.
const trustpilotMapping = `{"text":"review","author":"reviewer","rating":"stars","date":"date","url":"link",` +
	`"title":"headline","id":"review_id","rating_scale":"1-5","network":"trustpilot"}`

// forumPosts are what the community forum's webhook delivers. Forum users
// go by their forum names.
var forumPosts = []heard{
	{ago: 5 * time.Hour, id: "post-88213", url: "https://forum.fjordhus.example/t/havbro-vs-soderhamn/4410/3", author: "sofa_sven", title: "Havbro vs. my old söderhamn",
		text: "After a week on the Havbro I can say the seat is deeper than my old söderhamn and the armrests are wide enough for a cup of tea. Not bad at all for the price."},
	{ago: 4*aDay + 6*time.Hour, id: "post-87950", url: "https://forum.fjordhus.example/t/levering-til-bornholm/4388/1", author: "hyggehjem", title: "Levering til Bornholm?",
		text: "Er der andre, der har haft problemer med levering til Bornholm? Vores bestilling har stået som afsendt i ti dage, og vi har ikke hørt noget."},
	{ago: 6*aDay + 2*time.Hour, id: "post-87811", url: "https://forum.fjordhus.example/t/heller-bezug-reinigen/4371/1", author: "Kiel-Katze", title: "Hellen Bezug reinigen",
		text: "Hat jemand Erfahrung mit der Reinigung des hellen Bezugs? Bei uns ist Rotwein draufgekommen, und in der Pflegeanleitung steht nichts dazu."},
	// Shown as text, never run: the page escapes what sources deliver.
	{ago: 8*aDay + 1*time.Hour, id: "post-87640", url: "https://forum.fjordhus.example/t/order-page-stuck/4352/1", author: "woodworker_mo", title: "Order page prints code?",
		text: "I tried to paste the tracking widget into my post to show where my delivery is stuck, and the page printed this: <script>alert(1)</script> Is the order page broken or is it me?"},
	// The forum's review feed reposts Kasper's review: a near-duplicate.
	{ago: 8*aDay + 9*time.Hour, id: "post-87602", url: "https://forum.fjordhus.example/t/ny-anmeldelse/4349/1", title: "Ny anmeldelse på Trustpilot",
		text: kasperText + " Read more on trustpilot.com"},
	{ago: 10*aDay + 4*time.Hour, id: "post-87477", url: "https://forum.fjordhus.example/t/ekstra-hynder/4330/1", author: "tante_tove", title: "Ekstra hynder til Havbro?",
		text: "Kan man købe ekstra hynder til Havbro? Vores er blevet lidt flade efter to år, men stoffet ser stadig fint ud."},
	{ago: 13*aDay + 5*time.Hour, id: "post-87219", url: "https://forum.fjordhus.example/t/lieferung-aufbau/4301/2", author: "Frau_Holle_73", title: "Lieferung mit Aufbau",
		text: "Die Lieferung war pünktlich, die beiden Herren haben das Sofa sogar aufgebaut und die Verpackung mitgenommen. So stelle ich mir Service vor."},
	{ago: 16*aDay + 3*time.Hour, id: "post-86980", url: "https://forum.fjordhus.example/t/intet-svar/4277/1", author: "nordlys_nina", title: "Intet svar fra kundeservice",
		text: "Kundeservice svarede ikke på min mail i en uge. Da de endelig gjorde, var de venlige, men det er ikke godt nok, når man har et ødelagt bord stående i stuen."},
	{ago: 17*aDay + 8*time.Hour, id: "post-86911", url: "https://forum.fjordhus.example/t/dublin-pickup/4270/1", author: "CorkCaroline", title: "Dublin pick-up point",
		text: "Collected my order from the Dublin pick-up point. The staff were lovely, the box was huge, and the bookcase went together in an hour."},
	// Service, but a job advert: the Service topic leaves it out.
	{ago: 19*aDay + 2*time.Hour, id: "post-86754", url: "https://forum.fjordhus.example/t/hiring-technicians/4251/1", author: "paddy_builds", title: "Hiring service technicians",
		text: "Job ad spotted: Fjordhus is hiring service technicians in Cork. Anyone know if they also repair older pieces?"},
	{ago: 22*aDay + 6*time.Hour, id: "post-86503", url: "https://forum.fjordhus.example/t/altbau-treppenhaus/4222/1", author: "berlin_altbau", title: "Passt nicht ins Treppenhaus",
		text: "Das große Sofa ist leider nicht gut für kleine Altbauwohnungen: Es passte nicht durch unser Treppenhaus, und die Rücknahme kostet extra."},
	{ago: 25*aDay + 1*time.Hour, id: "post-86288", url: "https://forum.fjordhus.example/t/to-ar-med-havbro/4198/1", author: "maja.m", title: "To år med Havbro",
		text: "Vi har haft vores Havbro sofa i to år nu. Stoffet har holdt utroligt godt, og betrækket kan vaskes ved 40 grader. Kan varmt anbefales!"},
	{ago: 28*aDay + 4*time.Hour, id: "post-86047", url: "https://forum.fjordhus.example/t/late-notice/4170/1", author: "Greg_in_Leeds", title: "Delivery slot at 11pm",
		text: "The delivery slot email came at 11pm for a 7am delivery the next morning. The drivers were friendly, but such late notice is really annoying."},
	{ago: 2*aDay + 3*time.Hour, id: "post-88102", url: "https://forum.fjordhus.example/t/fehlende-schraube/4402/2", author: "LisaAusLeipzig", title: "Danke!",
		text: "Danke an das Team für die schnelle Hilfe mit der fehlenden Schraube. Die Kommode steht, und sie ist wunderschön!"},
}

// blogPosts are what the design blog's feed held: guest writers, each
// named by their own site, so Jonas's post lands on his profile.
var blogPosts = []heard{
	{ago: 10*aDay + 6*time.Hour, id: "https://blog.example.com/?p=1204", url: "https://blog.example.com/2026/ein-jahr-havbro", author: "Jonas Becker",
		authorURL: "https://www.jonas-wohnt.example.de/", title: "Ein Jahr mit dem Havbro-Sofa",
		text: "Ich habe das Havbro-Sofa vor einem Jahr gekauft, und es ist immer noch mein Lieblingsplatz. Der Bezug hat Kaffee, Katze und eine Geburtstagsparty überlebt. " +
			"Was mir fehlt, sind Aufbauvideos: Die Anleitung ist gut, aber ein Video wäre besser."},
	{ago: 17*aDay + 2*time.Hour, id: "https://blog.example.com/?p=1187", url: "https://blog.example.com/2026/nachhaltige-moebel-aus-dem-norden", author: "Wohnblog Nord",
		authorURL: "https://wohnblog-nord.example.de/", title: "Nachhaltige Möbel aus dem Norden: ein Vergleich",
		text: "Wir haben fünf Möbelmarken aus Dänemark und Schweden verglichen. Fjordhus punktet mit reparierbaren Sofas und Ersatzbezügen; die Lieferzeiten sind allerdings die längsten im Vergleich."},
	{ago: 20*aDay + 5*time.Hour, id: "https://blog.example.com/?p=1171", url: "https://blog.example.com/2026/fem-lamper-til-morke-aftener", author: "Karen Dalsgaard",
		authorURL: "https://karendalsgaard.example.dk/", title: "Fem lamper til mørke aftener",
		text: "Fjordlys fra Fjordhus er vores favorit: varmt lys, den kan dæmpes, og prisen er fair. Leveringen tog dog to uger, så bestil i god tid før jul."},
	{ago: 26*aDay + 3*time.Hour, id: "https://blog.example.com/?p=1150", url: "https://blog.example.com/2026/small-flat-big-sofa", author: "Ines Moreau",
		authorURL: "https://inesathome.example.com/", title: "Small flat, big sofa?",
		text: "How we fitted a three-seater into a 40 m² flat: measure the stairwell, not just the room. The Fjordhus sofa comes in two parts, which saved us."},
	{ago: 1*aDay + 7*time.Hour, id: "https://blog.example.com/?p=1219", url: "https://blog.example.com/2026/kobbe-armchair-one-month", author: "Samuel Tan",
		authorURL: "https://samueltan.example.com/", title: "The Kobbe armchair after a month",
		text: "The frame is solid oak and the stitching is neat. The cushion is firm at first and softens after a couple of weeks. " +
			"My only complaint: the courier left the box in the rain at the door."},
}

// toots are what the #söderhamn hashtag brought, people comparing their
// sofas; the deals bot is the one the people part flagged.
var toots = []heard{
	{ago: 3*aDay + 2*time.Hour, id: "113402218811", url: "https://bots.example/@tilbud/113402218811", author: "Møbeltilbud Bot", handle: "@tilbud@bots.example",
		text: "TILBUD: Sofaer i velour -30 % hele weekenden! #söderhamn #sofa #tilbud"},
	{ago: 5*aDay + 8*time.Hour, id: "113390017342", url: "https://mastodon.social/@fikafrida/113390017342", author: "Frida", handle: "@fikafrida@mastodon.social",
		text: "Finally sat on a Havbro sofa in the Aarhus showroom. Deeper than my old #söderhamn and much better back support. Saving up!"},
	{ago: 14*aDay + 1*time.Hour, id: "113339920175", url: "https://norden.social/@kasimir/113339920175", author: "Kasimir", handle: "@kasimir@norden.social",
		text: "Unser #söderhamn-Bezug ist nach fünf Jahren durch. Fjordhus verkauft Ersatzbezüge für die eigenen Sofas, mal sehen, ob einer passt."},
	{ago: 20*aDay + 4*time.Hour, id: "113305551203", url: "https://mastodon.art/@ellen_draws/113305551203", author: "Ellen draws", handle: "@ellen_draws@mastodon.art",
		text: "Drew our living room for the #söderhamn sketch challenge: green sofa, one cat, far too many plants."},
	{ago: 23*aDay + 6*time.Hour, id: "113288004419", url: "https://mastodon.social/@hjemmeliv/113288004419", author: "Hjemmeliv", handle: "@hjemmeliv@mastodon.social",
		text: "Vores nye sofa kom i dag, men der var en flænge i stoffet. Ikke nogen god start. #söderhamn"},
	{ago: 29*aDay + 2*time.Hour, id: "113254478120", url: "https://mastodon.social/@pete_on_wheels/113254478120", author: "Pete on wheels", handle: "@pete_on_wheels@mastodon.social",
		text: "Wheelchair user here: low #söderhamn-style sofas are hard to get out of. The Havbro's seat height is better. Would love a higher-legs option."},
	{ago: 1*aDay + 2*time.Hour, id: "113419902284", url: "https://chaos.social/@lenna/113419902284", author: "Lenna", handle: "@lenna@chaos.social",
		text: "Heute kam unser Sofa. Aufgebaut in 15 Minuten, sieht aus wie im Katalog. Nicht schlecht! #söderhamn"},
}

// demoTopics sort the mentions. The last is made after the mentions
// arrived: it runs over the history.
var demoTopics = []listening.Topic{
	{Name: "Sofas", Query: `sofa* OR couch* OR söderhamn OR "green sofa"~2`,
		MustMatch:    []string{"Our new sofa arrived today", "Die Couch ist bequem", "Sofaen er flot"},
		MustNotMatch: []string{"The lamp gives a warm light"}},
	{Name: "Delivery", Query: `deliver* OR liefer* OR levering* OR leveret OR leveres`,
		MustMatch:    []string{"Delivery took three weeks", "Die Lieferung kam pünktlich", "Leveringen var hurtig"},
		MustNotMatch: []string{"Great customer service", "Der Stoff ist weich"}},
	{Name: "Service", Query: `(service OR kundenservice OR kundeservice OR support) AND NOT job*`,
		MustMatch:    []string{"Customer service answered within the hour", "Der Kundenservice war freundlich", "Kundeservice svarede ikke"},
		MustNotMatch: []string{"Job ad: service technicians wanted"}},
	// A field query: examples are text only, so it has none that must
	// match.
	{Name: "Praise on Trustpilot", Query: `site:trustpilot.com AND rating:[0.8 TO 1]`,
		MustNotMatch: []string{"Five stars, a wonderful sofa"}},
	{Name: "German complaints", Query: `language:de AND (kaputt OR "nicht gut" OR reklamation)`,
		MustNotMatch: []string{"The sofa is not good", "Das Sofa ist wirklich gut"}},
}

// seedListening sets up listening's sources and topics as the admin would
// and lets each source deliver through its own path.
func seedListening(ctx context.Context, d Deps) error {
	if d.Listening == nil {
		return nil // a demo without listening (older wiring) skips the part
	}
	as, err := demoActors(ctx, d)
	if err != nil {
		return err
	}
	admin, err := as(staff[0].email)
	if err != nil {
		return err
	}
	agent, err := as(staff[1].email)
	if err != nil {
		return err
	}
	if err := linkReviewNames(admin, d, as); err != nil {
		return err
	}
	late := len(demoTopics) - 1
	for i := range demoTopics[:late] {
		if err := createTopic(admin, d, demoTopics[i]); err != nil {
			return err
		}
	}
	now := time.Now().UTC()
	sources := map[string]int64{}
	if sources["import"], err = importReviews(admin, d, now); err != nil {
		return err
	}
	if sources["webhook"], err = hookForum(admin, d, now); err != nil {
		return err
	}
	if sources["feed"], err = readOnce(admin, d, now, &listening.Source{Kind: listening.KindFeed, Name: "Design blog",
		URL: "https://blog.example.com/feed.xml"}, blogPosts); err != nil {
		return err
	}
	if sources["mastodon"], err = readOnce(admin, d, now, &listening.Source{Kind: listening.KindMastodon, Name: "Mastodon #söderhamn",
		Config: listening.SourceConfig{Server: "https://mastodon.social", Hashtag: "söderhamn"}}, toots); err != nil {
		return err
	}
	// The German team added its topic after the complaints had come in:
	// it is matched against what is stored, as a new topic always is.
	if err := createTopic(admin, d, demoTopics[late]); err != nil {
		return err
	}
	if err := d.Listening.RunHistory(ctx); err != nil {
		return fmt.Errorf("demo topics over history: %w", err)
	}
	return triage(admin, agent, d, sources)
}

func createTopic(admin context.Context, d Deps, t listening.Topic) error {
	if err := d.Listening.CreateTopic(admin, &t); err != nil {
		return fmt.Errorf("demo topic %s: %w", t.Name, err)
	}
	return nil
}

// linkReviewNames confirms the Trustpilot names of people staff know, so
// that their reviews land on their profiles. Listening names a review site
// by its host (trustpilot.com); the people part wrote the network as
// "trustpilot", which an import's mapping also says but ingest does not
// use. Grace's, Anne's and Kasper's reviews come in below.
func linkReviewNames(admin context.Context, d Deps, as func(string) (context.Context, error)) error {
	kasper, _, err := d.Resolver.Resolve(admin, person.Resolution{Identity: person.Identity{Kind: person.KindReviewName, Network: "trustpilot", Value: "Kasper H."}})
	if err != nil {
		return fmt.Errorf("demo person Kasper H.: %w", err)
	}
	for _, r := range []struct{ name, email string }{{"Grace O.", "grace.okafor@example.ie"}, {"Anne S.", "anne.sorensen@example.dk"}, {"Kasper H.", ""}} {
		pid := kasper
		if r.email != "" {
			m, err := as(r.email)
			if err != nil {
				return err
			}
			pid = samtal.ActorFrom(m).PersonID
		}
		id := person.Identity{Kind: person.KindReviewName, Network: "trustpilot.com", Value: r.name, Verified: true}
		if _, err := d.People.AddIdentity(admin, pid, id); err != nil {
			return fmt.Errorf("demo review name %s: %w", r.name, err)
		}
	}
	return nil
}

// importReviews makes the Trustpilot source and imports its export, as
// the source page's upload does.
func importReviews(admin context.Context, d Deps, now time.Time) (int64, error) {
	src := &listening.Source{Kind: listening.KindImport, Name: "Trustpilot reviews", URL: "https://www.trustpilot.com/review/fjordhus.example",
		Config: listening.SourceConfig{Mapping: json.RawMessage(trustpilotMapping)}}
	if err := d.Listening.CreateSource(admin, src); err != nil {
		return 0, fmt.Errorf("demo source %s: %w", src.Name, err)
	}
	var file bytes.Buffer
	w := csv.NewWriter(&file)
	rows := [][]string{{"review_id", "date", "reviewer", "stars", "headline", "review", "link"}}
	for _, r := range trustpilotRows {
		date := now.Add(-r.ago).Format(time.RFC3339)
		if r.badDate != "" {
			date = r.badDate
		}
		rows = append(rows, []string{r.id, date, r.author, strconv.Itoa(r.stars), r.title, r.text, r.url})
	}
	if err := w.WriteAll(rows); err != nil {
		return 0, err
	}
	im, err := d.Listening.StartImport(admin, src.ID, "trustpilot-export.csv", &file)
	if err != nil {
		return 0, fmt.Errorf("demo import: %w", err)
	}
	if im, err = d.Listening.RunImport(admin, im.ID, nil); err != nil {
		return 0, fmt.Errorf("demo import: %w", err)
	}
	if im.State != "done" {
		return 0, fmt.Errorf("demo import: %s %s", im.State, im.Error)
	}
	return src.ID, nil
}

// hookForum makes the forum's webhook source and calls it as the forum
// would: a signed POST body, checked like any other.
func hookForum(admin context.Context, d Deps, now time.Time) (int64, error) {
	src := &listening.Source{Kind: listening.KindWebhook, Name: "Community forum", URL: "https://forum.fjordhus.example/"}
	if err := d.Listening.CreateSource(admin, src); err != nil {
		return 0, fmt.Errorf("demo source %s: %w", src.Name, err)
	}
	var call struct {
		Items []listening.HookItem `json:"items"`
	}
	for _, p := range forumPosts {
		call.Items = append(call.Items, listening.HookItem{ID: p.id, URL: p.url, Title: p.title, Text: p.text, Author: p.author,
			PublishedAt: now.Add(-p.ago).Format(time.RFC3339)})
	}
	body, err := json.Marshal(call)
	if err != nil {
		return 0, err
	}
	ts := strconv.FormatInt(now.Unix(), 10)
	if _, err := d.Listening.Hook(admin, src.ID, ts, listening.Sign(src.Secret, ts, body), body); err != nil {
		return 0, fmt.Errorf("demo webhook: %w", err)
	}
	return src.ID, nil
}

// shelf is a reader that returns what a source held, so that the demo,
// which must not reach the network, reads its feed and hashtag once
// through the path a fetch takes (and the source shows that fetch).
type shelf []raw.Item

func (s shelf) Read(context.Context, *listening.Source) (listening.Batch, error) {
	return listening.Batch{Items: s}, nil
}

// readOnce makes a fetched source, reads it once from the shelf and
// pauses it: with the source active, the demo's job queue would fetch
// blog.example.com and mastodon.social for real and mark them failing.
// Resuming a source on its page fetches it now.
func readOnce(admin context.Context, d Deps, now time.Time, src *listening.Source, posts []heard) (int64, error) {
	if err := d.Listening.CreateSource(admin, src); err != nil {
		return 0, fmt.Errorf("demo source %s: %w", src.Name, err)
	}
	items := make(shelf, len(posts))
	for i, p := range posts {
		items[i] = raw.Item{ExternalID: p.id, URL: p.url, Title: p.title, Text: p.text, Author: p.author,
			AuthorHandle: p.handle, AuthorURL: p.authorURL, Published: now.Add(-p.ago)}
	}
	reader := &listening.Service{Store: d.Listening.Store, Resolver: d.Listening.Resolver,
		Readers: map[string]listening.Reader{src.Kind: items}}
	if _, err := reader.FetchNow(admin, src.ID); err != nil {
		return 0, fmt.Errorf("demo fetch of %s: %w", src.Name, err)
	}
	paused := listening.SourcePaused
	if _, err := d.Listening.UpdateSource(admin, src.ID, listening.SourcePatch{State: &paused}); err != nil {
		return 0, fmt.Errorf("demo pause of %s: %w", src.Name, err)
	}
	return src.ID, nil
}

// triage is the team's work on the inbox so far: the agent has replies
// to write, some are done or ignored, and tags sort what came in.
func triage(admin, agent context.Context, d Deps, sources map[string]int64) error {
	byURL := map[string]int64{}
	for _, id := range sources {
		list, err := d.Listening.Mentions(admin, listening.MentionFilter{SourceID: id, Limit: listening.MaxLimit})
		if err != nil {
			return err
		}
		for _, m := range list {
			byURL[m.URL] = m.ID
		}
	}
	mads := samtal.ActorFrom(agent).AccountID
	steps := []struct {
		url    string
		by     context.Context
		state  string
		assign bool
		tags   []string
	}{
		{tpURL(3), admin, listening.StateNeedsReply, true, []string{"quality"}},
		{tpURL(11), admin, listening.StateNeedsReply, true, []string{"delivery"}},
		{tpURL(4), admin, listening.StateNeedsReply, false, []string{"delivery", "quality"}},
		{"https://forum.fjordhus.example/t/levering-til-bornholm/4388/1", agent, listening.StateNeedsReply, false, []string{"delivery"}},
		{tpURL(10), agent, listening.StateDone, false, []string{"praise"}},
		{tpURL(1), agent, listening.StateDone, false, []string{"praise"}},
		{"https://forum.fjordhus.example/t/fehlende-schraube/4402/2", agent, listening.StateDone, false, []string{"praise"}},
		{"https://blog.example.com/2026/ein-jahr-havbro", admin, listening.StateSeen, false, []string{"praise"}},
		{"https://mastodon.social/@pete_on_wheels/113254478120", admin, listening.StateSeen, false, []string{"quality"}},
		{"https://bots.example/@tilbud/113402218811", agent, listening.StateIgnored, false, nil},
		{"https://forum.fjordhus.example/t/hiring-technicians/4251/1", agent, listening.StateIgnored, false, nil},
	}
	for _, s := range steps {
		id, ok := byURL[s.url]
		if !ok {
			return fmt.Errorf("demo triage: no mention at %s", s.url)
		}
		state := s.state
		c := listening.MentionChange{State: &state, AddTags: s.tags}
		if s.assign {
			c.Assignee = &mads
		}
		if _, err := d.Listening.ChangeMentions(s.by, []int64{id}, c); err != nil {
			return fmt.Errorf("demo triage of %s: %w", s.url, err)
		}
	}
	return nil
}
