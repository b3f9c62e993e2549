package demo

import (
	"context"
	"fmt"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/person"
)

// seedPeople shows the people capability with the community's own members
// and the people the brand met elsewhere: identities members linked,
// persons found on review sites and blogs who may be members (proposed
// merges with their reasons), a merge staff made and can undo, a pair staff
// decided are two humans, a bot, and notes and tags in the staff's three
// languages.
func seedPeople(ctx context.Context, d Deps) error {
	staff := samtal.WithActor(ctx, samtal.Actor{Role: samtal.RoleAdmin, Via: "cli"})
	as, err := demoActors(ctx, d)
	if err != nil {
		return err
	}
	who := map[string]int64{} // member email → person id
	for _, m := range members {
		mctx, err := as(m.email)
		if err != nil {
			return err
		}
		pid := samtal.ActorFrom(mctx).PersonID
		who[m.email] = pid
		// Members linked their handles and blogs themselves.
		for _, id := range m.extra {
			if _, err := d.People.AddIdentity(mctx, pid, id); err != nil {
				return fmt.Errorf("demo identity of %s: %w", m.email, err)
			}
		}
	}
	places := map[string]string{
		"member@fjordhus.example": "Manchester", "jonas.becker@example.de": "Hamburg", "anne.sorensen@example.dk": "Aarhus",
		"katrin.mueller@example.at": "Wien", "frederik.holm@example.dk": "Odense", "grace.okafor@example.ie": "Dublin",
	}
	for email, place := range places {
		if _, err := d.People.Update(staff, who[email], person.Patch{Location: &place}); err != nil {
			return fmt.Errorf("demo location of %s: %w", email, err)
		}
	}

	// People the brand met elsewhere, resolved the way listening and imports
	// will resolve them.
	met := []struct {
		name, locale, location string
		id                     person.Identity
	}{
		// A review import typed Anne's email: a claim, proposed, not joined.
		{"Anne Sørensen", "da", "Aarhus", person.Identity{Kind: person.KindEmail, Value: "anne.sorensen@example.dk"}},
		// Jonas's email used as a review name.
		{"Jonas B.", "de", "", person.Identity{Kind: person.KindReviewName, Network: "trustpilot", Value: "jonas.becker@example.de", Verified: true}},
		// The same name in the same city.
		{"Katrin Mueller", "de", "Wien", person.Identity{Kind: person.KindHandle, Network: "instagram", Value: "katrin.wohnt", Verified: true}},
		// Grace's review, merged by staff (see below).
		{"Grace O.", "en", "Dublin", person.Identity{Kind: person.KindReviewName, Network: "trustpilot", Value: "Grace O.", Verified: true}},
		// Two different people called Lars Nielsen in Odense: staff said so.
		{"Lars Nielsen", "da", "Odense", person.Identity{Kind: person.KindHandle, Network: "instagram", Value: "lars.snedker", Verified: true}},
		{"Lars Nielsen", "da", "Odense", person.Identity{Kind: person.KindURL, Value: "https://larsnielsen-design.example.dk", Verified: true}},
		// A bot that posts deals: kept out of figures.
		{"Møbeltilbud Bot", "da", "", person.Identity{Kind: person.KindHandle, Network: "mastodon", Value: "@tilbud@bots.example", Verified: true}},
	}
	ids := make([]int64, len(met))
	for i, m := range met {
		if ids[i], _, err = d.Resolver.Resolve(ctx, person.Resolution{Identity: m.id, Name: m.name, Locale: m.locale, Location: m.location}); err != nil {
			return fmt.Errorf("demo person %s: %w", m.name, err)
		}
	}
	bot := true
	if _, err := d.People.Update(staff, ids[6], person.Patch{Bot: &bot}); err != nil {
		return err
	}
	// Staff merged Grace's review into her member profile.
	if _, err := d.People.Merge(staff, ids[3], who["grace.okafor@example.ie"]); err != nil {
		return fmt.Errorf("demo merge: %w", err)
	}
	// … and decided that the two Lars Nielsens are two people.
	open, err := d.People.Suggestions(staff, person.SuggestionFilter{PersonID: ids[4]})
	if err != nil {
		return err
	}
	for _, s := range open {
		if s.PersonA == min(ids[4], ids[5]) && s.PersonB == max(ids[4], ids[5]) {
			if err := d.People.RejectSuggestion(staff, s.ID); err != nil {
				return err
			}
		}
	}

	notes := []struct{ email, text string }{
		{"anne.sorensen@example.dk", "Ringede om levering af sofaen: kom en uge for sent. Fik et gavekort. Meget positiv i samtalen."},
		{"jonas.becker@example.de", "Schreibt einen Wohnblog mit ca. 8.000 Lesern. Hat angeboten, die neue Leuchte zu testen."},
		{"member@fjordhus.example", "Runs a small upcycling workshop; happy to be quoted by name in case studies."},
	}
	for _, n := range notes {
		if _, err := d.People.AddNote(staff, who[n.email], n.text); err != nil {
			return fmt.Errorf("demo note: %w", err)
		}
	}
	tags := map[string][]string{
		"member@fjordhus.example":  {"workshop", "case study"},
		"jonas.becker@example.de":  {"blogger", "presse"},
		"anne.sorensen@example.dk": {"levering", "stamkunde"},
		"frederik.holm@example.dk": {"stamkunde"},
	}
	for email, t := range tags {
		if _, err := d.People.SetTags(staff, who[email], t); err != nil {
			return fmt.Errorf("demo tags: %w", err)
		}
	}
	return nil
}
