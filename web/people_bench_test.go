package web

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/idea"
	"github.com/samtal-dev/samtal/sqlstore"
)

// BenchmarkPersonProfile reads the staff profile page with its first
// timeline page, of a member with a typical history (100 votes, 10
// comments) and of one with 10,000 votes and 1,000 comments.
func BenchmarkPersonProfile(b *testing.B) {
	for _, size := range []struct {
		name            string
		votes, comments int
	}{{"typical", 100, 10}, {"10k", 10000, 1000}} {
		b.Run(size.name, func(b *testing.B) {
			h := newHarness(b, "sqlite")
			h.addUser("admin@example.org", samtal.RoleAdmin)
			m := h.addUser("busy@example.org", samtal.RoleMember)
			c := &campaign.Campaign{Slug: "p", Title: "P", Visibility: campaign.Public, Questions: []campaign.Question{{Text: "Q?"}}}
			if err := h.srv.Campaigns.Create(cli(), c); err != nil {
				b.Fatal(err)
			}
			ideas := sqlstore.NewIdeas(h.db)
			ctx := context.Background()
			now := time.Now().UTC()
			var votes []sqlstore.ImportedVote
			var comments []sqlstore.ImportedComment
			for n := range size.votes {
				i := &idea.Idea{CampaignID: c.ID, QuestionID: c.Questions[0].ID, AuthorPersonID: m.PersonID, Title: fmt.Sprintf("Idea %d", n),
					Status: "open", CreatedAt: now.Add(-time.Duration(n) * time.Minute), UpdatedAt: now}
				if err := ideas.CreateIdea(ctx, i, idea.Weight(i.CreatedAt)); err != nil {
					b.Fatal(err)
				}
				votes = append(votes, sqlstore.ImportedVote{IdeaID: i.ID, PersonID: m.PersonID, CampaignID: c.ID, At: i.CreatedAt})
				if n < size.comments {
					comments = append(comments, sqlstore.ImportedComment{IdeaID: i.ID, PersonID: m.PersonID, Body: "A comment.", BodyHTML: "<p>A comment.</p>", At: i.CreatedAt})
				}
			}
			if err := ideas.ImportVotes(ctx, votes, idea.Weight); err != nil {
				b.Fatal(err)
			}
			if err := ideas.ImportComments(ctx, comments); err != nil {
				b.Fatal(err)
			}
			cl := h.client()
			cl.signIn("admin@example.org")
			var cookie string
			for _, k := range cl.http.Jar.Cookies(mustURL(h.ts.URL)) {
				if k.Name == sessionCookie {
					cookie = k.Name + "=" + k.Value
				}
			}
			benchGET(b, h, fmt.Sprintf("/admin/people/%d", m.PersonID), http.Header{"Cookie": {cookie}})
		})
	}
}
