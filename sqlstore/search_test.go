package sqlstore_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/idea"
	"github.com/samtal-dev/samtal/internal/testdb"
	"github.com/samtal-dev/samtal/search"
	"github.com/samtal-dev/samtal/sqlstore"
)

// TestSearchFoldsLikeGo checks that both engines' indexes see text as
// search.Fold and search.Words do: otherwise a query folded in Go would
// miss what the index folded differently.
func TestSearchFoldsLikeGo(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		chars := search.FoldChars()
		var words []string
		for _, r := range chars + strings.ToUpper(chars) + "ßæøœÆØŒ" {
			words = append(words, "x"+string(r)+"y")
		}
		text := strings.Join(words, " ") + " Sofaen, soft-seats; e-mail x@y.dk 3.5 don't it's_ok (NEAR) \"q\" Grün GRØN"
		got, err := sqlstore.FoldForTest(context.Background(), db, text)
		if err != nil {
			t.Fatal(err)
		}
		want := strings.Join(strings.FieldsFunc(search.Fold(text), func(r rune) bool {
			return !(('a' <= r && r <= 'z') || ('0' <= r && r <= '9') || r > 127)
		}), " ")
		if got != want {
			t.Errorf("the index folds\n%s\nGo folds\n%s", got, want)
		}
	})
}

// searchWorld is a small multilingual community: a public, a members' and
// an invited campaign, ideas in English, German and Danish, a merged idea
// and comments.
type searchWorld struct {
	db      *sqlstore.DB
	svc     *search.Service
	ideas   *sqlstore.Ideas
	ids     map[string]int64 // idea or comment by a short name
	visitor context.Context
	member  context.Context
	staff   context.Context
}

func newSearchWorld(t *testing.T, db *sqlstore.DB) *searchWorld {
	t.Helper()
	ctx := context.Background()
	w := &searchWorld{db: db, ideas: sqlstore.NewIdeas(db), ids: map[string]int64{}}
	camps := &campaign.Service{Store: sqlstore.NewCampaigns(db)}
	w.svc = &search.Service{Store: sqlstore.NewSearch(db), Campaigns: camps}
	accounts := sqlstore.NewAccounts(db)
	author := newAccount(t, accounts, "author@example.org", samtal.RoleMember)
	mem := newAccount(t, accounts, "mem@example.org", samtal.RoleMember)
	w.visitor = ctx
	w.member = samtal.WithActor(ctx, samtal.Actor{AccountID: mem.ID, PersonID: mem.PersonID, Role: samtal.RoleMember})
	w.staff = samtal.WithActor(ctx, samtal.Actor{AccountID: 99, Role: samtal.RoleModerator})
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	questions := map[string]int64{}
	for _, vis := range []string{campaign.Public, campaign.Members, campaign.Invited} {
		c := &campaign.Campaign{Slug: "c-" + vis, Title: vis, Visibility: vis, CreatedAt: at, Questions: []campaign.Question{{Position: 1, Text: "Q"}}}
		if err := camps.Store.CreateCampaign(ctx, c, entry("campaign.create")); err != nil {
			t.Fatal(err)
		}
		questions[vis] = c.Questions[0].ID
	}
	mk := func(name, vis, title, body string, tags ...string) {
		c, _ := sqlstore.NewIdeas(db).CampaignOfQuestion(ctx, questions[vis])
		i := &idea.Idea{CampaignID: c, QuestionID: questions[vis], AuthorPersonID: author.PersonID, Title: title, Body: body,
			Tags: tags, Status: idea.Open, CreatedAt: at}
		if err := w.ideas.CreateIdea(ctx, i, idea.Weight(at)); err != nil {
			t.Fatal(err)
		}
		w.ids[name] = i.ID
	}
	mk("da-sofa", campaign.Public, "Sofaen er for lille", "Vi har brug for en større sofa med grønne hynder.", "stue")
	mk("de-farbe", campaign.Public, "Grüne Farben für das Kinderzimmer", "Die Farbe Grün beruhigt. Ein grünes Sofa wäre schön.", "farbe", "kinder")
	mk("en-sofa", campaign.Public, "A sofa bed for small flats", "Sofas take too much room in a flat.", "sofa")
	mk("en-lamp", campaign.Public, "Brighter lamps in the hall", "The lamps in the hall are dim; <b>really</b> dim.")
	mk("da-groen", campaign.Public, "Grøn maling i køkkenet", "Grønne vægge er flotte.")
	mk("members", campaign.Members, "Secret sofa prototype", "Only for members.")
	mk("invited", campaign.Invited, "Invited sofa test", "Only for staff.")
	mk("merged", campaign.Public, "Sofa duplicate", "The same sofa again.")
	comment := func(name, ideaName, body string) {
		c := &idea.Comment{IdeaID: w.ids[ideaName], AuthorPersonID: mem.PersonID, Body: body, CreatedAt: at, UpdatedAt: at}
		if err := w.ideas.AddComment(ctx, c); err != nil {
			t.Fatal(err)
		}
		w.ids[name] = c.ID
	}
	comment("c-lamp", "en-lamp", "A sofa lamp beside the couch would help too.")
	comment("c-deleted", "en-lamp", "Delete this sofa remark.")
	comment("c-merged", "merged", "A sofa comment on the merged idea.")
	comment("c-members", "members", "Members talk about the sofa.")
	// Merged after its comments were written: a merged idea takes none.
	if err := sqlstore.ExecForTest(ctx, db, fmt.Sprintf("UPDATE ideas SET merged_into = %d WHERE id = %d", w.ids["en-sofa"], w.ids["merged"])); err != nil {
		t.Fatal(err)
	}
	if err := w.ideas.DeleteComment(ctx, w.ids["c-deleted"], at, nil); err != nil {
		t.Fatal(err)
	}
	return w
}

// names returns the short names of hits, in order.
func (w *searchWorld) names(t *testing.T, ctx context.Context, q string, kinds ...string) []string {
	t.Helper()
	res, err := w.svc.Search(ctx, search.Input{Q: q, Kinds: kinds})
	if err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	var out []string
	for _, h := range res.Hits {
		name := "?"
		for n, id := range w.ids {
			if id == h.ID && strings.HasPrefix(n, "c-") == (h.Kind == search.KindComment) {
				name = n
			}
		}
		out = append(out, name)
	}
	return out
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func TestSearchFindsWhatUsersExpect(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newSearchWorld(t, db)
		for _, tt := range []struct {
			q    string
			want []string // sorted
		}{
			{"sofa", []string{"c-lamp", "da-sofa", "de-farbe", "en-sofa"}},
			{"Sofaen", []string{"c-lamp", "da-sofa", "de-farbe", "en-sofa"}},
			{"SOFAS", []string{"c-lamp", "da-sofa", "de-farbe", "en-sofa"}},
			{"grün", []string{"de-farbe"}},
			{"grøn", []string{"da-groen", "da-sofa"}},
			{"gron", nil},
			{"Farbe", []string{"de-farbe"}},
			{"farben kinder", []string{"de-farbe"}},
			{"sofa lamp", []string{"c-lamp"}},
			{"lamps hall", []string{"en-lamp"}},
			{"kinder", []string{"de-farbe"}}, // a tag
			{"stue", []string{"da-sofa"}},    // a Danish tag
			{"nothing-like-this", nil},
		} {
			if got := sorted(w.names(t, w.visitor, tt.q)); !slices.Equal(got, tt.want) {
				t.Errorf("%q finds %v, want %v", tt.q, got, tt.want)
			}
		}
		// A title match ranks above a body match; votes boost only a little.
		if got := w.names(t, w.visitor, "sofa", search.KindIdea); len(got) != 3 || got[2] != "de-farbe" {
			t.Errorf("sofa ranks %v: the idea with sofa only in its body should be last", got)
		}
		// Snippets mark the matched words, and the API/page escape the rest.
		res, _ := w.svc.Search(w.visitor, search.Input{Q: "dim"})
		if len(res.Hits) != 1 || search.HTML(res.Hits[0].Snippet) != "The lamps in the hall are <mark>dim</mark>; &lt;b&gt;really&lt;/b&gt; <mark>dim</mark>." {
			t.Errorf("snippet: %v", res.Hits)
		}
		if res, _ := w.svc.Search(w.visitor, search.Input{Q: "grün"}); len(res.Hits) != 1 || search.HTML(res.Hits[0].TitleParts) != "<mark>Grüne</mark> Farben für das Kinderzimmer" {
			t.Errorf("title highlight: %v", res.Hits)
		}
	})
}

func TestSearchVisibility(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newSearchWorld(t, db)
		for _, tt := range []struct {
			who  string
			ctx  context.Context
			want []string
		}{
			{"visitor", w.visitor, []string{"c-lamp", "da-sofa", "de-farbe", "en-sofa"}},
			{"member", w.member, []string{"c-lamp", "c-members", "da-sofa", "de-farbe", "en-sofa", "members"}},
			{"staff", w.staff, []string{"c-lamp", "c-members", "da-sofa", "de-farbe", "en-sofa", "invited", "members"}},
		} {
			// Never the merged idea or its comments, never a deleted comment.
			if got := sorted(w.names(t, tt.ctx, "sofa")); !slices.Equal(got, tt.want) {
				t.Errorf("%s finds %v, want %v", tt.who, got, tt.want)
			}
		}
		if got := w.names(t, w.member, "invited"); len(got) != 0 {
			t.Errorf("a member finds the invited campaign's idea: %v", got)
		}
		if got := w.names(t, w.visitor, "secret prototype"); len(got) != 0 {
			t.Errorf("a visitor finds the members' idea: %v", got)
		}
	})
}

func TestSearchHostileQueries(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newSearchWorld(t, db)
		for _, q := range []string{
			`"`, `sofa"`, `"sofa`, `(sofa`, `sofa)`, `NEAR(sofa lamp)`, `sofa NEAR lamp`, `*`, `sofa*`, `^sofa`, `-sofa`,
			`title:sofa`, `sofa AND`, `OR`, `NOT sofa`, `'`, `\`, `%`, `_`, `sofa:*`, `!sofa`, `sofa & | !`, `{sofa}`,
			`sofa' OR 1=a --`, `"); DROP TABLE ideas; --`, strings.Repeat("sofa ", 100), strings.Repeat("x", 300), "\x00", "☃ 🛋️",
		} {
			res, err := w.svc.Search(w.staff, search.Input{Q: q})
			if err != nil {
				t.Errorf("%q: %v", q, err)
				continue
			}
			if strings.Contains(strings.ToLower(q), "sofa") && !strings.Contains(q, "title") && len(res.Hits) == 0 && !strings.Contains(q, "NOT") && !strings.Contains(q, "lamp") {
				t.Errorf("%q finds nothing", q)
			}
		}
	})
}

func TestSearchPagesAndKinds(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newSearchWorld(t, db)
		var seen []string
		cursor := ""
		for range 10 {
			res, err := w.svc.Search(w.staff, search.Input{Q: "sofa", Limit: 2, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range res.Hits {
				seen = append(seen, fmt.Sprint(h.Kind, h.ID))
			}
			if cursor = res.Next; cursor == "" {
				break
			}
		}
		if len(seen) != 7 || len(slices.Compact(sorted(seen))) != 7 {
			t.Errorf("pages of two gave %v", seen)
		}
		if got := w.names(t, w.visitor, "sofa", search.KindComment); !slices.Equal(got, []string{"c-lamp"}) {
			t.Errorf("comments only: %v", got)
		}
		for _, in := range []search.Input{
			{Q: "sofa", Kinds: []string{"idea", "poll"}},
			{Q: "sofa", Cursor: "abc"}, {Q: "sofa", Cursor: "czA"}, {Q: "sofa", Limit: 101},
		} {
			if _, err := w.svc.Search(w.visitor, in); samtal.ErrorCode(err) != samtal.EINVALID {
				t.Errorf("%+v: %v, want invalid", in, err)
			}
		}
		// People and mentions are for staff: a visitor must sign in.
		for _, kind := range []string{"person", "mention"} {
			if _, err := w.svc.Search(w.visitor, search.Input{Q: "sofa", Kinds: []string{"idea", kind}}); samtal.ErrorCode(err) != samtal.EUNAUTHORIZED {
				t.Errorf("visitor searches %s: %v", kind, err)
			}
		}
	})
}

func TestSearchBoostsVotes(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newSearchWorld(t, db)
		ctx := context.Background()
		// Two ideas alike but for their votes: the voted one first.
		q, _ := w.ideas.IdeaByID(ctx, w.ids["en-lamp"], 0)
		var twins []int64
		for range 2 {
			i := &idea.Idea{CampaignID: q.CampaignID, QuestionID: q.QuestionID, AuthorPersonID: q.AuthorPersonID, Title: "Candle holder", Status: idea.Open, CreatedAt: q.CreatedAt}
			if err := w.ideas.CreateIdea(ctx, i, 0); err != nil {
				t.Fatal(err)
			}
			twins = append(twins, i.ID)
		}
		voter := newAccount(t, sqlstore.NewAccounts(db), "voter@example.org", samtal.RoleMember)
		if _, err := w.ideas.AddVote(ctx, twins[0], voter.PersonID, q.CampaignID, 0, 0, time.Now()); err != nil {
			t.Fatal(err)
		}
		res, err := w.svc.Search(w.visitor, search.Input{Q: "candle"})
		if err != nil || len(res.Hits) != 2 || res.Hits[0].ID != twins[0] {
			t.Errorf("voted twin should lead: %+v, %v", res, err)
		}
	})
}

// TestInvitedMembersFindTheirCampaigns: what spans campaigns (search, the
// roadmap across campaigns, a member's contributions) shows an invited-only
// campaign to the members invited to it, and to no other member.
func TestInvitedMembersFindTheirCampaigns(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newSearchWorld(t, db)
		ctx := context.Background()
		camps := sqlstore.NewCampaigns(db)
		invited, err := w.ideas.IdeaByID(ctx, w.ids["invited"], 0)
		if err != nil {
			t.Fatal(err)
		}
		guest := newAccount(t, sqlstore.NewAccounts(db), "guest@example.org", samtal.RoleMember)
		if _, err := camps.Invite(ctx, invited.CampaignID, "guest@example.org", invited.AuthorPersonID, time.Now(), entry("campaign.invite")); err != nil {
			t.Fatal(err)
		}
		guestCtx := samtal.WithActor(ctx, samtal.Actor{AccountID: guest.ID, PersonID: guest.PersonID, Role: samtal.RoleMember})
		if got := w.names(t, guestCtx, "invited"); !slices.Equal(got, []string{"invited"}) {
			t.Errorf("the invited member finds %v, want [invited]", got)
		}
		if got := w.names(t, w.member, "invited"); len(got) != 0 {
			t.Errorf("a member who is not invited finds %v", got)
		}

		// On the roadmap across campaigns, and among the guest's contributions.
		if err := sqlstore.ExecForTest(ctx, db, fmt.Sprintf("UPDATE ideas SET status = 'planned' WHERE id = %d", invited.ID)); err != nil {
			t.Fatal(err)
		}
		if _, err := w.ideas.AddVote(ctx, invited.ID, guest.PersonID, invited.CampaignID, 0, 0, time.Now()); err != nil {
			t.Fatal(err)
		}
		svc := &idea.Service{Store: w.ideas, Progress: w.ideas, Campaigns: &campaign.Service{Store: camps}}
		onRoadmap := func(who context.Context) bool {
			t.Helper()
			cols, err := svc.Roadmap(who, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, col := range cols {
				for _, it := range col.Items {
					if it.ID == invited.ID {
						return true
					}
				}
			}
			return false
		}
		if !onRoadmap(guestCtx) {
			t.Error("the invited member does not see the invited campaign's idea on the roadmap")
		}
		if onRoadmap(w.member) {
			t.Error("a member who is not invited sees the invited campaign's idea on the roadmap")
		}
		mine, err := svc.Contributions(guestCtx, 0, 30)
		if err != nil || len(mine) != 1 || mine[0].IdeaID != invited.ID {
			t.Errorf("the guest's contributions: %+v, %v", mine, err)
		}
	})
}

// TestViewerIDsAreBig: the viewer's person id is a 64-bit number on both
// engines, also where the store only asks whether the viewer voted.
func TestViewerIDsAreBig(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newSearchWorld(t, db)
		i, err := w.ideas.IdeaByID(context.Background(), w.ids["en-lamp"], 3_000_000_000)
		if err != nil || i.Voted {
			t.Fatalf("IdeaByID with a big viewer id: %+v, %v", i, err)
		}
	})
}
