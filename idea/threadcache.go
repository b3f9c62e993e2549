package idea

import (
	"container/list"
	"sync"
)

// ThreadCache keeps the comment threads of recently viewed ideas in memory,
// as the store returned them, keyed by the idea and its ThreadVersion. The
// store changes that version in the same transaction as anything the
// thread shows (see sqlstore's thread_version triggers), so a cached
// thread is used only while it is still what the store would return, also
// with several samtal processes on one database. Reading a thread of 100
// comments was a third of an idea page's time (docs/design.md, "Long
// pages").
//
// A nil *ThreadCache caches nothing. What the viewer may see is decided after the cache, per request: the
// cache holds every comment, held and hidden ones too, and never leaves
// the idea service.
type ThreadCache struct {
	mu       sync.Mutex
	maxBytes int
	bytes    int
	order    *list.List // of *threadEntry, most recently used first
	byIdea   map[int64]*list.Element
}

type threadEntry struct {
	ideaID, version int64
	comments        []Comment
	bytes           int
}

// NewThreadCache returns a cache that holds threads of about maxBytes of
// text in all, dropping the least recently used first.
func NewThreadCache(maxBytes int) *ThreadCache {
	return &ThreadCache{maxBytes: maxBytes, order: list.New(), byIdea: map[int64]*list.Element{}}
}

// get returns a copy of the cached thread of ideaID at version, which the
// caller may change.
func (c *ThreadCache) get(ideaID, version int64) ([]Comment, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byIdea[ideaID]
	if !ok {
		return nil, false
	}
	e := el.Value.(*threadEntry)
	if e.version != version {
		return nil, false
	}
	c.order.MoveToFront(el)
	return append([]Comment(nil), e.comments...), true
}

// put keeps a copy of the thread of ideaID at version, unless the cache
// already holds a later version (a slower reader must not replace it).
func (c *ThreadCache) put(ideaID, version int64, comments []Comment) {
	if c == nil {
		return
	}
	size := threadBytes(comments)
	if size > c.maxBytes/4 {
		return // one giant thread must not empty the cache
	}
	e := &threadEntry{ideaID: ideaID, version: version, comments: append([]Comment(nil), comments...), bytes: size}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byIdea[ideaID]; ok {
		old := el.Value.(*threadEntry)
		if old.version > version {
			return
		}
		c.bytes -= old.bytes
		c.order.Remove(el)
	}
	c.byIdea[ideaID] = c.order.PushFront(e)
	c.bytes += size
	for c.bytes > c.maxBytes {
		last := c.order.Back()
		old := last.Value.(*threadEntry)
		c.order.Remove(last)
		delete(c.byIdea, old.ideaID)
		c.bytes -= old.bytes
	}
}

// commentOverhead is about what a Comment takes besides its texts.
const commentOverhead = 256

func threadBytes(comments []Comment) int {
	n := 0
	for i := range comments {
		c := &comments[i]
		n += commentOverhead + len(c.Body) + len(c.BodyHTML) + len(c.AuthorName) + len(c.ModerationReason)
	}
	return n
}
