// Package connector defines what the listening service needs from a
// connector to a social network or review site: read what is new since the
// last time, and say so in raw.Items. Each connector lives in its own
// package (listening/mastodon, …); the service keeps one cursor per source.
package connector

import (
	"context"

	"github.com/samtal-dev/samtal/listening/raw"
)

// Config is a source's settings as staff entered them, such as
// {"server": "mastodon.social", "hashtag": "kettle"}. The keys are the
// connector's own; Check says which it needs.
type Config map[string]string

// Connector reads items from one kind of source.
type Connector interface {
	// Name is the kind of source, such as "mastodon"; it is stored with
	// each source and picks the connector.
	Name() string
	// Check validates cfg without contacting anyone, so a source with a
	// bad setting is refused when staff save it. Its error is for staff.
	Check(cfg Config) error
	// Poll returns the items that are new since cursor ("" the first
	// time) and the cursor to pass next time. Items may repeat across
	// polls; their ExternalID tells them apart.
	Poll(ctx context.Context, cfg Config, cursor string) (items []raw.Item, next string, err error)
}
