package demo

import (
	"context"
	"fmt"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/idea"
)

// The search part of the demo: ideas and comments about the Havbro sofa in
// German, Danish and English, tagged, so that searching "sofa", "Sofaen",
// "grün", "grøn" or "Farbe", the campaign's tag links and the "is yours one
// of these?" list all have something to show. (Everything posted before this
// part is searchable too: migration 00008 indexed it.)
var searchIdeas = []demoIdea{
	{"havbro-farbe", 0, "katrin.mueller@example.at", "Waldgrün – ein ruhiges Grün für das Havbro-Sofa",
		"Ein gedecktes Grün passt zu hellem Holz und zu Leinen. Die Farbe sollte nach einem Ort am Wasser heißen, finde ich.",
		[]string{"grün", "name"}, nil, "", ""},
	{"havbro-farbe", 0, "anne.sorensen@example.dk", "Sofaen i en grøn farve der hedder »Skovsø«",
		"Grønne sofaer er hyggelige i en lys stue. Navnet Skovsø lyder dansk og passer til Havbro.",
		[]string{"grøn", "name"}, nil, "", ""},
	{"havbro-farbe", 1, "grace.okafor@example.ie", "A sofa cover kids can wash",
		"Whatever the colour, a removable cover that survives the washing machine would make the sofa family-proof.",
		[]string{"kids", "cover"}, nil, "", ""},
}

// searchComments are comments on the ideas above, by title.
var searchComments = []struct{ title, author, body string }{
	{"A sofa cover kids can wash", "jonas.becker@example.de", "Ja! Ein waschbarer Bezug in Grün wäre perfekt für unser Wohnzimmer."},
	{"Sofaen i en grøn farve der hedder »Skovsø«", "grace.okafor@example.ie", "Love the name. Would the green sofa come with matching cushions?"},
}

// The ideas get no votes here: the campaign has a budget of three votes
// that the demo's members have partly spent already.

// seedSearch posts the search part through the same services as everyone.
func seedSearch(ctx context.Context, d Deps) error {
	admin := samtal.WithActor(ctx, samtal.Actor{Role: samtal.RoleAdmin, Via: "cli"})
	posted := map[string]int64{}
	for _, x := range searchIdeas {
		c, err := d.Campaigns.Get(admin, x.campaign)
		if err != nil {
			return fmt.Errorf("demo campaign %s: %w", x.campaign, err)
		}
		author, err := demoActor(ctx, d, x.author)
		if err != nil {
			return err
		}
		i, err := d.Ideas.Create(author, idea.NewIdea{QuestionID: c.Questions[x.question].ID, Title: x.title, Body: x.body, Tags: x.tags})
		if err != nil {
			return fmt.Errorf("demo idea %q: %w", x.title, err)
		}
		posted[x.title] = i.ID
	}
	for _, x := range searchComments {
		author, err := demoActor(ctx, d, x.author)
		if err != nil {
			return err
		}
		if _, err := d.Ideas.AddComment(author, posted[x.title], 0, x.body); err != nil {
			return fmt.Errorf("demo comment on %q: %w", x.title, err)
		}
	}
	return nil
}

// demoActor is the context of a demo member, looked up by email.
func demoActor(ctx context.Context, d Deps, email string) (context.Context, error) {
	as, err := demoActors(ctx, d)
	if err != nil {
		return nil, err
	}
	return as(email)
}
