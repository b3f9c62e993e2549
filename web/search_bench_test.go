package web

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/idea"
	"github.com/samtal-dev/samtal/sqlstore"
)

// BenchmarkSearch searches 5,000 ideas and 5,000 comments of mixed
// languages through the whole handler stack (SQLite).
func BenchmarkSearch(b *testing.B) {
	h, _ := benchHarness(b)
	c := &campaign.Campaign{Slug: "bench", Title: "Bench", Visibility: campaign.Public, Questions: []campaign.Question{{Text: "Which colour?"}}}
	if err := h.srv.Campaigns.Create(cli(), c); err != nil {
		b.Fatal(err)
	}
	author := h.addUser("author@example.org", "member")
	words := []string{"sofa", "Sofaen", "grün", "grøn", "Farbe", "colour", "kitchen", "Küche", "køkken", "lamp", "cushion", "wool", "oak", "kids", "børn"}
	ideas := sqlstore.NewIdeas(h.db)
	ctx := context.Background()
	var ids []int64
	for n := range 5000 {
		w := func(k int) string { return words[(n*k+k)%len(words)] }
		i := &idea.Idea{CampaignID: c.ID, QuestionID: c.Questions[0].ID, AuthorPersonID: author.PersonID, Status: idea.Open,
			Title: fmt.Sprintf("%s %s %s", w(1), w(3), w(7)), Body: fmt.Sprintf("Some %s and %s with %s, %d.", w(2), w(5), w(11), n), CreatedAt: time.Now()}
		if err := ideas.CreateIdea(ctx, i, idea.Weight(i.CreatedAt)); err != nil {
			b.Fatal(err)
		}
		ids = append(ids, i.ID)
	}
	var comments []sqlstore.ImportedComment
	for n := range 5000 {
		comments = append(comments, sqlstore.ImportedComment{IdeaID: ids[n], PersonID: author.PersonID, Body: words[n%len(words)] + " " + words[(n/7)%len(words)], At: time.Now()})
	}
	if err := ideas.ImportComments(ctx, comments); err != nil {
		b.Fatal(err)
	}
	benchGET(b, h, "/api/v1/search?q=sofa+gr%C3%BCn&limit=20", nil)
}
