package idea_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/account"
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/idea"
	"github.com/samtal-dev/samtal/internal/testdb"
	"github.com/samtal-dev/samtal/person"
	"github.com/samtal-dev/samtal/sqlstore"
)

type world struct {
	db        *sqlstore.DB
	ideas     *idea.Service
	campaigns *campaign.Service
	accounts  *sqlstore.Accounts
	clock     time.Time
}

func newWorld(t *testing.T, db *sqlstore.DB) *world {
	t.Helper()
	w := &world{db: db, campaigns: &campaign.Service{Store: sqlstore.NewCampaigns(db)}, accounts: sqlstore.NewAccounts(db), clock: time.Now().UTC()}
	ideas := sqlstore.NewIdeas(db)
	w.ideas = &idea.Service{Store: ideas, CommentStore: ideas, Threads: idea.NewThreadCache(1 << 20), ModerationStore: ideas, Campaigns: w.campaigns, Limiter: sqlstore.NewLimiter(db), Now: func() time.Time { return w.clock }}
	return w
}

var staff = samtal.WithActor(context.Background(), samtal.Actor{Role: samtal.RoleAdmin, Via: "cli"})

// member creates an account and returns its context.
func (w *world) member(t *testing.T, name string, role samtal.Role) context.Context {
	t.Helper()
	email := name + "@example.org"
	a, err := w.accounts.CreateAccount(context.Background(), account.NewAccount{Email: email, Name: name, Role: role,
		Identity: person.Identity{Kind: person.KindEmail, Value: email}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return samtal.WithActor(context.Background(), samtal.Actor{AccountID: a.ID, PersonID: a.PersonID, Role: role, Via: "test"})
}

func (w *world) campaign(t *testing.T, slug, visibility string, budget int) *campaign.Campaign {
	t.Helper()
	c := &campaign.Campaign{Slug: slug, Title: "Campaign " + slug, Visibility: visibility, VoteBudget: budget,
		Questions: []campaign.Question{{Text: "What colour?"}, {Text: "What name?"}}}
	if err := w.campaigns.Create(staff, c); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestIdeasAndVotes(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newWorld(t, db)
		c := w.campaign(t, "colour", campaign.Public, 0)
		ada, bo := w.member(t, "ada", samtal.RoleMember), w.member(t, "bo", samtal.RoleMember)

		first, err := w.ideas.Create(ada, idea.NewIdea{QuestionID: c.Questions[0].ID, Title: "  Fjordblå  ", Body: "Like the fjord\r\nin May", Tags: []string{"Blue", "blue", "sea green"}})
		if err != nil {
			t.Fatal(err)
		}
		if first.Title != "Fjordblå" || first.Body != "Like the fjord\nin May" || fmt.Sprint(first.Tags) != "[blue sea-green]" || first.Status != idea.Open {
			t.Errorf("created: %+v", first)
		}
		w.clock = w.clock.Add(time.Hour)
		second, err := w.ideas.Create(bo, idea.NewIdea{QuestionID: c.Questions[0].ID, Title: "Havgrøn"})
		if err != nil {
			t.Fatal(err)
		}
		// Votes count once per person, and can be taken back.
		if n, err := w.ideas.Vote(bo, first.ID); err != nil || n != 1 {
			t.Fatalf("vote: %d %v", n, err)
		}
		if _, err := w.ideas.Vote(bo, first.ID); samtal.ErrorCode(err) != samtal.ECONFLICT {
			t.Errorf("second vote: %v", err)
		}
		got, _ := w.ideas.Get(bo, first.ID)
		if got.Votes != 1 || !got.Voted {
			t.Errorf("after vote, for bo: votes %d voted %v", got.Votes, got.Voted)
		}
		if got, _ := w.ideas.Get(ada, first.ID); got.Voted {
			t.Error("ada sees bo's vote as hers")
		}
		// Newest first; top by votes; trending puts the voted idea first
		// although the other is newer.
		order := func(sort string) string {
			list, err := w.ideas.List(ada, idea.Filter{CampaignID: c.ID, Sort: sort})
			if err != nil {
				t.Fatal(err)
			}
			var s string
			for _, i := range list {
				s += i.Title + ";"
			}
			return s
		}
		for sort, want := range map[string]string{idea.SortNewest: "Havgrøn;Fjordblå;", idea.SortTop: "Fjordblå;Havgrøn;", idea.SortTrending: "Fjordblå;Havgrøn;"} {
			if got := order(sort); got != want {
				t.Errorf("sort %s: %s, want %s", sort, got, want)
			}
		}
		if n, err := w.ideas.Unvote(bo, first.ID); err != nil || n != 0 {
			t.Errorf("unvote: %d %v", n, err)
		}
		if _, err := w.ideas.Unvote(bo, first.ID); samtal.ErrorCode(err) != samtal.ENOTFOUND {
			t.Errorf("unvote without a vote: %v", err)
		}
		// Without votes, trending is by recency again.
		if got := order(idea.SortTrending); got != "Havgrøn;Fjordblå;" {
			t.Errorf("trending after the unvote: %s", got)
		}
		// Recent votes weigh more: two votes a week ago lose to one now.
		carl, dee, eve := w.member(t, "carl", samtal.RoleMember), w.member(t, "dee", samtal.RoleMember), w.member(t, "eve", samtal.RoleMember)
		w.clock = w.clock.Add(-7 * 24 * time.Hour)
		w.ideas.Vote(carl, first.ID)
		w.ideas.Vote(dee, first.ID)
		w.clock = w.clock.Add(8 * 24 * time.Hour)
		w.ideas.Vote(eve, second.ID)
		if got := order(idea.SortTrending); got != "Havgrøn;Fjordblå;" {
			t.Errorf("trending with old and new votes: %s", got)
		}
		if got := order(idea.SortTop); got != "Fjordblå;Havgrøn;" {
			t.Errorf("top with old and new votes: %s", got)
		}
		_ = second
	})
}

func TestIdeaRefusals(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newWorld(t, db)
		open := w.campaign(t, "open", campaign.Public, 0)
		hidden := w.campaign(t, "hidden", campaign.Invited, 0)
		closed := &campaign.Campaign{Slug: "closed", Title: "Closed", Visibility: campaign.Public, EndsAt: w.clock.Add(-time.Hour),
			Questions: []campaign.Question{{Text: "Too late?"}}}
		if err := w.campaigns.Create(staff, closed); err != nil {
			t.Fatal(err)
		}
		ada := w.member(t, "ada", samtal.RoleMember)
		visitor := context.Background()
		q := open.Questions[0].ID
		long := make([]byte, idea.MaxTitleLen+1)
		for i := range long {
			long[i] = 'x'
		}
		tests := []struct {
			name string
			ctx  context.Context
			in   idea.NewIdea
			code string
		}{
			{"visitor", visitor, idea.NewIdea{QuestionID: q, Title: "T"}, samtal.EUNAUTHORIZED},
			{"no title", ada, idea.NewIdea{QuestionID: q, Title: "  "}, samtal.EINVALID},
			{"long title", ada, idea.NewIdea{QuestionID: q, Title: string(long)}, samtal.EINVALID},
			{"control characters", ada, idea.NewIdea{QuestionID: q, Title: "a\x00b"}, samtal.EINVALID},
			{"unknown question", ada, idea.NewIdea{QuestionID: 999999, Title: "T"}, samtal.EINVALID},
			{"hidden campaign", ada, idea.NewIdea{QuestionID: hidden.Questions[0].ID, Title: "T"}, samtal.ENOTFOUND},
			{"closed campaign", ada, idea.NewIdea{QuestionID: closed.Questions[0].ID, Title: "T"}, samtal.ECONFLICT},
			{"question of another campaign", ada, idea.NewIdea{CampaignID: closed.ID, QuestionID: q, Title: "T"}, samtal.EINVALID},
			{"too many tags", ada, idea.NewIdea{QuestionID: q, Title: "T", Tags: []string{"a", "b", "c", "d", "e", "f"}}, samtal.EINVALID},
			{"bad tag", ada, idea.NewIdea{QuestionID: q, Title: "T", Tags: []string{"<script>"}}, samtal.EINVALID},
		}
		for _, tt := range tests {
			if _, err := w.ideas.Create(tt.ctx, tt.in); samtal.ErrorCode(err) != tt.code {
				t.Errorf("%s: %v, want %s", tt.name, err, tt.code)
			}
		}
		if list, _ := w.ideas.List(ada, idea.Filter{CampaignID: open.ID}); len(list) != 0 {
			t.Errorf("refused ideas were stored: %d", len(list))
		}
		// Ideas of a hidden campaign stay hidden from members, also by id.
		if _, err := w.ideas.Create(staff, idea.NewIdea{QuestionID: hidden.Questions[0].ID, Title: "Nobody's"}); samtal.ErrorCode(err) != samtal.EFORBIDDEN {
			t.Errorf("an idea by no person: %v", err)
		}
		mod := w.member(t, "mod", samtal.RoleModerator)
		secret, err := w.ideas.Create(mod, idea.NewIdea{QuestionID: hidden.Questions[0].ID, Title: "Secret"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.ideas.Get(ada, secret.ID); samtal.ErrorCode(err) != samtal.ENOTFOUND {
			t.Errorf("member gets a hidden idea: %v", err)
		}
		if _, err := w.ideas.List(ada, idea.Filter{CampaignID: hidden.ID}); samtal.ErrorCode(err) != samtal.ENOTFOUND {
			t.Errorf("member lists a hidden campaign: %v", err)
		}
		if _, err := w.ideas.Vote(ada, secret.ID); samtal.ErrorCode(err) != samtal.ENOTFOUND {
			t.Errorf("member votes on a hidden idea: %v", err)
		}
		if _, err := w.ideas.List(ada, idea.Filter{CampaignID: open.ID, Sort: "random"}); samtal.ErrorCode(err) != samtal.EINVALID {
			t.Errorf("unknown sort: %v", err)
		}
		if _, err := w.ideas.List(ada, idea.Filter{CampaignID: open.ID, Limit: 101}); samtal.ErrorCode(err) != samtal.EINVALID {
			t.Errorf("limit 101: %v", err)
		}
	})
}

func TestConcurrentVotesAreExact(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newWorld(t, db)
		c := w.campaign(t, "busy", campaign.Public, 3)
		author := w.member(t, "author", samtal.RoleMember)
		var ideas []*idea.Idea
		for i := 0; i < 5; i++ {
			x, err := w.ideas.Create(author, idea.NewIdea{QuestionID: c.Questions[0].ID, Title: fmt.Sprint("Idea ", i)})
			if err != nil {
				t.Fatal(err)
			}
			ideas = append(ideas, x)
		}
		// 30 members vote for idea 0 at once, each twice: 30 votes, no more.
		var voters []context.Context
		for i := 0; i < 30; i++ {
			voters = append(voters, w.member(t, fmt.Sprint("voter", i), samtal.RoleMember))
		}
		var wg sync.WaitGroup
		for _, v := range voters {
			for range 2 {
				wg.Go(func() { w.ideas.Vote(v, ideas[0].ID) })
			}
		}
		wg.Wait()
		if got, _ := w.ideas.Get(author, ideas[0].ID); got.Votes != 30 {
			t.Errorf("votes = %d, want 30", got.Votes)
		}
		// One member votes for five ideas at once with a budget of three.
		greedy := w.member(t, "greedy", samtal.RoleMember)
		var mu sync.Mutex
		ok := 0
		for _, x := range ideas {
			wg.Go(func() {
				if _, err := w.ideas.Vote(greedy, x.ID); err == nil {
					mu.Lock()
					ok++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		left, _ := w.ideas.VotesLeft(greedy, c)
		if ok != 3 || left != 0 {
			t.Errorf("with a budget of 3: %d votes went through, %d left", ok, left)
		}
	})
}

func TestStatusChanges(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newWorld(t, db)
		c := w.campaign(t, "roadmap", campaign.Public, 0)
		ada := w.member(t, "ada", samtal.RoleMember)
		mod := w.member(t, "mod", samtal.RoleModerator)
		x, err := w.ideas.Create(ada, idea.NewIdea{QuestionID: c.Questions[0].ID, Title: "Assembly videos"})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.ideas.SetStatus(ada, x.ID, idea.Planned, "yes"); samtal.ErrorCode(err) != samtal.EFORBIDDEN {
			t.Errorf("member sets status: %v", err)
		}
		if err := w.ideas.SetStatus(mod, x.ID, "shipped", ""); samtal.ErrorCode(err) != samtal.EINVALID {
			t.Errorf("unknown status: %v", err)
		}
		if err := w.ideas.SetStatus(mod, x.ID, idea.Planned, "We film the first three in March."); err != nil {
			t.Fatal(err)
		}
		got, _ := w.ideas.Get(ada, x.ID)
		h, _ := w.ideas.History(ada, x.ID)
		if got.Status != idea.Planned || len(h) != 1 || h[0].Note != "We film the first three in March." || h[0].ActorName != "mod" {
			t.Errorf("after the change: %s %+v", got.Status, h)
		}
		entries, _ := sqlstore.NewAudit(db).ListAudit(context.Background(), audit.Filter{Action: "idea.status_change", Limit: 10})
		if len(entries) != 1 || entries[0].Before != `{"status":"open"}` {
			t.Errorf("audit: %+v", entries)
		}
		if list, _ := w.ideas.List(ada, idea.Filter{CampaignID: c.ID, Status: idea.Planned}); len(list) != 1 {
			t.Errorf("filter by status: %d", len(list))
		}
	})
}
