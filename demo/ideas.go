package demo

import (
	"context"
	"fmt"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/account"
	"github.com/samtal-dev/samtal/idea"
)

// demoIdea is an idea a member posts in the demo, with who votes for it and
// what the team decided.
type demoIdea struct {
	campaign string // slug
	question int    // index of the question
	author   string // email
	title    string
	body     string
	tags     []string
	voters   []string
	status   string
	note     string
}

var ideas = []demoIdea{
	{"stronger-relationship", 0, "member@fjordhus.example", "Look at how Lego Ideas runs its community",
		"Fans post designs, others vote, and the best ones become real sets with the designer credited. The rules are clear and every idea gets an answer.",
		[]string{"inspiration", "co-creation"}, []string{"jonas.becker@example.de", "anne.sorensen@example.dk", "grace.okafor@example.ie", "tom.oconnor@example.co.uk"},
		idea.UnderReview, "We are talking to two community teams who run programmes like this. Thanks for the pointer!"},
	{"stronger-relationship", 2, "jonas.becker@example.de", "Aufbauvideos für jedes Möbelstück",
		"Kurze Videos, die Schritt für Schritt zeigen, wie man ein Möbel aufbaut – am besten vom Handy aus abrufbar, über einen QR-Code in der Anleitung.",
		[]string{"aufbau", "video"}, []string{"member@fjordhus.example", "katrin.mueller@example.at", "lukas.weber@example.ch", "mette.nielsen@example.dk", "frederik.holm@example.dk"},
		idea.Planned, "We film the first ten assembly videos in March, starting with the most returned products."},
	{"stronger-relationship", 2, "anne.sorensen@example.dk", "Før og efter-billeder fra rigtige hjem",
		"Jeg vil gerne se, hvordan andre har indrettet små lejligheder med jeres møbler – gerne med en liste over, hvad de har brugt.",
		[]string{"inspiration", "små-hjem"}, []string{"frederik.holm@example.dk", "mette.nielsen@example.dk", "grace.okafor@example.ie"},
		"", ""},
	{"stronger-relationship", 1, "tom.oconnor@example.co.uk", "Answer people where they already talk about you",
		"When someone complains about a wobbly table on a review site, answer there, in public, quickly — not with a form letter.",
		[]string{"service"}, []string{"member@fjordhus.example", "jonas.becker@example.de"},
		idea.Done, "Our team now answers reviews within a working day; the inbox shows us each one."},
	{"stronger-relationship", 3, "katrin.mueller@example.at", "Treffen für Fans in den Einrichtungshäusern",
		"Einmal im Quartal ein Abend für Stammkundinnen und -kunden: neue Produkte ansehen, mit den Designern reden, Ideen austauschen.",
		[]string{"events"}, []string{"lukas.weber@example.ch"},
		"", ""},
	{"stronger-relationship", 3, "frederik.holm@example.dk", "Et forum hvor kunder hjælper hinanden",
		"Mange spørgsmål om mål og materialer kan andre kunder svare på. Marker de bedste svar, så de er nemme at finde.",
		[]string{"fællesskab"}, []string{"anne.sorensen@example.dk", "member@fjordhus.example", "tom.oconnor@example.co.uk"},
		idea.Declined, "We would rather answer in the places you already use than open another forum; see the idea about answering reviews."},
	{"stronger-relationship", 0, "grace.okafor@example.ie", "Patagonia's repair stories",
		"They show customers repairing old jackets instead of buying new ones. A 'we fixed it' series for furniture would be lovely.",
		[]string{"inspiration", "repair"}, nil, "", ""},
	{"havbro-farbe", 0, "jonas.becker@example.de", "Fjordgrün",
		"Erinnert an das Wasser im Fjord an einem klaren Morgen.", nil,
		[]string{"katrin.mueller@example.at", "lukas.weber@example.ch"}, "", ""},
	{"havbro-farbe", 0, "katrin.mueller@example.at", "Salbeiblau",
		"Nicht ganz Grün, nicht ganz Blau – wie getrockneter Salbei neben einer Jeans.", nil,
		[]string{"jonas.becker@example.de"}, "", ""},
	{"havbro-farbe", 1, "lukas.weber@example.ch", "Leseecke im Schlafzimmer",
		"Die Farbe beruhigt; ich sehe das Sofa in einer Ecke mit Stehlampe und Bücherregal.", nil, nil, "", ""},
}

// seedIdeas posts the demo's ideas as their members, with votes and the
// team's status decisions, through the same service as everyone else.
func seedIdeas(ctx context.Context, d Deps) error {
	admin := samtal.WithActor(ctx, samtal.Actor{Role: samtal.RoleAdmin, Via: "cli"})
	as := func(email string) (context.Context, error) {
		list, err := d.Accounts.ListAccounts(admin, account.Filter{Query: email, Limit: 2})
		if err != nil || len(list) != 1 {
			return nil, fmt.Errorf("demo account %s: %v", email, err)
		}
		a := list[0]
		return samtal.WithActor(ctx, samtal.Actor{AccountID: a.ID, PersonID: a.PersonID, Role: a.Role, Via: "demo"}), nil
	}
	moderator, err := as(staff[2].email)
	if err != nil {
		return err
	}
	for _, x := range ideas {
		c, err := d.Campaigns.Get(admin, x.campaign)
		if err != nil {
			return fmt.Errorf("demo campaign %s: %w", x.campaign, err)
		}
		author, err := as(x.author)
		if err != nil {
			return err
		}
		i, err := d.Ideas.Create(author, idea.NewIdea{QuestionID: c.Questions[x.question].ID, Title: x.title, Body: x.body, Tags: x.tags})
		if err != nil {
			return fmt.Errorf("demo idea %q: %w", x.title, err)
		}
		for _, v := range x.voters {
			voter, err := as(v)
			if err != nil {
				return err
			}
			if _, err := d.Ideas.Vote(voter, i.ID); err != nil {
				return fmt.Errorf("demo vote by %s: %w", v, err)
			}
		}
		if x.status != "" {
			if err := d.Ideas.SetStatus(moderator, i.ID, x.status, x.note); err != nil {
				return fmt.Errorf("demo status of %q: %w", x.title, err)
			}
		}
	}
	return nil
}
