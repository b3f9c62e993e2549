// Package search finds ideas and comments by their words, across the
// campaigns the caller may see. Queries are split into words in Go (Words),
// so that no user input reaches an engine's query language; the store
// matches each word as a prefix and ranks by relevance with a small boost
// for votes.
package search

import (
	"cmp"
	"context"
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/campaign"
)

// The kinds of result. Mentions come with listening.
const (
	KindIdea    = "idea"
	KindComment = "comment"
	// KindPerson finds people by a word of their name, for staff who read
	// people; it is searched only when asked for.
	KindPerson = "person"
	// KindMention finds what listening heard, for staff who read mentions;
	// it is searched only when asked for.
	KindMention = "mention"
)

// Kinds lists the kinds a search without a kind looks in, in the order
// they are searched.
var Kinds = []string{KindIdea, KindComment}

// Hit is one result.
type Hit struct {
	Kind       string
	ID         int64 // the idea's or the comment's id
	IdeaID     int64 // the idea itself, or the idea the comment is on
	CampaignID int64
	Title      string // the idea's title (for a comment: its idea's)
	Text       string // the text the snippet is cut from (body or comment)
	Tags       []string
	AuthorName string
	Status     string
	Votes      int
	Score      float64 // higher is better
	CreatedAt  time.Time
	// Snippet is a piece of Text around the first match, cut into parts;
	// odd parts are matched words (see Highlight).
	Snippet []string
	// TitleParts is Title cut the same way.
	TitleParts []string
}

// StoreQuery is what the store matches: every word as a prefix (all of
// them, or any of them), in the campaigns of Scope.
type StoreQuery struct {
	Words   []string
	AnyWord bool
	Scope   campaign.Scope
	Offset  int
	Limit   int
}

// Store finds ideas and comments. Each returns at most Offset+Limit hits,
// best first, skipping Offset; never merged ideas (nor their comments),
// deleted comments, or content a moderator hid.
type Store interface {
	SearchIdeas(ctx context.Context, q StoreQuery) ([]Hit, error)
	SearchComments(ctx context.Context, q StoreQuery) ([]Hit, error)
	// SearchPersons finds persons not merged away, erased or flagged as
	// bots by their name; Scope does not apply.
	SearchPersons(ctx context.Context, q StoreQuery) ([]Hit, error)
	// SearchMentions finds mentions (cluster heads) by their title and
	// text; Scope does not apply.
	SearchMentions(ctx context.Context, q StoreQuery) ([]Hit, error)
}

// Campaigns says which campaigns the actor may see.
type Campaigns interface {
	Scope(ctx context.Context) campaign.Scope
}

// Service searches.
type Service struct {
	Store     Store
	Campaigns Campaigns
}

// Input is a search as a user asks it.
type Input struct {
	Q      string
	Kinds  []string // empty: every kind
	Cursor string
	Limit  int // 0: 30
}

// Results is one page of hits; Next is the cursor of the next page or "".
type Results struct {
	Hits  []Hit
	Words []string
	Next  string
}

// maxResults is how deep anyone can page: relevance below that is noise,
// and each page costs as much as all before it.
const maxResults = 1000

// Search returns a page of what the actor may see that has every word of
// in.Q. A query without words finds nothing (no error). Returns EINVALID
// for an unknown kind, a bad limit or a bad cursor.
func (s *Service) Search(ctx context.Context, in Input) (*Results, error) {
	kinds := map[string]bool{}
	for _, k := range in.Kinds {
		k = strings.TrimSpace(k)
		if k == "" {
			continue
		}
		if k != KindIdea && k != KindComment && k != KindPerson && k != KindMention {
			return nil, samtal.FieldError("kind", "error.search_kind_invalid")
		}
		if k == KindPerson {
			// Who the organisation knows is for staff who read people.
			if err := samtal.ActorFrom(ctx).Require(samtal.PermViewPeople); err != nil {
				return nil, err
			}
		}
		if k == KindMention {
			// What listening heard is staff's inbox.
			if err := samtal.ActorFrom(ctx).Require(samtal.PermViewMentions); err != nil {
				return nil, err
			}
		}
		kinds[k] = true
	}
	if len(kinds) == 0 {
		for _, k := range Kinds {
			kinds[k] = true
		}
	}
	limit := in.Limit
	switch {
	case limit == 0:
		limit = 30
	case limit < 0 || limit > 100:
		return nil, samtal.FieldError("limit", "error.limit_invalid")
	}
	offset, err := parseCursor(in.Cursor)
	if err != nil {
		return nil, err
	}
	res := &Results{Words: Words(in.Q)}
	// "the sofa" means sofa: stop words would only narrow an all-words
	// match, unless they are all there is.
	if content := SimilarWords(in.Q); len(content) > 0 {
		res.Words = content
	}
	if len(res.Words) == 0 || offset >= maxResults {
		return res, nil
	}
	q := StoreQuery{Words: res.Words, Scope: s.Campaigns.Scope(ctx), Limit: limit + 1}
	var hits []Hit
	if len(kinds) == 1 {
		// One kind: the store skips the pages before.
		q.Offset = offset
		for k := range kinds { // the one kind
			if hits, err = s.find(k)(ctx, q); err != nil {
				return nil, err
			}
		}
	} else {
		// Several: the best offset+limit of the merged list are among the
		// best offset+limit of each.
		q.Limit = offset + limit + 1
		for _, k := range append(Kinds, KindPerson) {
			if !kinds[k] {
				continue
			}
			h, err := s.find(k)(ctx, q)
			if err != nil {
				return nil, err
			}
			hits = append(hits, h...)
		}
		sortHits(hits)
		hits = hits[min(offset, len(hits)):]
	}
	if len(hits) > limit {
		hits = hits[:limit]
		if offset+limit < maxResults {
			res.Next = cursorOf(offset + limit)
		}
	}
	for i := range hits {
		hits[i].TitleParts = Highlight(hits[i].Title, res.Words)
		hits[i].Snippet = Snippet(hits[i].Text, res.Words)
	}
	res.Hits = hits
	return res, nil
}

// find is the store's search for a kind.
func (s *Service) find(kind string) func(context.Context, StoreQuery) ([]Hit, error) {
	switch kind {
	case KindComment:
		return s.Store.SearchComments
	case KindPerson:
		return s.Store.SearchPersons
	case KindMention:
		return s.Store.SearchMentions
	}
	return s.Store.SearchIdeas
}

// sortHits orders hits best first; ties by kind, then newest first, so
// that pages never overlap.
func sortHits(h []Hit) {
	slices.SortStableFunc(h, func(a, b Hit) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		if c := cmp.Compare(b.Kind, a.Kind); c != 0 {
			return c // "idea" before "comment"
		}
		return cmp.Compare(b.ID, a.ID)
	})
}

// A cursor is opaque to clients: "s" and the number of hits before the
// page, in base64. Relevance changes with every vote and every new text, so
// a search pages by position, not by key; lists of ideas page by key.
func cursorOf(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("s" + strconv.Itoa(offset)))
}

func parseCursor(c string) (int, error) {
	if c == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	bad := samtal.FieldError("cursor", "error.cursor_invalid")
	if err != nil || len(b) < 2 || b[0] != 's' {
		return 0, bad
	}
	n, err := strconv.Atoi(string(b[1:]))
	if err != nil || n <= 0 || n >= maxResults || strconv.Itoa(n) != string(b[1:]) {
		return 0, bad
	}
	return n, nil
}
