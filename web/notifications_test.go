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
	"github.com/samtal-dev/samtal/account"
	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/internal/testdb"
)

// TestOnlyOneClickSkipsCSRF: the mail unsubscribe is the one POST of the
// route table that takes no CSRF token; every other POST is a page route
// (checked) or an API route (bearer tokens only).
func TestOnlyOneClickSkipsCSRF(t *testing.T) {
	h := newHarness(t, "sqlite")
	var exempt []string
	for _, rt := range h.srv.Routes() {
		if rt.Method != "GET" && rt.Kind != pageRoute && rt.Kind != apiRoute {
			exempt = append(exempt, rt.Method+" "+rt.Path)
		}
	}
	if fmt.Sprint(exempt) != "[POST /unsubscribe/{token}]" {
		t.Errorf("routes without CSRF check: %v", exempt)
	}
}

func TestUnsubscribeLink(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			h := newHarness(t, engine)
			acc := h.addUser("ada@example.org", samtal.RoleMember)
			tok, err := h.notify.Store.UnsubscribeToken(context.Background(), acc.ID, strings.Repeat("A", 43))
			if err != nil {
				t.Fatal(err)
			}
			choice := func() string {
				a, _, _ := sqlstoreAccount(h, "ada@example.org")
				return a.NotifyEmail
			}
			// Opening the link (a mail scanner) changes nothing.
			res := h.client().get("/unsubscribe/" + tok)
			if res.StatusCode != 200 || !strings.Contains(res.body, `action="/unsubscribe/`+tok+`"`) || choice() != account.NotifyImmediate {
				t.Fatalf("GET: %d, choice %q: %.300s", res.StatusCode, choice(), res.body)
			}
			// A bad secret is refused both ways and changes nothing.
			for _, bad := range []string{strings.Repeat("B", 43), "short"} {
				if res := h.client().get("/unsubscribe/" + bad); res.StatusCode != 404 {
					t.Errorf("GET bad token: %d", res.StatusCode)
				}
				req, _ := http.NewRequest("POST", h.ts.URL+"/unsubscribe/"+bad, strings.NewReader("List-Unsubscribe=One-Click"))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				if res := h.client().do(req); res.StatusCode != 404 {
					t.Errorf("POST bad token: %d", res.StatusCode)
				}
			}
			if choice() != account.NotifyImmediate {
				t.Fatalf("a refused unsubscribe changed the choice")
			}
			// A mail client posts RFC 8058's body: no session, no cookie, no
			// CSRF token.
			req, _ := http.NewRequest("POST", h.ts.URL+"/unsubscribe/"+tok, strings.NewReader("List-Unsubscribe=One-Click"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			r.Body.Close()
			if r.StatusCode != 200 {
				t.Errorf("one-click POST: %d", r.StatusCode)
			}
			if choice() != account.NotifyOff {
				t.Errorf("after one-click: %q", choice())
			}
		})
	}
}

func TestNotificationsPagesAndAPI(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			h := newHarness(t, engine)
			h.addUser("ada@example.org", samtal.RoleMember)
			h.addUser("bo@example.org", samtal.RoleMember)
			ada, bo := h.token("ada@example.org"), h.token("bo@example.org")
			c := newCampaign(t, h, "colour", campaign.Public, 0)
			i := newIdea(t, h, "ada@example.org", c.Questions[0].ID, "Fjordblå")
			h.addUser("admin@example.org", samtal.RoleAdmin)
			hidden := newIdea(t, h, "admin@example.org", newCampaign(t, h, "staff", campaign.Invited, 0).Questions[0].ID, "Staff")

			// Bo comments through the API; Ada hears of it.
			if res := ideaAPI(h, "POST", fmt.Sprintf("/api/v1/ideas/%d/comments", i.ID), bo, map[string]string{"body": "Lovely"}); res.StatusCode != 201 {
				t.Fatalf("comment: %d %s", res.StatusCode, res.body)
			}
			browser := h.client()
			browser.signIn("ada@example.org")
			page := browser.get("/")
			if !strings.Contains(page.body, `href="/notifications" class="notifications">Notifications <span class="count"`) {
				t.Errorf("header lacks the unread count: %.1500s", page.body)
			}
			list := browser.get("/notifications")
			if list.StatusCode != 200 || !strings.Contains(list.body, "commented on “Fjordblå”") || !strings.Contains(list.body, fmt.Sprintf(`href="/ideas/%d#comment-`, i.ID)) {
				t.Errorf("notifications page: %d %.2000s", list.StatusCode, list.body)
			}

			// The API: visitors must sign in; Ada lists hers, Bo has none.
			wantAPIError(t, ideaAPI(h, "GET", "/api/v1/notifications", "", nil), 401, samtal.EUNAUTHORIZED, "")
			wantAPIError(t, ideaAPI(h, "POST", "/api/v1/notifications/read", "", map[string]any{}), 401, samtal.EUNAUTHORIZED, "")
			var got struct {
				Items []struct {
					ID, Kind, Text, URL string
					Read                bool
				} `json:"items"`
				Next   string `json:"next"`
				Unread int    `json:"unread"`
			}
			res := ideaAPI(h, "GET", "/api/v1/notifications", ada, nil)
			if err := json.Unmarshal([]byte(res.body), &got); err != nil || len(got.Items) != 1 || got.Unread != 1 || got.Items[0].Kind != "comment" || got.Items[0].Read {
				t.Fatalf("list: %s", res.body)
			}
			if res := ideaAPI(h, "GET", "/api/v1/notifications", bo, nil); !strings.Contains(res.body, `"items":[]`) {
				t.Errorf("bo's list: %s", res.body)
			}
			wantAPIError(t, ideaAPI(h, "GET", "/api/v1/notifications?limit=500", ada, nil), 422, samtal.EINVALID, "limit")
			wantAPIError(t, ideaAPI(h, "POST", "/api/v1/notifications/read", ada, map[string]any{"ids": []string{"x"}}), 422, samtal.EINVALID, "ids")
			// Bo cannot mark Ada's read.
			if res := ideaAPI(h, "POST", "/api/v1/notifications/read", bo, map[string]any{"ids": []string{got.Items[0].ID}}); !strings.Contains(res.body, `"marked":0`) {
				t.Errorf("bo marks ada's: %s", res.body)
			}
			if res := ideaAPI(h, "POST", "/api/v1/notifications/read", ada, map[string]any{"ids": []string{got.Items[0].ID}}); !strings.Contains(res.body, `"marked":1,"unread":0`) {
				t.Errorf("ada marks hers: %s", res.body)
			}
			if page := browser.get("/"); strings.Contains(page.body, `class="count"`) {
				t.Error("the header still shows a count")
			}

			// Following: API and page, a hidden idea is not found.
			wantAPIError(t, ideaAPI(h, "POST", fmt.Sprintf("/api/v1/ideas/%d/follow", i.ID), "", nil), 401, samtal.EUNAUTHORIZED, "")
			wantAPIError(t, ideaAPI(h, "POST", fmt.Sprintf("/api/v1/ideas/%d/follow", hidden.ID), bo, nil), 404, samtal.ENOTFOUND, "")
			if res := ideaAPI(h, "DELETE", fmt.Sprintf("/api/v1/ideas/%d/follow", i.ID), bo, nil); res.StatusCode != 200 || !strings.Contains(res.body, `"following":false`) {
				t.Errorf("unfollow: %d %s", res.StatusCode, res.body)
			}
			bob := h.client()
			bob.signIn("bo@example.org")
			ideaPage := bob.get(fmt.Sprintf("/ideas/%d", i.ID))
			if !strings.Contains(ideaPage.body, fmt.Sprintf(`action="/ideas/%d/follow"`, i.ID)) {
				t.Errorf("idea page lacks the follow button: %.3000s", ideaPage.body)
			}
			if res := bob.post(fmt.Sprintf("/ideas/%d/follow", i.ID), url.Values{}); res.StatusCode != http.StatusSeeOther {
				t.Errorf("follow form: %d", res.StatusCode)
			}
			if page := bob.get(fmt.Sprintf("/ideas/%d", i.ID)); !strings.Contains(page.body, fmt.Sprintf(`action="/ideas/%d/unfollow"`, i.ID)) {
				t.Errorf("after following, no unfollow button")
			}

			// Mark all read from the page.
			if _, err := h.srv.Ideas.AddComment(samtal.WithActor(context.Background(), actorOf(t, h, "bo@example.org")), i.ID, 0, "Again"); err != nil {
				t.Fatal(err)
			}
			browser.get("/notifications")
			if res := browser.post("/notifications/read", url.Values{}); res.StatusCode != http.StatusSeeOther {
				t.Errorf("mark all read: %d", res.StatusCode)
			}
			if res := ideaAPI(h, "GET", "/api/v1/notifications", ada, nil); !strings.Contains(res.body, `"unread":0`) {
				t.Errorf("after mark all: %s", res.body)
			}
		})
	}
}

func TestSettingsHandleAndMail(t *testing.T) {
	h := newHarness(t, "sqlite")
	h.addUser("ada@example.org", samtal.RoleMember)
	h.addUser("søren@example.org", samtal.RoleMember)
	c := h.client()
	c.signIn("ada@example.org")
	page := c.get("/settings")
	if !strings.Contains(page.body, `name="handle" value="user_ada_example_org"`) {
		t.Errorf("settings lack the handle: %.3000s", page.body)
	}
	other, _, _ := sqlstoreAccount(h, "søren@example.org")
	for _, tt := range []struct {
		handle string
		status int
	}{
		{"x", 422}, {"has space", 422}, {"ÆØÅ", 422}, {other.Handle, 409}, {"@Ada_Lovelace", 303},
	} {
		c.get("/settings")
		res := c.post("/settings/handle", url.Values{"handle": {tt.handle}})
		if res.StatusCode != tt.status {
			t.Errorf("handle %q: %d, want %d", tt.handle, res.StatusCode, tt.status)
		}
	}
	if acc, _, _ := sqlstoreAccount(h, "ada@example.org"); acc.Handle != "ada_lovelace" {
		t.Errorf("handle = %q", acc.Handle)
	}
	c.get("/settings")
	if res := c.post("/settings/notifications", url.Values{"notify_email": {"weekly"}}); res.StatusCode != 422 {
		t.Errorf("bad choice: %d", res.StatusCode)
	}
	if res := c.post("/settings/notifications", url.Values{"notify_email": {"daily"}}); res.StatusCode != 303 {
		t.Errorf("daily: %d", res.StatusCode)
	}
	if acc, _, _ := sqlstoreAccount(h, "ada@example.org"); acc.NotifyEmail != account.NotifyDaily {
		t.Errorf("choice = %q", acc.NotifyEmail)
	}
}
