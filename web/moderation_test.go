package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/idea"
	"github.com/samtal-dev/samtal/internal/testdb"
)

func TestModerationViaAPI(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			h := newHarness(t, engine)
			c := newCampaign(t, h, "sofa", campaign.Public, 0)
			for _, e := range []string{"ada@example.org", "bo@example.org"} {
				h.addUser(e, samtal.RoleMember)
			}
			h.addUser("mod@example.org", samtal.RoleModerator)
			ada, bo, mod := h.token("ada@example.org"), h.token("bo@example.org"), h.token("mod@example.org")
			i := newIdea(t, h, "ada@example.org", c.Questions[0].ID, "Blue sofa")
			target := fmt.Sprintf("idea-%d", i.ID)

			// Reports.
			res := ideaAPI(h, "POST", "/api/v1/reports", bo, map[string]string{"target": target, "reason": "off_topic", "text": "About delivery"})
			if res.StatusCode != http.StatusCreated || !strings.Contains(res.body, `"target":"`+target+`"`) || !strings.Contains(res.body, `"status":"open"`) {
				t.Fatalf("report: %d %s", res.StatusCode, res.body)
			}
			wantAPIError(t, ideaAPI(h, "POST", "/api/v1/reports", bo, map[string]string{"target": target, "reason": "spam"}), 409, samtal.ECONFLICT, "")
			wantAPIError(t, ideaAPI(h, "POST", "/api/v1/reports", bo, map[string]string{"target": "idea", "reason": "spam"}), 422, samtal.EINVALID, "target")
			wantAPIError(t, ideaAPI(h, "POST", "/api/v1/reports", bo, map[string]string{"target": "idea-999999", "reason": "spam"}), 404, samtal.ENOTFOUND, "")
			wantAPIError(t, ideaAPI(h, "POST", "/api/v1/reports", bo, map[string]string{"target": target, "reason": "meh"}), 422, samtal.EINVALID, "reason")
			wantAPIError(t, ideaAPI(h, "POST", "/api/v1/reports", "", map[string]string{"target": target, "reason": "spam"}), 401, samtal.EUNAUTHORIZED, "")

			// The queue.
			wantAPIError(t, h.api("GET", "/api/v1/moderation/queue", bo), 403, samtal.EFORBIDDEN, "")
			wantAPIError(t, h.api("GET", "/api/v1/moderation/queue", ""), 401, samtal.EUNAUTHORIZED, "")
			var q apiList[apiQueueItem]
			res = h.api("GET", "/api/v1/moderation/queue", mod)
			json.Unmarshal([]byte(res.body), &q)
			if res.StatusCode != 200 || len(q.Items) != 1 || q.Items[0].Target != target || q.Items[0].Reports != 1 ||
				q.Items[0].Reasons[0].Reason != "off_topic" || q.Items[0].Texts[0] != "About delivery" {
				t.Fatalf("queue: %d %s", res.StatusCode, res.body)
			}

			// Hide: moderators, with a reason.
			hide := "/api/v1/moderation/" + target + "/hide"
			wantAPIError(t, ideaAPI(h, "POST", hide, bo, map[string]string{"reason": "x"}), 403, samtal.EFORBIDDEN, "")
			wantAPIError(t, ideaAPI(h, "POST", hide, mod, map[string]string{"reason": ""}), 422, samtal.EINVALID, "reason")
			wantAPIError(t, ideaAPI(h, "POST", hide, mod, nil), 422, samtal.EINVALID, "reason")
			wantAPIError(t, ideaAPI(h, "POST", "/api/v1/moderation/idea-x/hide", mod, map[string]string{"reason": "x"}), 422, samtal.EINVALID, "target")
			reason := "Your idea is about a delivery, not the sofa. Our customer service will help you directly."
			res = ideaAPI(h, "POST", hide, mod, map[string]string{"reason": reason})
			if res.StatusCode != 200 || !strings.Contains(res.body, `"moderation":"hidden"`) {
				t.Fatalf("hide: %d %s", res.StatusCode, res.body)
			}
			entries, _ := h.srv.Audit.List(cli(), audit.Filter{Action: "moderation.hide"})
			if len(entries) != 1 || entries[0].TargetID != fmt.Sprint(i.ID) || entries[0].ActorLabel != "mod@example.org" {
				t.Errorf("audit: %+v", entries)
			}

			// Who sees the hidden idea.
			one := fmt.Sprintf("/api/v1/ideas/%d", i.ID)
			var got apiIdea
			res = h.api("GET", one, ada)
			json.Unmarshal([]byte(res.body), &got)
			if res.StatusCode != 200 || got.Moderation != "hidden" || got.ModerationReason != reason {
				t.Errorf("author: %d %s", res.StatusCode, res.body)
			}
			wantAPIError(t, h.api("GET", one, bo), 404, samtal.ENOTFOUND, "")
			wantAPIError(t, h.api("GET", one, ""), 404, samtal.ENOTFOUND, "")
			if res := h.api("GET", one, mod); res.StatusCode != 200 || !strings.Contains(res.body, `"moderation":"hidden"`) {
				t.Errorf("moderator: %d %s", res.StatusCode, res.body)
			}
			list := fmt.Sprintf("/api/v1/ideas?campaign_id=%d", c.ID)
			for who, tok := range map[string]string{"other member": bo, "visitor": ""} {
				if strings.Contains(h.api("GET", list, tok).body, target[5:]+`"`) {
					t.Errorf("%s lists the hidden idea", who)
				}
			}
			if !strings.Contains(h.api("GET", list, ada).body, `"moderation":"hidden"`) {
				t.Error("the author does not list the hidden idea")
			}

			// The author edits and asks again; it stays hidden from others
			// until a moderator approves.
			wantAPIError(t, ideaAPI(h, "PATCH", one, bo, map[string]string{"title": "Mine"}), 404, samtal.ENOTFOUND, "")
			res = ideaAPI(h, "PATCH", one, ada, map[string]any{"title": "Blue sofa, softer", "tags": []string{"comfort"}})
			if res.StatusCode != 200 || !strings.Contains(res.body, `"title":"Blue sofa, softer"`) || !strings.Contains(res.body, `"tags":["comfort"]`) {
				t.Fatalf("edit: %d %s", res.StatusCode, res.body)
			}
			review := "/api/v1/moderation/" + target + "/review"
			wantAPIError(t, ideaAPI(h, "POST", review, bo, nil), 404, samtal.ENOTFOUND, "")
			if res := ideaAPI(h, "POST", review, ada, nil); res.StatusCode != 200 || !strings.Contains(res.body, `"moderation":"held"`) {
				t.Fatalf("ask again: %d %s", res.StatusCode, res.body)
			}
			wantAPIError(t, ideaAPI(h, "POST", review, ada, nil), 409, samtal.ECONFLICT, "")
			wantAPIError(t, h.api("GET", one, bo), 404, samtal.ENOTFOUND, "")
			if res := ideaAPI(h, "POST", "/api/v1/moderation/"+target+"/approve", mod, nil); res.StatusCode != 200 || !strings.Contains(res.body, `"moderation":"visible"`) {
				t.Fatalf("approve: %d %s", res.StatusCode, res.body)
			}
			wantAPIError(t, ideaAPI(h, "POST", "/api/v1/moderation/"+target+"/approve", mod, nil), 409, samtal.ECONFLICT, "")
			if res := h.api("GET", one, bo); res.StatusCode != 200 {
				t.Errorf("approved idea for others: %d", res.StatusCode)
			}

			// Comments: the count follows what members see.
			res = ideaAPI(h, "POST", one+"/comments", bo, map[string]string{"body": "Buy cheap pills at example.test"})
			var com apiComment
			json.Unmarshal([]byte(res.body), &com)
			ideaAPI(h, "POST", one+"/comments", ada, map[string]string{"body": "Thanks"})
			ctarget := "comment-" + com.ID
			if res := ideaAPI(h, "POST", "/api/v1/moderation/"+ctarget+"/hide", mod, map[string]string{"reason": "Advertising."}); res.StatusCode != 200 {
				t.Fatalf("hide comment: %d %s", res.StatusCode, res.body)
			}
			json.Unmarshal([]byte(h.api("GET", one, bo).body), &got)
			if got.Comments != 1 {
				t.Errorf("comments = %d after hiding one of two", got.Comments)
			}
			var thread apiList[apiComment]
			json.Unmarshal([]byte(h.api("GET", one+"/comments", ada).body), &thread)
			if len(thread.Items) != 2 || thread.Items[0].Body != "" || thread.Items[0].BodyHTML != "" || thread.Items[0].Moderation != "hidden" || thread.Items[0].ModerationReason != "" {
				t.Errorf("other member's thread: %+v", thread.Items)
			}
			if res := h.api("GET", "/api/v1/comments/"+com.ID, bo); !strings.Contains(res.body, "cheap pills") || !strings.Contains(res.body, "Advertising.") {
				t.Errorf("author's comment: %s", res.body)
			}

			// Deleting: others may not; the author may, once.
			wantAPIError(t, ideaAPI(h, "DELETE", one, bo, nil), 403, samtal.EFORBIDDEN, "")
			if res := ideaAPI(h, "DELETE", one, ada, nil); res.StatusCode != http.StatusNoContent {
				t.Fatalf("delete: %d %s", res.StatusCode, res.body)
			}
			wantAPIError(t, ideaAPI(h, "DELETE", one, ada, nil), 404, samtal.ENOTFOUND, "")
			if res := h.api("GET", one, bo); !strings.Contains(res.body, `"deleted":true`) || strings.Contains(res.body, "Blue sofa") || !strings.Contains(res.body, `"body_html":""`) {
				t.Errorf("deleted idea: %s", res.body)
			}
			if strings.Contains(h.api("GET", list, mod).body, `"id":"`+fmt.Sprint(i.ID)+`"`) {
				t.Error("a deleted idea is listed")
			}
		})
	}
}

func TestModerationPages(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			h := newHarness(t, engine)
			c := newCampaign(t, h, "sofa", campaign.Public, 0)
			h.addUser("ada@example.org", samtal.RoleMember)
			h.addUser("bo@example.org", samtal.RoleMember)
			h.addUser("mod@example.org", samtal.RoleModerator)
			i := newIdea(t, h, "ada@example.org", c.Questions[0].ID, "Blue sofa")
			page := fmt.Sprintf("/ideas/%d", i.ID)
			ada, bo, mod, visitor := h.client(), h.client(), h.client(), h.client()
			ada.signIn("ada@example.org")
			bo.signIn("bo@example.org")
			mod.signIn("mod@example.org")

			// A member reports through the small form of the idea page.
			p := bo.get(page).body
			if !strings.Contains(p, `action="/reports"`) || !strings.Contains(p, fmt.Sprintf(`value="idea-%d"`, i.ID)) {
				t.Fatalf("no report form: %.3000s", p)
			}
			if strings.Contains(ada.get(page).body, `action="/reports"`) || strings.Contains(visitor.get(page).body, `action="/reports"`) {
				t.Error("the author or a visitor gets a report form")
			}
			bo.get(page)
			res := bo.post("/reports", url.Values{"target": {fmt.Sprintf("idea-%d", i.ID)}, "reason": {"spam"}, "text": {"Looks like an ad"}})
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != page+"?flash=flash.reported" {
				t.Fatalf("report: %d %q", res.StatusCode, res.Header.Get("Location"))
			}
			bo.get(page)
			if res := bo.post("/reports", url.Values{"target": {fmt.Sprintf("idea-%d", i.ID)}, "reason": {"spam"}}); res.StatusCode != http.StatusConflict ||
				!strings.Contains(res.body, "You have reported this already") {
				t.Errorf("second report: %d", res.StatusCode)
			}

			// The queue page: moderators only.
			if res := bo.get("/moderation"); res.StatusCode != http.StatusForbidden {
				t.Errorf("member's queue: %d", res.StatusCode)
			}
			q := mod.get("/moderation")
			if q.StatusCode != 200 || !strings.Contains(q.body, "Blue sofa") || !strings.Contains(q.body, "1 report") ||
				!strings.Contains(q.body, "Spam or advertising (1)") || !strings.Contains(q.body, "Looks like an ad") {
				t.Fatalf("queue page: %d %.3000s", q.StatusCode, q.body)
			}
			hide := fmt.Sprintf("/moderation/idea-%d/hide", i.ID)
			res = mod.post(hide, url.Values{"reason": {" "}})
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.body, "Please fill this in.") || !strings.Contains(res.body, `aria-invalid="true"`) {
				t.Fatalf("hide without a reason: %d %.2000s", res.StatusCode, res.body)
			}
			mod.get("/moderation")
			res = mod.post(hide, url.Values{"template": {"moderation.template.spam"}, "reason": {"The link goes to a shop."}})
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("hide: %d %.2000s", res.StatusCode, res.body)
			}
			if q := mod.get("/moderation").body; strings.Contains(q, "Blue sofa") || !strings.Contains(q, "Nothing waits for a moderator") {
				t.Error("the hidden idea is still in the queue")
			}

			// The author reads the reason; others get a 404; moderators see it marked.
			own := ada.get(page)
			for _, want := range []string{"A moderator has hidden your idea", "advertises products or links", "The link goes to a shop.", "Ask for another look"} {
				if !strings.Contains(own.body, want) {
					t.Errorf("author's page lacks %q", want)
				}
			}
			if res := bo.get(page); res.StatusCode != http.StatusNotFound {
				t.Errorf("other member: %d", res.StatusCode)
			}
			if res := visitor.get(page); res.StatusCode != http.StatusNotFound {
				t.Errorf("visitor: %d", res.StatusCode)
			}
			if p := mod.get(page).body; !strings.Contains(p, "Hidden by a moderator: only its author and moderators see it.") {
				t.Error("moderator's page does not mark the idea")
			}
			if it := ideaItem(ada.get("/campaigns/sofa").body, i.ID); !strings.Contains(it, "Hidden") {
				t.Errorf("author's list item: %s", it)
			}
			if ideaItem(bo.get("/campaigns/sofa").body, i.ID) != "" || ideaItem(visitor.get("/campaigns/sofa").body, i.ID) != "" {
				t.Error("others list the hidden idea")
			}

			// Edit and ask again through the pages.
			if res := bo.get(page + "/edit"); res.StatusCode != http.StatusNotFound {
				t.Errorf("other member's edit form: %d", res.StatusCode)
			}
			ada.get(page + "/edit")
			res = ada.post(page+"/edit", url.Values{"title": {"Blue sofa for small flats"}, "body": {"Narrow and deep."}, "tags": {"small"}})
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("edit: %d %.2000s", res.StatusCode, res.body)
			}
			ada.get(page)
			res = ada.post(fmt.Sprintf("/moderation/idea-%d/review", i.ID), nil)
			if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "flash.asked_again") {
				t.Fatalf("ask again: %d %q", res.StatusCode, res.Header.Get("Location"))
			}
			if p := ada.get(page).body; !strings.Contains(p, "Waiting for a moderator") || !strings.Contains(p, "Blue sofa for small flats") {
				t.Error("the author does not see the held idea")
			}
			if q := mod.get("/moderation").body; !strings.Contains(q, "Blue sofa for small flats") {
				t.Error("the held idea is not in the queue")
			}
			res = mod.post(fmt.Sprintf("/moderation/idea-%d/approve", i.ID), nil)
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("approve: %d", res.StatusCode)
			}
			if res := bo.get(page); res.StatusCode != 200 || !strings.Contains(res.body, "Blue sofa for small flats") {
				t.Errorf("approved idea for others: %d", res.StatusCode)
			}

			// A hidden comment keeps its place for others, without its text.
			bo.get(page)
			bo.post(page+"/comments", url.Values{"body": {"Ring Jane on 555 0100"}})
			cs, _ := h.srv.Ideas.Comments(cli(), i.ID)
			ctarget := fmt.Sprintf("comment-%d", cs[0].ID)
			if err := h.srv.Moderation.Hide(samtal.WithActor(context.Background(), actorOf(t, h, "mod@example.org")), ctarget, "A phone number of a person."); err != nil {
				t.Fatal(err)
			}
			p = ada.get(page).body
			if !strings.Contains(p, "Comment hidden by a moderator.") || strings.Contains(p, "555 0100") || !strings.Contains(p, "0 comments") {
				t.Errorf("other member's thread: %.4000s", p)
			}
			p = bo.get(page).body
			if !strings.Contains(p, "555 0100") || !strings.Contains(p, "A phone number of a person.") || !strings.Contains(p, fmt.Sprintf(`action="/moderation/%s/review"`, ctarget)) {
				t.Errorf("author's thread: %.4000s", p)
			}
			res = bo.post(fmt.Sprintf("/comments/%d/edit", cs[0].ID), url.Values{"body": {"Jane in the shop was helpful."}})
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("comment edit: %d", res.StatusCode)
			}

			// Deleting through the edit page; the page then says removed.
			ada.get(page + "/edit")
			if res := ada.post(page+"/delete", nil); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("delete: %d", res.StatusCode)
			}
			if p := bo.get(page).body; !strings.Contains(p, "This idea was removed.") || strings.Contains(p, "Blue sofa") {
				t.Errorf("removed page: %.2000s", p)
			}
		})
	}
}

func TestHeldFirstPostPages(t *testing.T) {
	h := newHarness(t, "sqlite")
	c := &campaign.Campaign{Slug: "farbe", Title: "Farbe", Visibility: campaign.Public, HoldFirstPosts: true, Questions: []campaign.Question{{Text: "Welcher Name?"}}}
	if err := h.srv.Campaigns.Create(cli(), c); err != nil {
		t.Fatal(err)
	}
	h.addUser("new@example.org", samtal.RoleMember)
	h.addUser("bo@example.org", samtal.RoleMember)
	n, bo := h.client(), h.client()
	n.signIn("new@example.org")
	bo.signIn("bo@example.org")
	n.get("/campaigns/farbe/ideas/new")
	res := n.post("/campaigns/farbe/ideas", url.Values{"question_id": {fmt.Sprint(c.Questions[0].ID)}, "title": {"Fjordgrün"}})
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasSuffix(loc, "flash=flash.idea_held") {
		t.Fatalf("post: %d %q", res.StatusCode, loc)
	}
	p := n.get(loc).body
	if !strings.Contains(p, "Your first post waits for a moderator") || !strings.Contains(p, "Waiting for a moderator: only you can see this for now.") {
		t.Errorf("author's page: %.3000s", p)
	}
	path := strings.Split(loc, "?")[0]
	if res := bo.get(path); res.StatusCode != http.StatusNotFound {
		t.Errorf("other member: %d", res.StatusCode)
	}
	if strings.Contains(bo.get("/campaigns/farbe").body, "Fjordgrün") {
		t.Error("others list the held idea")
	}
	if err := h.srv.Campaigns.SetHoldFirstPosts(cli(), c.ID, false); err != nil {
		t.Fatal(err)
	}
	if got, _ := h.srv.Campaigns.GetByID(cli(), c.ID); got.HoldFirstPosts {
		t.Error("the setting did not change")
	}
}

func TestReportRateLimitViaAPI(t *testing.T) {
	h := newHarness(t, "sqlite")
	c := newCampaign(t, h, "sofa", campaign.Public, 0)
	h.addUser("ada@example.org", samtal.RoleMember)
	h.addUser("bo@example.org", samtal.RoleMember)
	bo := h.token("bo@example.org")
	i := newIdea(t, h, "ada@example.org", c.Questions[0].ID, "Blue sofa")
	var res *response
	for n := 0; n < 21; n++ {
		res = ideaAPI(h, "POST", "/api/v1/reports", bo, map[string]string{"target": fmt.Sprintf("idea-%d", i.ID), "reason": "spam"})
	}
	wantAPIError(t, res, 429, samtal.ERATELIMITED, "")
	if res.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
	b := h.client()
	b.signIn("bo@example.org")
	b.get(fmt.Sprintf("/ideas/%d", i.ID))
	if res := b.post("/reports", url.Values{"target": {fmt.Sprintf("idea-%d", i.ID)}, "reason": {"spam"}}); res.StatusCode != 429 ||
		!strings.Contains(res.body, "You have sent many reports in a short time.") {
		t.Errorf("page: %d", res.StatusCode)
	}
}

// TestOneFormPerPage checks that replying and reporting a comment go
// through one form each (the page's comment form, a report page) rather
// than a form per comment, and that both keep the rules.
func TestOneFormPerPage(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			h := newHarness(t, engine)
			c := newCampaign(t, h, "sofa", campaign.Public, 0)
			hidden := newCampaign(t, h, "inner", campaign.Invited, 0)
			h.addUser("ada@example.org", samtal.RoleMember)
			h.addUser("bo@example.org", samtal.RoleMember)
			h.addUser("staff@example.org", samtal.RoleModerator)
			i := newIdea(t, h, "ada@example.org", c.Questions[0].ID, "Blue sofa")
			var first *idea.Comment
			for k := 0; k < 3; k++ {
				cm, err := h.srv.Ideas.AddComment(as(t, h, "ada@example.org"), i.ID, 0, fmt.Sprintf("Comment <b>%d</b>", k))
				if err != nil {
					t.Fatal(err)
				}
				if first == nil {
					first = cm
				}
			}
			secret := newIdea(t, h, "staff@example.org", hidden.Questions[0].ID, "Staff only")
			secretComment, err := h.srv.Ideas.AddComment(as(t, h, "staff@example.org"), secret.ID, 0, "Psst")
			if err != nil {
				t.Fatal(err)
			}
			page := fmt.Sprintf("/ideas/%d", i.ID)
			bo := h.client()
			bo.signIn("bo@example.org")

			p := bo.get(page).body
			section := p[strings.Index(p, `id="comments"`):]
			section = section[:strings.Index(section, "</section>")]
			if n := strings.Count(section, "<form"); n != 1 {
				t.Errorf("the thread of three comments has %d forms, want the one comment form", n)
			}
			reply := fmt.Sprintf(`href="?reply=%d#comment-form"`, first.ID)
			report := fmt.Sprintf(`href="/reports/new?target=comment-%d"`, first.ID)
			if !strings.Contains(p, reply) || !strings.Contains(p, report) {
				t.Fatalf("reply or report link missing")
			}
			if v := h.client().get(page).body; strings.Contains(v, "?reply=") || strings.Contains(v, "/reports/new") {
				t.Error("a visitor gets reply or report links")
			}

			// Replying: the page's form now answers that comment.
			p = bo.get(fmt.Sprintf("%s?reply=%d", page, first.ID)).body
			if !strings.Contains(p, fmt.Sprintf(`name="parent_id" value="%d"`, first.ID)) || !strings.Contains(p, "Your reply to User ada@example.org") {
				t.Fatalf("the comment form does not answer the comment")
			}
			if p := bo.get(page + "?reply=999999").body; strings.Contains(p, `name="parent_id"`) {
				t.Error("an unknown comment is answered")
			}
			res := bo.post(page+"/comments", url.Values{"parent_id": {fmt.Sprint(first.ID)}, "body": {"Agreed"}})
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("reply: %d", res.StatusCode)
			}
			thread, _ := h.srv.Ideas.Comments(cli(), i.ID)
			if last := thread[1]; last.ParentID != first.ID || last.Body != "Agreed" {
				t.Errorf("the reply is not under the comment: %+v", last)
			}

			// Reporting: a page of its own with the comment's text (escaped).
			rp := bo.get(fmt.Sprintf("/reports/new?target=comment-%d", first.ID))
			if rp.StatusCode != 200 || !strings.Contains(rp.body, fmt.Sprintf(`value="comment-%d"`, first.ID)) ||
				!strings.Contains(rp.body, "Comment &lt;b&gt;0&lt;/b&gt;") {
				t.Fatalf("report page: %d", rp.StatusCode)
			}
			if res := bo.post("/reports", url.Values{"target": {fmt.Sprintf("comment-%d", first.ID)}, "reason": {"spam"}}); res.StatusCode != http.StatusSeeOther {
				t.Errorf("report: %d", res.StatusCode)
			}
			if res := bo.get("/reports/new?target=nonsense"); res.StatusCode != 422 {
				t.Errorf("bad target: %d", res.StatusCode)
			}
			if res := bo.get(fmt.Sprintf("/reports/new?target=comment-%d", secretComment.ID)); res.StatusCode != 404 || strings.Contains(res.body, "Psst") {
				t.Errorf("a comment of a hidden campaign: %d", res.StatusCode)
			}
			if res := h.client().get(fmt.Sprintf("/reports/new?target=comment-%d", first.ID)); res.StatusCode != http.StatusSeeOther {
				t.Errorf("visitor: %d", res.StatusCode)
			}
		})
	}
}
