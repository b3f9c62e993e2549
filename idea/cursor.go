package idea

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/samtal-dev/samtal"
)

// SortRelevance orders a list filtered by words (Filter.Q): the closest
// first. It is one page: relevance changes with every new idea, so it has
// no cursor.
const SortRelevance = "relevance"

// Cursor is where a page of a list ends: the sort key and id of its last
// idea. The next page starts after it (keyset pagination), so a page costs
// the same however deep it is, and ideas posted meanwhile do not shift the
// pages. Clients see it as an opaque string.
type Cursor struct {
	Sort     string
	Trending float64 // SortTrending
	Votes    int     // SortTop
	Rank     int     // SortStatus: the status's place in Statuses (and Trending)
	ID       int64
}

// StatusRank is a status's place in Statuses, the order of SortStatus.
func StatusRank(status string) int {
	for k, s := range Statuses {
		if s == status {
			return k
		}
	}
	return len(Statuses)
}

// CursorAfter returns the cursor of the page that follows i in a list
// sorted by sort.
func CursorAfter(sort string, i *Idea) string {
	var key string
	switch sort {
	case SortTop:
		key = strconv.Itoa(i.Votes)
	case SortNewest:
		key = "-"
	case SortStatus:
		key = strconv.Itoa(StatusRank(i.Status)) + ":" + strconv.FormatFloat(i.Trending, 'g', -1, 64)
	default:
		sort = SortTrending
		key = strconv.FormatFloat(i.Trending, 'g', -1, 64)
	}
	return base64.RawURLEncoding.EncodeToString([]byte(sort + "|" + key + "|" + strconv.FormatInt(i.ID, 10)))
}

// ParseCursor reads a cursor of CursorAfter. Returns EINVALID (field
// "cursor") for anything else: a cursor is never guessed at.
func ParseCursor(s string) (*Cursor, error) {
	bad := samtal.FieldError("cursor", "error.cursor_invalid")
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, bad
	}
	parts := strings.Split(string(b), "|")
	if len(parts) != 3 {
		return nil, bad
	}
	c := &Cursor{Sort: parts[0]}
	if c.ID, err = strconv.ParseInt(parts[2], 10, 64); err != nil || c.ID <= 0 {
		return nil, bad
	}
	switch c.Sort {
	case SortTrending:
		if c.Trending, err = strconv.ParseFloat(parts[1], 64); err != nil {
			return nil, bad
		}
	case SortTop:
		if c.Votes, err = strconv.Atoi(parts[1]); err != nil || c.Votes < 0 {
			return nil, bad
		}
	case SortNewest:
		if parts[1] != "-" {
			return nil, bad
		}
	case SortStatus:
		rank, trending, ok := strings.Cut(parts[1], ":")
		if !ok {
			return nil, bad
		}
		if c.Rank, err = strconv.Atoi(rank); err != nil || c.Rank < 0 || c.Rank > len(Statuses) {
			return nil, bad
		}
		if c.Trending, err = strconv.ParseFloat(trending, 64); err != nil {
			return nil, bad
		}
	default:
		return nil, bad
	}
	return c, nil
}
