// Package demo seeds a realistic community once: Fjordhus, a furniture
// brand that asks its customers concrete questions, with staff in every role
// and members who write in English, German and Danish. Each capability adds
// its part of the demo here.
package demo

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/account"
	"github.com/samtal-dev/samtal/advocate"
	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/consent"
	"github.com/samtal-dev/samtal/idea"
	"github.com/samtal-dev/samtal/listening"
	"github.com/samtal-dev/samtal/moderation"
	"github.com/samtal-dev/samtal/person"
	"github.com/samtal-dev/samtal/privacy"
	"github.com/samtal-dev/samtal/upload"
)

// Password is the password of every demo account; the demo listens on
// loopback only unless told otherwise.
const Password = "fjordhus-demo"

// CommunityName is the demo brand's community.
const CommunityName = "Fjordhus Community"

// SignIn is one demo account to print.
type SignIn struct {
	Role  samtal.Role
	Email string
	Name  string
}

// Deps are the services and stores the seed writes through, so that the
// demo obeys the same rules as everything else.
type Deps struct {
	Accounts  *account.Service
	Campaigns *campaign.Service
	Ideas     *idea.Service
	Persons   interface {
		CreatePerson(ctx context.Context, p *person.Person) error
	}
	Setting    func(ctx context.Context, key string) (string, error)
	SetSetting func(ctx context.Context, key, value string) error

	// Moderation takes the demo's reports and decisions.
	Moderation *moderation.Service
	// Uploads takes the demo's drawn images (campaign covers, photos).
	Uploads *upload.Service
	// People and Resolver take the demo's people: identities, merges,
	// notes and tags.
	People   *person.Service
	Resolver *person.Resolver
	// Consents takes the demo's consent texts and members' choices.
	Consents *consent.Service
	// Advocates scores the members, keeps the advocate group and sends the
	// demo's briefing.
	Advocates *advocate.Service
	// Privacy erases the demo's former member.
	Privacy *privacy.Service
	// Listening hears the demo's sources and keeps its mention inbox.
	Listening *listening.Service
}

// The staff and members of the demo community.
var staff = []struct {
	role        samtal.Role
	email, name string
	locale      string
}{
	{samtal.RoleAdmin, "admin@fjordhus.example", "Sofie Lindqvist", "en"},
	{samtal.RoleAgent, "agent@fjordhus.example", "Mads Kjær", "da"},
	{samtal.RoleModerator, "moderator@fjordhus.example", "Lena Hoffmann", "de"},
	{samtal.RoleAnalyst, "analyst@fjordhus.example", "Priya Raman", "en"},
}

var members = []struct {
	email, name, locale string
	extra               []person.Identity
}{
	{"member@fjordhus.example", "Emma Clarke", "en", []person.Identity{{Kind: person.KindHandle, Network: "mastodon", Value: "@emmabuilds@mastodon.social"}}},
	{"jonas.becker@example.de", "Jonas Becker", "de", []person.Identity{{Kind: person.KindURL, Value: "https://www.jonas-wohnt.example.de/"}}},
	{"anne.sorensen@example.dk", "Anne Sørensen", "da", []person.Identity{{Kind: person.KindReviewName, Network: "trustpilot", Value: "Anne S."}}},
	{"tom.oconnor@example.co.uk", "Tom O'Connor", "en", nil},
	{"katrin.mueller@example.at", "Katrin Müller", "de", nil},
	{"frederik.holm@example.dk", "Frederik Holm", "da", []person.Identity{{Kind: person.KindHandle, Network: "instagram", Value: "frederik.hjemme"}}},
	{"grace.okafor@example.ie", "Grace Okafor", "en", nil},
	{"lukas.weber@example.ch", "Lukas Weber", "de", nil},
	{"mette.nielsen@example.dk", "Mette Nielsen", "da", nil},
}

// People the brand knows from what they wrote elsewhere, without an account.
var outsiders = []person.Person{
	{Name: "Kasper H.", Locale: "da", Identities: []person.Identity{{Kind: person.KindReviewName, Network: "trustpilot", Value: "Kasper H."}}},
	{Name: "Wohnblog Nord", Locale: "de", Identities: []person.Identity{{Kind: person.KindURL, Value: "https://wohnblog-nord.example.de/"}}},
	{Name: "Hannah (@hannahmakes)", Locale: "en", Identities: []person.Identity{{Kind: person.KindHandle, Network: "mastodon", Value: "@hannahmakes@mastodon.social"}}},
}

// Seed fills an empty store with the demo community. It runs once: a second
// call sees the marker and only returns the sign-ins.
func Seed(ctx context.Context, d Deps) ([]SignIn, error) {
	var out []SignIn
	for _, s := range staff {
		out = append(out, SignIn{Role: s.role, Email: s.email, Name: s.name})
	}
	out = append(out, SignIn{Role: samtal.RoleMember, Email: members[0].email, Name: members[0].name})

	done, err := d.Setting(ctx, "demo.seeded")
	if err != nil {
		return nil, err
	}
	if done == "" {
		if err := seedBase(ctx, d); err != nil {
			return nil, err
		}
	}
	// Each capability's part of the demo has its own marker, so that a demo
	// store from an older version gets the new parts once.
	for _, part := range []struct {
		key  string
		seed func(context.Context, Deps) error
	}{
		{"demo.ideas", seedIdeas},
		{"demo.merges", seedMerges},
		{"demo.moderation", seedModeration},
		// Before the notifications, so that members who consent find
		// their notification mails in the outbox.
		{"demo.consents", seedConsents},
		{"demo.notifications", seedNotifications},
		{"demo.campaigns_media", seedCampaignsMedia},
		{"demo.search", seedSearch},
		{"demo.people", seedPeople},
		// After the ideas and consents: scores come from what members did,
		// briefing mails need consent.
		{"demo.advocates", seedAdvocates},
		// After the people part: reviews land on the profiles of people
		// the brand knows.
		{"demo.listening", seedListening},
		// A member who asked to be erased: their comment shows "a former
		// member".
		{"demo.privacy", seedFormerMember},
	} {
		done, err := d.Setting(ctx, part.key)
		if err != nil {
			return nil, err
		}
		if done != "" {
			continue
		}
		if err := part.seed(ctx, d); err != nil {
			return nil, err
		}
		if err := d.SetSetting(ctx, part.key, time.Now().UTC().Format(time.RFC3339)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// seedBase creates the accounts, the people known from elsewhere and the
// campaigns.
func seedBase(ctx context.Context, d Deps) error {
	var err error
	ctx = samtal.WithActor(ctx, samtal.Actor{Role: samtal.RoleAdmin, Via: "cli"})
	add := func(email, name string, role samtal.Role, locale string) (*account.Account, error) {
		acc, _, err := d.Accounts.AddUser(ctx, account.AddUserInput{Email: email, Name: name, Role: role, Password: Password, Locale: locale})
		if err != nil {
			return nil, fmt.Errorf("demo account %s: %w", email, err)
		}
		return acc, nil
	}
	for _, s := range staff {
		if _, err := add(s.email, s.name, s.role, s.locale); err != nil {
			return err
		}
	}
	for _, m := range members {
		if _, err := add(m.email, m.name, samtal.RoleMember, m.locale); err != nil {
			return err
		}
	}
	for _, p := range outsiders {
		p := p
		// The slice is shared with the package's list; normalise a copy.
		p.Identities = slices.Clone(p.Identities)
		for i := range p.Identities {
			if p.Identities[i], err = person.NormalizeIdentity(p.Identities[i]); err != nil {
				return err
			}
		}
		if err := d.Persons.CreatePerson(ctx, &p); err != nil {
			return fmt.Errorf("demo person %s: %w", p.Name, err)
		}
	}
	for _, c := range campaigns(time.Now().UTC()) {
		if err := d.Campaigns.Create(ctx, c); err != nil {
			return fmt.Errorf("demo campaign %s: %w", c.Slug, err)
		}
	}
	return d.SetSetting(ctx, "demo.seeded", time.Now().UTC().Format(time.RFC3339))
}

// campaigns are the demo's campaigns. The first asks the four questions that
// IKEA's agency asked its customers in 2009 (seed 000).
func campaigns(now time.Time) []*campaign.Campaign {
	day := 24 * time.Hour
	return []*campaign.Campaign{
		{
			Slug: "stronger-relationship", Title: "How can Fjordhus use social media to build a stronger relationship with you?",
			Brief: "We would rather talk with you than at you. Instead of asking for opinions in general, we ask four concrete questions. " +
				"Answer one, several, or vote for the answers of others — in English, auf Deutsch eller på dansk.",
			Visibility: campaign.Public, Languages: []string{"en", "de", "da"},
			StartsAt: now.Add(-14 * day), EndsAt: now.Add(60 * day), VoteBudget: 0,
			Questions: []campaign.Question{
				{Text: "Do you have any other sites, platforms and brands that can inspire us?", Help: "Links welcome: which communities do you enjoy, and why?"},
				{Text: "What role should Fjordhus play in social media, and what role would our presence in social media play for you?"},
				{Text: "What kind of content would you like to have on the platform?", Help: "Assembly videos, room makeovers, care tips, behind the scenes …"},
				{Text: "In what way would you connect with the Fjordhus brand and other Fjordhus fans?"},
			},
		},
		{
			// Run by the German team for members in Germany, Austria and
			// Switzerland (seed 002: let customers name a colour).
			Slug: "havbro-farbe", Title: "Wie soll die neue Farbe des Havbro-Sofas heißen?",
			Brief: "Unsere Designerinnen haben ein neues Blaugrün für das Sofa Havbro gemischt. " +
				"Ihr entscheidet, unter welchem Namen es im Katalog steht. Jedes Mitglied hat drei Stimmen.",
			Visibility: campaign.Members, Languages: []string{"de"},
			StartsAt: now.Add(-3 * day), EndsAt: now.Add(25 * day), VoteBudget: 3,
			Questions: []campaign.Question{
				{Text: "Wie soll die neue Farbe heißen?", Help: "Ein Name pro Idee – gern einer, der auch auf Englisch und Dänisch funktioniert."},
				{Text: "Zu welchem Raum passt die Farbe für dich am besten?"},
			},
		},
		{
			// Prepared by the Danish team; staff only until it opens
			// (seed 002: children's drawings became soft toys).
			Slug: "tegninger-bliver-bamser", Title: "Børnetegninger bliver til bamser (forhåndsvisning for medarbejdere)",
			Brief: "Til foråret inviterer vi børn til at tegne en bamse; de bedste tegninger bliver sat i produktion. " +
				"Vi forbereder konkurrencen.",
			Visibility: campaign.Invited, Languages: []string{"da", "en"},
			Questions: []campaign.Question{
				{Text: "Hvilket dyr eller væsen kunne du tænke dig at kramme?"},
				{Text: "Hvad skal bamsen hedde?"},
			},
		},
	}
}
