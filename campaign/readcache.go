package campaign

import (
	"context"
	"sync"
)

// A read cache lets one request that only reads look a campaign up once:
// a campaign page asked the store for its campaign three times (the page,
// the idea list, the tag links), each a visibility check of its own. The
// checks still run every time; only the store read is remembered. Requests
// that write get no cache, so they never see a campaign as it was before
// their own change.

type readCacheKey struct{}

type readCache struct {
	mu   sync.Mutex
	byID map[int64]*Campaign
}

// WithReadCache returns ctx with an empty read cache for one request.
func WithReadCache(ctx context.Context) context.Context {
	return context.WithValue(ctx, readCacheKey{}, &readCache{byID: map[int64]*Campaign{}})
}

func cacheOf(ctx context.Context) *readCache {
	rc, _ := ctx.Value(readCacheKey{}).(*readCache)
	return rc
}

// byID reads campaign id through the request's cache, if it has one.
func (s *Service) byID(ctx context.Context, id int64) (*Campaign, error) {
	rc := cacheOf(ctx)
	if rc != nil {
		rc.mu.Lock()
		c, ok := rc.byID[id]
		rc.mu.Unlock()
		if ok {
			return c, nil
		}
	}
	c, err := s.Store.CampaignByID(ctx, id)
	if err == nil {
		remember(ctx, c)
	}
	return c, err
}

// remember keeps c in the request's cache, if it has one.
func remember(ctx context.Context, c *Campaign) {
	if rc := cacheOf(ctx); rc != nil {
		rc.mu.Lock()
		rc.byID[c.ID] = c
		rc.mu.Unlock()
	}
}
