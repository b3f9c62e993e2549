package demo

import (
	"context"
	"fmt"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/account"
	"github.com/samtal-dev/samtal/consent"
)

// The consent part of the demo: Fjordhus's own consent texts in English,
// German and Danish (new versions over the texts samtal ships, so that the
// admins' page shows versions), and members' choices with a history:
// given at sign-up on the first version, given and withdrawn in the
// settings, gathered on paper and at an event by the agent, withdrawn by
// the link in a mail. Tom, Katrin, Lukas and Mette have no record, like
// accounts from before consent records: their mail about ideas waits for
// their consent.

var fjordhusTexts = []struct{ purpose, lang, body string }{
	{consent.IdeaEmails, "en", "Yes, Fjordhus may email me when something happens to my ideas and to the ideas I follow or voted for: comments, replies, mentions and what the team decided. At most one email per notification, or one digest a day if I choose so. I can stop this at any time in my settings or with the link at the end of every email."},
	{consent.IdeaEmails, "de", "Ja, Fjordhus darf mir schreiben, wenn sich bei meinen Ideen und bei Ideen, denen ich folge oder für die ich gestimmt habe, etwas tut: Kommentare, Antworten, Erwähnungen und was das Team entschieden hat. Höchstens eine E-Mail pro Benachrichtigung oder, wenn ich das wähle, eine Zusammenfassung am Tag. Ich kann das jederzeit in meinen Einstellungen oder mit dem Link am Ende jeder E-Mail beenden."},
	{consent.IdeaEmails, "da", "Ja, Fjordhus må skrive til mig, når der sker noget med mine idéer og de idéer, jeg følger eller har stemt på: kommentarer, svar, omtaler og hvad teamet har besluttet. Højst én mail pr. notifikation eller, hvis jeg vælger det, ét sammendrag om dagen. Jeg kan stoppe det når som helst i mine indstillinger eller med linket nederst i hver mail."},
	{consent.ContentReuse, "en", "Yes, Fjordhus may show my photos and texts from this community in its shops, catalogue and social media, always with my first name and a link to my post. I can withdraw this at any time; nothing new is published after that."},
	{consent.ContentReuse, "de", "Ja, Fjordhus darf meine Fotos und Texte aus dieser Community in den Läden, im Katalog und in sozialen Medien zeigen, immer mit meinem Vornamen und einem Link zu meinem Beitrag. Ich kann das jederzeit widerrufen; danach wird nichts Neues mehr veröffentlicht."},
	{consent.ContentReuse, "da", "Ja, Fjordhus må vise mine billeder og tekster fra dette fællesskab i butikkerne, i kataloget og på sociale medier, altid med mit fornavn og et link til mit opslag. Jeg kan trække det tilbage når som helst; derefter offentliggøres intet nyt."},
}

// demoConsent is one step of a member's consent history.
type demoConsent struct {
	email   string
	by      string // a staff member's email when staff record it, else ""
	how     string // "signup", "settings", "link" or "staff"
	purpose string
	given   bool
	text    string // what staff record; members agree to the current text
	channel string // for staff: paper, event, phone …
}

// Before Fjordhus's texts: sign-ups on the texts samtal ships.
var consentsFirst = []demoConsent{
	{email: "member@fjordhus.example", how: "signup", purpose: consent.IdeaEmails, given: true},
	{email: "jonas.becker@example.de", how: "signup", purpose: consent.IdeaEmails, given: true},
}

// After them.
var consentsThen = []demoConsent{
	{email: "member@fjordhus.example", how: "settings", purpose: consent.IdeaEmails, given: true},
	{email: "member@fjordhus.example", how: "settings", purpose: consent.ContentReuse, given: true},
	{email: "member@fjordhus.example", how: "settings", purpose: consent.ResearchContact, given: true},
	{email: "jonas.becker@example.de", how: "settings", purpose: consent.ResearchContact, given: true},
	{email: "jonas.becker@example.de", how: "settings", purpose: consent.ResearchContact, given: false},
	{email: "jonas.becker@example.de", by: "agent@fjordhus.example", how: "staff", purpose: consent.ContentReuse, given: true, channel: consent.ChannelPaper,
		text: "Einverständniserklärung – Fotowettbewerb „Mein Regal“, Hamburg, März 2026\n\nIch bin damit einverstanden, dass Fjordhus mein Foto vom Regal „Fjell“ mit meinem Vornamen im Katalog und auf fjordhus.example zeigt.\n\nJonas Becker"},
	{email: "anne.sorensen@example.dk", how: "settings", purpose: consent.IdeaEmails, given: true},
	{email: "anne.sorensen@example.dk", how: "settings", purpose: consent.AdvocateBriefings, given: true},
	{email: "anne.sorensen@example.dk", how: "link", purpose: consent.IdeaEmails, given: false},
	{email: "frederik.holm@example.dk", by: "agent@fjordhus.example", how: "staff", purpose: consent.ContentReuse, given: true, channel: consent.ChannelEvent,
		text: "Fjordhus Åbent Hus, Aarhus 2026: Jeg giver Fjordhus lov til at bruge billederne af min altan fra Instagram (@frederik.hjemme) på fjordhus.example og i nyhedsbrevet, med mit navn."},
	{email: "grace.okafor@example.ie", how: "settings", purpose: consent.IdeaEmails, given: true},
	{email: "grace.okafor@example.ie", how: "settings", purpose: consent.ResearchContact, given: true},
}

// seedConsents publishes Fjordhus's texts and records the members'
// choices through the consent service, as the pages and the API would.
func seedConsents(ctx context.Context, d Deps) error {
	if d.Consents == nil {
		return nil
	}
	admin := samtal.WithActor(ctx, samtal.Actor{Role: samtal.RoleAdmin, Via: "cli"})
	accounts := map[string]*account.Account{}
	find := func(email string) (*account.Account, error) {
		if a, ok := accounts[email]; ok {
			return a, nil
		}
		list, err := d.Accounts.ListAccounts(admin, account.Filter{Query: email, Limit: 2})
		if err != nil || len(list) != 1 {
			return nil, fmt.Errorf("demo account %s: %v", email, err)
		}
		accounts[email] = list[0]
		return list[0], nil
	}
	record := func(c demoConsent) error {
		a, err := find(c.email)
		if err != nil {
			return err
		}
		as := samtal.WithActor(ctx, samtal.Actor{AccountID: a.ID, PersonID: a.PersonID, IdentityID: a.IdentityID, Role: a.Role, Via: "demo"})
		switch c.how {
		case "signup":
			t, err := d.Consents.Shown(ctx, c.purpose, a.Locale)
			if err != nil || t == nil {
				return err // nothing published to agree to
			}
			if err := d.Consents.Offer(ctx, a.ID, []int64{t.ID}); err != nil {
				return err
			}
			return d.Consents.Confirm(ctx, a.ID)
		case "link":
			return d.Consents.WithdrawByLink(ctx, a.ID, c.purpose)
		case "staff":
			s, err := find(c.by)
			if err != nil {
				return err
			}
			as = samtal.WithActor(ctx, samtal.Actor{AccountID: s.ID, PersonID: s.PersonID, Role: s.Role, Via: "demo"})
			_, err = d.Consents.Record(as, a.PersonID, consent.Input{Purpose: c.purpose, Given: c.given, Text: c.text,
				Lang: a.Locale, Channel: c.channel})
			return err
		}
		_, err = d.Consents.Record(as, a.PersonID, consent.Input{Purpose: c.purpose, Given: c.given, Lang: a.Locale, Channel: consent.ChannelSettings})
		return err
	}
	for _, c := range consentsFirst {
		if err := record(c); err != nil {
			return fmt.Errorf("demo consent of %s: %w", c.email, err)
		}
	}
	for _, t := range fjordhusTexts {
		if _, err := d.Consents.Publish(admin, t.purpose, t.lang, t.body); err != nil && samtal.ErrorCode(err) != samtal.ECONFLICT {
			return fmt.Errorf("demo consent text %s/%s: %w", t.purpose, t.lang, err)
		}
	}
	for _, c := range consentsThen {
		if err := record(c); err != nil {
			return fmt.Errorf("demo consent of %s: %w", c.email, err)
		}
	}
	return nil
}
