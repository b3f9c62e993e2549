package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/internal/testdb"
	"github.com/samtal-dev/samtal/listening"
)

// TestListeningAPI walks the listening API as its roles do: an analyst
// makes sources and topics, a tool posts signed items to the webhook, an
// agent triages mentions, and a member gets nothing anywhere.
func TestListeningAPI(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			h := newHarness(t, engine)
			h.addUser("analyst@example.com", samtal.RoleAnalyst)
			h.addUser("agent@example.com", samtal.RoleAgent)
			h.addUser("member@example.com", samtal.RoleMember)
			analyst, agent, member := h.token("analyst@example.com"), h.token("agent@example.com"), h.token("member@example.com")

			res := ideaAPI(h, "POST", "/api/v1/sources", analyst, map[string]any{"kind": "webhook", "name": "Forum"})
			if res.StatusCode != http.StatusCreated {
				t.Fatalf("create source: %d %s", res.StatusCode, res.body)
			}
			var src struct {
				ID     string `json:"id"`
				Secret string `json:"secret"`
			}
			json.Unmarshal([]byte(res.body), &src)
			if len(src.Secret) < 32 {
				t.Fatalf("no secret in %s", res.body)
			}
			if got := h.api("GET", "/api/v1/sources/"+src.ID, agent); got.StatusCode != 200 || strings.Contains(got.body, src.Secret) {
				t.Errorf("a read shows the secret again: %d %s", got.StatusCode, got.body)
			}
			res = ideaAPI(h, "POST", "/api/v1/topics", analyst, map[string]any{"name": "Sofas", "query": "sofa* NOT job", "must_match": []string{"a green sofa"}})
			if res.StatusCode != http.StatusCreated {
				t.Fatalf("create topic: %d %s", res.StatusCode, res.body)
			}
			var topic struct {
				ID string `json:"id"`
			}
			json.Unmarshal([]byte(res.body), &topic)
			res = ideaAPI(h, "POST", "/api/v1/topics", analyst, map[string]any{"name": "Bad", "query": "sofa AND (bed"})
			wantAPIError(t, res, 422, samtal.EINVALID, "query")
			if !strings.Contains(res.body, "character") {
				t.Errorf("parse error without a position: %s", res.body)
			}

			hook := func(ts string, body string, sig string) *response {
				req, _ := http.NewRequest("POST", h.ts.URL+"/api/v1/sources/"+src.ID+"/hook", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-Samtal-Timestamp", ts)
				req.Header.Set("X-Samtal-Signature", sig)
				return h.client().do(req)
			}
			ts := strconv.FormatInt(time.Now().Unix(), 10)
			body := `{"items":[{"url":"https://forum.example.com/t/1","text":"Our new sofa is lovely, very comfortable.","author":"anna","rating":0.9},` +
				`{"url":"https://forum.example.com/t/2","text":"Das Sofa ist leider nicht gut, die Lieferung kam zu spät.","author":"jonas"}]}`
			res = hook(ts, body, listening.Sign(src.Secret, ts, []byte(body)))
			if res.StatusCode != http.StatusAccepted {
				t.Fatalf("signed hook: %d %s", res.StatusCode, res.body)
			}
			var stored struct {
				IDs []string `json:"ids"`
			}
			json.Unmarshal([]byte(res.body), &stored)
			if len(stored.IDs) != 2 {
				t.Fatalf("stored %s", res.body)
			}
			wantAPIError(t, hook(ts, body, listening.Sign(src.Secret, ts, []byte(body))), 401, samtal.EUNAUTHORIZED, "")
			old := strconv.FormatInt(time.Now().Add(-10*time.Minute).Unix(), 10)
			wantAPIError(t, hook(old, body, listening.Sign(src.Secret, old, []byte(body))), 401, samtal.EUNAUTHORIZED, "")
			wantAPIError(t, hook(ts, body, "sha256=00"), 401, samtal.EUNAUTHORIZED, "")
			bad := `{"items":[{"text":"fine"},{"text":"x","url":"javascript:alert(1)"}]}`
			wantAPIError(t, hook(ts, bad, listening.Sign(src.Secret, ts, []byte(bad))), 422, samtal.EINVALID, "items[1].url")

			list := h.api("GET", "/api/v1/mentions?topic="+topic.ID, agent)
			var page struct {
				Items []struct {
					ID, Lang, SentimentLabel string
					Topics                   []string
				} `json:"items"`
			}
			json.Unmarshal([]byte(list.body), &page)
			if list.StatusCode != 200 || len(page.Items) != 2 {
				t.Fatalf("topic list: %d %s", list.StatusCode, list.body)
			}
			if got := h.api("GET", "/api/v1/mentions?lang=de&sentiment=negative", agent); !strings.Contains(got.body, "nicht gut") || strings.Contains(got.body, "lovely") {
				t.Errorf("filtered list: %s", got.body)
			}
			if got := h.api("GET", "/api/v1/mentions?q=comfortab", agent); !strings.Contains(got.body, "lovely") || strings.Contains(got.body, "nicht gut") {
				t.Errorf("search: %s", got.body)
			}
			for _, q := range []string{"state=archived", "sentiment=happy", "lang=deutsch", "topic=x", "since=yesterday", "min_rating=a", "cursor=zzz", "limit=1000"} {
				if got := h.api("GET", "/api/v1/mentions?"+q, agent); got.StatusCode != 422 {
					t.Errorf("?%s: %d", q, got.StatusCode)
				}
			}
			res = ideaAPI(h, "PATCH", "/api/v1/mentions/"+stored.IDs[1], agent, map[string]any{"state": "needs_reply", "add_tags": []string{"delivery"}})
			if res.StatusCode != 200 || !strings.Contains(res.body, `"state":"needs_reply"`) || !strings.Contains(res.body, `"delivery"`) {
				t.Errorf("patch mention: %d %s", res.StatusCode, res.body)
			}
			res = ideaAPI(h, "POST", "/api/v1/mentions/bulk", agent, map[string]any{"ids": stored.IDs, "state": "done"})
			if res.StatusCode != 200 || !strings.Contains(res.body, `"changed":2`) {
				t.Errorf("bulk: %d %s", res.StatusCode, res.body)
			}
			wantAPIError(t, ideaAPI(h, "POST", "/api/v1/mentions/bulk", agent, map[string]any{"ids": append(stored.IDs, "999999"), "state": "seen"}), 404, samtal.ENOTFOUND, "")
			if got := h.api("GET", "/api/v1/mentions?state=done", agent); strings.Count(got.body, `"state":"done"`) != 2 {
				t.Errorf("a refused bulk changed something: %s", got.body)
			}
			days := h.api("GET", "/api/v1/topics/"+topic.ID+"/days?days=7", agent)
			if days.StatusCode != 200 || !strings.Contains(days.body, fmt.Sprintf(`"day":"%s","n":2`, time.Now().UTC().Format(time.DateOnly))) {
				t.Errorf("days: %s", days.body)
			}
			prev := ideaAPI(h, "POST", "/api/v1/topics/preview", analyst, map[string]any{"query": "lieferung"})
			if prev.StatusCode != 200 || !strings.Contains(prev.body, `"matched":1`) {
				t.Errorf("preview: %s", prev.body)
			}

			// A member (and a visitor) gets nothing of listening.
			for _, c := range []struct{ method, path string }{
				{"GET", "/api/v1/mentions"}, {"GET", "/api/v1/mentions/" + stored.IDs[0]}, {"GET", "/api/v1/sources"},
				{"GET", "/api/v1/topics"}, {"GET", "/api/v1/topics/" + topic.ID + "/days"}, {"GET", "/api/v1/search?q=sofa&kind=mention"},
			} {
				if got := h.api(c.method, c.path, member); got.StatusCode != 403 || strings.Contains(got.body, "lovely") {
					t.Errorf("member %s %s: %d", c.method, c.path, got.StatusCode)
				}
				if got := h.api(c.method, c.path, ""); got.StatusCode != 401 {
					t.Errorf("visitor %s %s: %d", c.method, c.path, got.StatusCode)
				}
			}
			wantAPIError(t, ideaAPI(h, "PATCH", "/api/v1/mentions/"+stored.IDs[0], member, map[string]any{"state": "done"}), 403, samtal.EFORBIDDEN, "")
			wantAPIError(t, ideaAPI(h, "POST", "/api/v1/topics", agent, map[string]any{"name": "x", "query": "x"}), 403, samtal.EFORBIDDEN, "")
			if got := h.api("GET", "/api/v1/search?q=lovely&kind=mention", agent); !strings.Contains(got.body, `"kind":"mention"`) {
				t.Errorf("staff search of mentions: %s", got.body)
			}
		})
	}
}
