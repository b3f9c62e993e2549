package demo

import (
	"context"
	"fmt"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/account"
	"github.com/samtal-dev/samtal/idea"
)

// The privacy part of the demo: a member who took part in a conversation
// and then asked to be erased. Their comment stays, by "a former member",
// and the reply to it reads on.

// seedFormerMember adds the member, their comment and a reply, and erases
// them as an admin answering their request would.
func seedFormerMember(ctx context.Context, d Deps) error {
	if d.Privacy == nil {
		return nil
	}
	admin := samtal.WithActor(ctx, samtal.Actor{Role: samtal.RoleAdmin, Via: "cli"})
	nils, _, err := d.Accounts.AddUser(admin, account.AddUserInput{Email: "nils.aberg@example.se", Name: "Nils Åberg",
		Role: samtal.RoleMember, Password: Password, Locale: "en"})
	if err != nil {
		return fmt.Errorf("demo former member: %w", err)
	}
	c, err := d.Campaigns.Get(admin, "stronger-relationship")
	if err != nil {
		return err
	}
	list, err := d.Ideas.List(admin, idea.Filter{CampaignID: c.ID, Sort: idea.SortNewest, Limit: 100})
	if err != nil {
		return err
	}
	var target *idea.Idea
	for _, i := range list {
		if i.Title == "Look at how Lego Ideas runs its community" {
			target = i
		}
	}
	if target == nil {
		return fmt.Errorf("demo idea for the former member is missing")
	}
	as := func(a *account.Account) context.Context {
		return samtal.WithActor(ctx, samtal.Actor{AccountID: a.ID, PersonID: a.PersonID, Role: a.Role, Via: "demo"})
	}
	first, err := d.Ideas.AddComment(as(nils), target.ID, 0,
		"We tried this where I used to work: a written answer for every idea that reached the threshold changed the tone of the whole forum within a few months.")
	if err != nil {
		return fmt.Errorf("demo former member's comment: %w", err)
	}
	emma, err := d.Accounts.ListAccounts(admin, account.Filter{Query: members[0].email, Limit: 2})
	if err != nil || len(emma) != 1 {
		return fmt.Errorf("demo account %s: %v", members[0].email, err)
	}
	if _, err := d.Ideas.AddComment(as(emma[0]), target.ID, first.ID, "Good to hear it works elsewhere too. Did people accept a no?"); err != nil {
		return fmt.Errorf("demo reply to the former member: %w", err)
	}
	return d.Privacy.Erase(admin, nils.PersonID, "")
}
