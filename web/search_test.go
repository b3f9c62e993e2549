package web

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/internal/testdb"
)

func TestSearchAPIAndPage(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			h := newHarness(t, engine)
			pub := newCampaign(t, h, "sofa", campaign.Public, 0)
			mem := newCampaign(t, h, "inner", campaign.Members, 0)
			inv := newCampaign(t, h, "invited", campaign.Invited, 0)
			h.addUser("mem@example.org", samtal.RoleMember)
			h.addUser("mod@example.org", samtal.RoleModerator)
			tok, modTok := h.token("mem@example.org"), h.token("mod@example.org")
			open := newIdea(t, h, "mem@example.org", pub.Questions[0].ID, "Grüne <Sofa> & Kissen")
			newIdea(t, h, "mem@example.org", mem.Questions[0].ID, "Members sofa")
			newIdea(t, h, "mod@example.org", inv.Questions[0].ID, "Invited sofa")

			find := func(q, token string) apiList[apiSearchHit] {
				t.Helper()
				res := h.api("GET", "/api/v1/search?q="+url.QueryEscape(q), token)
				var out apiList[apiSearchHit]
				if res.StatusCode != 200 || json.Unmarshal([]byte(res.body), &out) != nil || out.Items == nil {
					t.Fatalf("search %q: %d %s", q, res.StatusCode, res.body)
				}
				return out
			}
			if got := find("sofa", ""); len(got.Items) != 1 || got.Items[0].ID != apiID(open.ID) || got.Items[0].Kind != "idea" ||
				got.Items[0].TitleHTML != "Grüne &lt;<mark>Sofa</mark>&gt; &amp; Kissen" {
				t.Errorf("visitor: %+v", got)
			}
			if got := find("sofa", tok); len(got.Items) != 2 {
				t.Errorf("member: %+v", got)
			}
			if got := find("sofa", modTok); len(got.Items) != 3 {
				t.Errorf("moderator: %+v", got)
			}
			if got := find("invited", tok); len(got.Items) != 0 {
				t.Errorf("a member finds the invited campaign: %+v", got)
			}
			for _, q := range []string{`"`, `sofa"`, `(`, `NEAR(`, `*`, `^`, `-`, `:`, `a:b`, `sofa OR`, `)))`, ``, `%22`} {
				find(q, "")
			}
			// Comments are found too; kind narrows.
			ideaAPI(h, "POST", fmt.Sprintf("/api/v1/ideas/%d/comments", open.ID), tok, map[string]any{"body": "Ein Sofa in Grün wäre toll"})
			if got := find("grün", ""); len(got.Items) != 2 {
				t.Errorf("idea and comment: %+v", got)
			}
			res := h.api("GET", "/api/v1/search?kind=comment&q=gr%C3%BCn", "")
			if !strings.Contains(res.body, `"kind":"comment"`) || strings.Contains(res.body, `"kind":"idea"`) {
				t.Errorf("kind=comment: %s", res.body)
			}
			// Mentions are staff's: a visitor must sign in.
			wantAPIError(t, h.api("GET", "/api/v1/search?q=sofa&kind=mention", ""), 401, samtal.EUNAUTHORIZED, "")
			wantAPIError(t, h.api("GET", "/api/v1/search?q=sofa&kind=idea,bogus", ""), 422, samtal.EINVALID, "kind")
			wantAPIError(t, h.api("GET", "/api/v1/search?q=sofa&cursor=zzz", ""), 422, samtal.EINVALID, "cursor")
			wantAPIError(t, h.api("GET", "/api/v1/search?q=sofa&limit=0", ""), 422, samtal.EINVALID, "limit")

			// The page: escaped, marked, and the box in the header.
			c := h.client()
			page := c.get("/search?q=" + url.QueryEscape("sofa"))
			if page.StatusCode != 200 || !strings.Contains(page.body, "Grüne &lt;<mark>Sofa</mark>&gt; &amp; Kissen") || strings.Contains(page.body, "Members sofa") {
				t.Errorf("search page: %d %.3000s", page.StatusCode, page.body)
			}
			if !strings.Contains(c.get("/").body, `action="/search"`) {
				t.Error("no search box in the header")
			}
			if res := c.get("/search?q=sofa&kind=bogus"); res.StatusCode != 422 {
				t.Errorf("bad kind on the page: %d", res.StatusCode)
			}
			if res := c.get("/search?q=%22%28NEAR"); res.StatusCode != 200 {
				t.Errorf("hostile query on the page: %d", res.StatusCode)
			}
		})
	}
}

func TestTagFilterAndSimilarIdeas(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			h := newHarness(t, engine)
			c := newCampaign(t, h, "sofa", campaign.Public, 0)
			mem := newCampaign(t, h, "inner", campaign.Members, 0)
			h.addUser("mem@example.org", samtal.RoleMember)
			tok := h.token("mem@example.org")
			for _, x := range []struct {
				q     int64
				title string
				tags  []string
			}{
				{c.Questions[0].ID, "Softer sofa cushions", []string{"Sofa", "kids"}},
				{c.Questions[0].ID, "Sofaen skal være grøn", []string{"sofa"}},
				{c.Questions[1].ID, "Brighter lamps", []string{"light"}},
				{mem.Questions[0].ID, "Members sofa cushions", []string{"sofa"}},
			} {
				res := ideaAPI(h, "POST", "/api/v1/ideas", tok, map[string]any{"question_id": apiID(x.q), "title": x.title, "tags": x.tags})
				if res.StatusCode != 201 {
					t.Fatal(res.body)
				}
			}
			list := func(query, token string) apiList[apiIdea] {
				t.Helper()
				res := h.api("GET", "/api/v1/ideas?"+query, token)
				var out apiList[apiIdea]
				if res.StatusCode != 200 || json.Unmarshal([]byte(res.body), &out) != nil {
					t.Fatalf("%s: %d %s", query, res.StatusCode, res.body)
				}
				return out
			}
			if got := list(fmt.Sprintf("campaign_id=%d&tag=sofa&limit=1", c.ID), ""); len(got.Items) != 1 || got.Next == "" {
				t.Errorf("tag page 1: %+v", got)
			} else if rest := list(fmt.Sprintf("campaign_id=%d&tag=sofa&limit=1&cursor=%s", c.ID, got.Next), ""); len(rest.Items) != 1 || rest.Items[0].ID == got.Items[0].ID {
				t.Errorf("tag page 2: %+v", rest)
			}
			if got := list(fmt.Sprintf("campaign_id=%d&tag=light", c.ID), ""); len(got.Items) != 1 || got.Items[0].Title != "Brighter lamps" {
				t.Errorf("tag light: %+v", got)
			}
			// Similar ideas by question or campaign: up to 5, this campaign only.
			if got := list(fmt.Sprintf("question_id=%d&q=%s&limit=5", c.Questions[0].ID, url.QueryEscape("new sofa cushions")), ""); len(got.Items) != 2 ||
				got.Items[0].Title != "Softer sofa cushions" || got.Next != "" {
				t.Errorf("similar: %+v", got)
			}
			wantAPIError(t, h.api("GET", fmt.Sprintf("/api/v1/ideas?campaign_id=%d&q=sofa&sort=top", c.ID), ""), 422, samtal.EINVALID, "sort")
			wantAPIError(t, h.api("GET", fmt.Sprintf("/api/v1/ideas?campaign_id=%d&tag=a,b", c.ID), ""), 422, samtal.EINVALID, "tag")
			// A cursor of another order, and a tampered one.
			first := list(fmt.Sprintf("campaign_id=%d&sort=top&limit=1", c.ID), "")
			wantAPIError(t, h.api("GET", fmt.Sprintf("/api/v1/ideas?campaign_id=%d&sort=newest&cursor=%s", c.ID, first.Next), ""), 422, samtal.EINVALID, "cursor")
			wantAPIError(t, h.api("GET", fmt.Sprintf("/api/v1/ideas?campaign_id=%d&sort=top&cursor=%sx", c.ID, first.Next), ""), 422, samtal.EINVALID, "cursor")

			// The campaign page shows the tags as links, and filters by one.
			m := h.client()
			page := m.get("/campaigns/sofa").body
			if !strings.Contains(page, `href="/campaigns/sofa?tag=sofa#ideas"`) || !strings.Contains(page, "#kids") {
				t.Errorf("tag links: %.3000s", page)
			}
			page = m.get("/campaigns/sofa?tag=kids").body
			if !strings.Contains(page, "Softer sofa cushions") || strings.Contains(page, "Sofaen skal") || !strings.Contains(page, `name="tag" value="kids"`) {
				t.Errorf("filtered page: %.3000s", page)
			}
			if res := m.get("/campaigns/sofa?cursor=bogus"); res.StatusCode != 422 {
				t.Errorf("tampered cursor on the page: %d", res.StatusCode)
			}

			// The new-idea form's similar list: a fragment for members.
			if res := m.get("/campaigns/sofa/ideas/similar?q=sofa"); res.StatusCode == 200 {
				t.Errorf("visitor got similar ideas: %d", res.StatusCode)
			}
			m.signIn("mem@example.org")
			form := m.get("/campaigns/sofa/ideas/new").body
			if !strings.Contains(form, `data-similar="/campaigns/sofa/ideas/similar"`) || !strings.Contains(form, `src="/static/similar.js"`) {
				t.Errorf("form: %.3000s", form)
			}
			frag := m.get("/campaigns/sofa/ideas/similar?q=" + url.QueryEscape("sofa cushions"))
			if frag.StatusCode != 200 || !strings.Contains(frag.body, "Softer sofa cushions") || strings.Contains(frag.body, "Members sofa") ||
				strings.Contains(frag.body, "<html") {
				t.Errorf("fragment: %d %s", frag.StatusCode, frag.body)
			}
			if frag := m.get("/campaigns/inner/ideas/similar?q=sofa"); !strings.Contains(frag.body, "Members sofa cushions") {
				t.Errorf("members' campaign for a member: %s", frag.body)
			}
			if frag := m.get("/campaigns/sofa/ideas/similar?q="); frag.StatusCode != 200 || strings.TrimSpace(frag.body) != "" {
				t.Errorf("empty q: %d %q", frag.StatusCode, frag.body)
			}
			if res := m.get("/static/similar.js"); res.StatusCode != 200 {
				t.Errorf("similar.js: %d", res.StatusCode)
			}
		})
	}
}
