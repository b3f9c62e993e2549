package demo

import (
	"context"
	"fmt"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/account"
	"github.com/samtal-dev/samtal/idea"
)

// seedModeration shows moderation in the three languages: an English
// comment with someone's phone number, reported twice and waiting in the
// queue; a German comment about a late delivery that the moderator hid with
// a reason its author reads; and a Danish newcomer's first idea in the
// Havbro campaign, which holds first posts, waiting for a moderator.
func seedModeration(ctx context.Context, d Deps) error {
	admin := samtal.WithActor(ctx, samtal.Actor{Role: samtal.RoleAdmin, Via: "cli"})
	as := func(email string) (context.Context, error) {
		list, err := d.Accounts.ListAccounts(admin, account.Filter{Query: email, Limit: 2})
		if err != nil || len(list) != 1 {
			return nil, fmt.Errorf("demo account %s: %v", email, err)
		}
		a := list[0]
		return samtal.WithActor(ctx, samtal.Actor{AccountID: a.ID, PersonID: a.PersonID, Role: a.Role, Via: "demo"}), nil
	}
	// ideaNamed finds a demo idea by its campaign and title.
	ideaNamed := func(slug, title string) (*idea.Idea, error) {
		c, err := d.Campaigns.Get(admin, slug)
		if err != nil {
			return nil, err
		}
		list, err := d.Ideas.List(admin, idea.Filter{CampaignID: c.ID, Limit: 100})
		if err != nil {
			return nil, err
		}
		for _, i := range list {
			if i.Title == title {
				return i, nil
			}
		}
		return nil, fmt.Errorf("demo idea %q not found", title)
	}
	moderator, err := as(staff[2].email)
	if err != nil {
		return err
	}
	comment := func(email string, i *idea.Idea, body string) (*idea.Comment, error) {
		author, err := as(email)
		if err != nil {
			return nil, err
		}
		return d.Ideas.AddComment(author, i.ID, 0, body)
	}
	report := func(email, target, reason, text string) error {
		who, err := as(email)
		if err != nil {
			return err
		}
		_, err = d.Moderation.Report(who, target, reason, text)
		return err
	}

	// English: a comment that names a shop employee with her mobile number.
	photos, err := ideaNamed("stronger-relationship", "Før og efter-billeder fra rigtige hjem")
	if err != nil {
		return err
	}
	c, err := comment("tom.oconnor@example.co.uk", photos,
		"Ask for Jane Miller at the Leeds store, her mobile is 07700 900123 — she planned my whole flat and would love to share photos!")
	if err != nil {
		return err
	}
	target := fmt.Sprintf("comment-%d", c.ID)
	if err := report("grace.okafor@example.ie", target, "personal_data", "It gives a staff member's full name and private mobile number."); err != nil {
		return err
	}
	if err := report("anne.sorensen@example.dk", target, "personal_data", "Det er et privat telefonnummer – hun har næppe sagt ja til det."); err != nil {
		return err
	}

	// German: off topic, hidden with a respectful, specific reason.
	videos, err := ideaNamed("stronger-relationship", "Aufbauvideos für jedes Möbelstück")
	if err != nil {
		return err
	}
	c, err = comment("lukas.weber@example.ch", videos,
		"Meine Lieferung ist seit drei Wochen überfällig und niemand antwortet auf meine Mails!")
	if err != nil {
		return err
	}
	target = fmt.Sprintf("comment-%d", c.ID)
	if err := report("katrin.mueller@example.at", target, "off_topic", "Geht um eine Lieferung, nicht um Aufbauvideos."); err != nil {
		return err
	}
	if err := d.Moderation.Hide(moderator, target,
		"Dein Kommentar handelt von einer verspäteten Lieferung und nicht von Aufbauvideos, deshalb haben wir ihn hier ausgeblendet. "+
			"Unser Kundenservice meldet sich heute direkt bei dir, damit du schnell Hilfe bekommst."); err != nil {
		return err
	}

	// Danish: the Havbro campaign holds first posts; Mette has posted
	// nothing yet, so her first idea waits for a moderator.
	havbro, err := d.Campaigns.Get(admin, "havbro-farbe")
	if err != nil {
		return err
	}
	if err := d.Campaigns.SetHoldFirstPosts(moderator, havbro.ID, true); err != nil {
		return err
	}
	mette, err := as("mette.nielsen@example.dk")
	if err != nil {
		return err
	}
	if _, err := d.Ideas.Create(mette, idea.NewIdea{QuestionID: havbro.Questions[0].ID, Title: "Havblik",
		Body: "Farven minder mig om havet ved Skagen en stille morgen. »Havblik« betyder stille hav – og ordet lyder også smukt på tysk."}); err != nil {
		return fmt.Errorf("demo held idea: %w", err)
	}
	return nil
}
