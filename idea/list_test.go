package idea_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/idea"
	"github.com/samtal-dev/samtal/internal/testdb"
	"github.com/samtal-dev/samtal/sqlstore"
)

// pageThrough lists a campaign page by page and returns the ids in order.
// between, if set, runs after each page (to vote while a reader pages).
func pageThrough(t *testing.T, w *world, ctx context.Context, f idea.Filter, between func()) []int64 {
	t.Helper()
	var ids []int64
	for range 100 {
		list, err := w.ideas.List(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, i := range list {
			ids = append(ids, i.ID)
		}
		if len(list) < f.Limit {
			return ids
		}
		sort := f.Sort
		if sort == "" {
			sort = idea.SortTrending
		}
		if f.After, err = idea.ParseCursor(idea.CursorAfter(sort, list[len(list)-1])); err != nil {
			t.Fatal(err)
		}
		if between != nil {
			between()
		}
	}
	t.Fatal("too many pages")
	return nil
}

func TestKeysetPages(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newWorld(t, db)
		c := w.campaign(t, "pages", campaign.Public, 0)
		var members []context.Context
		for k := range 5 {
			members = append(members, w.member(t, fmt.Sprintf("m%d", k), samtal.RoleMember))
		}
		var all []int64
		for n := range 23 {
			i, err := w.ideas.Create(members[n%5], idea.NewIdea{QuestionID: c.Questions[0].ID, Title: fmt.Sprintf("Idea %d", n),
				Tags: []string{[]string{"blue", "green"}[n%2]}})
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, i.ID)
			if n%3 == 0 {
				// Ties in votes and in creation time, to test the id tiebreak.
				for _, m := range members[:n%4+1] {
					if _, err := w.ideas.Vote(m, i.ID); err != nil {
						t.Fatal(err)
					}
				}
			} else {
				w.clock = w.clock.Add(time.Minute)
			}
		}
		// Statuses for the status order, several ideas per status.
		for k, id := range all {
			if k%3 == 1 {
				if err := w.ideas.SetStatus(staff, id, idea.Statuses[k%len(idea.Statuses)], ""); err != nil {
					t.Fatal(err)
				}
			}
		}
		// A static list: every idea once, in the order of one long page.
		for _, sort := range []string{idea.SortTrending, idea.SortTop, idea.SortNewest, idea.SortStatus} {
			whole, err := w.ideas.List(staff, idea.Filter{CampaignID: c.ID, Sort: sort, Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			if sort == idea.SortStatus {
				for k := 1; k < len(whole); k++ {
					a, b := whole[k-1], whole[k]
					if ra, rb := idea.StatusRank(a.Status), idea.StatusRank(b.Status); ra > rb || ra == rb && a.Votes < b.Votes && a.Trending < b.Trending {
						t.Errorf("status order: %s before %s", a.Status, b.Status)
					}
				}
				if idea.StatusRank(whole[0].Status) == idea.StatusRank(whole[len(whole)-1].Status) {
					t.Errorf("status order: one status only")
				}
			}
			var want []int64
			for _, i := range whole {
				want = append(want, i.ID)
			}
			got := pageThrough(t, w, staff, idea.Filter{CampaignID: c.ID, Sort: sort, Limit: 4}, nil)
			if !slices.Equal(got, want) || len(got) != 23 {
				t.Errorf("%s: pages of 4 gave %v, one page %v", sort, got, want)
			}
		}
		// New ideas and votes while a reader pages the newest: nothing
		// repeats, nothing that was there is skipped.
		voter, k := w.member(t, "voter", samtal.RoleMember), 0
		got := pageThrough(t, w, staff, idea.Filter{CampaignID: c.ID, Sort: idea.SortNewest, Limit: 5}, func() {
			w.ideas.Vote(voter, all[k])
			k++
			if _, err := w.ideas.Create(voter, idea.NewIdea{QuestionID: c.Questions[0].ID, Title: "Later"}); err != nil {
				t.Fatal(err)
			}
		})
		if len(got) != 23 || len(slices.Compact(slices.Sorted(slices.Values(got)))) != 23 {
			t.Errorf("newest while voting and posting: %d ideas %v", len(got), got)
		}
		// Trending while votes come in: never the same idea twice.
		got = pageThrough(t, w, staff, idea.Filter{CampaignID: c.ID, Limit: 5}, func() {
			w.ideas.Vote(voter, all[k])
			k++
		})
		if len(slices.Compact(slices.Sorted(slices.Values(got)))) != len(got) {
			t.Errorf("trending while voting repeats ideas: %v", got)
		}

		// The tag filter, with paging.
		blue := pageThrough(t, w, staff, idea.Filter{CampaignID: c.ID, Tag: " Blue ", Sort: idea.SortNewest, Limit: 5}, nil)
		if len(blue) != 12 {
			t.Errorf("blue: %d ideas", len(blue))
		}
		tags, err := w.ideas.Tags(staff, c.ID)
		if err != nil || len(tags) != 2 || tags[0] != (idea.TagCount{Tag: "blue", Ideas: 12}) || tags[1] != (idea.TagCount{Tag: "green", Ideas: 11}) {
			t.Errorf("tags: %v %v", tags, err)
		}

		// Refusals: a cursor of another sort, tampered cursors, bad tags.
		top, _ := idea.ParseCursor(idea.CursorAfter(idea.SortTop, &idea.Idea{ID: 5, Votes: 2}))
		if _, err := w.ideas.List(staff, idea.Filter{CampaignID: c.ID, Sort: idea.SortNewest, After: top}); samtal.ErrorCode(err) != samtal.EINVALID {
			t.Errorf("cursor of another sort: %v", err)
		}
		enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
		for _, bad := range []string{"", "abc", "!!", enc("top|x|5"), enc("top|-1|5"), enc("top|2|0"), enc("top|2"), enc("best|2|5"),
			enc("newest|3|5"), enc("trending|NaNx|5"), enc("trending|1|5|6"), strings.Repeat("A", 50)} {
			if _, err := idea.ParseCursor(bad); samtal.ErrorCode(err) != samtal.EINVALID {
				t.Errorf("cursor %q: %v", bad, err)
			}
		}
		for _, tag := range []string{"a,b", strings.Repeat("x", 31), `"`} {
			if _, err := w.ideas.List(staff, idea.Filter{CampaignID: c.ID, Tag: tag}); samtal.ErrorCode(err) != samtal.EINVALID {
				t.Errorf("tag %q: %v", tag, err)
			}
		}
	})
}

func TestSimilarIdeas(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newWorld(t, db)
		c := w.campaign(t, "similar", campaign.Public, 0)
		other := w.campaign(t, "other", campaign.Public, 0)
		ada := w.member(t, "ada", samtal.RoleMember)
		mk := func(c *campaign.Campaign, title string) int64 {
			i, err := w.ideas.Create(ada, idea.NewIdea{QuestionID: c.Questions[0].ID, Title: title})
			if err != nil {
				t.Fatal(err)
			}
			return i.ID
		}
		cushions := mk(c, "Softer sofa cushions")
		sofa := mk(c, "Sofaen skal være grøn")
		mk(c, "Brighter lamps")
		mk(other, "Sofa cushions elsewhere")
		list, err := w.ideas.List(ada, idea.Filter{CampaignID: c.ID, Q: "The cushions of my sofa", Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, i := range list {
			ids = append(ids, i.ID)
		}
		// Both share a word; the one sharing two comes first; the other
		// campaign's idea is not among them.
		if !slices.Equal(ids, []int64{cushions, sofa}) {
			t.Errorf("similar: %v, want %v", ids, []int64{cushions, sofa})
		}
		if list, err := w.ideas.List(ada, idea.Filter{CampaignID: c.ID, Q: "the and of"}); err != nil || len(list) != 0 {
			t.Errorf("only stop words: %v %v", list, err)
		}
		if _, err := w.ideas.List(ada, idea.Filter{CampaignID: c.ID, Q: "sofa", Sort: idea.SortTop}); samtal.ErrorCode(err) != samtal.EINVALID {
			t.Errorf("q with sort top: %v", err)
		}
		if _, err := w.ideas.List(ada, idea.Filter{CampaignID: c.ID, Sort: idea.SortRelevance}); samtal.ErrorCode(err) != samtal.EINVALID {
			t.Errorf("relevance without q: %v", err)
		}
	})
}
