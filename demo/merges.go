package demo

import (
	"context"
	"fmt"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/account"
	"github.com/samtal-dev/samtal/idea"
)

// The demo's part for merges, staff notes and the roadmap: a Danish
// duplicate of a German idea, merged by the moderator (one voter had voted
// for both and keeps one vote); staff notes in the team's languages; and
// statuses in all three languages so that the roadmap has every column.

// seedMerges runs after seedIdeas and finds its ideas by title.
func seedMerges(ctx context.Context, d Deps) error {
	admin := samtal.WithActor(ctx, samtal.Actor{Role: samtal.RoleAdmin, Via: "cli"})
	as := func(email string) (context.Context, error) {
		list, err := d.Accounts.ListAccounts(admin, account.Filter{Query: email, Limit: 2})
		if err != nil || len(list) != 1 {
			return nil, fmt.Errorf("demo account %s: %v", email, err)
		}
		a := list[0]
		return samtal.WithActor(ctx, samtal.Actor{AccountID: a.ID, PersonID: a.PersonID, Role: a.Role, Via: "demo"}), nil
	}
	c, err := d.Campaigns.Get(admin, "stronger-relationship")
	if err != nil {
		return fmt.Errorf("demo campaign: %w", err)
	}
	list, err := d.Ideas.List(admin, idea.Filter{CampaignID: c.ID, Limit: 100})
	if err != nil {
		return err
	}
	byTitle := map[string]int64{}
	for _, i := range list {
		byTitle[i.Title] = i.ID
	}
	find := func(title string) (int64, error) {
		if id, ok := byTitle[title]; ok {
			return id, nil
		}
		return 0, fmt.Errorf("demo idea %q not found", title)
	}

	// The duplicate: Mette asks in Danish for what Jonas asked in German.
	mette, err := as("mette.nielsen@example.dk")
	if err != nil {
		return err
	}
	dup, err := d.Ideas.Create(mette, idea.NewIdea{QuestionID: c.Questions[2].ID,
		Title: "Videoer der viser, hvordan man samler møblerne",
		Body:  "Tegningerne i vejledningen er svære at følge. En kort video for hvert trin ville spare mig for mange skruer i den forkerte side.",
		Tags:  []string{"samling", "video"}})
	if err != nil {
		return fmt.Errorf("demo duplicate: %w", err)
	}
	// Mette voted for Jonas's idea already: after the merge she has one vote.
	for _, v := range []string{"mette.nielsen@example.dk", "frederik.holm@example.dk", "grace.okafor@example.ie"} {
		voter, err := as(v)
		if err != nil {
			return err
		}
		if _, err := d.Ideas.Vote(voter, dup.ID); err != nil {
			return fmt.Errorf("demo vote by %s: %w", v, err)
		}
	}
	frederik, err := as("frederik.holm@example.dk")
	if err != nil {
		return err
	}
	first, err := d.Ideas.AddComment(frederik, dup.ID, 0, "Ja tak! Især til de store garderobeskabe – dem er vi altid to om.")
	if err != nil {
		return err
	}
	if _, err := d.Ideas.AddComment(mette, dup.ID, first.ID, "Præcis. Og gerne med undertekster, så man kan se dem uden lyd."); err != nil {
		return err
	}
	moderator, err := as(staff[2].email)
	if err != nil {
		return err
	}
	videos, err := find("Aufbauvideos für jedes Möbelstück")
	if err != nil {
		return err
	}
	if _, err := d.Ideas.MergeIdeas(moderator, dup.ID, videos); err != nil {
		return fmt.Errorf("demo merge: %w", err)
	}

	// Staff notes, each in its writer's language.
	agent, err := as(staff[1].email)
	if err != nil {
		return err
	}
	analyst, err := as(staff[3].email)
	if err != nil {
		return err
	}
	for _, n := range []struct {
		who   context.Context
		title string
		body  string
	}{
		{agent, "Aufbauvideos für jedes Möbelstück", "Anne og Frederik har også skrevet til indbakken om samlevejledninger. Svar dem, når de første videoer er ude."},
		{moderator, "Treffen für Fans in den Einrichtungshäusern", "Mit dem Eventteam besprechen – das Budget für das zweite Quartal steht erst im Januar fest."},
		{analyst, "Answer people where they already talk about you", "Since we answer reviews within a working day, the average review rating went from 3.4 to 3.9."},
	} {
		id, err := find(n.title)
		if err != nil {
			return err
		}
		if _, err := d.Ideas.AddNote(n.who, id, n.body); err != nil {
			return fmt.Errorf("demo note on %q: %w", n.title, err)
		}
	}

	// Statuses for the roadmap, answered in the idea's language.
	for _, s := range []struct{ title, status, note string }{
		{"Før og efter-billeder fra rigtige hjem", idea.InProgress, "Vi samler de første tyve hjem nu – tak til alle, der har sendt billeder!"},
		{"Treffen für Fans in den Einrichtungshäusern", idea.UnderReview, "Wir prüfen, in welchen drei Häusern wir im Frühjahr anfangen können."},
		{"Patagonia's repair stories", idea.Planned, "A 'we fixed it' series starts in spring, with your repairs first."},
	} {
		id, err := find(s.title)
		if err != nil {
			return err
		}
		if err := d.Ideas.SetStatus(moderator, id, s.status, s.note); err != nil {
			return fmt.Errorf("demo status of %q: %w", s.title, err)
		}
	}
	return nil
}
