// Package raw holds what a source delivers before samtal has looked at it:
// one item of a feed, a row of a review export, a post of a social network
// or an entry of a signed webhook. Readers (feed, import, connectors) make
// Items; the listening service enriches, de-duplicates and stores them as
// mentions. It is a leaf package so readers need nothing else of samtal.
package raw

import "time"

// Item is one post, review or comment as a source delivered it.
type Item struct {
	// ExternalID is the source's own id for the item (a feed's guid, a
	// status id, a row's id column). With the source it makes the item's
	// key, so reading a feed or an import again stores nothing twice. Empty
	// when the source has none; the URL, then a hash of the text stands in.
	ExternalID string
	URL        string
	Title      string
	// Text is plain text: readers turn HTML into sanitised text before it
	// gets here.
	Text string
	// Author is the display name; AuthorHandle the author's handle or
	// address on the network (for example "@anna@mastodon.social" or an
	// email typed into a review form); AuthorURL a link to their profile.
	Author       string
	AuthorHandle string
	AuthorURL    string
	// Network names where the author's handle lives ("mastodon", "trustpilot",
	// a feed's host). Empty means the source's own kind decides.
	Network   string
	Published time.Time
	// Rating is normalised to 0..1; nil when the item carries none.
	Rating *float64
	// Lang is an ISO 639-1 code when the source states it; enrichment
	// decides when it is empty.
	Lang string
}
