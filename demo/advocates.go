package demo

import (
	"bytes"
	"context"
	"fmt"
	"image/png"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/advocate"
	"github.com/samtal-dev/samtal/consent"
)

// The advocates part of the demo: scores computed from what the demo's
// members did, so that staff see candidates with their reasons; an
// advocate group in three languages (Emma in English, Jonas in German and
// Anne in Danish; Grace is invited and has not answered); one sent
// briefing, mailed to the advocates who agreed to briefings by email
// (Emma and Anne; Jonas reads on the site), read by Emma and Jonas; and a
// draft for the next one.

// demoAdvocates join the group; Grace is only invited.
var demoAdvocates = []struct {
	email   string
	accept  bool
	consent bool // agrees to briefings by email in the settings
}{
	{"member@fjordhus.example", true, true},
	{"jonas.becker@example.de", true, false},
	{"anne.sorensen@example.dk", true, false}, // agreed in the consent part already
	{"grace.okafor@example.ie", false, false},
}

const demoBriefingBody = `Three facts from the Fjordhus team, for you to pass on if you like:

- **Assembly videos are planned.** Jonas's idea got the most votes of the spring campaign. We film the first ten videos in March, starting with the products people return most often.
- **Reviews get an answer within a working day.** Since February the team answers reviews where they are written, in public. The [roadmap](/roadmap) shows what is planned and what is done.
- **The new colour of the Havbro sofa gets its name from you.** The members' vote runs until the end of the month; every member has three votes.

Numbers and dates are the team's own; ask us if anything is unclear.
`

const demoDraftBody = `What we learnt from your answers about light for dark evenings:

- _to be written when the campaign closes_
`

// seedAdvocates scores the demo's members, fills the advocate group and
// sends one briefing, through the advocate service as the pages would.
func seedAdvocates(ctx context.Context, d Deps) error {
	if d.Advocates == nil {
		return nil // a demo without advocates (older wiring) skips the part
	}
	if _, err := d.Advocates.RunScores(ctx); err != nil {
		return fmt.Errorf("demo scores: %w", err)
	}
	as, err := demoActors(ctx, d)
	if err != nil {
		return err
	}
	admin, err := as(staff[0].email)
	if err != nil {
		return err
	}
	for _, a := range demoAdvocates {
		member, err := as(a.email)
		if err != nil {
			return err
		}
		if _, err := d.Advocates.Invite(admin, samtal.ActorFrom(member).PersonID); err != nil {
			return fmt.Errorf("demo invitation of %s: %w", a.email, err)
		}
		if !a.accept {
			continue
		}
		if _, err := d.Advocates.Answer(member, advocate.AnswerAccept); err != nil {
			return fmt.Errorf("demo answer of %s: %w", a.email, err)
		}
		if a.consent && d.Consents != nil {
			if _, err := d.Consents.Record(member, samtal.ActorFrom(member).PersonID, consent.Input{Purpose: consent.AdvocateBriefings, Given: true,
				Channel: consent.ChannelSettings}); err != nil {
				return fmt.Errorf("demo briefing consent of %s: %w", a.email, err)
			}
		}
	}

	body := demoBriefingBody
	if d.Uploads != nil {
		var img bytes.Buffer
		if err := png.Encode(&img, fjordCover(900, 360)); err != nil {
			return err
		}
		u, err := d.Uploads.Create(admin, &img)
		if err != nil {
			return fmt.Errorf("demo briefing image: %w", err)
		}
		body += "\n![The fjord at dusk: the first assembly video is filmed in the Aarhus showroom](" + u.URL() + ")\n"
	}
	b, err := d.Advocates.CreateBriefing(admin, advocate.BriefingInput{Title: "What became of your ideas this spring", Body: body})
	if err != nil {
		return fmt.Errorf("demo briefing: %w", err)
	}
	if _, err := d.Advocates.Send(admin, b.ID); err != nil {
		return fmt.Errorf("demo briefing send: %w", err)
	}
	for _, email := range []string{"member@fjordhus.example", "jonas.becker@example.de"} {
		reader, err := as(email)
		if err != nil {
			return err
		}
		if _, err := d.Advocates.Read(reader, b.ID); err != nil {
			return fmt.Errorf("demo read by %s: %w", email, err)
		}
	}
	if _, err := d.Advocates.CreateBriefing(admin, advocate.BriefingInput{Title: "Light for dark evenings: what you told us", Body: demoDraftBody}); err != nil {
		return fmt.Errorf("demo draft briefing: %w", err)
	}
	return nil
}
