package feed

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"
	"github.com/mmcdole/gofeed/json"
	"github.com/samtal-dev/samtal/listening/htmltext"
	"github.com/samtal-dev/samtal/listening/raw"
)

// extra is what gofeed's common item leaves out but the source format has:
// whether the text is plain, the author's link and the item's language.
type extra struct {
	plainText string // text that is plain already; used instead of HTML
	authorURL string
	lang      string
}

// mapper turns gofeed items into raw.Items for one feed.
type mapper struct {
	base       *url.URL
	network    string
	feedLang   string
	feedAuthor *gofeed.Person
	extras     []extra // by item index; nil for RSS
}

func (m mapper) item(i int, it *gofeed.Item) (raw.Item, bool) {
	var ex extra
	if i < len(m.extras) {
		ex = m.extras[i]
	}
	item := raw.Item{
		URL:       m.link(it.Link),
		Title:     oneLine(it.Title, MaxTitle),
		Network:   m.network,
		AuthorURL: m.link(ex.authorURL),
		Published: published(it),
		Lang:      m.feedLang,
	}
	if ex.plainText != "" {
		item.Text = truncate(htmltext.Clean(ex.plainText), MaxText)
	} else {
		item.Text = truncate(htmltext.FromHTML(itemHTML(it)), MaxText)
	}
	guid := strings.TrimSpace(it.GUID)
	if item.URL == "" && strings.Contains(guid, "://") {
		// An RSS guid is a permalink unless it says otherwise.
		item.URL = m.link(guid)
	}
	item.ExternalID = guid
	if item.ExternalID == "" {
		item.ExternalID = item.URL
	}
	if item.ExternalID == "" {
		if item.Title == "" && item.Text == "" {
			return raw.Item{}, false
		}
		sum := sha256.Sum256([]byte(item.Title + "\n" + item.Text))
		item.ExternalID = "sha256:" + hex.EncodeToString(sum[:])
	}
	item.ExternalID = truncate(item.ExternalID, MaxTitle)

	if p := firstPerson(it.Authors); p != nil {
		item.Author, item.AuthorHandle = personName(p), strings.TrimSpace(p.Email)
	} else if p := m.feedAuthor; p != nil {
		item.Author, item.AuthorHandle = personName(p), strings.TrimSpace(p.Email)
	}
	item.Author = oneLine(item.Author, MaxTitle)
	if lang := langCode(ex.lang); lang != "" {
		item.Lang = lang
	} else if it.DublinCoreExt != nil && len(it.DublinCoreExt.Language) > 0 {
		if lang := langCode(it.DublinCoreExt.Language[0]); lang != "" {
			item.Lang = lang
		}
	}
	return item, true
}

// itemHTML picks the fullest text: content, then description or summary,
// then a podcast's summary.
func itemHTML(it *gofeed.Item) string {
	switch {
	case strings.TrimSpace(it.Content) != "":
		return it.Content
	case strings.TrimSpace(it.Description) != "":
		return it.Description
	case it.ITunesExt != nil:
		return it.ITunesExt.Summary
	}
	return ""
}

func published(it *gofeed.Item) time.Time {
	switch {
	case it.PublishedParsed != nil:
		return it.PublishedParsed.UTC()
	case it.UpdatedParsed != nil:
		return it.UpdatedParsed.UTC()
	}
	return time.Time{}
}

func firstPerson(people []*gofeed.Person) *gofeed.Person {
	for _, p := range people {
		if p != nil && (p.Name != "" || p.Email != "") {
			return p
		}
	}
	return nil
}

func personName(p *gofeed.Person) string {
	if name := strings.TrimSpace(p.Name); name != "" {
		return htmltext.FromHTML(name)
	}
	return strings.TrimSpace(p.Email)
}

// link resolves ref against the feed's address and keeps it only when it
// is an http or https URL: a javascript: link must never reach a page.
func (m mapper) link(ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	if m.base != nil {
		u = m.base.ResolveReference(u)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

// extrasOf reads what the original Atom or JSON document says beyond
// gofeed's common item; gofeed translates items one to one and in order.
func extrasOf(gf *gofeed.Feed) []extra {
	switch orig := gf.OriginalFeed().(type) {
	case *atom.Feed:
		if len(orig.Entries) != len(gf.Items) {
			return nil
		}
		feedAuthorURL := atomAuthorURL(orig.Authors)
		out := make([]extra, len(orig.Entries))
		for i, e := range orig.Entries {
			if e == nil {
				continue
			}
			if e.Content != nil && e.Content.Type == "text" && strings.TrimSpace(e.Content.Value) != "" {
				out[i].plainText = e.Content.Value
			}
			out[i].authorURL = atomAuthorURL(e.Authors)
			if len(e.Authors) == 0 {
				out[i].authorURL = feedAuthorURL
			}
		}
		return out
	case *json.Feed:
		if len(orig.Items) != len(gf.Items) {
			return nil
		}
		out := make([]extra, len(orig.Items))
		for i, it := range orig.Items {
			if it == nil {
				continue
			}
			if it.ContentHTML == "" {
				out[i].plainText = it.ContentText
				if strings.TrimSpace(out[i].plainText) == "" {
					out[i].plainText = it.Summary
				}
			}
			out[i].authorURL = jsonAuthorURL(it, orig)
			out[i].lang = it.Language
		}
		return out
	}
	return nil
}

func atomAuthorURL(people []*atom.Person) string {
	for _, p := range people {
		if p != nil && p.URI != "" {
			return p.URI
		}
	}
	return ""
}

func jsonAuthorURL(it *json.Item, f *json.Feed) string {
	for _, group := range [][]*json.Author{it.Authors, {it.Author}, f.Authors, {f.Author}} {
		for _, a := range group {
			if a != nil && a.URL != "" {
				return a.URL
			}
		}
	}
	return ""
}

// langCode returns the two-letter ISO 639-1 code of a language tag such as
// "de", "da-DK" or "en_US", or "" when the tag has none.
func langCode(tag string) string {
	primary, _, _ := strings.Cut(strings.TrimSpace(tag), "-")
	primary, _, _ = strings.Cut(primary, "_")
	if len(primary) != 2 {
		return ""
	}
	primary = strings.ToLower(primary)
	for _, r := range primary {
		if r < 'a' || r > 'z' {
			return ""
		}
	}
	return primary
}

// oneLine makes a title: text without markup on a single line.
func oneLine(s string, max int) string {
	return truncate(strings.Join(strings.Fields(htmltext.FromHTML(s)), " "), max)
}

// truncate cuts s to at most max bytes at a character boundary, ending in
// "…" when it cut.
func truncate(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strings.TrimSpace(s[:cut]) + "…"
}
