package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/idea"
	"github.com/samtal-dev/samtal/sqlstore"
)

// Benchmarks of the hot paths through the whole handler stack, without the
// network. The load benchmark (cmd/samtal-bench) measures them over loopback.

func benchHarness(b *testing.B) (*harness, string) {
	h := newHarness(b, "sqlite")
	h.addUser("bench@example.org", samtal.RoleMember)
	return h, h.token("bench@example.org")
}

func BenchmarkHealthz(b *testing.B) {
	h, _ := benchHarness(b)
	benchGET(b, h, "/healthz", nil)
}

func BenchmarkAPIMe(b *testing.B) {
	h, tok := benchHarness(b)
	benchGET(b, h, "/api/v1/me", http.Header{"Authorization": {"Bearer " + tok}})
}

func BenchmarkSignInPage(b *testing.B) {
	h, _ := benchHarness(b)
	benchGET(b, h, "/signin", http.Header{"Accept-Language": {"de-DE,de;q=0.9,en;q=0.8"}})
}

func BenchmarkSettingsPage(b *testing.B) {
	h, _ := benchHarness(b)
	c := h.client()
	c.signIn("bench@example.org")
	var cookie string
	for _, k := range c.http.Jar.Cookies(mustURL(h.ts.URL)) {
		if k.Name == sessionCookie {
			cookie = k.Name + "=" + k.Value
		}
	}
	benchGET(b, h, "/settings", http.Header{"Cookie": {cookie}})
}

func BenchmarkCampaignPage(b *testing.B) {
	h, _ := benchHarness(b)
	c := &campaign.Campaign{Slug: "bench", Title: "Bench", Visibility: campaign.Public,
		Questions: []campaign.Question{{Text: "Which colour?"}, {Text: "Which name?"}}}
	if err := h.srv.Campaigns.Create(cli(), c); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < 40; i++ {
		// Twenty authors, so that the per-person posting limit is not in the way.
		email := fmt.Sprintf("author%d@example.org", i%20)
		if i < 20 {
			h.addUser(email, samtal.RoleMember)
		}
		author := samtal.WithActor(context.Background(), actorOf(b, h, email))
		if _, err := h.srv.Ideas.Create(author, idea.NewIdea{QuestionID: c.Questions[i%2].ID, Title: fmt.Sprint("Idea ", i), Body: "A body of some length."}); err != nil {
			b.Fatal(err)
		}
	}
	for _, path := range []string{"/campaigns/bench", fmt.Sprintf("/api/v1/ideas?campaign_id=%d", c.ID)} {
		b.Run(path, func(b *testing.B) { benchGET(b, h, path, nil) })
	}
}

func BenchmarkIdeaPageWith100Comments(b *testing.B) {
	h, _ := benchHarness(b)
	c := &campaign.Campaign{Slug: "talk", Title: "Talk", Visibility: campaign.Public, Questions: []campaign.Question{{Text: "Q?"}}}
	if err := h.srv.Campaigns.Create(cli(), c); err != nil {
		b.Fatal(err)
	}
	var authors []context.Context
	for k := 0; k < 10; k++ {
		email := fmt.Sprintf("talker%d@example.org", k)
		h.addUser(email, samtal.RoleMember)
		authors = append(authors, samtal.WithActor(context.Background(), actorOf(b, h, email)))
	}
	x, err := h.srv.Ideas.Create(authors[0], idea.NewIdea{QuestionID: c.Questions[0].ID, Title: "Much to say", Body: "A body."})
	if err != nil {
		b.Fatal(err)
	}
	var last int64
	for k := 0; k < 100; k++ {
		parent := int64(0)
		if k%3 == 2 {
			parent = last
		}
		cm, err := h.srv.Ideas.AddComment(authors[k%10], x.ID, parent, "A comment of a sentence or two.")
		if err != nil {
			b.Fatal(err)
		}
		last = cm.ID
	}
	path := fmt.Sprintf("/ideas/%d", x.ID)
	benchGET(b, h, path, nil)
}

// benchGET serves GET path with header through the whole handler stack,
// from 16 goroutines per core like the load benchmark's clients, and fails
// on any answer but 200.
func benchGET(b *testing.B, h *harness, path string, header http.Header) {
	b.Helper()
	b.ReportAllocs()
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		req := httptest.NewRequest("GET", path, nil)
		for k, v := range header {
			req.Header[k] = v
		}
		for pb.Next() {
			rec := httptest.NewRecorder()
			h.srv.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("GET %s: status %d", path, rec.Code)
			}
		}
	})
}

// BenchmarkVote votes through the whole handler stack as 50 members with
// their API tokens, each for ideas in turn, from 16 goroutines per core;
// every vote is a new one.
func BenchmarkVote(b *testing.B) {
	h, _ := benchHarness(b)
	c := &campaign.Campaign{Slug: "votes", Title: "Votes", Visibility: campaign.Public, Questions: []campaign.Question{{Text: "Q?"}}}
	if err := h.srv.Campaigns.Create(cli(), c); err != nil {
		b.Fatal(err)
	}
	const members = 50
	tokens := make([]string, members)
	for k := range tokens {
		email := fmt.Sprintf("voter%d@example.org", k)
		h.addUser(email, samtal.RoleMember)
		tokens[k] = h.token(email)
	}
	author := samtal.WithActor(context.Background(), actorOf(b, h, "voter0@example.org"))
	ideas := sqlstore.NewIdeas(h.db)
	ids := make([]int64, 4000)
	for k := range ids {
		i := &idea.Idea{CampaignID: c.ID, QuestionID: c.Questions[0].ID, AuthorPersonID: samtal.ActorFrom(author).PersonID,
			Title: fmt.Sprint("Idea ", k), Status: idea.Open, CreatedAt: time.Now()}
		if err := ideas.CreateIdea(context.Background(), i, idea.Weight(i.CreatedAt)); err != nil {
			b.Fatal(err)
		}
		ids[k] = i.ID
	}
	if b.N > members*len(ids) {
		b.Skip("more votes than members × ideas")
	}
	var next atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n := int(next.Add(1) - 1)
			req := httptest.NewRequest("POST", fmt.Sprintf("/api/v1/ideas/%d/vote", ids[n/members]), nil)
			req.Header.Set("Authorization", "Bearer "+tokens[n%members])
			rec := httptest.NewRecorder()
			h.srv.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("vote %d: status %d: %s", n, rec.Code, rec.Body)
			}
		}
	})
}
