package feed

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/samtal-dev/samtal/listening/raw"
)

func parseFile(t *testing.T, name, feedURL string) *Feed {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse(body, feedURL)
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return f
}

func date(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestParseSamples(t *testing.T) {
	tests := []struct {
		file, feedURL string
		title, site   string
		items         []raw.Item
	}{
		{
			file: "rss2-blog.xml", feedURL: "https://blog.kettle.example/feed.xml",
			title: "Kettle & Co. Engineering Blog", site: "https://blog.kettle.example/",
			items: []raw.Item{{
				ExternalID: "https://blog.kettle.example/?p=1042",
				URL:        "https://blog.kettle.example/2026/11/queue-postgres/",
				Title:      "Why we moved our queue to PostgreSQL",
				// content:encoded wins over description; script, onclick
				// and onerror are gone, paragraphs and list items kept.
				Text:      "We ran Redis for five years.\n\nThen one night the queue lost 4,000 jobs.\n\nOur fix:\n\none database\none backup",
				Author:    "Maria Jensen",
				Network:   "blog.kettle.example",
				Published: date("2026-11-03T09:00:00Z"),
				Lang:      "en",
			}, {
				ExternalID:   "https://blog.kettle.example/2026/10/kettle-4-2/",
				URL:          "https://blog.kettle.example/2026/10/kettle-4-2/", // relative link resolved
				Title:        "Kettle 4.2 released",
				Text:         "Faster imports & a dark mode.\n\nUpgrade today",
				Author:       "Release Team",
				AuthorHandle: "releases@kettle.example",
				Network:      "blog.kettle.example",
				Published:    date("2026-10-29T13:30:00Z"),
				Lang:         "en",
			}, {
				// No guid, no link: a hash of the text stands in.
				ExternalID: "sha256:329fe9fba943a7bc57ed96bb3f329928245abcff42cd496e90d2f7206f8fb14f",
				Text:       "A short note without title, link or guid, as RSS 2.0 allows.",
				Network:    "blog.kettle.example",
				Lang:       "en",
			}, {
				// The javascript: link is dropped; the bad date is zero.
				ExternalID: "kettle-note-7",
				Title:      "Link that is a script",
				Text:       "Plain text with a less-than sign: 3 < 4.",
				Network:    "blog.kettle.example",
				Lang:       "en",
			}},
		},
		{
			file: "rss1-rdf.xml", feedURL: "https://nachrichten.example/rss.rdf",
			title: "Nachrichten aus dem Verein", site: "https://nachrichten.example/",
			items: []raw.Item{{
				ExternalID: "https://nachrichten.example/2026/11/sommerfest",
				URL:        "https://nachrichten.example/2026/11/sommerfest",
				Title:      "Rückblick auf das Sommerfest",
				Text:       "Über 200 Gäste kamen – danke an alle Helferinnen und Helfer!",
				Author:     "Jürgen Weiß",
				Network:    "nachrichten.example",
				Published:  date("2026-11-02T17:30:00Z"),
				Lang:       "de",
			}, {
				ExternalID: "https://nachrichten.example/2026/10/vorstand",
				URL:        "https://nachrichten.example/2026/10/vorstand",
				Title:      "Neuer Vorstand gewählt",
				Text:       "Die Mitgliederversammlung hat einen neuen Vorstand gewählt.",
				Network:    "nachrichten.example",
				Published:  date("2026-10-20T10:00:00Z"),
				Lang:       "en", // the item's dc:language beats the channel's
			}},
		},
		{
			file: "atom-xhtml.atom", feedURL: "https://cykel.example/blog/feed.atom",
			title: "Cykelværkstedet", site: "https://cykel.example/blog/",
			items: []raw.Item{{
				ExternalID: "tag:cykel.example,2026:post-88",
				URL:        "https://cykel.example/blog/2026/11/vinterklar", // xml:base
				Title:      "Vinterklar cykel på 10 minutter",
				Text:       "Tjek dækkene først.\n\nDerefter kæden:\nrens, smør, tør af.",
				Author:     "Mette Holm",
				AuthorURL:  "https://cykel.example/om/mette",
				Network:    "cykel.example",
				Published:  date("2026-11-04T06:45:00Z"),
				Lang:       "da",
			}, {
				ExternalID:   "tag:cykel.example,2026:post-87",
				URL:          "https://cykel.example/blog/2026/11/december",
				Title:        "Åbningstider i december",
				Text:         "Vi holder lukket 24.–26. december. <3 til alle kunder.", // type="text" stays literal
				Author:       "Søren Østergaard",
				AuthorHandle: "soren@cykel.example",
				AuthorURL:    "https://cykel.example/om/soren",
				Network:      "cykel.example",
				Published:    date("2026-11-01T12:00:00Z"), // updated stands in
				Lang:         "da",
			}},
		},
		{
			file: "jsonfeed-1.1.json", feedURL: "https://lena.example/feed.json",
			title: "Lena's Microblog", site: "https://lena.example/",
			items: []raw.Item{{
				ExternalID: "https://lena.example/2026/11/04/coffee",
				URL:        "https://lena.example/2026/11/04/coffee",
				Text:       "Tried the new oat flat white at Kettle & Co.\nVerdict: <not bad>, a bit sweet.", // content_text is not HTML
				Author:     "Lena Berg",
				AuthorURL:  "https://lena.example/about",
				Network:    "lena.example",
				Published:  date("2026-11-04T12:12:00Z"),
				Lang:       "en",
			}, {
				ExternalID: "2026-11-03-review",
				URL:        "https://lena.example/2026/11/03/review",
				Title:      "A week with the Kettle app",
				Text:       "The app is fast.\n\nSync failed twice, though.",
				Author:     "Guest Writer",
				AuthorURL:  "https://guest.example/",
				Network:    "lena.example",
				Published:  date("2026-11-03T20:00:00Z"),
				Lang:       "sv",
			}, {
				ExternalID: "12345",
				Text:       "Numeric id, coerced to a string.",
				Author:     "Lena Berg",
				AuthorURL:  "https://lena.example/about",
				Network:    "lena.example",
				Published:  date("2026-11-02T08:00:00Z"),
				Lang:       "en",
			}},
		},
		{
			file: "podcast.xml", feedURL: "https://podcast.kettle.example/rss",
			title: "Support Stories", site: "https://podcast.kettle.example",
			items: []raw.Item{{
				ExternalID: "kettle-support-ep12",
				Title:      "Episode 12: The ticket that would not close",
				Text:       "Anna tells the story of a customer who wrote 40 times, and what we learned.",
				Author:     "Kettle & Co.",
				Network:    "podcast.kettle.example",
				Published:  date("2026-11-02T06:00:00Z"),
				Lang:       "en",
			}},
		},
		{
			file: "latin1-da-de.xml", feedURL: "https://forum.example/rss",
			title: "Forbrugerforum – Anmeldelser", site: "https://forum.example/",
			items: []raw.Item{{
				ExternalID: "https://forum.example/t/4711",
				URL:        "https://forum.example/t/4711",
				Title:      "København: Levering tog tre uger",
				Text:       "Jeg bestilte en kedel i København. Den kom efter tre uger ø — men virker fint.",
				Network:    "forum.example",
				Published:  date("2026-11-01T19:15:00Z"),
				Lang:       "da",
			}, {
				ExternalID: "https://forum.example/t/4712",
				URL:        "https://forum.example/t/4712",
				Title:      "Grüße aus München & Hamburg",
				Text:       "Der Kundendienst war sehr freundlich – schön! ärgerlich war nur die Wartezeit.",
				Network:    "forum.example",
				Published:  date("2026-10-31T10:00:00Z"),
				Lang:       "da",
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f := parseFile(t, tt.file, tt.feedURL)
			if f.Title != tt.title || f.SiteURL != tt.site {
				t.Errorf("feed = %q at %q, want %q at %q", f.Title, f.SiteURL, tt.title, tt.site)
			}
			if len(f.Items) != len(tt.items) {
				t.Fatalf("got %d items, want %d: %+v", len(f.Items), len(tt.items), f.Items)
			}
			for i, want := range tt.items {
				got := f.Items[i]
				if !got.Published.Equal(want.Published) {
					t.Errorf("item %d: published %v, want %v", i, got.Published, want.Published)
				}
				got.Published, want.Published = time.Time{}, time.Time{}
				if got != want {
					t.Errorf("item %d:\n got %#v\nwant %#v", i, got, want)
				}
			}
		})
	}
}

func TestParseWithoutFeedURL(t *testing.T) {
	body := rssHead + `<item><guid isPermaLink="false">7</guid><link>/a/b</link></item>` +
		`<item><guid>https://x.example/p/8</guid><link>/p/8</link></item></channel></rss>`
	f, err := Parse([]byte(body), "")
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Items[0].URL; got != "" {
		t.Errorf("relative link with no feed URL = %q, want it dropped", got)
	}
	if got := f.Items[1].URL; got != "https://x.example/p/8" {
		t.Errorf("URL = %q, want the permalink guid", got)
	}
	if got := f.Items[0].Network; got != "" {
		t.Errorf("network = %q, want empty", got)
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"short", 10, "short"},
		{"exactly ten", 11, "exactly ten"},
		{"a longer sentence", 10, "a longe…"},
		{"ææææææ", 8, "ææ…"}, // never halves a character
	}
	for _, tt := range tests {
		if got := truncate(tt.in, tt.max); got != tt.want || len(got) > tt.max {
			t.Errorf("truncate(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
	}
}

func TestLangCode(t *testing.T) {
	for in, want := range map[string]string{
		"de": "de", "da-DK": "da", "en_US": "en", "EN-us": "en", " sv ": "sv",
		"": "", "deu": "", "x": "", "12": "", "zh-Hant-TW": "zh", "ä": "",
	} {
		if got := langCode(in); got != want {
			t.Errorf("langCode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestItemTextIsCapped(t *testing.T) {
	long := strings.Repeat("word ", 3*MaxText/5)
	body := `<rss version="2.0"><channel><title>` + strings.Repeat("T", 2*MaxTitle) + `</title><item><guid>1</guid><description>` + long + `</description></item></channel></rss>`
	f, err := Parse([]byte(body), "https://x.example/rss")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(f.Items[0].Text); n > MaxText || n < MaxText-10 || !strings.HasSuffix(f.Items[0].Text, "…") {
		t.Errorf("text is %d bytes ending %q", n, f.Items[0].Text[n-5:])
	}
	if n := len(f.Title); n > MaxTitle {
		t.Errorf("title is %d bytes", n)
	}
}
