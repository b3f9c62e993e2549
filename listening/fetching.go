package listening

import (
	"context"
	"errors"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/listening/raw"
)

// Batch is what one read of a source brought.
type Batch struct {
	Items []raw.Item
	// ETag, LastModified and Cursor are what the next read sends.
	ETag, LastModified, Cursor string
	// NotModified: the source has nothing new (HTTP 304).
	NotModified bool
}

// RetryAfterError is a reader's error that says when to come back (HTTP
// 429 or 503 with Retry-After, a network's rate limit).
type RetryAfterError interface {
	error
	RetryAfter() time.Duration
}

// MaxBackoff caps how long a failing source waits before its next try.
const MaxBackoff = 24 * time.Hour

// PollBatch is how many due sources one poll fetches at most.
const PollBatch = 20

// Poll fetches the sources that are due, one after the other, and returns
// how many it fetched. Each fetch's outcome is recorded on its source; one
// failing source does not stop the others.
func (s *Service) Poll(ctx context.Context) (int, error) {
	due, err := s.Store.DueSources(ctx, s.now(), PollBatch)
	if err != nil {
		return 0, err
	}
	n := 0
	for i := range due {
		if ctx.Err() != nil {
			break
		}
		if s.Readers[due[i].Kind] == nil {
			continue
		}
		if err := s.fetch(ctx, &due[i]); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// FetchNow fetches one source now, for staff: what the source shows
// afterwards says how it went. Returns ENOTFOUND, EFORBIDDEN, or
// ECONFLICT for a source that is not fetched (imports, webhooks).
func (s *Service) FetchNow(ctx context.Context, id int64) (*Source, error) {
	if err := samtal.ActorFrom(ctx).Require(PermManage); err != nil {
		return nil, err
	}
	src, err := s.Store.Source(ctx, id)
	if err != nil {
		return nil, err
	}
	if s.Readers[src.Kind] == nil {
		return nil, &samtal.Error{Code: samtal.ECONFLICT, Message: "error.source_not_fetched"}
	}
	if err := s.fetch(ctx, src); err != nil {
		return nil, err
	}
	src, err = s.Store.Source(ctx, id)
	if err != nil {
		return nil, err
	}
	hideSecrets(src)
	return src, nil
}

// fetch reads one source and records the outcome. Only a failure to store
// is returned; the source's own failures are recorded on it.
func (s *Service) fetch(ctx context.Context, src *Source) error {
	o := FetchOutcome{At: s.now(), ETag: src.ETag, LastModified: src.LastModified, Cursor: src.Cursor}
	interval := time.Duration(src.Interval) * time.Second
	b, err := s.Readers[src.Kind].Read(ctx, src)
	if err == nil && !b.NotModified {
		var res Ingested
		res, err = s.Ingest(ctx, src, b.Items)
		if err != nil {
			return err // ours, not the source's
		}
		o.Stored = len(res.IDs)
	}
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		o.Err = err.Error() // readers' errors are written for staff
		if se := (*samtal.Error)(nil); errors.As(err, &se) {
			o.Err = se.Message
		}
		o.Failing = true
		o.NextFetchAt = o.At.Add(backoff(interval, src.Failures+1, err))
		return s.Store.RecordFetch(ctx, src.ID, o)
	}
	if !b.NotModified {
		o.ETag, o.LastModified, o.Cursor = b.ETag, b.LastModified, b.Cursor
	}
	o.NextFetchAt = o.At.Add(interval)
	return s.Store.RecordFetch(ctx, src.ID, o)
}

// backoff is how long a source that failed failures times in a row waits:
// its interval doubled per failure, capped, and never sooner than the
// source asked.
func backoff(interval time.Duration, failures int, err error) time.Duration {
	d := interval
	for i := 1; i < failures && d < MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, MaxBackoff)
	var ra RetryAfterError
	if errors.As(err, &ra) && ra.RetryAfter() > d {
		d = min(ra.RetryAfter(), MaxBackoff)
	}
	return d
}
