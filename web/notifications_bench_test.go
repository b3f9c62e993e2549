package web

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/idea"
)

// BenchmarkSignedInHome measures what every signed-in page pays for the
// header's unread count: the home page of a member with 12 unread
// notifications (the count comes with the session lookup).
func BenchmarkSignedInHome(b *testing.B) {
	h, _ := benchHarness(b)
	h.addUser("other@example.org", samtal.RoleMember)
	c := &campaign.Campaign{Slug: "bench", Title: "Bench", Visibility: campaign.Public, Questions: []campaign.Question{{Text: "Which colour?"}}}
	if err := h.srv.Campaigns.Create(cli(), c); err != nil {
		b.Fatal(err)
	}
	me := samtal.WithActor(context.Background(), actorOf(b, h, "bench@example.org"))
	other := samtal.WithActor(context.Background(), actorOf(b, h, "other@example.org"))
	i, err := h.srv.Ideas.Create(me, idea.NewIdea{QuestionID: c.Questions[0].ID, Title: "Mine"})
	if err != nil {
		b.Fatal(err)
	}
	for k := range 12 {
		if _, err := h.srv.Ideas.AddComment(other, i.ID, 0, fmt.Sprint("Comment ", k)); err != nil {
			b.Fatal(err)
		}
	}
	cl := h.client()
	cl.signIn("bench@example.org")
	var cookie string
	for _, k := range cl.http.Jar.Cookies(mustURL(h.ts.URL)) {
		if k.Name == sessionCookie {
			cookie = k.Name + "=" + k.Value
		}
	}
	benchGET(b, h, "/", http.Header{"Cookie": {cookie}})
}
