package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/samtal-dev/samtal/account"
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/idea"
	"github.com/samtal-dev/samtal/markup"
	"github.com/samtal-dev/samtal/sqlstore"
)

// benchCampaign is one seeded campaign.
type benchCampaign struct {
	ID   int64
	Slug string
}

// commentedIdeas ideas get commentsPerIdea comments each, for the idea page.
const (
	commentedIdeas  = 20
	commentsPerIdea = 100
)

// voteIdeas is how many unvoted ideas the vote scenario can walk through;
// each client votes for them in order, so it bounds a client's requests.
const voteIdeas = 3000

// seedIdeas fills the store the co-creation hub's scenarios read: public
// campaigns of four questions, ideas spread over them and over the last 60
// days, and votes of the members imported in bulk, plus a campaign of ideas
// nobody voted for yet.
func seedIdeas(ctx context.Context, db *sqlstore.DB, sz size, seed *seeded) error {
	camps := sqlstore.NewCampaigns(db)
	ideas := sqlstore.NewIdeas(db)
	members, err := sqlstore.NewAccounts(db).ListAccounts(ctx, account.Filter{Limit: sz.accounts + 1})
	if err != nil {
		return fmt.Errorf("seed ideas: members: %w", err)
	}
	var questions [][]campaign.Question
	for c := range sz.campaigns + 1 {
		slug := fmt.Sprintf("bench-%03d", c)
		if c == sz.campaigns {
			slug = "bench-votes"
		}
		cp := &campaign.Campaign{Slug: slug, Title: "Bench campaign " + slug, Brief: "A campaign of the load benchmark.",
			Visibility: campaign.Public, Languages: []string{"en"}, CreatedAt: time.Now(),
			Questions: []campaign.Question{{Position: 1, Text: "Which colour?"}, {Position: 2, Text: "Which name?"},
				{Position: 3, Text: "Which room?"}, {Position: 4, Text: "Which material?"}}}
		cp.BriefHTML = markup.Render(cp.Brief)
		if err := camps.CreateCampaign(ctx, cp, audit.Entry{At: time.Now(), Action: "campaign.create", TargetKind: "campaign", Via: "bench"}); err != nil {
			return fmt.Errorf("seed ideas: campaign: %w", err)
		}
		if c < sz.campaigns {
			seed.Campaigns = append(seed.Campaigns, benchCampaign{ID: cp.ID, Slug: slug})
		} else {
			seed.VoteCampaign = cp.ID
		}
		questions = append(questions, cp.Questions)
	}

	now := time.Now().UTC()
	// Bodies are rendered once, as the services do when members write.
	commentBody := "A comment of the load benchmark, answering the idea or another comment in a sentence or two."
	commentHTML := markup.Render(commentBody)
	create := func(n, campaignIdx int, at time.Time) (*idea.Idea, error) {
		q := questions[campaignIdx][n%4]
		i := &idea.Idea{CampaignID: q.CampaignID, QuestionID: q.ID, AuthorPersonID: members[n%len(members)].PersonID,
			Title: benchTitle(n), Body: benchBody(n),
			Tags: benchTags(n), Status: idea.Statuses[n%len(idea.Statuses)], CreatedAt: at, UpdatedAt: at}
		i.BodyHTML = markup.Render(i.Body)
		return i, ideas.CreateIdea(ctx, i, idea.Weight(at))
	}
	// The ideas, written by workers (PostgreSQL takes them side by side).
	ids := make([]int64, sz.ideas)
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, seedWorkers)
	for range seedWorkers {
		wg.Go(func() {
			for {
				n := int(next.Add(1)) - 1
				if n >= sz.ideas || ctx.Err() != nil {
					return
				}
				at := now.Add(-time.Duration(n%(60*24)) * time.Minute * 60)
				i, err := create(n, n%sz.campaigns, at)
				if err != nil {
					errs <- fmt.Errorf("seed ideas: idea %d: %w", n, err)
					return
				}
				ids[n] = i.ID
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	// The idea page scenario reads ideas with 100 comments each, a third of
	// them replies.
	for n := 0; n < len(ids) && len(seed.IdeaIDs) < commentedIdeas; n += max(1, len(ids)/commentedIdeas) {
		seed.IdeaIDs = append(seed.IdeaIDs, ids[n])
		var last int64
		for k := range commentsPerIdea {
			c := &idea.Comment{IdeaID: ids[n], AuthorPersonID: members[(n+k)%len(members)].PersonID,
				Body: commentBody, BodyHTML: commentHTML, CreatedAt: now, UpdatedAt: now}
			if k%3 == 2 {
				c.ParentID = last
			}
			if err := ideas.AddComment(ctx, c); err != nil {
				return fmt.Errorf("seed ideas: comment: %w", err)
			}
			last = c.ID
		}
	}

	// The votes: member p votes for the ideas p*stride, p*stride+1, … so
	// that every (member, idea) pair is unique; times spread over 30 days.
	voters := members[1:] // the bench member's budget stays untouched
	perVoter := (sz.votes + len(voters) - 1) / len(voters)
	stride := max(1, sz.ideas/len(voters))
	// One import, so that each idea is recounted once.
	const chunk = 1 << 30
	batch := make([]sqlstore.ImportedVote, 0, min(sz.votes, 1<<24))
	total := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := ideas.ImportVotes(ctx, batch, idea.Weight); err != nil {
			return fmt.Errorf("seed ideas: votes: %w", err)
		}
		batch = batch[:0]
		return nil
	}
	for p, v := range voters {
		for j := 0; j < perVoter && total < sz.votes; j++ {
			n := (p*stride + j) % sz.ideas
			at := now.Add(-time.Duration((p*7+j*13)%(30*24)) * time.Hour)
			batch = append(batch, sqlstore.ImportedVote{IdeaID: ids[n], PersonID: v.PersonID, CampaignID: questions[n%sz.campaigns][0].CampaignID, At: at})
			total++
			if len(batch) == chunk {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}

	if err := seedComments(ctx, ideas, sz, ids, members, seed); err != nil {
		return err
	}

	// Ideas nobody voted for, for the vote scenario.
	for n := range voteIdeas {
		i, err := create(sz.ideas+n, sz.campaigns, now)
		if err != nil {
			return fmt.Errorf("seed ideas: vote idea: %w", err)
		}
		seed.VoteIdeas = append(seed.VoteIdeas, i.ID)
	}
	return seedPeople(ctx, db, sz, seed, ids, func(n int) int64 { return questions[n%sz.campaigns][0].CampaignID }, members)
}
