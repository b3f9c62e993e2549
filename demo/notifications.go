package demo

import (
	"context"
	"fmt"
	"strings"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/account"
	"github.com/samtal-dev/samtal/idea"
)

// The notifications part of the demo: conversations under three ideas, in
// English, German and Danish, with a reply, an @mention and a status
// change each, so that demo members find notifications waiting (the fan-out
// runs in the job queue once the server starts).

// demoThread is a comment with the replies to it, on one idea.
type demoThread struct {
	campaign, idea string // slug, title
	by, text       string // email; "@email" in text becomes that member's handle
	replies        [][2]string
	status, note   string // a status change after the talk, by the moderator
}

var threads = []demoThread{
	{"stronger-relationship", "Look at how Lego Ideas runs its community",
		"grace.okafor@example.ie", "@tom.oconnor@example.co.uk you wrote about their review rules on your blog, didn't you? Worth a read for the team.",
		[][2]string{{"tom.oconnor@example.co.uk", "I did! The short version: every idea that reaches the threshold gets a written answer, even a no."}},
		idea.Planned, "We start a pilot in spring: every idea with 50 votes gets a written answer from the product team within a month."},
	{"stronger-relationship", "Aufbauvideos für jedes Möbelstück",
		"katrin.mueller@example.at", "Super Idee! @lukas.weber@example.ch, du hattest doch mal ein Video vom Regalaufbau gedreht?",
		[][2]string{{"lukas.weber@example.ch", "Ja, mit dem Handy und ohne Ton – aber es hat meinem Nachbarn sehr geholfen. Ich teile es gern."}},
		idea.InProgress, "Die ersten drei Videos sind gedreht; wir schneiden sie gerade und testen die QR-Codes in der Anleitung."},
	{"stronger-relationship", "Før og efter-billeder fra rigtige hjem",
		"mette.nielsen@example.dk", "Godt forslag, @anne.sorensen@example.dk! Jeg bor på 38 m² i Aarhus og viser gerne, hvordan vi fik plads til et spisebord.",
		[][2]string{{"anne.sorensen@example.dk", "Tak, Mette – det vil jeg meget gerne se. Har du også billeder fra før?"}},
		idea.UnderReview, "Vi spørger tre medlemmer, om vi må besøge dem og fotografere deres hjem til en første serie."},
}

// seedNotifications posts the demo's conversations through the same
// services as everyone else; the notifications follow from them.
func seedNotifications(ctx context.Context, d Deps) error {
	admin := samtal.WithActor(ctx, samtal.Actor{Role: samtal.RoleAdmin, Via: "cli"})
	accounts := map[string]*account.Account{}
	as := func(email string) (context.Context, error) {
		a, ok := accounts[email]
		if !ok {
			list, err := d.Accounts.ListAccounts(admin, account.Filter{Query: email, Limit: 2})
			if err != nil || len(list) != 1 {
				return nil, fmt.Errorf("demo account %s: %v", email, err)
			}
			a = list[0]
			accounts[email] = a
		}
		return samtal.WithActor(ctx, samtal.Actor{AccountID: a.ID, PersonID: a.PersonID, Role: a.Role, Via: "demo"}), nil
	}
	// mention writes "@email" as that member's @handle.
	mention := func(text string) (string, error) {
		for _, m := range members {
			if strings.Contains(text, "@"+m.email) {
				if _, err := as(m.email); err != nil {
					return "", err
				}
				text = strings.ReplaceAll(text, "@"+m.email, "@"+accounts[m.email].Handle)
			}
		}
		return text, nil
	}
	moderator, err := as(staff[2].email)
	if err != nil {
		return err
	}
	for _, th := range threads {
		c, err := d.Campaigns.Get(admin, th.campaign)
		if err != nil {
			return fmt.Errorf("demo campaign %s: %w", th.campaign, err)
		}
		list, err := d.Ideas.List(admin, idea.Filter{CampaignID: c.ID, Sort: idea.SortNewest, Limit: 100})
		if err != nil {
			return err
		}
		var target *idea.Idea
		for _, i := range list {
			if i.Title == th.idea {
				target = i
			}
		}
		if target == nil {
			return fmt.Errorf("demo idea %q is missing", th.idea)
		}
		by, err := as(th.by)
		if err != nil {
			return err
		}
		text, err := mention(th.text)
		if err != nil {
			return err
		}
		first, err := d.Ideas.AddComment(by, target.ID, 0, text)
		if err != nil {
			return fmt.Errorf("demo comment on %q: %w", th.idea, err)
		}
		for _, r := range th.replies {
			who, err := as(r[0])
			if err != nil {
				return err
			}
			if _, err := d.Ideas.AddComment(who, target.ID, first.ID, r[1]); err != nil {
				return fmt.Errorf("demo reply on %q: %w", th.idea, err)
			}
		}
		if err := d.Ideas.SetStatus(moderator, target.ID, th.status, th.note); err != nil {
			return fmt.Errorf("demo status of %q: %w", th.idea, err)
		}
	}
	return nil
}
