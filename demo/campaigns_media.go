package demo

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/account"
	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/idea"
)

// The campaign-management part of the demo (marker "demo.campaigns_media"):
// the moderator creates a campaign with a Markdown brief, questions and a
// drawn cover through the campaign service, a member answers with a
// picture, and a test panel runs by invitation with one invited member.

// seedCampaignsMedia is the part's seed.
func seedCampaignsMedia(ctx context.Context, d Deps) error {
	if d.Uploads == nil {
		return nil // a demo without uploads (older wiring) skips the part
	}
	as, err := demoActors(ctx, d)
	if err != nil {
		return err
	}
	moderator, err := as(staff[2].email)
	if err != nil {
		return err
	}
	var png1 bytes.Buffer
	if err := png.Encode(&png1, fjordCover(1200, 500)); err != nil {
		return err
	}
	cover, err := d.Uploads.Create(moderator, &png1)
	if err != nil {
		return fmt.Errorf("demo cover: %w", err)
	}
	now := time.Now().UTC()
	day := 24 * time.Hour
	lights := &campaign.Campaign{
		Slug: "licht-lys-light", Title: "Light for dark evenings · Licht für dunkle Abende · Lys til mørke aftener",
		Brief: "## Why we ask\n\nFrom November to February the days are short in Hamburg, Aarhus and Dublin alike. " +
			"Before we design next year's lamps, we want to know **how you light your home** when it is dark at four.\n\n" +
			"- Answer in *your* language – English, Deutsch oder dansk.\n- Photos of your favourite corner are welcome (up to four per idea).\n" +
			"- Each member has **five votes**.\n\n" +
			"## Warum wir fragen\n\nBevor wir die Leuchten des nächsten Jahres entwerfen, möchten wir wissen, wie du dein Zuhause beleuchtest.\n\n" +
			"## Hvorfor vi spørger\n\nFortæl os, hvordan du skaber hygge, når mørket falder på. " +
			"Læs mere om [vores designproces](https://fjordhus.example/design).",
		Visibility: campaign.Public, Languages: []string{"en", "de", "da"}, VoteBudget: 5,
		StartsAt: now.Add(-2 * day), EndsAt: now.Add(40 * day), CoverKey: cover.Key,
		Questions: []campaign.Question{
			{Text: "Which corner of your home needs better light?", Help: "Reading chair, hallway, balcony … tell us why."},
			{Text: "Warm or cold light – and should a lamp be dimmable?"},
			{Text: "What would make a lamp worth keeping for twenty years?", Help: "Spare parts, bulbs you can change, a shade that can be washed …"},
		},
	}
	if err := d.Campaigns.Create(moderator, lights); err != nil {
		return fmt.Errorf("demo campaign %s: %w", lights.Slug, err)
	}

	// Anne answers with a photo of her corner (drawn here: the demo takes
	// nothing from the net).
	anne, err := as("anne.sorensen@example.dk")
	if err != nil {
		return err
	}
	var png2 bytes.Buffer
	if err := png.Encode(&png2, lampCorner(800, 600)); err != nil {
		return err
	}
	photo, err := d.Uploads.Create(anne, &png2)
	if err != nil {
		return fmt.Errorf("demo photo: %w", err)
	}
	if _, err := d.Ideas.Create(anne, idea.NewIdea{QuestionID: lights.Questions[0].ID, Title: "Læselampe ved vindueskarmen",
		Body:   "Min læsestol står ved vinduet, men om aftenen er der **for mørkt**.\n\nJeg ønsker mig:\n- en lampe, der kan klemmes fast på karmen\n- varmt lys, der kan dæmpes",
		Tags:   []string{"læsning", "hygge"},
		Images: []string{photo.Key}}); err != nil {
		return fmt.Errorf("demo idea with photo: %w", err)
	}
	jonas, err := as("jonas.becker@example.de")
	if err != nil {
		return err
	}
	if _, err := d.Ideas.Create(jonas, idea.NewIdea{QuestionID: lights.Questions[2].ID, Title: "Ersatzteile zehn Jahre lang",
		Body: "Eine Leuchte behalte ich, wenn ich *Schirm*, *Kabel* und *Schalter* einzeln nachkaufen kann. Bitte eine Liste der Teile in die Anleitung!",
		Tags: []string{"reparatur"}}); err != nil {
		return fmt.Errorf("demo idea: %w", err)
	}

	// A test panel by invitation: only the team and the invited member
	// see it.
	panel := &campaign.Campaign{
		Slug: "testpanel-sommerhus", Title: "Testpanel: Sommerhus-kollektionen (kun for inviterede)",
		Brief: "Tak fordi du vil teste vores **nye havemøbler** før alle andre.\n\n" +
			"Vi sender dig en prøve; fortæl os ærligt, hvad der virker, og hvad der ikke gør. Indholdet er fortroligt, indtil kollektionen lanceres.",
		Visibility: campaign.Invited, Languages: []string{"da", "de"}, VoteBudget: 0,
		StartsAt: now.Add(-day), EndsAt: now.Add(30 * day),
		Questions: []campaign.Question{
			{Text: "Hvordan sidder du i stolen efter en time?"},
			{Text: "Wie schlägt sich der Tisch bei Regen?", Help: "Fotos von Wasserflecken helfen uns sehr."},
		},
	}
	if err := d.Campaigns.Create(moderator, panel); err != nil {
		return fmt.Errorf("demo campaign %s: %w", panel.Slug, err)
	}
	if _, err := d.Campaigns.Invite(moderator, panel.ID, "frederik.holm@example.dk"); err != nil {
		return fmt.Errorf("demo invitation: %w", err)
	}
	return nil
}

// demoActors returns a function that gives the context of a demo account.
func demoActors(ctx context.Context, d Deps) (func(email string) (context.Context, error), error) {
	admin := samtal.WithActor(ctx, samtal.Actor{Role: samtal.RoleAdmin, Via: "cli"})
	return func(email string) (context.Context, error) {
		list, err := d.Accounts.ListAccounts(admin, account.Filter{Query: email, Limit: 2})
		if err != nil || len(list) != 1 {
			return nil, fmt.Errorf("demo account %s: %v", email, err)
		}
		a := list[0]
		return samtal.WithActor(ctx, samtal.Actor{AccountID: a.ID, PersonID: a.PersonID, IdentityID: a.IdentityID, Role: a.Role, Via: "demo"}), nil
	}, nil
}

// fjordCover draws the campaign's cover: an evening sky over a fjord with
// a lit window.
func fjordCover(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		t := float64(y) / float64(h)
		sky := color.RGBA{uint8(30 + 60*t), uint8(40 + 50*t), uint8(90 + 60*t), 255}
		for x := range w {
			img.Set(x, y, sky)
		}
	}
	water := color.RGBA{20, 45, 70, 255}
	draw.Draw(img, image.Rect(0, h*2/3, w, h), &image.Uniform{water}, image.Point{}, draw.Src)
	// Hills on the far shore.
	hill := color.RGBA{25, 35, 45, 255}
	for x := range w {
		top := h*2/3 - 40 - int(30*float64((x*7)%200)/200)
		draw.Draw(img, image.Rect(x, top, x+1, h*2/3), &image.Uniform{hill}, image.Point{}, draw.Src)
	}
	// A house with a warm window, and its reflection.
	house := image.Rect(w*3/5, h*2/3-90, w*3/5+140, h*2/3)
	draw.Draw(img, house, &image.Uniform{color.RGBA{120, 40, 35, 255}}, image.Point{}, draw.Src)
	window := image.Rect(w*3/5+50, h*2/3-60, w*3/5+90, h*2/3-25)
	draw.Draw(img, window, &image.Uniform{color.RGBA{255, 205, 110, 255}}, image.Point{}, draw.Src)
	draw.Draw(img, image.Rect(w*3/5+55, h*2/3+10, w*3/5+85, h*2/3+70), &image.Uniform{color.RGBA{150, 130, 90, 255}}, image.Point{}, draw.Src)
	return img
}

// lampCorner draws a reading corner: a wall, a chair and a lamp's glow.
func lampCorner(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), &image.Uniform{color.RGBA{60, 55, 70, 255}}, image.Point{}, draw.Src)
	cx, cy := w/3, h/3
	for y := range h {
		for x := range w {
			dx, dy := float64(x-cx), float64(y-cy)
			if d := dx*dx + dy*dy; d < 200*200 {
				f := 1 - d/(200*200)
				r, g, b, _ := img.At(x, y).RGBA()
				img.Set(x, y, color.RGBA{uint8(min(255, float64(r>>8)+180*f)), uint8(min(255, float64(g>>8)+140*f)), uint8(min(255, float64(b>>8)+60*f)), 255})
			}
		}
	}
	draw.Draw(img, image.Rect(0, h*4/5, w, h), &image.Uniform{color.RGBA{110, 80, 50, 255}}, image.Point{}, draw.Src)
	draw.Draw(img, image.Rect(w/2, h/2, w/2+220, h*4/5), &image.Uniform{color.RGBA{40, 90, 80, 255}}, image.Point{}, draw.Src)
	draw.Draw(img, image.Rect(cx-3, cy, cx+3, h*4/5), &image.Uniform{color.RGBA{30, 30, 30, 255}}, image.Point{}, draw.Src)
	return img
}
