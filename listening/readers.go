package listening

import (
	"context"
	"errors"
	"time"

	"net/url"

	"github.com/samtal-dev/samtal/listening/connector"
	"github.com/samtal-dev/samtal/listening/feed"
	"github.com/samtal-dev/samtal/listening/fetch"
	"github.com/samtal-dev/samtal/listening/mastodon"
)

// FeedReader reads RSS, Atom and JSON Feed sources through the safe
// client, asking only for news (ETag, Last-Modified).
type FeedReader struct {
	Client *fetch.Client
}

// Read implements Reader.
func (r FeedReader) Read(ctx context.Context, src *Source) (Batch, error) {
	resp, err := r.Client.Get(ctx, src.URL, fetch.Conditional{ETag: src.ETag, LastModified: src.LastModified})
	if err != nil {
		return Batch{}, fetchError(err)
	}
	if resp.NotModified {
		return Batch{NotModified: true}, nil
	}
	f, err := feed.Parse(resp.Body, resp.FinalURL)
	if err != nil {
		return Batch{}, err
	}
	return Batch{Items: f.Items, ETag: resp.ETag, LastModified: resp.LastModified}, nil
}

// MastodonReader follows a hashtag or a search on a Mastodon server; the
// cursor is the newest status read.
type MastodonReader struct {
	Client *fetch.Client
}

// Read implements Reader.
func (r MastodonReader) Read(ctx context.Context, src *Source) (Batch, error) {
	c := &mastodon.Connector{Client: r.Client}
	if src.Config.Token != "" {
		if u, err := url.Parse(src.Config.Server); err == nil {
			c.Tokens = map[string]string{u.Host: src.Config.Token}
		}
	}
	cfg := connector.Config{mastodon.KeyServer: src.Config.Server, mastodon.KeyHashtag: src.Config.Hashtag, mastodon.KeySearch: src.Config.Search}
	items, next, err := c.Poll(ctx, cfg, src.Cursor)
	if err != nil && len(items) == 0 {
		return Batch{}, fetchError(err)
	}
	// Pages read before a later page failed are kept; the next poll goes
	// on from their cursor.
	return Batch{Items: items, Cursor: next}, nil
}

// retryLater is a reader's error that says when to come back.
type retryLater struct {
	error
	after time.Duration
}

func (e retryLater) RetryAfter() time.Duration { return e.after }
func (e retryLater) Unwrap() error             { return e.error }

// fetchError keeps a fetch error's words and the wait the server asked for.
func fetchError(err error) error {
	var fe *fetch.Error
	if errors.As(err, &fe) && fe.RetryAfter > 0 {
		return retryLater{error: err, after: fe.RetryAfter}
	}
	return err
}

// NewReaders returns the readers of the kinds that are fetched, sharing
// one safe client (and so its per-host politeness). opts.AllowPrivate lets
// sources point at loopback and private networks.
func NewReaders(opts fetch.Options) map[string]Reader {
	c := fetch.New(opts)
	return map[string]Reader{
		KindFeed:     FeedReader{Client: c},
		KindMastodon: MastodonReader{Client: c},
	}
}
