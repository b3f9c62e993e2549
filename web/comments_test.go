package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/internal/testdb"
)

var commentPosted = regexp.MustCompile(`^/ideas/(\d+)\?flash=flash\.comment_posted#comment-(\d+)$`)

// commentItemOf returns the list item of comment id on an idea page, or "".
func commentItemOf(page, id string) string {
	start := strings.Index(page, `id="comment-`+id+`"`)
	if start < 0 {
		return ""
	}
	end := strings.Index(page[start:], "</li>")
	if end < 0 {
		return page[start:]
	}
	return page[start : start+end]
}

func TestCommentsViaPages(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			h := newHarness(t, engine)
			c := newCampaign(t, h, "park", campaign.Public, 0)
			h.addUser("ada@example.org", samtal.RoleMember)
			h.addUser("bo@example.org", samtal.RoleMember)
			h.addUser("mod@example.org", samtal.RoleModerator)
			i := newIdea(t, h, "ada@example.org", c.Questions[0].ID, "More benches")
			ideaURL := fmt.Sprintf("/ideas/%d", i.ID)
			ada, bo, mod := h.client(), h.client(), h.client()
			ada.signIn("ada@example.org")
			bo.signIn("bo@example.org")
			mod.signIn("mod@example.org")

			// A visitor sees no form but a sign-in link.
			if p := h.client().get(ideaURL).body; strings.Contains(p, `action="`+ideaURL+`/comments"`) || !strings.Contains(p, "Sign in to comment") || !strings.Contains(p, "No comments yet") {
				t.Errorf("visitor's idea page: %.3000s", p)
			}
			page := ada.get(ideaURL).body
			if !strings.Contains(page, `action="`+ideaURL+`/comments"`) {
				t.Fatalf("no comment form: %.3000s", page)
			}
			res := ada.post(ideaURL+"/comments", url.Values{"body": {"Near the pond <script>alert(1)</script>\nplease"}})
			m := commentPosted.FindStringSubmatch(res.Header.Get("Location"))
			if res.StatusCode != http.StatusSeeOther || m == nil || m[1] != strconv.FormatInt(i.ID, 10) {
				t.Fatalf("post: %d %q: %.2000s", res.StatusCode, res.Header.Get("Location"), res.body)
			}
			first := m[2]
			bo.get(ideaURL)
			res = bo.post(ideaURL+"/comments", url.Values{"body": {"Yes, and shade"}, "parent_id": {first}})
			m = commentPosted.FindStringSubmatch(res.Header.Get("Location"))
			if res.StatusCode != http.StatusSeeOther || m == nil {
				t.Fatalf("reply: %d %q: %.2000s", res.StatusCode, res.Header.Get("Location"), res.body)
			}
			reply := m[2]

			page = ada.get(res.Header.Get("Location")).body
			top, sub := commentItemOf(page, first), commentItemOf(page, reply)
			if !strings.Contains(top, "depth-0") || !strings.Contains(top, "User ada@example.org") ||
				!strings.Contains(top, "<p>Near the pond &lt;script&gt;alert(1)&lt;/script&gt;<br>\nplease</p>") {
				t.Errorf("first comment: %s", top)
			}
			if !strings.Contains(sub, "depth-1") || !strings.Contains(sub, "User bo@example.org") || !strings.Contains(sub, "Yes, and shade") {
				t.Errorf("reply: %s", sub)
			}
			if strings.Index(page, `id="comment-`+first+`"`) > strings.Index(page, `id="comment-`+reply+`"`) {
				t.Error("the reply comes before its parent")
			}
			if strings.Contains(page, "<script>alert") {
				t.Error("unescaped markup on the idea page")
			}
			if !strings.Contains(page, "2 comments") || !strings.Contains(page, "Your comment is published") {
				t.Error("idea page lacks the count or the flash")
			}
			// Ada may delete her own comment, not Bo's; each reply has a form.
			if !strings.Contains(top, `action="/comments/`+first+`/delete"`) || strings.Contains(sub, `action="/comments/`+reply+`/delete"`) {
				t.Errorf("delete buttons for ada: own %v, bo's %v", strings.Contains(top, "/delete"), strings.Contains(sub, "/delete"))
			}
			if !strings.Contains(sub, `href="?reply=`+reply+`#comment-form"`) {
				t.Errorf("no reply link on the reply: %s", sub)
			}
			if cm := commentItemOf(mod.get(ideaURL).body, reply); !strings.Contains(cm, `action="/comments/`+reply+`/delete"`) {
				t.Error("the moderator has no delete button")
			}
			if item := ideaItem(h.client().get("/campaigns/park").body, i.ID); !strings.Contains(item, "2 comments") {
				t.Errorf("campaign page item lacks the count: %s", item)
			}

			// An empty comment is refused on the page, with the form kept.
			res = bo.post(ideaURL+"/comments", url.Values{"body": {"   "}})
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.body, "Please fill this in.") {
				t.Errorf("empty comment: %d %.2000s", res.StatusCode, res.body)
			}
			// A parent of another idea is refused.
			other := newIdea(t, h, "bo@example.org", c.Questions[0].ID, "Fewer cars")
			res = bo.post(fmt.Sprintf("/ideas/%d/comments", other.ID), url.Values{"body": {"x"}, "parent_id": {first}})
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("parent of another idea: %d", res.StatusCode)
			}

			// Bo may not delete Ada's comment; Ada may; the moderator may
			// delete Bo's.
			bo.get(ideaURL)
			if res := bo.post("/comments/"+first+"/delete", nil); res.StatusCode != http.StatusForbidden {
				t.Errorf("bo deletes ada's: %d", res.StatusCode)
			}
			ada.get(ideaURL)
			res = ada.post("/comments/"+first+"/delete", nil)
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != ideaURL+"?flash=flash.comment_deleted#comment-"+first {
				t.Errorf("ada deletes her own: %d %q", res.StatusCode, res.Header.Get("Location"))
			}
			if res := ada.post("/comments/"+first+"/delete", nil); res.StatusCode != http.StatusNotFound {
				t.Errorf("second delete: %d", res.StatusCode)
			}
			mod.get(ideaURL)
			if res := mod.post("/comments/"+reply+"/delete", nil); res.StatusCode != http.StatusSeeOther {
				t.Errorf("moderator deletes: %d", res.StatusCode)
			}
			page = h.client().get(ideaURL).body
			if strings.Count(page, "Comment deleted.") != 2 || strings.Contains(page, "Near the pond") || strings.Contains(page, "Yes, and shade") {
				t.Errorf("after deletes: %.3000s", page)
			}
			if item := ideaItem(h.client().get("/campaigns/park").body, i.ID); !strings.Contains(item, "0 comments") {
				t.Errorf("campaign page item after deletes: %s", item)
			}
		})
	}
}

func TestCommentsViaAPI(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			h := newHarness(t, engine)
			c := newCampaign(t, h, "park", campaign.Public, 0)
			secret := newCampaign(t, h, "secret", campaign.Invited, 0)
			h.addUser("ada@example.org", samtal.RoleMember)
			h.addUser("bo@example.org", samtal.RoleMember)
			h.addUser("mod@example.org", samtal.RoleModerator)
			h.addUser("agent@example.org", samtal.RoleAgent)
			ada, bo, mod := h.token("ada@example.org"), h.token("bo@example.org"), h.token("mod@example.org")
			i := newIdea(t, h, "ada@example.org", c.Questions[0].ID, "More benches")
			base := fmt.Sprintf("/api/v1/ideas/%d/comments", i.ID)

			res := ideaAPI(h, "POST", base, ada, map[string]string{"body": " First "})
			if res.StatusCode != http.StatusCreated {
				t.Fatalf("create: %d %s", res.StatusCode, res.body)
			}
			var raw map[string]any
			json.Unmarshal([]byte(res.body), &raw)
			var keys []string
			for k := range raw {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			if got := strings.Join(keys, ","); got != "author_name,author_person_id,body,body_html,created_at,deleted,depth,edited,id,idea_id,moderation,moderation_reason,parent_id,updated_at" {
				t.Errorf("comment fields: %s", got)
			}
			var first apiComment
			json.Unmarshal([]byte(res.body), &first)
			if first.Body != "First" || first.ParentID != "" || first.IdeaID != apiID(i.ID) || first.Depth != 0 || first.AuthorName != "User ada@example.org" ||
				res.Header.Get("Location") != "/api/v1/comments/"+first.ID || !strings.HasSuffix(first.CreatedAt, "Z") {
				t.Errorf("created: %+v (Location %q)", first, res.Header.Get("Location"))
			}
			res = ideaAPI(h, "POST", "/api/v1/comments/"+first.ID+"/replies", bo, map[string]string{"body": "Reply"})
			var reply apiComment
			json.Unmarshal([]byte(res.body), &reply)
			if res.StatusCode != http.StatusCreated || reply.ParentID != first.ID || reply.Depth != 1 || reply.IdeaID != apiID(i.ID) {
				t.Errorf("reply: %d %s", res.StatusCode, res.body)
			}
			res = ideaAPI(h, "POST", base, bo, map[string]string{"body": "Deeper", "parent_id": reply.ID})
			var deeper apiComment
			json.Unmarshal([]byte(res.body), &deeper)
			if res.StatusCode != http.StatusCreated || deeper.Depth != 2 {
				t.Errorf("reply by parent_id: %d %s", res.StatusCode, res.body)
			}

			var list apiList[apiComment]
			res = h.api("GET", base, "")
			if err := json.Unmarshal([]byte(res.body), &list); err != nil || res.StatusCode != 200 || len(list.Items) != 3 || list.Next != "" || !strings.Contains(res.body, `"next":""`) {
				t.Fatalf("list: %d %s", res.StatusCode, res.body)
			}
			if list.Items[0].ID != first.ID || list.Items[1].ID != reply.ID || list.Items[2].ID != deeper.ID {
				t.Errorf("order: %s", res.body)
			}

			// Refusals.
			wantAPIError(t, ideaAPI(h, "POST", base, "", map[string]string{"body": "x"}), 401, samtal.EUNAUTHORIZED, "")
			wantAPIError(t, ideaAPI(h, "POST", base, bo, map[string]string{"body": ""}), 422, samtal.EINVALID, "body")
			wantAPIError(t, ideaAPI(h, "POST", base, bo, map[string]string{"body": strings.Repeat("x", 5001)}), 422, samtal.EINVALID, "body")
			wantAPIError(t, ideaAPI(h, "POST", base, bo, map[string]string{"body": "x", "parent_id": "abc"}), 422, samtal.EINVALID, "parent_id")
			wantAPIError(t, ideaAPI(h, "POST", base, bo, "{"), 400, samtal.EMALFORMED, "")
			wantAPIError(t, ideaAPI(h, "POST", "/api/v1/ideas/999999/comments", bo, map[string]string{"body": "x"}), 404, samtal.ENOTFOUND, "")
			other := newIdea(t, h, "bo@example.org", c.Questions[0].ID, "Fewer cars")
			wantAPIError(t, ideaAPI(h, "POST", fmt.Sprintf("/api/v1/ideas/%d/comments", other.ID), bo, map[string]string{"body": "x", "parent_id": first.ID}), 422, samtal.EINVALID, "parent_id")
			wantAPIError(t, ideaAPI(h, "PATCH", "/api/v1/comments/"+first.ID, bo, map[string]string{"body": "mine now"}), 403, samtal.EFORBIDDEN, "")
			wantAPIError(t, ideaAPI(h, "DELETE", "/api/v1/comments/"+first.ID, bo, nil), 403, samtal.EFORBIDDEN, "")

			// Edit by the author.
			res = ideaAPI(h, "PATCH", "/api/v1/comments/"+first.ID, ada, map[string]string{"body": "First, edited"})
			var edited apiComment
			json.Unmarshal([]byte(res.body), &edited)
			if res.StatusCode != 200 || edited.Body != "First, edited" || !edited.Edited {
				t.Errorf("edit: %d %s", res.StatusCode, res.body)
			}
			if p := h.client().get(fmt.Sprintf("/ideas/%d", i.ID)).body; !strings.Contains(commentItemOf(p, first.ID), "edited") {
				t.Error("the page does not mark the edit")
			}
			if p := h.client().get(fmt.Sprintf("/ideas/%d", i.ID)).body; strings.Contains(p, "Earlier versions") {
				t.Error("a visitor sees the earlier versions")
			}
			mc := h.client()
			mc.signIn("mod@example.org")
			if item := commentItemOf(mc.get(fmt.Sprintf("/ideas/%d", i.ID)).body, first.ID); !strings.Contains(item, "Earlier versions") || !strings.Contains(item, ">First</div>") {
				t.Errorf("the moderator does not see the earlier text: %s", item)
			}

			// Delete: own 204, again 404; moderator 204; the comment stays
			// readable as deleted.
			if res := ideaAPI(h, "DELETE", "/api/v1/comments/"+deeper.ID, bo, nil); res.StatusCode != http.StatusNoContent || res.body != "" {
				t.Errorf("delete own: %d %q", res.StatusCode, res.body)
			}
			wantAPIError(t, ideaAPI(h, "DELETE", "/api/v1/comments/"+deeper.ID, bo, nil), 404, samtal.ENOTFOUND, "")
			if res := ideaAPI(h, "DELETE", "/api/v1/comments/"+first.ID, mod, nil); res.StatusCode != http.StatusNoContent {
				t.Errorf("moderator deletes: %d %s", res.StatusCode, res.body)
			}
			var gone apiComment
			res = h.api("GET", "/api/v1/comments/"+first.ID, "")
			json.Unmarshal([]byte(res.body), &gone)
			if res.StatusCode != 200 || !gone.Deleted || gone.Body != "" {
				t.Errorf("deleted comment: %d %s", res.StatusCode, res.body)
			}
			var got apiIdea
			json.Unmarshal([]byte(h.api("GET", fmt.Sprintf("/api/v1/ideas/%d", i.ID), "").body), &got)
			if got.Comments != 1 {
				t.Errorf("idea's comment count %d, want 1", got.Comments)
			}

			// Comments of a hidden idea are not found for members.
			hidden := newIdea(t, h, "agent@example.org", secret.Questions[0].ID, "Hidden")
			res = ideaAPI(h, "POST", fmt.Sprintf("/api/v1/ideas/%d/comments", hidden.ID), h.token("agent@example.org"), map[string]string{"body": "staff"})
			var hc apiComment
			json.Unmarshal([]byte(res.body), &hc)
			if res.StatusCode != http.StatusCreated {
				t.Fatalf("staff comment: %d %s", res.StatusCode, res.body)
			}
			wantAPIError(t, h.api("GET", fmt.Sprintf("/api/v1/ideas/%d/comments", hidden.ID), bo), 404, samtal.ENOTFOUND, "")
			wantAPIError(t, h.api("GET", "/api/v1/comments/"+hc.ID, bo), 404, samtal.ENOTFOUND, "")
			wantAPIError(t, ideaAPI(h, "POST", "/api/v1/comments/"+hc.ID+"/replies", bo, map[string]string{"body": "x"}), 404, samtal.ENOTFOUND, "")
			wantAPIError(t, ideaAPI(h, "DELETE", "/api/v1/comments/"+hc.ID, bo, nil), 404, samtal.ENOTFOUND, "")
			wantAPIError(t, h.api("GET", "/api/v1/comments/abc", ""), 404, samtal.ENOTFOUND, "")
		})
	}
}
