package web

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
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

// ideaAPI calls the JSON API with a bearer token ("" for none) and a JSON
// body (nil for none; a string is sent as it is).
func ideaAPI(h *harness, method, path, token string, body any) *response {
	h.t.Helper()
	var text string
	switch b := body.(type) {
	case nil:
	case string:
		text = b
	default:
		j, err := json.Marshal(b)
		if err != nil {
			h.t.Fatal(err)
		}
		text = string(j)
	}
	req, _ := http.NewRequest(method, h.ts.URL+path, strings.NewReader(text))
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return h.client().do(req)
}

// newCampaign creates a campaign with two questions as the command line.
func newCampaign(t *testing.T, h *harness, slug, visibility string, budget int) *campaign.Campaign {
	t.Helper()
	c := &campaign.Campaign{
		Slug: slug, Title: "Campaign " + slug, Brief: "Tell us.", Visibility: visibility, VoteBudget: budget,
		Questions: []campaign.Question{{Text: "What should " + slug + " do first?"}, {Text: "What should " + slug + " stop doing?"}},
	}
	if err := h.srv.Campaigns.Create(cli(), c); err != nil {
		t.Fatal(err)
	}
	return c
}

// newIdea posts an idea as the account with email, through the service.
func newIdea(t *testing.T, h *harness, email string, questionID int64, title string) *idea.Idea {
	t.Helper()
	ctx := samtal.WithActor(context.Background(), actorOf(t, h, email))
	i, err := h.srv.Ideas.Create(ctx, idea.NewIdea{QuestionID: questionID, Title: title, Body: "Because."})
	if err != nil {
		t.Fatalf("create idea %q: %v", title, err)
	}
	return i
}

// ideaItem returns the list item of idea id on a campaign page, or "".
func ideaItem(page string, id int64) string {
	start := strings.Index(page, fmt.Sprintf(`id="idea-%d"`, id))
	if start < 0 {
		return ""
	}
	end := strings.Index(page[start:], "</li>")
	if end < 0 {
		return page[start:]
	}
	return page[start : start+end]
}

// apiErr is the API's error shape, with pointers to see missing keys.
type apiErr struct {
	Error struct {
		Code    *string `json:"code"`
		Message *string `json:"message"`
		Field   *string `json:"field"`
	} `json:"error"`
}

// wantAPIError checks the status and the error shape with its code and field.
func wantAPIError(t *testing.T, res *response, status int, code, field string) {
	t.Helper()
	if res.StatusCode != status {
		t.Errorf("status = %d, want %d: %s", res.StatusCode, status, res.body)
		return
	}
	var e apiErr
	if err := json.Unmarshal([]byte(res.body), &e); err != nil {
		t.Fatalf("error body %q: %v", res.body, err)
	}
	if e.Error.Code == nil || e.Error.Message == nil || e.Error.Field == nil || *e.Error.Message == "" {
		t.Fatalf("error shape: %s", res.body)
	}
	if *e.Error.Code != code || *e.Error.Field != field {
		t.Errorf("error = %s (field %q), want %s (field %q): %s", *e.Error.Code, *e.Error.Field, code, field, res.body)
	}
	if strings.HasPrefix(*e.Error.Message, "error.") {
		t.Errorf("message is an untranslated id: %s", *e.Error.Message)
	}
}

var ideaPath = regexp.MustCompile(`^/ideas/(\d+)\?flash=flash\.idea_posted$`)

func TestIdeaFormToPages(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			h := newHarness(t, engine)
			c := newCampaign(t, h, "sofa", campaign.Public, 0)
			q := c.Questions[1]
			h.addUser("mem@example.org", samtal.RoleMember)
			m := h.client()
			m.signIn("mem@example.org")

			page := m.get("/campaigns/sofa").body
			newLink := fmt.Sprintf(`href="/campaigns/sofa/ideas/new?question=%d"`, q.ID)
			if !strings.Contains(page, newLink) {
				t.Fatalf("campaign page lacks %s", newLink)
			}
			form := m.get(fmt.Sprintf("/campaigns/sofa/ideas/new?question=%d", q.ID))
			if form.StatusCode != 200 || !strings.Contains(form.body, fmt.Sprintf(`value="%d" required checked>`, q.ID)) {
				t.Fatalf("form: %d, the question is not preselected: %.3000s", form.StatusCode, form.body)
			}
			res := m.post("/campaigns/sofa/ideas", url.Values{
				"question_id": {strconv.FormatInt(q.ID, 10)},
				"title":       {`<script>alert(1)</script> Softer cushions`},
				"body":        {"First line\n<b>bold</b> <script>alert(2)</script>\nThird line"},
				"tags":        {"Comfort, kids ,"},
			})
			mm := ideaPath.FindStringSubmatch(res.Header.Get("Location"))
			if res.StatusCode != http.StatusSeeOther || mm == nil {
				t.Fatalf("post: %d %q: %.2000s", res.StatusCode, res.Header.Get("Location"), res.body)
			}
			id, _ := strconv.ParseInt(mm[1], 10, 64)

			own := m.get(res.Header.Get("Location"))
			for _, want := range []string{
				"&lt;script&gt;alert(1)&lt;/script&gt; Softer cushions",
				// Markdown, rendered when written: raw HTML stays text, line breaks stay.
				"<p>First line<br>\n&lt;b&gt;bold&lt;/b&gt; &lt;script&gt;alert(2)&lt;/script&gt;<br>\nThird line</p>",
				"<li>comfort</li>", "<li>kids</li>", "User mem@example.org", q.Text,
				"Thank you! Your idea is published.", "0 votes",
				fmt.Sprintf(`action="/ideas/%d/vote"`, id),
			} {
				if !strings.Contains(own.body, want) {
					t.Errorf("idea page lacks %q", want)
				}
			}
			for _, p := range []string{own.body, m.get("/campaigns/sofa").body, h.client().get("/campaigns/sofa").body} {
				if strings.Contains(p, "<script>alert") || strings.Contains(p, "<b>bold") {
					t.Errorf("unescaped markup on a page: %.3000s", p)
				}
			}
			if strings.Contains(own.body, `action="/ideas/`+mm[1]+`/status"`) {
				t.Error("a member sees the status form")
			}

			item := ideaItem(m.get("/campaigns/sofa").body, id)
			for _, want := range []string{fmt.Sprintf(`href="/ideas/%d"`, id), "&lt;script&gt;alert(1)&lt;/script&gt; Softer cushions", q.Text, "Open", "0 votes", "User mem@example.org", "/vote"} {
				if !strings.Contains(item, want) {
					t.Errorf("campaign list item lacks %q: %s", want, item)
				}
			}
			// Visitors see the count, no vote form, and a sign-in link to answer.
			visitor := h.client().get("/campaigns/sofa").body
			if vi := ideaItem(visitor, id); !strings.Contains(vi, "0 votes") || strings.Contains(vi, "<form") {
				t.Errorf("visitor's list item: %s", vi)
			}
			if !strings.Contains(visitor, "Sign in to answer") || strings.Contains(visitor, newLink) {
				t.Error("visitor: no sign-in link, or an answer link")
			}

			// The date is the reader's: German month names on a German page.
			var got apiIdea
			json.Unmarshal([]byte(h.api("GET", "/api/v1/ideas/"+mm[1], "").body), &got)
			created, err := time.Parse(time.RFC3339, got.CreatedAt)
			if err != nil || !strings.HasSuffix(got.CreatedAt, "Z") {
				t.Fatalf("created_at %q: %v", got.CreatedAt, err)
			}
			de := h.client()
			de.lang = "de"
			if want := h.srv.Catalog.FormatDate("de", created); !strings.Contains(de.get("/ideas/"+mm[1]).body, "am "+want) {
				t.Errorf("German idea page lacks the date %q", want)
			}
		})
	}
}

func TestRefusedIdeaFormKeepsValues(t *testing.T) {
	h := newHarness(t, "sqlite")
	c := newCampaign(t, h, "sofa", campaign.Public, 0)
	other := newCampaign(t, h, "other", campaign.Public, 0)
	h.addUser("mem@example.org", samtal.RoleMember)
	m := h.client()
	m.signIn("mem@example.org")
	m.get("/campaigns/sofa/ideas/new")
	qid := strconv.FormatInt(c.Questions[0].ID, 10)

	tests := []struct {
		name   string
		form   url.Values
		field  string // the input that must be marked
		msg    string
		keep   []string
		status int
	}{
		{"bad tag", url.Values{"question_id": {qid}, "title": {"Keep me"}, "body": {"Line 1\nLine 2"}, "tags": {"fine, <bad>"}},
			`name="tags"`, "A tag has at most 30 characters", []string{`value="Keep me"`, "Line 1\nLine 2</textarea>", `value="fine, &lt;bad&gt;"`}, 422},
		{"no title", url.Values{"question_id": {qid}, "title": {"  "}, "body": {"Only a body"}, "tags": {"a"}},
			`name="title"`, "Please fill this in.", []string{"Only a body</textarea>", `value="a"`}, 422},
		{"another campaign's question", url.Values{"question_id": {strconv.FormatInt(other.Questions[0].ID, 10)}, "title": {"Wrong place"}},
			`<fieldset class="choices"`, "Please choose one of the campaign", []string{`value="Wrong place"`}, 422},
		{"too many tags", url.Values{"question_id": {qid}, "title": {"Tagged"}, "tags": {"a,b,c,d,e,f"}},
			`name="tags"`, "at most 5 tags", []string{`value="a,b,c,d,e,f"`}, 422},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := m.post("/campaigns/sofa/ideas", tt.form)
			if res.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %.2000s", res.StatusCode, tt.status, res.body)
			}
			if !strings.Contains(res.body, tt.msg) {
				t.Errorf("no message %q", tt.msg)
			}
			i := strings.Index(res.body, tt.field)
			if i < 0 || !strings.Contains(res.body[i:min(len(res.body), i+400)], `aria-invalid="true"`) {
				t.Errorf("%s is not marked invalid", tt.field)
			}
			for _, k := range tt.keep {
				if !strings.Contains(res.body, k) {
					t.Errorf("form lost %q: %.3000s", k, res.body)
				}
			}
		})
	}
	// Nothing was stored.
	var list apiList[apiIdea]
	json.Unmarshal([]byte(h.api("GET", "/api/v1/ideas?campaign_id="+strconv.FormatInt(c.ID, 10), "").body), &list)
	if len(list.Items) != 0 {
		t.Errorf("refused forms stored %d ideas", len(list.Items))
	}
}

func TestVoteAndUnvoteViaPages(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			h := newHarness(t, engine)
			c := newCampaign(t, h, "sofa", campaign.Public, 0)
			h.addUser("author@example.org", samtal.RoleMember)
			h.addUser("mem@example.org", samtal.RoleMember)
			i := newIdea(t, h, "author@example.org", c.Questions[0].ID, "Blue sofa")
			m := h.client()
			m.signIn("mem@example.org")
			m.get("/campaigns/sofa?sort=top")

			res := m.post(fmt.Sprintf("/ideas/%d/vote", i.ID), url.Values{"next": {"/campaigns/sofa?sort=top"}})
			if want := fmt.Sprintf("/campaigns/sofa?sort=top#idea-%d", i.ID); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != want {
				t.Fatalf("vote: %d %q, want 303 %q", res.StatusCode, res.Header.Get("Location"), want)
			}
			item := ideaItem(m.get("/campaigns/sofa?sort=top").body, i.ID)
			if !strings.Contains(item, "1 vote<") || !strings.Contains(item, fmt.Sprintf(`action="/ideas/%d/unvote"`, i.ID)) {
				t.Errorf("after the vote: %s", item)
			}
			if p := m.get(fmt.Sprintf("/ideas/%d", i.ID)).body; !strings.Contains(p, "1 vote<") || !strings.Contains(p, "Take my vote back") {
				t.Error("idea page does not show the vote")
			}
			// Another member sees the count but has not voted.
			h.addUser("other@example.org", samtal.RoleMember)
			o := h.client()
			o.signIn("other@example.org")
			if it := ideaItem(o.get("/campaigns/sofa").body, i.ID); !strings.Contains(it, "1 vote<") || !strings.Contains(it, "/vote\"") {
				t.Errorf("other member's item: %s", it)
			}

			// A second vote through the page is refused and changes nothing.
			m.get("/campaigns/sofa")
			if res := m.post(fmt.Sprintf("/ideas/%d/vote", i.ID), url.Values{"next": {"/campaigns/sofa"}}); res.StatusCode != http.StatusConflict ||
				!strings.Contains(res.body, "You have voted for this idea already.") {
				t.Errorf("second vote: %d %.1000s", res.StatusCode, res.body)
			}

			// A foreign next leads home, not away.
			m.get("/campaigns/sofa")
			res = m.post(fmt.Sprintf("/ideas/%d/unvote", i.ID), url.Values{"next": {"//evil.example/x"}})
			if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") {
				t.Fatalf("unvote: %d %q", res.StatusCode, loc)
			}
			if item := ideaItem(m.get("/campaigns/sofa").body, i.ID); !strings.Contains(item, "0 votes") || !strings.Contains(item, "/vote\"") {
				t.Errorf("after the unvote: %s", item)
			}
			m.get("/campaigns/sofa")
			if res := m.post(fmt.Sprintf("/ideas/%d/unvote", i.ID), nil); res.StatusCode != http.StatusNotFound {
				t.Errorf("unvote without a vote: %d", res.StatusCode)
			}
		})
	}
}

func TestVoteViaAPI(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			h := newHarness(t, engine)
			c := newCampaign(t, h, "sofa", campaign.Public, 0)
			h.addUser("mem@example.org", samtal.RoleMember)
			tok := h.token("mem@example.org")
			i := newIdea(t, h, "mem@example.org", c.Questions[0].ID, "Blue sofa")
			path := fmt.Sprintf("/api/v1/ideas/%d/vote", i.ID)

			res := ideaAPI(h, "POST", path, tok, nil)
			if res.StatusCode != 200 || strings.TrimSpace(res.body) != `{"votes":1,"voted":true}` {
				t.Fatalf("vote: %d %s", res.StatusCode, res.body)
			}
			wantAPIError(t, ideaAPI(h, "POST", path, tok, nil), 409, samtal.ECONFLICT, "")
			var got apiIdea
			json.Unmarshal([]byte(h.api("GET", fmt.Sprintf("/api/v1/ideas/%d", i.ID), tok).body), &got)
			if got.Votes != 1 || !got.Voted {
				t.Errorf("after a second vote: votes %d, voted %v", got.Votes, got.Voted)
			}
			wantAPIError(t, ideaAPI(h, "POST", path, "", nil), 401, samtal.EUNAUTHORIZED, "")
			wantAPIError(t, ideaAPI(h, "POST", "/api/v1/ideas/999999/vote", tok, nil), 404, samtal.ENOTFOUND, "")
			wantAPIError(t, ideaAPI(h, "POST", "/api/v1/ideas/x/vote", tok, nil), 404, samtal.ENOTFOUND, "")

			res = ideaAPI(h, "DELETE", path, tok, nil)
			if res.StatusCode != 200 || strings.TrimSpace(res.body) != `{"votes":0,"voted":false}` {
				t.Fatalf("unvote: %d %s", res.StatusCode, res.body)
			}
			wantAPIError(t, ideaAPI(h, "DELETE", path, tok, nil), 404, samtal.ENOTFOUND, "")
		})
	}
}

func TestVoteBudgetSpent(t *testing.T) {
	h := newHarness(t, "sqlite")
	c := newCampaign(t, h, "colour", campaign.Public, 2)
	h.addUser("mem@example.org", samtal.RoleMember)
	tok := h.token("mem@example.org")
	var ideas []*idea.Idea
	for n := range 3 {
		ideas = append(ideas, newIdea(t, h, "mem@example.org", c.Questions[0].ID, fmt.Sprintf("Colour %d", n)))
	}
	m := h.client()
	m.signIn("mem@example.org")
	if p := m.get("/campaigns/colour").body; !strings.Contains(p, "You have 2 votes left in this campaign.") {
		t.Error("the page does not show the votes left")
	}
	if p := h.client().get("/campaigns/colour").body; !strings.Contains(p, "Each member has 2 votes in this campaign.") {
		t.Error("visitors do not see the budget")
	}
	for _, i := range ideas[:2] {
		if res := ideaAPI(h, "POST", fmt.Sprintf("/api/v1/ideas/%d/vote", i.ID), tok, nil); res.StatusCode != 200 {
			t.Fatalf("vote: %d %s", res.StatusCode, res.body)
		}
	}
	res := ideaAPI(h, "POST", fmt.Sprintf("/api/v1/ideas/%d/vote", ideas[2].ID), tok, nil)
	wantAPIError(t, res, 409, samtal.ECONFLICT, "")
	if !strings.Contains(res.body, "used all your votes") {
		t.Errorf("message: %s", res.body)
	}
	page := m.get("/campaigns/colour").body
	if !strings.Contains(page, "You have 0 votes left in this campaign.") {
		t.Error("the page does not say the budget is spent")
	}
	if it := ideaItem(page, ideas[2].ID); strings.Contains(it, "/vote\"") {
		t.Errorf("a vote button with a spent budget: %s", it)
	}
	// Through the page too, the third vote is refused.
	if res := m.post(fmt.Sprintf("/ideas/%d/vote", ideas[2].ID), url.Values{"next": {"/campaigns/colour"}}); res.StatusCode != http.StatusConflict ||
		!strings.Contains(res.body, "used all your votes") {
		t.Errorf("page vote over budget: %d", res.StatusCode)
	}
	var got apiIdea
	json.Unmarshal([]byte(h.api("GET", fmt.Sprintf("/api/v1/ideas/%d", ideas[2].ID), tok).body), &got)
	if got.Votes != 0 || got.Voted {
		t.Errorf("over budget: votes %d, voted %v", got.Votes, got.Voted)
	}
}

func TestClosedCampaign(t *testing.T) {
	h := newHarness(t, "sqlite")
	now := time.Now().UTC()
	c := &campaign.Campaign{Slug: "past", Title: "Past", Visibility: campaign.Public, StartsAt: now.Add(-48 * time.Hour), EndsAt: now.Add(-time.Hour),
		Questions: []campaign.Question{{Text: "What was it?"}}}
	if err := h.srv.Campaigns.Create(cli(), c); err != nil {
		t.Fatal(err)
	}
	h.addUser("mem@example.org", samtal.RoleMember)
	tok := h.token("mem@example.org")
	// The idea was posted while the campaign ran.
	h.srv.Ideas.Now = func() time.Time { return now.Add(-24 * time.Hour) }
	i := newIdea(t, h, "mem@example.org", c.Questions[0].ID, "Old idea")
	h.srv.Ideas.Now = nil

	m := h.client()
	m.signIn("mem@example.org")
	page := m.get("/campaigns/past").body
	if !strings.Contains(page, "This campaign is closed") || strings.Contains(page, "/ideas/new") || strings.Contains(ideaItem(page, i.ID), "<form") {
		t.Errorf("closed campaign page: %.3000s", page)
	}
	if res := m.get("/campaigns/past/ideas/new"); res.StatusCode != http.StatusConflict {
		t.Errorf("new idea form of a closed campaign: %d", res.StatusCode)
	}
	if res := m.post(fmt.Sprintf("/ideas/%d/vote", i.ID), nil); res.StatusCode != http.StatusConflict || !strings.Contains(res.body, "does not take ideas or votes") {
		t.Errorf("page vote: %d", res.StatusCode)
	}
	wantAPIError(t, ideaAPI(h, "POST", fmt.Sprintf("/api/v1/ideas/%d/vote", i.ID), tok, nil), 409, samtal.ECONFLICT, "")
	wantAPIError(t, ideaAPI(h, "POST", "/api/v1/ideas", tok, map[string]any{"question_id": strconv.FormatInt(c.Questions[0].ID, 10), "title": "Late"}), 409, samtal.ECONFLICT, "")
}

func TestInvitedCampaignIdeasAreHidden(t *testing.T) {
	h := newHarness(t, "sqlite")
	c := newCampaign(t, h, "secret", campaign.Invited, 0)
	h.addUser("mem@example.org", samtal.RoleMember)
	h.addUser("mod@example.org", samtal.RoleModerator)
	i := newIdea(t, h, "mod@example.org", c.Questions[0].ID, "Secret sofa")
	memTok, modTok := h.token("mem@example.org"), h.token("mod@example.org")
	mem, mod := h.client(), h.client()
	mem.signIn("mem@example.org")
	mod.signIn("mod@example.org")
	path := fmt.Sprintf("/ideas/%d", i.ID)

	for name, res := range map[string]*response{"member": mem.get(path), "visitor": h.client().get(path)} {
		if res.StatusCode != 404 || strings.Contains(res.body, "Secret sofa") {
			t.Errorf("%s sees the idea page: %d", name, res.StatusCode)
		}
	}
	wantAPIError(t, h.api("GET", "/api/v1"+path, memTok), 404, samtal.ENOTFOUND, "")
	wantAPIError(t, h.api("GET", "/api/v1"+path, ""), 404, samtal.ENOTFOUND, "")
	wantAPIError(t, h.api("GET", fmt.Sprintf("/api/v1/ideas?campaign_id=%d", c.ID), memTok), 404, samtal.ENOTFOUND, "")
	wantAPIError(t, h.api("GET", fmt.Sprintf("/api/v1/ideas?question_id=%d", c.Questions[0].ID), memTok), 404, samtal.ENOTFOUND, "")
	wantAPIError(t, ideaAPI(h, "POST", "/api/v1"+path+"/vote", memTok, nil), 404, samtal.ENOTFOUND, "")
	mem.get("/")
	if res := mem.post(path+"/vote", nil); res.StatusCode != 404 {
		t.Errorf("member votes by page: %d", res.StatusCode)
	}

	if res := mod.get(path); res.StatusCode != 200 || !strings.Contains(res.body, "Secret sofa") {
		t.Errorf("moderator: %d", res.StatusCode)
	}
	if res := h.api("GET", "/api/v1"+path, modTok); res.StatusCode != 200 || !strings.Contains(res.body, `"title":"Secret sofa"`) {
		t.Errorf("moderator API: %d %s", res.StatusCode, res.body)
	}
}

func TestStatusChange(t *testing.T) {
	h := newHarness(t, "sqlite")
	c := newCampaign(t, h, "sofa", campaign.Public, 0)
	h.addUser("mem@example.org", samtal.RoleMember)
	h.addUser("mod@example.org", samtal.RoleModerator)
	i := newIdea(t, h, "mem@example.org", c.Questions[0].ID, "Blue sofa")
	path := fmt.Sprintf("/ideas/%d", i.ID)
	mem, mod := h.client(), h.client()
	mem.signIn("mem@example.org")
	mod.signIn("mod@example.org")

	mem.get(path)
	if res := mem.post(path+"/status", url.Values{"status": {"planned"}, "note": {"Sneaky"}}); res.StatusCode != 403 {
		t.Errorf("member changes the status by page: %d", res.StatusCode)
	}
	wantAPIError(t, ideaAPI(h, "POST", "/api/v1"+path+"/status", h.token("mem@example.org"), map[string]string{"status": "done"}), 403, samtal.EFORBIDDEN, "")

	page := mod.get(path).body
	if !strings.Contains(page, `action="`+path+`/status"`) {
		t.Fatal("the moderator has no status form")
	}
	res := mod.post(path+"/status", url.Values{"status": {"planned"}, "note": {"We build it in spring.\n<b>Promise</b>"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("moderator: %d %.1000s", res.StatusCode, res.body)
	}
	// A bad status keeps the note that was typed.
	mod.get(path)
	res = mod.post(path+"/status", url.Values{"status": {"maybe"}, "note": {"Typed note"}})
	if res.StatusCode != 422 || !strings.Contains(res.body, "Typed note</textarea>") || !strings.Contains(res.body, "Please choose one of the statuses") {
		t.Errorf("bad status: %d", res.StatusCode)
	}

	modTok := h.token("mod@example.org")
	res = ideaAPI(h, "POST", "/api/v1"+path+"/status", modTok, map[string]string{"status": "in_progress", "note": "Started."})
	if res.StatusCode != 200 || !strings.Contains(res.body, `"status":"in_progress"`) {
		t.Errorf("API status: %d %s", res.StatusCode, res.body)
	}
	wantAPIError(t, ideaAPI(h, "POST", "/api/v1"+path+"/status", modTok, map[string]string{"status": "maybe"}), 422, samtal.EINVALID, "status")
	wantAPIError(t, ideaAPI(h, "POST", "/api/v1"+path+"/status", modTok, `{"status":"done","extra":1}`), 400, samtal.EMALFORMED, "")

	// Everyone reads the history with its notes, escaped, in order.
	page = h.client().get(path).body
	planned, started := strings.Index(page, "We build it in spring.\n&lt;b&gt;Promise&lt;/b&gt;"), strings.Index(page, "Started.")
	if planned < 0 || started < planned || !strings.Contains(page, "In progress") || strings.Contains(page, "<b>Promise") {
		t.Errorf("history on the idea page (%d, %d): %.4000s", planned, started, page)
	}
	entries, err := h.srv.Audit.List(cli(), audit.Filter{Action: "idea.status_change", Limit: 10})
	if err != nil || len(entries) != 2 {
		t.Errorf("audit: %d entries, %v", len(entries), err)
	}
}

func TestAPIIdeas(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			h := newHarness(t, engine)
			c := newCampaign(t, h, "sofa", campaign.Public, 0)
			members := newCampaign(t, h, "inner", campaign.Members, 0)
			h.addUser("mem@example.org", samtal.RoleMember)
			tok := h.token("mem@example.org")
			qid := strconv.FormatInt(c.Questions[0].ID, 10)

			res := ideaAPI(h, "POST", "/api/v1/ideas", tok, map[string]any{"question_id": qid, "title": "First", "body": "Line 1\nLine 2", "tags": []string{"Kids", "soft  seats"}})
			if res.StatusCode != 201 {
				t.Fatalf("create: %d %s", res.StatusCode, res.body)
			}
			var first map[string]any
			json.Unmarshal([]byte(res.body), &first)
			if res.Header.Get("Location") != "/api/v1/ideas/"+first["id"].(string) {
				t.Errorf("Location = %q", res.Header.Get("Location"))
			}
			want := map[string]any{
				"question_id": qid, "campaign_id": strconv.FormatInt(c.ID, 10), "title": "First", "body": "Line 1\nLine 2",
				"tags": []any{"kids", "soft-seats"}, "status": "open", "votes": 0.0, "comments": 0.0, "merged_into": "", "voted": false,
				"author_person_id": strconv.FormatInt(actorOf(t, h, "mem@example.org").PersonID, 10),
			}
			for k, v := range want {
				if fmt.Sprint(first[k]) != fmt.Sprint(v) {
					t.Errorf("%s = %#v, want %#v", k, first[k], v)
				}
			}
			for _, k := range []string{"created_at", "updated_at"} {
				if s, _ := first[k].(string); !strings.HasSuffix(s, "Z") {
					t.Errorf("%s = %v, not RFC 3339 UTC", k, first[k])
				} else if _, err := time.Parse(time.RFC3339, s); err != nil {
					t.Errorf("%s: %v", k, err)
				}
			}

			// Refusals of create.
			wantAPIError(t, ideaAPI(h, "POST", "/api/v1/ideas", "", map[string]any{"question_id": qid, "title": "x"}), 401, samtal.EUNAUTHORIZED, "")
			wantAPIError(t, ideaAPI(h, "POST", "/api/v1/ideas", tok, `{"question_id":"`+qid+`","title":"x","votes":3}`), 400, samtal.EMALFORMED, "")
			wantAPIError(t, ideaAPI(h, "POST", "/api/v1/ideas", tok, `{"question_id":`+qid+`,"title":"x"}`), 422, samtal.EINVALID, "question_id")
			wantAPIError(t, ideaAPI(h, "POST", "/api/v1/ideas", tok, map[string]any{"question_id": qid, "title": ""}), 422, samtal.EINVALID, "title")
			wantAPIError(t, ideaAPI(h, "POST", "/api/v1/ideas", tok, map[string]any{"question_id": "999999", "title": "x"}), 422, samtal.EINVALID, "question_id")
			wantAPIError(t, ideaAPI(h, "POST", "/api/v1/ideas", tok, map[string]any{"question_id": qid, "title": strings.Repeat("x", 141)}), 422, samtal.EINVALID, "title")

			for n := 2; n <= 5; n++ {
				newIdea(t, h, "mem@example.org", c.Questions[n%2].ID, fmt.Sprintf("Idea %d", n))
			}
			newIdea(t, h, "mem@example.org", members.Questions[0].ID, "Inner idea")

			// Pages of two, newest first, until next is empty.
			var titles []string
			cursor, pages := "", 0
			for {
				res := h.api("GET", fmt.Sprintf("/api/v1/ideas?campaign_id=%d&sort=newest&limit=2&cursor=%s", c.ID, cursor), "")
				var page struct {
					Items []map[string]any `json:"items"`
					Next  *string          `json:"next"`
				}
				if err := json.Unmarshal([]byte(res.body), &page); err != nil || res.StatusCode != 200 || page.Items == nil || page.Next == nil {
					t.Fatalf("list: %d %s", res.StatusCode, res.body)
				}
				for _, it := range page.Items {
					titles = append(titles, it["title"].(string))
					if _, ok := it["tags"].([]any); !ok {
						t.Errorf("tags of %v is not a list", it["title"])
					}
				}
				pages++
				if *page.Next == "" || pages > 5 {
					break
				}
				cursor = url.QueryEscape(*page.Next)
			}
			if got := strings.Join(titles, ","); got != "Idea 5,Idea 4,Idea 3,Idea 2,First" {
				t.Errorf("pages gave %s", got)
			}
			// Filters.
			var byQuestion apiList[apiIdea]
			json.Unmarshal([]byte(h.api("GET", fmt.Sprintf("/api/v1/ideas?question_id=%d", c.Questions[1].ID), "").body), &byQuestion)
			if len(byQuestion.Items) != 2 || byQuestion.Next != "" {
				t.Errorf("by question: %+v", byQuestion)
			}
			if res := h.api("GET", fmt.Sprintf("/api/v1/ideas?campaign_id=%d&status=planned", c.ID), ""); strings.TrimSpace(res.body) != `{"items":[],"next":""}` {
				t.Errorf("empty list: %s", res.body)
			}
			// The members' campaign: not for visitors, fine with a token.
			wantAPIError(t, h.api("GET", fmt.Sprintf("/api/v1/ideas?campaign_id=%d", members.ID), ""), 404, samtal.ENOTFOUND, "")
			if res := h.api("GET", fmt.Sprintf("/api/v1/ideas?campaign_id=%d", members.ID), tok); !strings.Contains(res.body, "Inner idea") {
				t.Errorf("member list of the members' campaign: %s", res.body)
			}

			list := fmt.Sprintf("/api/v1/ideas?campaign_id=%d", c.ID)
			for _, tt := range []struct {
				query, field string
			}{
				{"&limit=101", "limit"}, {"&limit=0", "limit"}, {"&limit=x", "limit"},
				{"&cursor=-1", "cursor"}, {"&cursor=abc", "cursor"}, {"&cursor=100001", "cursor"},
				{"&sort=best", "sort"}, {"&status=maybe", "status"},
			} {
				t.Run(tt.query, func(t *testing.T) {
					wantAPIError(t, h.api("GET", list+tt.query, ""), 422, samtal.EINVALID, tt.field)
				})
			}
			wantAPIError(t, h.api("GET", "/api/v1/ideas", ""), 422, samtal.EINVALID, "campaign_id")
			wantAPIError(t, h.api("GET", "/api/v1/ideas?campaign_id=abc", ""), 422, samtal.EINVALID, "campaign_id")
			wantAPIError(t, h.api("GET", "/api/v1/ideas?campaign_id=999999", ""), 404, samtal.ENOTFOUND, "")
			if res := h.api("GET", list+"&limit=100", ""); res.StatusCode != 200 {
				t.Errorf("limit=100: %d", res.StatusCode)
			}
		})
	}
}

// countingIdeas and countingCampaigns count the calls into the stores; each
// of their methods is a fixed number of SQL statements (ListIdeas is one).
type countingIdeas struct {
	idea.Store
	n *atomic.Int64
}

func (c countingIdeas) CreateIdea(ctx context.Context, i *idea.Idea, trending float64) error {
	c.n.Add(1)
	return c.Store.CreateIdea(ctx, i, trending)
}

func (c countingIdeas) IdeaByID(ctx context.Context, id, viewer int64) (*idea.Idea, error) {
	c.n.Add(1)
	return c.Store.IdeaByID(ctx, id, viewer)
}

func (c countingIdeas) ListIdeas(ctx context.Context, f idea.Filter) ([]*idea.Idea, error) {
	c.n.Add(1)
	return c.Store.ListIdeas(ctx, f)
}

func (c countingIdeas) AddVote(ctx context.Context, ideaID, personID, campaignID int64, budget int, weight float64, at time.Time) (int, error) {
	c.n.Add(1)
	return c.Store.AddVote(ctx, ideaID, personID, campaignID, budget, weight, at)
}

func (c countingIdeas) RemoveVote(ctx context.Context, ideaID, personID int64) (int, error) {
	c.n.Add(1)
	return c.Store.RemoveVote(ctx, ideaID, personID)
}

func (c countingIdeas) VotesUsed(ctx context.Context, personID, campaignID int64) (int, error) {
	c.n.Add(1)
	return c.Store.VotesUsed(ctx, personID, campaignID)
}

func (c countingIdeas) SetStatus(ctx context.Context, ideaID int64, status, note string, actor int64, at time.Time, e audit.Entry) error {
	c.n.Add(1)
	return c.Store.SetStatus(ctx, ideaID, status, note, actor, at, e)
}

func (c countingIdeas) StatusChanges(ctx context.Context, ideaID int64) ([]idea.StatusChange, error) {
	c.n.Add(1)
	return c.Store.StatusChanges(ctx, ideaID)
}

func (c countingIdeas) CampaignOfQuestion(ctx context.Context, questionID int64) (int64, error) {
	c.n.Add(1)
	return c.Store.CampaignOfQuestion(ctx, questionID)
}

type countingCampaigns struct {
	campaign.Store
	n *atomic.Int64
}

func (c countingCampaigns) CreateCampaign(ctx context.Context, x *campaign.Campaign, e audit.Entry) error {
	c.n.Add(1)
	return c.Store.CreateCampaign(ctx, x, e)
}

func (c countingCampaigns) ListCampaigns(ctx context.Context, visibilities []string) ([]*campaign.Campaign, error) {
	c.n.Add(1)
	return c.Store.ListCampaigns(ctx, visibilities)
}

func (c countingCampaigns) CampaignBySlug(ctx context.Context, slug string) (*campaign.Campaign, error) {
	c.n.Add(1)
	return c.Store.CampaignBySlug(ctx, slug)
}

func (c countingCampaigns) CampaignByID(ctx context.Context, id int64) (*campaign.Campaign, error) {
	c.n.Add(1)
	return c.Store.CampaignByID(ctx, id)
}

// TestIdeaListsTakeConstantQueries counts the store calls (not the SQL
// statements on the wire, which would need a hook in sqlstore) of a campaign
// page and an API list with one idea and with thirty-one: an N+1 in the web
// layer or the service shows as a difference.
func TestIdeaListsTakeConstantQueries(t *testing.T) {
	h := newHarness(t, "sqlite")
	c := newCampaign(t, h, "sofa", campaign.Public, 5)
	h.addUser("a@example.org", samtal.RoleMember)
	h.addUser("b@example.org", samtal.RoleMember)
	tok := h.token("b@example.org")
	first := newIdea(t, h, "a@example.org", c.Questions[0].ID, "Idea 0")
	m := h.client()
	m.signIn("b@example.org")
	ideaAPI(h, "POST", fmt.Sprintf("/api/v1/ideas/%d/vote", first.ID), tok, nil)

	var n atomic.Int64
	ideas, campaigns := h.srv.Ideas.Store, h.srv.Campaigns.Store
	h.srv.Ideas.Store = countingIdeas{Store: ideas, n: &n}
	h.srv.Campaigns.Store = countingCampaigns{Store: campaigns, n: &n}
	t.Cleanup(func() { h.srv.Ideas.Store, h.srv.Campaigns.Store = ideas, campaigns })
	count := func() (page, api int64) {
		n.Store(0)
		if res := m.get("/campaigns/sofa"); res.StatusCode != 200 {
			t.Fatalf("page: %d", res.StatusCode)
		}
		page = n.Swap(0)
		if res := h.api("GET", fmt.Sprintf("/api/v1/ideas?campaign_id=%d&limit=30", c.ID), tok); res.StatusCode != 200 {
			t.Fatalf("api: %d", res.StatusCode)
		}
		return page, n.Load()
	}
	page1, api1 := count()

	for k := 1; k <= 30; k++ {
		i := newIdea(t, h, []string{"a@example.org", "b@example.org"}[k%2], c.Questions[k%2].ID, fmt.Sprintf("Idea %d", k))
		if k <= 4 {
			ideaAPI(h, "POST", fmt.Sprintf("/api/v1/ideas/%d/vote", i.ID), tok, nil)
		}
	}
	page31, api31 := count()
	if page1 != page31 || api1 != api31 {
		t.Errorf("store calls grow with the ideas: page %d → %d, API %d → %d", page1, page31, api1, api31)
	}
	if page1 == 0 || api1 == 0 {
		t.Errorf("nothing counted (page %d, API %d): is the wrapper in place?", page1, api1)
	}
	// And the page really showed thirty of them, with a link to the rest.
	body := m.get("/campaigns/sofa").body
	moreLink := regexp.MustCompile(`href="(/campaigns/sofa\?cursor=[^"#]+)#ideas"`)
	more := moreLink.FindStringSubmatch(body)
	if got := strings.Count(body, `class="idea-item"`); got != 30 || more == nil {
		t.Fatalf("page shows %d ideas; more link: %v", got, more)
	}
	if rest := m.get(html.UnescapeString(more[1])).body; strings.Count(rest, `class="idea-item"`) != 1 || moreLink.MatchString(rest) {
		t.Errorf("second page: %d ideas", strings.Count(rest, `class="idea-item"`))
	}
	t.Logf("store calls: campaign page %d, API list %d", page1, api1)
}
