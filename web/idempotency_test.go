package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/internal/testdb"
)

func TestIdempotencyKeyReplaysCreate(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) { testIdempotencyKey(t, engine) })
	}
}

func testIdempotencyKey(t *testing.T, engine string) {
	{
		h := newHarness(t, engine)
		c := newCampaign(t, h, "idem", "public", 0)
		h.addUser("ida@example.org", samtal.RoleMember)
		tok := h.token("ida@example.org")
		post := func(key, title string) *response {
			t.Helper()
			body := `{"question_id":"` + strconv.FormatInt(c.Questions[0].ID, 10) + `","title":"` + title + `"}`
			req, _ := http.NewRequest("POST", h.ts.URL+"/api/v1/ideas", strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+tok)
			req.Header.Set("Content-Type", "application/json")
			if key != "" {
				req.Header.Set("Idempotency-Key", key)
			}
			return h.client().do(req)
		}
		first := post("key-1", "One lamp per table")
		if first.StatusCode != 201 {
			t.Fatalf("create: %d %s", first.StatusCode, first.body)
		}
		again := post("key-1", "One lamp per table")
		if again.StatusCode != 201 || again.body != first.body || again.Header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("retry: %d %q (replayed %q), want the first answer %q", again.StatusCode, again.body, again.Header.Get("Idempotent-Replayed"), first.body)
		}
		wantAPIError(t, post("key-1", "Another title"), 422, "invalid", "Idempotency-Key")
		wantAPIError(t, post(strings.Repeat("k", 256), "Long key"), 422, "invalid", "Idempotency-Key")
		wantAPIError(t, post("with space", "Spaced key"), 422, "invalid", "Idempotency-Key")

		// Refusals are answers too: a retry gets the same refusal.
		bad := post("key-2", "")
		if bad.StatusCode != 422 || post("key-2", "").body != bad.body {
			t.Errorf("refusal not replayed: %d %s", bad.StatusCode, bad.body)
		}
		// Without a key, two posts are two ideas.
		post("", "Twice")
		post("", "Twice")

		res := ideaAPI(h, "GET", "/api/v1/ideas?campaign_id="+strconv.FormatInt(c.ID, 10), tok, nil)
		var list struct {
			Items []struct{ Title string } `json:"items"`
		}
		if err := json.Unmarshal([]byte(res.body), &list); err != nil {
			t.Fatal(err)
		}
		count := map[string]int{}
		for _, i := range list.Items {
			count[i.Title]++
		}
		if count["One lamp per table"] != 1 || count["Twice"] != 2 || count["Another title"] != 0 || len(list.Items) != 3 {
			t.Errorf("ideas after retries: %v", count)
		}
	}
}
