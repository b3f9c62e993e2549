// Package feed reads RSS 1.0 (RDF), RSS 2.0, Atom and JSON Feed documents
// that samtal fetched itself (see package fetch) into raw.Items. It trusts
// nothing in them: HTML becomes plain text, links that are not http or
// https are dropped, and oversized or hostile documents are refused before
// they can cost much memory or time.
package feed

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/mmcdole/gofeed"
	"github.com/samtal-dev/samtal/listening/raw"
)

// Limits on what Parse accepts and keeps.
const (
	// MaxSize is the largest body Parse reads. fetch caps bodies at 5 MiB
	// by default; this guards callers that got bytes elsewhere.
	MaxSize = 10 << 20
	// MaxDepth is the deepest element nesting accepted. Real feeds, XHTML
	// content included, stay far below; a parser walking 100,000 levels
	// costs hundreds of megabytes.
	MaxDepth = 256
	// MaxText and MaxTitle cap an item's text and title in bytes; longer
	// ones are cut at a character boundary and end in "…".
	MaxText  = 64 << 10
	MaxTitle = 1 << 10
)

// Errors Parse returns, for errors.Is; the messages are fit for staff.
var (
	ErrTooLarge = fmt.Errorf("the feed is larger than %d MiB", MaxSize>>20)
	ErrTooDeep  = fmt.Errorf("the feed nests elements more than %d levels deep", MaxDepth)
	ErrEmpty    = errors.New("the feed is empty")
	ErrNotFeed  = errors.New("this is not an RSS, Atom or JSON feed")
)

// Feed is a parsed feed: its title, the site it belongs to and its items in
// document order.
type Feed struct {
	Title   string
	SiteURL string
	Items   []raw.Item
}

// Parse reads body, a feed fetched from feedURL; relative links resolve
// against feedURL (after any xml:base). Items without a guid or id use
// their link as ExternalID, or else a hash of title and text; items with
// nothing at all are skipped. Returns ErrTooLarge, ErrTooDeep, ErrEmpty,
// ErrNotFeed, or an error saying where the document is broken.
func Parse(body []byte, feedURL string) (*Feed, error) {
	if len(body) > MaxSize {
		return nil, ErrTooLarge
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, ErrEmpty
	}
	if err := checkDepth(body); err != nil {
		return nil, err
	}
	p := gofeed.NewParser()
	p.KeepOriginalFeed = true
	// samtal keeps no images; the scan would parse every item's HTML once
	// more just to find one.
	p.RSSTranslator = &gofeed.DefaultRSSTranslator{DisableContentImageScan: true}
	gf, err := p.Parse(bytes.NewReader(body))
	if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
		return nil, ErrNotFeed
	}
	if err != nil {
		return nil, fmt.Errorf("the feed could not be read: %w", err)
	}

	base, err := url.Parse(feedURL)
	if err != nil || !base.IsAbs() {
		base = nil
	}
	m := mapper{
		base:       base,
		feedLang:   langCode(gf.Language),
		feedAuthor: firstPerson(gf.Authors),
		extras:     extrasOf(gf),
	}
	if base != nil {
		m.network = strings.ToLower(base.Hostname())
	}
	f := &Feed{
		Title:   oneLine(gf.Title, MaxTitle),
		SiteURL: m.link(gf.Link),
	}
	for i, it := range gf.Items {
		if it == nil {
			continue
		}
		if item, ok := m.item(i, it); ok {
			f.Items = append(f.Items, item)
		}
	}
	return f, nil
}
