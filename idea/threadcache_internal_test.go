package idea

import (
	"strings"
	"testing"
)

func threadOf(n int, text string) []Comment {
	out := make([]Comment, n)
	for i := range out {
		out[i] = Comment{ID: int64(i + 1), Body: text}
	}
	return out
}

func TestThreadCacheKeepsVersionsAndBytes(t *testing.T) {
	one := threadOf(1, "x")
	size := threadBytes(one)
	c := NewThreadCache(4 * size)

	c.put(1, 5, one)
	if _, ok := c.get(1, 4); ok {
		t.Error("an older version was served")
	}
	got, ok := c.get(1, 5)
	if !ok || len(got) != 1 {
		t.Fatalf("get(1, 5) = %v, %v", got, ok)
	}
	got[0].Body = "changed by a caller"
	if again, _ := c.get(1, 5); again[0].Body != "x" {
		t.Error("a caller's change reached the cache")
	}

	// A slower reader's older thread does not replace a newer one.
	c.put(1, 3, threadOf(1, "old"))
	if _, ok := c.get(1, 5); !ok {
		t.Error("an older version replaced a newer one")
	}

	// Least recently used goes first once the bytes are spent.
	for id := int64(2); id <= 4; id++ {
		c.put(id, 1, one)
	}
	c.get(1, 5) // 1 is now the most recently used; 2 the least
	c.put(5, 1, one)
	if _, ok := c.get(2, 1); ok {
		t.Error("the least recently used thread was kept")
	}
	for _, id := range []int64{3, 4, 5} {
		if _, ok := c.get(id, 1); !ok {
			t.Errorf("thread %d was dropped", id)
		}
	}
	if _, ok := c.get(1, 5); !ok {
		t.Error("the most recently used thread was dropped")
	}
	if c.bytes > c.maxBytes {
		t.Errorf("holds %d bytes, more than %d", c.bytes, c.maxBytes)
	}

	// A thread bigger than a quarter of the cache is not kept at all.
	c.put(9, 1, threadOf(1, strings.Repeat("y", 2*size)))
	if _, ok := c.get(9, 1); ok {
		t.Error("a giant thread was kept")
	}

	var none *ThreadCache
	none.put(1, 1, one)
	if _, ok := none.get(1, 1); ok {
		t.Error("a nil cache served a thread")
	}
}
