package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/idea"
	"github.com/samtal-dev/samtal/internal/testdb"
)

// as returns the context of the account with email.
func as(t *testing.T, h *harness, email string) context.Context {
	t.Helper()
	return samtal.WithActor(context.Background(), actorOf(t, h, email))
}

func TestMergePagesAndAPI(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			h := newHarness(t, engine)
			c := newCampaign(t, h, "sofa", campaign.Public, 0)
			other := newCampaign(t, h, "lamp", campaign.Public, 0)
			h.addUser("mod@example.org", samtal.RoleModerator)
			h.addUser("ann@example.org", samtal.RoleMember)
			h.addUser("bo@example.org", samtal.RoleMember)
			modTok, annTok := h.token("mod@example.org"), h.token("ann@example.org")
			a := newIdea(t, h, "ann@example.org", c.Questions[0].ID, "Waschbare Bezüge")
			b := newIdea(t, h, "bo@example.org", c.Questions[0].ID, "Bezüge zum Waschen")
			elsewhere := newIdea(t, h, "bo@example.org", other.Questions[0].ID, "Lamp covers")
			for _, v := range []struct {
				who string
				id  int64
			}{{"ann@example.org", a.ID}, {"bo@example.org", a.ID}, {"bo@example.org", b.ID}} {
				if _, err := h.srv.Ideas.Vote(as(t, h, v.who), v.id); err != nil {
					t.Fatal(err)
				}
			}
			cm, err := h.srv.Ideas.AddComment(as(t, h, "ann@example.org"), a.ID, 0, "Bitte mit Reißverschluss")
			if err != nil {
				t.Fatal(err)
			}
			mergePath := fmt.Sprintf("/api/v1/ideas/%d/merge", a.ID)

			// Members cannot merge, by page or API; refusals change nothing.
			member := h.client()
			member.signIn("ann@example.org")
			if page := member.get(fmt.Sprintf("/ideas/%d", a.ID)).body; strings.Contains(page, "/merge") {
				t.Errorf("a member sees the merge form")
			}
			if res := member.post(fmt.Sprintf("/ideas/%d/merge", a.ID), url.Values{"into": {fmt.Sprint(b.ID)}}); res.StatusCode != http.StatusForbidden {
				t.Errorf("member merge page: %d", res.StatusCode)
			}
			wantAPIError(t, ideaAPI(h, "POST", mergePath, annTok, map[string]string{"into": fmt.Sprint(b.ID)}), 403, samtal.EFORBIDDEN, "")
			wantAPIError(t, ideaAPI(h, "POST", mergePath, modTok, map[string]string{"into": fmt.Sprint(a.ID)}), 422, samtal.EINVALID, "into")
			wantAPIError(t, ideaAPI(h, "POST", mergePath, modTok, map[string]string{"into": fmt.Sprint(elsewhere.ID)}), 422, samtal.EINVALID, "into")
			wantAPIError(t, ideaAPI(h, "POST", mergePath, modTok, map[string]string{"into": "nope"}), 422, samtal.EINVALID, "into")
			wantAPIError(t, ideaAPI(h, "POST", mergePath, modTok, map[int]int{1: 2}), 400, samtal.EMALFORMED, "")
			if got, _ := h.srv.Ideas.Get(cli(), a.ID); got.Votes != 2 || got.MergedInto != 0 {
				t.Fatalf("refusals changed A: %+v", got)
			}

			// The moderator merges with the form on A's page.
			mod := h.client()
			mod.signIn("mod@example.org")
			if page := mod.get(fmt.Sprintf("/ideas/%d", a.ID)).body; !strings.Contains(page, fmt.Sprintf(`action="/ideas/%d/merge"`, a.ID)) {
				t.Fatalf("no merge form for the moderator")
			}
			res := mod.post(fmt.Sprintf("/ideas/%d/merge", a.ID), url.Values{"into": {fmt.Sprintf("/ideas/%d", b.ID)}})
			if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), fmt.Sprintf("/ideas/%d?flash=flash.merged", b.ID)) {
				t.Fatalf("merge form: %d %q %.500s", res.StatusCode, res.Header.Get("Location"), res.body)
			}
			merges, _ := h.srv.Ideas.MergesInto(cli(), b.ID)
			if len(merges) != 1 {
				t.Fatalf("merges into B: %+v", merges)
			}
			mid := mergeAPIID(merges[0].ID)

			// A's page leads to B, which says where it came from and shows
			// A's comment; B has Bo's one vote and Ann's.
			res = member.get(fmt.Sprintf("/ideas/%d", a.ID))
			loc := res.Header.Get("Location")
			if res.StatusCode != http.StatusSeeOther || loc != fmt.Sprintf("/ideas/%d?merged_from=%d", b.ID, a.ID) {
				t.Fatalf("merged idea page: %d %q", res.StatusCode, loc)
			}
			page := member.get(loc).body
			if !strings.Contains(page, "„Waschbare Bezüge“") && !strings.Contains(page, "“Waschbare Bezüge” was merged") {
				t.Errorf("B's page lacks the merged-from notice: %.3000s", page)
			}
			if !strings.Contains(page, "Bitte mit Reißverschluss") || !strings.Contains(page, fmt.Sprintf(`id="comment-%d"`, cm.ID)) {
				t.Errorf("B's page lacks A's comment")
			}
			if strings.Contains(page, "/undo") {
				t.Errorf("a member sees the undo button")
			}
			if !strings.Contains(mod.get(fmt.Sprintf("/ideas/%d", b.ID)).body, `action="/merges/`+mid+`/undo"`) {
				t.Errorf("the moderator has no undo button on B")
			}
			var got apiIdea
			json.Unmarshal([]byte(ideaAPI(h, "GET", fmt.Sprintf("/api/v1/ideas/%d", a.ID), annTok, nil).body), &got)
			if got.MergedInto != fmt.Sprint(b.ID) {
				t.Errorf("API merged_into = %q", got.MergedInto)
			}
			json.Unmarshal([]byte(ideaAPI(h, "GET", fmt.Sprintf("/api/v1/ideas/%d", b.ID), annTok, nil).body), &got)
			if got.Votes != 2 || got.Comments != 1 {
				t.Errorf("B after merge: %d votes, %d comments; want 2 and 1", got.Votes, got.Comments)
			}
			wantAPIError(t, ideaAPI(h, "POST", mergePath, modTok, map[string]string{"into": fmt.Sprint(b.ID)}), 409, samtal.ECONFLICT, "")

			// Undo through the API: unknown kinds and ids are 404.
			wantAPIError(t, ideaAPI(h, "POST", "/api/v1/merges/person-1/undo", modTok, nil), 404, samtal.ENOTFOUND, "")
			wantAPIError(t, ideaAPI(h, "POST", "/api/v1/merges/idea-999999/undo", modTok, nil), 404, samtal.ENOTFOUND, "")
			wantAPIError(t, ideaAPI(h, "POST", "/api/v1/merges/"+mid+"/undo", annTok, nil), 403, samtal.EFORBIDDEN, "")
			res = ideaAPI(h, "POST", "/api/v1/merges/"+mid+"/undo", modTok, nil)
			var undone struct {
				MergeID string  `json:"merge_id"`
				Idea    apiIdea `json:"idea"`
			}
			if err := json.Unmarshal([]byte(res.body), &undone); err != nil || res.StatusCode != 200 {
				t.Fatalf("undo: %d %s", res.StatusCode, res.body)
			}
			if undone.MergeID != mid || undone.Idea.ID != fmt.Sprint(a.ID) || undone.Idea.MergedInto != "" || undone.Idea.Votes != 2 || undone.Idea.Comments != 1 {
				t.Errorf("undo answer: %s", res.body)
			}
			wantAPIError(t, ideaAPI(h, "POST", "/api/v1/merges/"+mid+"/undo", modTok, nil), 409, samtal.ECONFLICT, "")

			// Merge again through the API, undo with the page's button.
			res = ideaAPI(h, "POST", mergePath, modTok, map[string]string{"into": fmt.Sprint(b.ID)})
			var merged struct {
				MergeID string  `json:"merge_id"`
				Idea    apiIdea `json:"idea"`
			}
			if json.Unmarshal([]byte(res.body), &merged); res.StatusCode != 200 || !strings.HasPrefix(merged.MergeID, "idea-") || merged.Idea.ID != fmt.Sprint(b.ID) || merged.Idea.Votes != 2 {
				t.Fatalf("API merge: %d %s", res.StatusCode, res.body)
			}
			mod.get(fmt.Sprintf("/ideas/%d", b.ID))
			if res := mod.post("/merges/"+merged.MergeID+"/undo", nil); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), fmt.Sprintf("/ideas/%d", a.ID)) {
				t.Errorf("undo button: %d %q", res.StatusCode, res.Header.Get("Location"))
			}
			if res := mod.post("/merges/nope/undo", nil); res.StatusCode != http.StatusNotFound {
				t.Errorf("undo of an unknown kind: %d", res.StatusCode)
			}
			entries, _ := h.srv.Audit.List(cli(), audit.Filter{TargetKind: "idea", Limit: 50})
			count := map[string]int{}
			for _, e := range entries {
				count[e.Action]++
			}
			if count["idea.merge"] != 2 || count["idea.unmerge"] != 2 {
				t.Errorf("audit: %v", count)
			}
		})
	}
}

func TestStaffNotesNeverReachMembers(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			h := newHarness(t, engine)
			c := newCampaign(t, h, "sofa", campaign.Public, 0)
			h.addUser("agent@example.org", samtal.RoleAgent)
			h.addUser("mod@example.org", samtal.RoleModerator)
			h.addUser("ann@example.org", samtal.RoleMember)
			agentTok, annTok := h.token("agent@example.org"), h.token("ann@example.org")
			i := newIdea(t, h, "ann@example.org", c.Questions[0].ID, "Softer cushions")
			if _, err := h.srv.Ideas.AddComment(as(t, h, "ann@example.org"), i.ID, 0, "a comment"); err != nil {
				t.Fatal(err)
			}
			notes := fmt.Sprintf("/api/v1/ideas/%d/notes", i.ID)
			const secret = "Ann also phoned the shop about this"
			res := ideaAPI(h, "POST", notes, agentTok, map[string]string{"body": secret})
			if res.StatusCode != http.StatusCreated || !strings.Contains(res.body, secret) {
				t.Fatalf("add note: %d %s", res.StatusCode, res.body)
			}
			wantAPIError(t, ideaAPI(h, "POST", notes, annTok, map[string]string{"body": "mine"}), 403, samtal.EFORBIDDEN, "")
			wantAPIError(t, ideaAPI(h, "GET", notes, annTok, nil), 403, samtal.EFORBIDDEN, "")
			wantAPIError(t, ideaAPI(h, "POST", notes, agentTok, map[string]string{"body": " "}), 422, samtal.EINVALID, "body")
			if res := ideaAPI(h, "GET", notes, agentTok, nil); !strings.Contains(res.body, secret) || strings.Count(res.body, `"body"`) != 1 {
				t.Errorf("staff notes list: %s", res.body)
			}

			// Staff add notes on the page too.
			mod := h.client()
			mod.signIn("mod@example.org")
			mod.get(fmt.Sprintf("/ideas/%d", i.ID))
			if res := mod.post(fmt.Sprintf("/ideas/%d/notes", i.ID), url.Values{"note_body": {"Second note, from the page"}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("note form: %d %.500s", res.StatusCode, res.body)
			}
			if page := mod.get(fmt.Sprintf("/ideas/%d", i.ID)).body; !strings.Contains(page, secret) || !strings.Contains(page, "Second note, from the page") {
				t.Errorf("staff page lacks the notes")
			}

			member := h.client()
			member.signIn("ann@example.org")
			visitor := h.client()
			for name, body := range map[string]string{
				"member page":   member.get(fmt.Sprintf("/ideas/%d", i.ID)).body,
				"visitor page":  visitor.get(fmt.Sprintf("/ideas/%d", i.ID)).body,
				"campaign page": member.get("/campaigns/sofa").body,
				"contributions": member.get("/me/contributions").body,
				"api idea":      ideaAPI(h, "GET", fmt.Sprintf("/api/v1/ideas/%d", i.ID), annTok, nil).body,
				"api list":      ideaAPI(h, "GET", fmt.Sprintf("/api/v1/ideas?campaign_id=%d", c.ID), annTok, nil).body,
				"api comments":  ideaAPI(h, "GET", fmt.Sprintf("/api/v1/ideas/%d/comments", i.ID), annTok, nil).body,
			} {
				if strings.Contains(body, "phoned the shop") || strings.Contains(body, "Second note") || strings.Contains(body, `action="/ideas/`+fmt.Sprint(i.ID)+`/notes"`) {
					t.Errorf("%s shows a staff note", name)
				}
			}
			if res := member.post(fmt.Sprintf("/ideas/%d/notes", i.ID), url.Values{"note_body": {"x"}}); res.StatusCode != http.StatusForbidden {
				t.Errorf("member note form: %d", res.StatusCode)
			}
		})
	}
}

func TestRoadmapAndContributions(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			h := newHarness(t, engine)
			// A clock that moves a second per reading orders the votes and
			// status changes below, however fast the machine.
			var tick atomic.Int64
			start := time.Now().UTC().Add(-time.Hour)
			h.srv.Ideas.Now = func() time.Time { return start.Add(time.Duration(tick.Add(1)) * time.Second) }
			pub := newCampaign(t, h, "sofa", campaign.Public, 0)
			mem := newCampaign(t, h, "club", campaign.Members, 0)
			inv := newCampaign(t, h, "secret", campaign.Invited, 0)
			h.addUser("ann@example.org", samtal.RoleMember)
			h.addUser("bo@example.org", samtal.RoleMember)
			h.addUser("agent@example.org", samtal.RoleAgent)
			ann, bo := as(t, h, "ann@example.org"), as(t, h, "bo@example.org")
			planned := newIdea(t, h, "ann@example.org", pub.Questions[0].ID, "Planned cushions")
			done := newIdea(t, h, "bo@example.org", pub.Questions[0].ID, "Done lamps")
			declined := newIdea(t, h, "bo@example.org", pub.Questions[0].ID, "Declined forum")
			newIdea(t, h, "bo@example.org", pub.Questions[0].ID, "Still open")
			club := newIdea(t, h, "bo@example.org", mem.Questions[0].ID, "Club evening")
			hidden := newIdea(t, h, "agent@example.org", inv.Questions[0].ID, "Invited only")
			if _, err := h.srv.Ideas.Vote(ann, done.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := h.srv.Ideas.AddComment(ann, club.ID, 0, "Count me in"); err != nil {
				t.Fatal(err)
			}
			if _, err := h.srv.Ideas.Vote(bo, planned.ID); err != nil {
				t.Fatal(err)
			}
			for _, s := range []struct {
				id           int64
				status, note string
			}{
				{planned.ID, idea.UnderReview, "Looking at it"}, {planned.ID, idea.Planned, "Coming in March"},
				{done.ID, idea.Done, "Shipped"}, {declined.ID, idea.Declined, "Not for us"},
				{club.ID, idea.InProgress, "Building it"}, {hidden.ID, idea.Planned, "Hush"},
			} {
				if err := h.srv.Ideas.SetStatus(cli(), s.id, s.status, s.note); err != nil {
					t.Fatal(err)
				}
			}

			// A status change before Ann took part is not news to her.
			late := newIdea(t, h, "bo@example.org", pub.Questions[1].ID, "Late vote")
			if err := h.srv.Ideas.SetStatus(cli(), late.ID, idea.UnderReview, "Old news"); err != nil {
				t.Fatal(err)
			}
			if _, err := h.srv.Ideas.Vote(ann, late.ID); err != nil {
				t.Fatal(err)
			}

			visitor := h.client()
			page := visitor.get("/roadmap").body
			for _, want := range []string{"Planned cushions", "Coming in March", "Done lamps", "Shipped", "Declined forum"} {
				if !strings.Contains(page, want) {
					t.Errorf("visitor's roadmap lacks %q", want)
				}
			}
			for _, not := range []string{"Still open", "Club evening", "Invited only", "Hush", "Looking at it"} {
				if strings.Contains(page, not) {
					t.Errorf("visitor's roadmap shows %q", not)
				}
			}
			if i, j := strings.Index(page, "Planned cushions"), strings.Index(page, "Done lamps"); i > j {
				t.Errorf("planned comes after done")
			}
			member := h.client()
			member.signIn("ann@example.org")
			if page := member.get("/roadmap").body; !strings.Contains(page, "Club evening") || strings.Contains(page, "Invited only") {
				t.Errorf("member's roadmap: club %v, invited %v", strings.Contains(page, "Club evening"), strings.Contains(page, "Invited only"))
			}
			if page := member.get("/campaigns/club/roadmap").body; !strings.Contains(page, "Club evening") || strings.Contains(page, "Planned cushions") {
				t.Errorf("campaign roadmap mixes campaigns")
			}
			if res := member.get("/campaigns/secret/roadmap"); res.StatusCode != http.StatusNotFound {
				t.Errorf("hidden campaign's roadmap: %d", res.StatusCode)
			}
			if res := visitor.get("/campaigns/club/roadmap"); res.StatusCode != http.StatusNotFound {
				t.Errorf("members' campaign roadmap for a visitor: %d", res.StatusCode)
			}
			if !strings.Contains(visitor.get("/").body, `href="/roadmap"`) || !strings.Contains(visitor.get("/campaigns/sofa").body, `href="/campaigns/sofa/roadmap"`) {
				t.Errorf("home or campaign page lacks the roadmap link")
			}

			// Ann posted, voted and commented: she sees all three with their
			// news, and nothing she did not take part in.
			page = member.get("/me/contributions").body
			for _, want := range []string{"Planned cushions", "Coming in March", "Looking at it", "Done lamps", "Shipped", "Club evening", "Building it", "Late vote"} {
				if !strings.Contains(page, want) {
					t.Errorf("contributions lack %q", want)
				}
			}
			for _, not := range []string{"Still open", "Declined forum", "Invited only", "Old news"} {
				if strings.Contains(page, not) {
					t.Errorf("contributions show %q", not)
				}
			}
			if i, j := strings.Index(page, "Coming in March"), strings.Index(page, "Looking at it"); i > j {
				t.Errorf("status changes are not newest first")
			}
			// A merged idea says where it went.
			mod := samtal.WithActor(context.Background(), samtal.Actor{Role: samtal.RoleAdmin, Via: "cli"})
			if _, err := h.srv.Ideas.MergeIdeas(mod, planned.ID, done.ID); err != nil {
				t.Fatal(err)
			}
			if page := member.get("/me/contributions").body; !strings.Contains(page, `class="notice merged-into"`) || !strings.Contains(page, fmt.Sprintf(`href="/ideas/%d">Done lamps`, done.ID)) {
				t.Errorf("contributions do not say where the merged idea went")
			}
			// Once a campaign is no longer visible to her, it leaves her list.
			if err := h.accounts.ChangeRole(cli(), actorOf(t, h, "agent@example.org").AccountID, samtal.RoleMember); err != nil {
				t.Fatal(err)
			}
			agent := h.client()
			agent.signIn("agent@example.org")
			if page := agent.get("/me/contributions").body; strings.Contains(page, "Invited only") {
				t.Errorf("contributions show a campaign the person can no longer see")
			}
			if res := visitor.get("/me/contributions"); res.StatusCode != http.StatusSeeOther {
				t.Errorf("visitor contributions: %d", res.StatusCode)
			}

			// The same through the API, with the same rules.
			annTok := h.token("ann@example.org")
			var road apiList[apiRoadmapColumn]
			json.Unmarshal([]byte(h.api("GET", "/api/v1/roadmap", "").body), &road)
			titles := map[string]string{}
			for _, col := range road.Items {
				for _, it := range col.Ideas {
					titles[it.Title] = col.Status
				}
			}
			if titles["Done lamps"] != idea.Done || titles["Declined forum"] != idea.Declined || titles["Club evening"] != "" || titles["Invited only"] != "" {
				t.Errorf("visitor's API roadmap: %v", titles)
			}
			if res := h.api("GET", fmt.Sprintf("/api/v1/roadmap?campaign_id=%d", mem.ID), annTok); !strings.Contains(res.body, "Club evening") || strings.Contains(res.body, "Done lamps") {
				t.Errorf("member's API roadmap of the club: %s", res.body)
			}
			wantAPIError(t, h.api("GET", fmt.Sprintf("/api/v1/roadmap?campaign_id=%d", mem.ID), ""), 404, samtal.ENOTFOUND, "")
			wantAPIError(t, h.api("GET", "/api/v1/roadmap?campaign_id=x", ""), 422, samtal.EINVALID, "campaign_id")
			wantAPIError(t, h.api("GET", "/api/v1/me/contributions", ""), 401, samtal.EUNAUTHORIZED, "")
			var mine apiList[apiContribution]
			json.Unmarshal([]byte(h.api("GET", "/api/v1/me/contributions?limit=2", annTok).body), &mine)
			if len(mine.Items) != 2 || mine.Next != "2" {
				t.Fatalf("first page of contributions: %+v", mine)
			}
			var rest apiList[apiContribution]
			json.Unmarshal([]byte(h.api("GET", "/api/v1/me/contributions?limit=100&cursor="+mine.Next, annTok).body), &rest)
			got := map[string]apiContribution{}
			for _, c := range append(mine.Items, rest.Items...) {
				got[c.Title] = c
			}
			if c := got["Club evening"]; !c.Commented || c.Posted || len(c.Changes) != 1 || c.Changes[0].Note != "Building it" {
				t.Errorf("API contribution Club evening: %+v", c)
			}
			if c := got["Planned cushions"]; !c.Posted || c.MergedInto != fmt.Sprint(done.ID) {
				t.Errorf("API contribution Planned cushions: %+v", c)
			}
			if _, ok := got["Still open"]; ok || len(got) != 4 || rest.Next != "" {
				t.Errorf("API contributions: %d items, next %q", len(got), rest.Next)
			}
		})
	}
}
