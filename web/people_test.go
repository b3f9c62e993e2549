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
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/internal/testdb"
	"github.com/samtal-dev/samtal/person"
)

// peopleFixture is a community with staff of every kind, two members and
// a person known from elsewhere (no account).
type peopleFixture struct {
	h                                           *harness
	agentTok, analystTok, modTok, annTok, boTok string
	ann, bo                                     *account.Account
	outsider                                    int64
}

func newPeopleFixture(t *testing.T, engine string) *peopleFixture {
	t.Helper()
	h := newHarness(t, engine)
	f := &peopleFixture{h: h}
	h.addUser("agent@example.org", samtal.RoleAgent)
	h.addUser("analyst@example.org", samtal.RoleAnalyst)
	h.addUser("mod@example.org", samtal.RoleModerator)
	// Members' names do not repeat their emails, so that a test can tell
	// whether an email leaked.
	f.ann = f.addMember(t, "ann@example.org", "Ann Berg")
	f.bo = f.addMember(t, "bo@example.org", "Bo Lund")
	f.agentTok, f.analystTok, f.modTok = h.token("agent@example.org"), h.token("analyst@example.org"), h.token("mod@example.org")
	f.annTok, f.boTok = h.token("ann@example.org"), h.token("bo@example.org")
	f.outsider = f.resolve(t, person.Identity{Kind: person.KindReviewName, Network: "trustpilot", Value: "Kasper H.", Verified: true}, "Kasper H.")
	return f
}

func (f *peopleFixture) addMember(t *testing.T, email, name string) *account.Account {
	t.Helper()
	acc, _, err := f.h.accounts.AddUser(cli(), account.AddUserInput{Email: email, Name: name, Role: samtal.RoleMember, Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	return acc
}

// resolve makes a person from an identity as a mention would.
func (f *peopleFixture) resolve(t *testing.T, id person.Identity, name string) int64 {
	t.Helper()
	p, _, err := f.h.srv.Resolver.Resolve(context.Background(), person.Resolution{Identity: id, Name: name})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// apiCase is one request of a scenario table and what it must answer.
type apiCase struct {
	name         string
	method, path string
	token        string
	body         any
	status       int
	code, field  string   // for refusals
	contains     []string // in the body
	lacks        []string // never in the body
}

func runAPICases(t *testing.T, h *harness, cases []apiCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := ideaAPI(h, tc.method, tc.path, tc.token, tc.body)
			if tc.status >= 400 {
				wantAPIError(t, res, tc.status, tc.code, tc.field)
			} else if res.StatusCode != tc.status {
				t.Errorf("status = %d, want %d: %.500s", res.StatusCode, tc.status, res.body)
			}
			for _, want := range tc.contains {
				if !strings.Contains(res.body, want) {
					t.Errorf("body lacks %s: %.1500s", want, res.body)
				}
			}
			for _, bad := range tc.lacks {
				if strings.Contains(res.body, bad) {
					t.Errorf("body has %s: %.1500s", bad, res.body)
				}
			}
		})
	}
}

// peopleState is everything a refusal must leave as it was: each person as
// staff see them, their notes, the open suggestions, the audit log's size.
func (f *peopleFixture) state(t *testing.T, ids ...int64) string {
	t.Helper()
	var b strings.Builder
	for _, id := range ids {
		b.WriteString(ideaAPI(f.h, "GET", fmt.Sprintf("/api/v1/persons/%d", id), f.agentTok, nil).body)
		b.WriteString(ideaAPI(f.h, "GET", fmt.Sprintf("/api/v1/persons/%d/notes", id), f.agentTok, nil).body)
	}
	b.WriteString(ideaAPI(f.h, "GET", "/api/v1/persons?limit=100&bots=true", f.agentTok, nil).body)
	b.WriteString(ideaAPI(f.h, "GET", "/api/v1/merge-suggestions?limit=100", f.agentTok, nil).body)
	entries, err := f.h.srv.Audit.List(cli(), audit.Filter{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "audit %d", len(entries))
	return b.String()
}

func decode[T any](t *testing.T, res *response) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(res.body), &v); err != nil {
		t.Fatalf("decode %.300s: %v", res.body, err)
	}
	return v
}

func TestPersonsAPI(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			f := newPeopleFixture(t, engine)
			h := f.h
			ann, bo, out := f.ann.PersonID, f.bo.PersonID, f.outsider
			p := func(format string, args ...any) string { return "/api/v1" + fmt.Sprintf(format, args...) }
			if _, err := h.srv.People.SetTags(as(t, h, "agent@example.org"), ann, []string{"vip"}); err != nil {
				t.Fatal(err)
			}
			if _, err := h.srv.People.AddNote(as(t, h, "agent@example.org"), ann, "Phoned about the sofa"); err != nil {
				t.Fatal(err)
			}
			annAcc, _, _ := sqlstoreAccount(h, "ann@example.org")
			signin := annAcc.IdentityID

			// Every refusal first; together they must change nothing.
			before := f.state(t, ann, bo, out)
			tooMany := make([]string, 21)
			for k := range tooMany {
				tooMany[k] = fmt.Sprintf("t%d", k)
			}
			runAPICases(t, h, []apiCase{
				{name: "list as visitor", method: "GET", path: p("/persons"), status: 401, code: samtal.EUNAUTHORIZED},
				{name: "list as member", method: "GET", path: p("/persons"), token: f.annTok, status: 403, code: samtal.EFORBIDDEN},
				{name: "list bad role", method: "GET", path: p("/persons?role=king"), token: f.agentTok, status: 422, code: samtal.EINVALID, field: "role"},
				{name: "list bad active", method: "GET", path: p("/persons?active=0"), token: f.agentTok, status: 422, code: samtal.EINVALID, field: "active"},
				{name: "list bad cursor", method: "GET", path: p("/persons?cursor=x"), token: f.agentTok, status: 422, code: samtal.EINVALID, field: "cursor"},
				{name: "list bad limit", method: "GET", path: p("/persons?limit=101"), token: f.agentTok, status: 422, code: samtal.EINVALID, field: "limit"},
				{name: "create as visitor", method: "POST", path: p("/persons"), body: map[string]string{"name": "X"}, status: 401, code: samtal.EUNAUTHORIZED},
				{name: "create as member", method: "POST", path: p("/persons"), token: f.annTok, body: map[string]string{"name": "X"}, status: 403, code: samtal.EFORBIDDEN},
				{name: "create as analyst", method: "POST", path: p("/persons"), token: f.analystTok, body: map[string]string{"name": "X"}, status: 403, code: samtal.EFORBIDDEN},
				{name: "create malformed", method: "POST", path: p("/persons"), token: f.agentTok, body: `{"name":`, status: 400, code: samtal.EMALFORMED},
				{name: "create unknown field", method: "POST", path: p("/persons"), token: f.agentTok, body: map[string]string{"nom": "X"}, status: 400, code: samtal.EMALFORMED},
				{name: "create nothing", method: "POST", path: p("/persons"), token: f.agentTok, body: map[string]string{}, status: 422, code: samtal.EINVALID, field: "name"},
				{name: "create bad identity kind", method: "POST", path: p("/persons"), token: f.agentTok,
					body: map[string]any{"name": "X", "identities": []map[string]string{{"kind": "phone", "value": "+45 1234"}}}, status: 422, code: samtal.EINVALID, field: "identities.0.kind"},
				{name: "create bad email", method: "POST", path: p("/persons"), token: f.agentTok,
					body: map[string]any{"identities": []map[string]string{{"kind": "url", "value": "https://x.example"}, {"kind": "email", "value": "not mail"}}}, status: 422, code: samtal.EINVALID, field: "identities.1.value"},
				{name: "create repeated identity", method: "POST", path: p("/persons"), token: f.agentTok,
					body: map[string]any{"identities": []map[string]string{{"kind": "url", "value": "https://x.example"}, {"kind": "url", "value": "http://www.x.example/"}}}, status: 422, code: samtal.EINVALID, field: "identities.1.value"},
				{name: "create taken identity", method: "POST", path: p("/persons"), token: f.agentTok,
					body: map[string]any{"name": "Y", "identities": []map[string]any{{"kind": "url", "value": "https://y.example"}, {"kind": "review_name", "network": "trustpilot", "value": "kasper h.", "verified": true}}}, status: 409, code: samtal.ECONFLICT, field: "identities"},
				{name: "get as visitor", method: "GET", path: p("/persons/%d", ann), status: 401, code: samtal.EUNAUTHORIZED},
				{name: "get unknown", method: "GET", path: p("/persons/999999"), token: f.agentTok, status: 404, code: samtal.ENOTFOUND},
				{name: "get not a number", method: "GET", path: p("/persons/abc"), token: f.agentTok, status: 404, code: samtal.ENOTFOUND},
				{name: "member gets outsider", method: "GET", path: p("/persons/%d", out), token: f.annTok, status: 404, code: samtal.ENOTFOUND, lacks: []string{"Kasper"}},
				{name: "patch as member", method: "PATCH", path: p("/persons/%d", ann), token: f.annTok, body: map[string]string{"name": "Me"}, status: 403, code: samtal.EFORBIDDEN},
				{name: "patch as analyst", method: "PATCH", path: p("/persons/%d", ann), token: f.analystTok, body: map[string]string{"name": "Me"}, status: 403, code: samtal.EFORBIDDEN},
				{name: "patch unknown", method: "PATCH", path: p("/persons/999999"), token: f.agentTok, body: map[string]string{"name": "Me"}, status: 404, code: samtal.ENOTFOUND},
				{name: "patch malformed", method: "PATCH", path: p("/persons/%d", ann), token: f.agentTok, body: `{"name":"Changed"`, status: 400, code: samtal.EMALFORMED},
				{name: "patch bad locale", method: "PATCH", path: p("/persons/%d", ann), token: f.agentTok, body: map[string]string{"name": "Changed", "locale": "deutsch"}, status: 422, code: samtal.EINVALID, field: "locale"},
				{name: "patch too many tags", method: "PATCH", path: p("/persons/%d", ann), token: f.agentTok, body: map[string]any{"name": "Changed", "tags": tooMany}, status: 422, code: samtal.EINVALID, field: "tags"},
				{name: "patch name too long", method: "PATCH", path: p("/persons/%d", ann), token: f.agentTok, body: map[string]any{"name": strings.Repeat("n", 101), "tags": []string{"x"}}, status: 422, code: samtal.EINVALID, field: "name"},
				{name: "timeline of another member", method: "GET", path: p("/persons/%d/timeline", bo), token: f.annTok, status: 404, code: samtal.ENOTFOUND},
				{name: "timeline unknown kind", method: "GET", path: p("/persons/%d/timeline?kind=idea,nonsense", ann), token: f.agentTok, status: 422, code: samtal.EINVALID, field: "kind"},
				{name: "timeline bad cursor", method: "GET", path: p("/persons/%d/timeline?cursor=bad!", ann), token: f.agentTok, status: 422, code: samtal.EINVALID, field: "cursor"},
				{name: "identities of another member", method: "GET", path: p("/persons/%d/identities", bo), token: f.annTok, status: 403, code: samtal.EFORBIDDEN, lacks: []string{"bo@example.org"}},
				{name: "identities of outsider as member", method: "GET", path: p("/persons/%d/identities", out), token: f.annTok, status: 404, code: samtal.ENOTFOUND},
				{name: "member links to another", method: "POST", path: p("/persons/%d/identities", bo), token: f.annTok, body: map[string]string{"kind": "url", "value": "https://ann.example"}, status: 403, code: samtal.EFORBIDDEN},
				{name: "member links an email", method: "POST", path: p("/persons/%d/identities", ann), token: f.annTok, body: map[string]string{"kind": "email", "value": "ann2@example.org"}, status: 422, code: samtal.EINVALID, field: "kind"},
				{name: "bad url", method: "POST", path: p("/persons/%d/identities", ann), token: f.annTok, body: map[string]string{"kind": "url", "value": "javascript:alert(1)"}, status: 422, code: samtal.EINVALID, field: "value"},
				{name: "handle without network", method: "POST", path: p("/persons/%d/identities", ann), token: f.agentTok, body: map[string]string{"kind": "handle", "value": "ann"}, status: 422, code: samtal.EINVALID, field: "network"},
				{name: "identity taken", method: "POST", path: p("/persons/%d/identities", ann), token: f.agentTok, body: map[string]any{"kind": "email", "value": "bo@example.org", "verified": true}, status: 409, code: samtal.ECONFLICT, field: "identities"},
				{name: "identity malformed", method: "POST", path: p("/persons/%d/identities", ann), token: f.agentTok, body: `{"kind":1}`, status: 422, code: samtal.EINVALID, field: "kind"},
				{name: "remove as member", method: "DELETE", path: p("/persons/%d/identities/%d", ann, signin), token: f.annTok, status: 403, code: samtal.EFORBIDDEN},
				{name: "remove sign-in identity", method: "DELETE", path: p("/persons/%d/identities/%d", ann, signin), token: f.agentTok, status: 409, code: samtal.ECONFLICT},
				{name: "remove unknown identity", method: "DELETE", path: p("/persons/%d/identities/999999", bo), token: f.agentTok, status: 404, code: samtal.ENOTFOUND},
				{name: "notes as member", method: "GET", path: p("/persons/%d/notes", ann), token: f.annTok, status: 403, code: samtal.EFORBIDDEN, lacks: []string{"Phoned"}},
				{name: "notes as visitor", method: "GET", path: p("/persons/%d/notes", ann), status: 401, code: samtal.EUNAUTHORIZED},
				{name: "add note as member", method: "POST", path: p("/persons/%d/notes", ann), token: f.annTok, body: map[string]string{"body": "hi"}, status: 403, code: samtal.EFORBIDDEN},
				{name: "add note as analyst", method: "POST", path: p("/persons/%d/notes", ann), token: f.analystTok, body: map[string]string{"body": "hi"}, status: 403, code: samtal.EFORBIDDEN},
				{name: "add empty note", method: "POST", path: p("/persons/%d/notes", ann), token: f.agentTok, body: map[string]string{"body": "  "}, status: 422, code: samtal.EINVALID, field: "body"},
				{name: "note on unknown", method: "POST", path: p("/persons/999999/notes"), token: f.agentTok, body: map[string]string{"body": "x"}, status: 404, code: samtal.ENOTFOUND},
				{name: "merge as member", method: "POST", path: p("/persons/%d/merge", out), token: f.annTok, body: map[string]string{"into": fmt.Sprint(ann)}, status: 403, code: samtal.EFORBIDDEN},
				{name: "merge as analyst", method: "POST", path: p("/persons/%d/merge", out), token: f.analystTok, body: map[string]string{"into": fmt.Sprint(ann)}, status: 403, code: samtal.EFORBIDDEN},
				{name: "merge into itself", method: "POST", path: p("/persons/%d/merge", out), token: f.agentTok, body: map[string]string{"into": fmt.Sprint(out)}, status: 422, code: samtal.EINVALID, field: "into"},
				{name: "merge into nobody", method: "POST", path: p("/persons/%d/merge", out), token: f.agentTok, body: map[string]string{"into": "999999"}, status: 422, code: samtal.EINVALID, field: "into"},
				{name: "merge into no number", method: "POST", path: p("/persons/%d/merge", out), token: f.agentTok, body: map[string]string{"into": "Ann"}, status: 422, code: samtal.EINVALID, field: "into"},
				{name: "merge two accounts", method: "POST", path: p("/persons/%d/merge", bo), token: f.agentTok, body: map[string]string{"into": fmt.Sprint(ann)}, status: 409, code: samtal.ECONFLICT},
				{name: "merge unknown", method: "POST", path: p("/persons/999999/merge"), token: f.agentTok, body: map[string]string{"into": fmt.Sprint(ann)}, status: 404, code: samtal.ENOTFOUND},
				{name: "merge malformed", method: "POST", path: p("/persons/%d/merge", out), token: f.agentTok, body: `{"into":`, status: 400, code: samtal.EMALFORMED},
				{name: "merge into as number", method: "POST", path: p("/persons/%d/merge", out), token: f.agentTok, body: map[string]int64{"into": ann}, status: 422, code: samtal.EINVALID, field: "into"},
				{name: "undo unknown person merge", method: "POST", path: p("/merges/person-999999/undo"), token: f.agentTok, status: 404, code: samtal.ENOTFOUND},
				{name: "undo unknown kind", method: "POST", path: p("/merges/thing-1/undo"), token: f.agentTok, status: 404, code: samtal.ENOTFOUND},
				{name: "undo as analyst", method: "POST", path: p("/merges/person-1/undo"), token: f.analystTok, status: 403, code: samtal.EFORBIDDEN},
				{name: "undo as member", method: "POST", path: p("/merges/person-1/undo"), token: f.annTok, status: 403, code: samtal.EFORBIDDEN},
				{name: "suggestions as member", method: "GET", path: p("/merge-suggestions"), token: f.annTok, status: 403, code: samtal.EFORBIDDEN},
				{name: "suggestions bad state", method: "GET", path: p("/merge-suggestions?state=maybe"), token: f.agentTok, status: 422, code: samtal.EINVALID, field: "state"},
				{name: "suggestions bad cursor", method: "GET", path: p("/merge-suggestions?cursor=eA"), token: f.agentTok, status: 422, code: samtal.EINVALID, field: "cursor"},
				{name: "accept unknown", method: "POST", path: p("/merge-suggestions/999999/accept"), token: f.agentTok, status: 404, code: samtal.ENOTFOUND},
				{name: "reject as analyst", method: "POST", path: p("/merge-suggestions/1/reject"), token: f.analystTok, status: 403, code: samtal.EFORBIDDEN},
			})
			if after := f.state(t, ann, bo, out); after != before {
				t.Fatalf("refusals changed something:\nbefore %s\nafter  %s", before, after)
			}

			// What each caller sees of a person.
			runAPICases(t, h, []apiCase{
				{name: "staff list", method: "GET", path: p("/persons"), token: f.analystTok, status: 200,
					contains: []string{`"name":"Kasper H."`, `"name":"Ann Berg"`, `"has_account":false`}, lacks: []string{`"identities"`, `"stats"`}},
				{name: "list by tag", method: "GET", path: p("/persons?tag=VIP"), token: f.agentTok, status: 200,
					contains: []string{fmt.Sprintf(`"id":"%d"`, ann)}, lacks: []string{"Kasper"}},
				{name: "list without account", method: "GET", path: p("/persons?role=none"), token: f.agentTok, status: 200,
					contains: []string{"Kasper"}, lacks: []string{"Ann Berg"}},
				{name: "list members", method: "GET", path: p("/persons?role=member"), token: f.agentTok, status: 200,
					contains: []string{"Ann Berg", "Bo Lund"}, lacks: []string{"Kasper", "User agent"}},
				{name: "list by identity", method: "GET", path: p("/persons?q=bo@example.org"), token: f.agentTok, status: 200,
					contains: []string{"Bo Lund"}, lacks: []string{"Ann Berg"}},
				{name: "staff get", method: "GET", path: p("/persons/%d", ann), token: f.analystTok, status: 200,
					contains: []string{`"identities":[{`, `"value":"ann@example.org"`, `"verified":true`, `"tags":["vip"]`, `"votes":0`, `"public":false`, `"merged_into":""`}},
				{name: "member gets own", method: "GET", path: p("/persons/%d", ann), token: f.annTok, status: 200,
					contains: []string{`"value":"ann@example.org"`, `"public":false`, `"locale"`}, lacks: []string{"vip", `"tags"`, "Phoned", `"bot"`}},
				{name: "member gets another member", method: "GET", path: p("/persons/%d", bo), token: f.annTok, status: 200,
					contains: []string{`"public":true`, `"name":"Bo Lund"`, `"ideas":0`},
					lacks:    []string{"bo@example.org", `"identities"`, `"tags"`, `"votes"`, `"locale"`, `"merged_into"`}},
				{name: "member own identities", method: "GET", path: p("/persons/%d/identities", ann), token: f.annTok, status: 200,
					contains: []string{`"items":[{`, `"source":"signup"`}},
				{name: "staff notes", method: "GET", path: p("/persons/%d/notes", ann), token: f.analystTok, status: 200,
					contains: []string{"Phoned about the sofa", `"next":""`}},
				{name: "member own timeline", method: "GET", path: p("/persons/%d/timeline", ann), token: f.annTok, status: 200,
					contains: []string{`"kind":"signup"`, `"kind":"identity"`}},
				{name: "staff timeline filtered", method: "GET", path: p("/persons/%d/timeline?kind=signup", ann), token: f.agentTok, status: 200,
					contains: []string{`"kind":"signup"`}, lacks: []string{`"kind":"identity"`}},
				{name: "timeline by channel", method: "GET", path: p("/persons/%d/timeline?channel=email", ann), token: f.agentTok, status: 200,
					contains: []string{`"kind":"identity"`}, lacks: []string{`"kind":"signup"`}},
			})

			// Paging: one person per page until the end, each once.
			seen := map[string]bool{}
			next := ""
			for k := 0; k < 20; k++ {
				path := p("/persons?limit=1")
				if next != "" {
					path += "&cursor=" + url.QueryEscape(next)
				}
				page := decode[apiList[apiPerson]](t, ideaAPI(h, "GET", path, f.agentTok, nil))
				for _, it := range page.Items {
					if seen[it.ID] {
						t.Errorf("person %s listed twice", it.ID)
					}
					seen[it.ID] = true
				}
				if next = page.Next; next == "" {
					break
				}
			}
			if len(seen) != 6 { // five accounts and the outsider
				t.Errorf("paged through %d persons, want 6", len(seen))
			}

			// Create, change, link, note.
			res := ideaAPI(h, "POST", p("/persons"), f.agentTok, map[string]any{"name": "Lars Holm", "locale": "da", "location": "Aarhus",
				"identities": []map[string]any{{"kind": "email", "value": "Lars@Example.dk", "verified": false}, {"kind": "handle", "network": "Instagram", "value": "@larsholm"}}})
			if res.StatusCode != http.StatusCreated || !strings.HasPrefix(res.Header.Get("Location"), "/api/v1/persons/") {
				t.Fatalf("create: %d %s", res.StatusCode, res.body)
			}
			lars := decode[apiPerson](t, res)
			if lars.Identities == nil || len(*lars.Identities) != 2 || (*lars.Identities)[0].Value != "lars@example.dk" || (*lars.Identities)[0].Source != "staff" ||
				(*lars.Identities)[1].Network != "instagram" || (*lars.Identities)[1].Value != "larsholm" || lars.HasAccount {
				t.Errorf("created person: %s", res.body)
			}
			res = ideaAPI(h, "PATCH", "/api/v1/persons/"+lars.ID, f.agentTok, map[string]any{"languages": []string{"da", "EN"}, "tags": []string{"Press", "press", "blogger"}, "bot": true})
			if res.StatusCode != 200 || !strings.Contains(res.body, `"tags":["blogger","press"]`) || !strings.Contains(res.body, `"languages":["da","en"]`) ||
				!strings.Contains(res.body, `"bot":true`) || !strings.Contains(res.body, `"name":"Lars Holm"`) {
				t.Errorf("patch: %d %s", res.StatusCode, res.body)
			}
			if res := ideaAPI(h, "GET", p("/persons?q=lars"), f.agentTok, nil); strings.Contains(res.body, "Lars") {
				t.Errorf("a bot is listed without bots=true: %s", res.body)
			}
			if res := ideaAPI(h, "GET", p("/persons?q=lars&bots=true&language=en"), f.agentTok, nil); !strings.Contains(res.body, "Lars Holm") {
				t.Errorf("bots=true does not list the bot: %s", res.body)
			}
			res = ideaAPI(h, "POST", p("/persons/%d/identities", ann), f.annTok, map[string]any{"kind": "handle", "network": "mastodon", "value": "@ann@social.example", "verified": true})
			if res.StatusCode != http.StatusCreated || !strings.Contains(res.body, `"verified":false`) || !strings.Contains(res.body, `"source":"member"`) {
				t.Errorf("member links a handle: %d %s", res.StatusCode, res.body)
			}
			added := decode[apiIdentity](t, res)
			if res := ideaAPI(h, "DELETE", p("/persons/%d/identities/%s", ann, added.ID), f.agentTok, nil); res.StatusCode != http.StatusNoContent {
				t.Errorf("remove identity: %d %s", res.StatusCode, res.body)
			}
			if res := ideaAPI(h, "POST", p("/persons/%d/notes", out), f.agentTok, map[string]string{"body": "Writes long reviews"}); res.StatusCode != http.StatusCreated ||
				!strings.Contains(res.body, `"author_name":"User agent@example.org"`) {
				t.Errorf("add note: %d %s", res.StatusCode, res.body)
			}

			// Merge the outsider into Ann, and undo it.
			res = ideaAPI(h, "POST", p("/persons/%d/merge", out), f.agentTok, map[string]string{"into": fmt.Sprint(ann)})
			merged := decode[apiPersonMergeResult](t, res)
			if res.StatusCode != 200 || !strings.HasPrefix(merged.MergeID, "person-") || merged.Person.ID != fmt.Sprint(ann) ||
				!strings.Contains(res.body, `"value":"kasper h."`) || !strings.Contains(res.body, `"value":"ann@example.org"`) {
				t.Fatalf("merge: %d %s", res.StatusCode, res.body)
			}
			if got := ideaAPI(h, "GET", p("/persons/%d", out), f.agentTok, nil).body; !strings.Contains(got, fmt.Sprintf(`"merged_into":"%d"`, ann)) {
				t.Errorf("the merged person does not say where they went: %s", got)
			}
			if got := ideaAPI(h, "GET", p("/persons/%d/notes", ann), f.agentTok, nil).body; !strings.Contains(got, "Writes long reviews") {
				t.Errorf("the note did not move: %s", got)
			}
			runAPICases(t, h, []apiCase{
				{name: "merge a merged person", method: "POST", path: p("/persons/%d/merge", out), token: f.agentTok, body: map[string]string{"into": fmt.Sprint(bo)}, status: 409, code: samtal.ECONFLICT},
				{name: "merge cycle", method: "POST", path: p("/persons/%d/merge", ann), token: f.agentTok, body: map[string]string{"into": fmt.Sprint(out)}, status: 409, code: samtal.ECONFLICT},
				{name: "note on merged person", method: "POST", path: p("/persons/%d/notes", out), token: f.agentTok, body: map[string]string{"body": "x"}, status: 409, code: samtal.ECONFLICT},
				{name: "member gets merged outsider", method: "GET", path: p("/persons/%d", out), token: f.boTok, status: 404, code: samtal.ENOTFOUND},
				{name: "undo as member", method: "POST", path: p("/merges/%s/undo", merged.MergeID), token: f.annTok, status: 403, code: samtal.EFORBIDDEN},
			})
			res = ideaAPI(h, "POST", p("/merges/%s/undo", merged.MergeID), f.modTok, nil)
			undone := decode[apiPersonMergeResult](t, res)
			if res.StatusCode != 200 || undone.MergeID != merged.MergeID || undone.Person.ID != fmt.Sprint(out) || undone.Person.MergedInto == nil ||
				*undone.Person.MergedInto != "" || !strings.Contains(res.body, "kasper h.") {
				t.Errorf("undo: %d %s", res.StatusCode, res.body)
			}
			if got := ideaAPI(h, "GET", p("/persons/%d", ann), f.agentTok, nil).body; strings.Contains(got, "kasper") {
				t.Errorf("Ann kept the outsider's identity after undo: %s", got)
			}
			runAPICases(t, h, []apiCase{
				{name: "undo twice", method: "POST", path: p("/merges/%s/undo", merged.MergeID), token: f.agentTok, status: 409, code: samtal.ECONFLICT},
			})

			// Suggestions: an unverified copy of Bo's email, and a second
			// pair; accept one, reject the other.
			claim := f.resolve(t, person.Identity{Kind: person.KindEmail, Value: "bo@example.org"}, "Bo from the shop")
			mail := f.resolve(t, person.Identity{Kind: person.KindEmail, Value: "kasper@example.dk", Verified: true}, "")
			f.resolve(t, person.Identity{Kind: person.KindHandle, Network: "x", Value: "kasper@example.dk", Verified: true}, "")
			list := decode[apiList[apiSuggestion]](t, ideaAPI(h, "GET", p("/merge-suggestions"), f.analystTok, nil))
			if len(list.Items) != 2 || list.Items[0].Reason != person.ReasonUnverifiedCopy || list.Items[0].ReasonText == "" ||
				list.Items[0].ReasonText == "suggestion.reason.unverified_copy" || list.Items[1].Reason != person.ReasonEmailAsHandle {
				t.Fatalf("suggestions: %+v", list)
			}
			if got := decode[apiList[apiSuggestion]](t, ideaAPI(h, "GET", p("/merge-suggestions?person_id=%d", mail), f.agentTok, nil)); len(got.Items) != 1 || got.Items[0].Reason != person.ReasonEmailAsHandle {
				t.Errorf("suggestions of one person: %+v", got)
			}
			first := decode[apiList[apiSuggestion]](t, ideaAPI(h, "GET", p("/merge-suggestions?limit=1"), f.agentTok, nil))
			second := decode[apiList[apiSuggestion]](t, ideaAPI(h, "GET", p("/merge-suggestions?limit=1&cursor=%s", first.Next), f.agentTok, nil))
			if len(first.Items) != 1 || len(second.Items) != 1 || second.Items[0].ID != list.Items[1].ID {
				t.Errorf("suggestion pages: %+v then %+v", first, second)
			}
			res = ideaAPI(h, "POST", p("/merge-suggestions/%s/accept", list.Items[0].ID), f.agentTok, nil)
			if res.StatusCode != 200 || !strings.Contains(res.body, fmt.Sprintf(`"person":{"id":"%d"`, bo)) {
				t.Errorf("accept: %d %s", res.StatusCode, res.body)
			}
			if got := ideaAPI(h, "GET", p("/persons/%d", claim), f.agentTok, nil).body; !strings.Contains(got, fmt.Sprintf(`"merged_into":"%d"`, bo)) {
				t.Errorf("the accepted suggestion did not merge the newer into the older: %s", got)
			}
			res = ideaAPI(h, "POST", p("/merge-suggestions/%s/reject", list.Items[1].ID), f.agentTok, nil)
			if res.StatusCode != 200 || !strings.Contains(res.body, `"state":"rejected"`) {
				t.Errorf("reject: %d %s", res.StatusCode, res.body)
			}
			runAPICases(t, h, []apiCase{
				{name: "accept decided", method: "POST", path: p("/merge-suggestions/%s/accept", list.Items[0].ID), token: f.agentTok, status: 409, code: samtal.ECONFLICT},
				{name: "reject decided", method: "POST", path: p("/merge-suggestions/%s/reject", list.Items[1].ID), token: f.agentTok, status: 409, code: samtal.ECONFLICT},
				{name: "accept rejected", method: "POST", path: p("/merge-suggestions/%s/accept", list.Items[1].ID), token: f.agentTok, status: 409, code: samtal.ECONFLICT},
				{name: "no open left", method: "GET", path: p("/merge-suggestions"), token: f.agentTok, status: 200, contains: []string{`"items":[]`}},
				{name: "rejected list", method: "GET", path: p("/merge-suggestions?state=rejected"), token: f.agentTok, status: 200, contains: []string{`"reason":"email_as_handle"`}},
			})

			// The audit log has the staff's changes.
			entries, _ := h.srv.Audit.List(cli(), audit.Filter{TargetKind: "person", Limit: 100})
			count := map[string]int{}
			for _, e := range entries {
				count[e.Action]++
			}
			for _, a := range []string{"person.create", "person.tags", "person.update", "person.note", "person.merge", "person.unmerge", "person.identity_remove"} {
				if count[a] == 0 {
					t.Errorf("no %s in the audit log: %v", a, count)
				}
			}
		})
	}
}

// TestUndoMergeChecksEachKind: the route lets in who may undo a person
// merge; an idea merge still needs a moderator.
func TestUndoMergeChecksEachKind(t *testing.T) {
	f := newPeopleFixture(t, "sqlite")
	h := f.h
	c := newCampaign(t, h, "sofa", campaign.Public, 0)
	a := newIdea(t, h, "ann@example.org", c.Questions[0].ID, "Washable covers")
	b := newIdea(t, h, "bo@example.org", c.Questions[0].ID, "Covers to wash")
	m, err := h.srv.Ideas.MergeIdeas(as(t, h, "mod@example.org"), a.ID, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, ideaAPI(h, "POST", "/api/v1/merges/"+mergeAPIID(m.ID)+"/undo", f.agentTok, nil), 403, samtal.EFORBIDDEN, "")
	agent := h.client()
	agent.signIn("agent@example.org")
	if res := agent.post("/merges/"+mergeAPIID(m.ID)+"/undo", nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("agent undoes an idea merge on the page: %d", res.StatusCode)
	}
	if got, _ := h.srv.Ideas.Get(cli(), a.ID); got.MergedInto != b.ID {
		t.Errorf("a refused undo changed the idea: %+v", got)
	}
	if res := ideaAPI(h, "POST", "/api/v1/merges/"+mergeAPIID(m.ID)+"/undo", f.modTok, nil); res.StatusCode != 200 {
		t.Errorf("moderator undo: %d %s", res.StatusCode, res.body)
	}
}

func TestPeoplePages(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			f := newPeopleFixture(t, engine)
			h := f.h
			ann, out := f.ann.PersonID, f.outsider
			c := newCampaign(t, h, "sofa", campaign.Public, 0)
			i := newIdea(t, h, "ann@example.org", c.Questions[0].ID, "A sofa for cats")

			agent := h.client()
			agent.signIn("agent@example.org")
			if page := agent.get("/admin").body; !strings.Contains(page, `href="/admin/people"`) {
				t.Errorf("the staff area has no link to people")
			}
			list := agent.get("/admin/people?role=none")
			if list.StatusCode != 200 || !strings.Contains(list.body, fmt.Sprintf(`href="/admin/people/%d"`, out)) || strings.Contains(list.body, "Ann Berg") {
				t.Fatalf("people list: %d %.2000s", list.StatusCode, list.body)
			}
			if res := agent.get("/admin/people?active=-1"); res.StatusCode != 422 {
				t.Errorf("bad filter: %d", res.StatusCode)
			}
			profile := fmt.Sprintf("/admin/people/%d", ann)
			page := agent.get(profile)
			for _, want := range []string{"Ann Berg", "ann@example.org", "✓", `action="` + profile + `/notes"`, `action="` + profile + `/tags"`,
				`action="` + profile + `/merge"`, "A sofa for cats", fmt.Sprintf(`href="/ideas/%d"`, i.ID)} {
				if !strings.Contains(page.body, want) {
					t.Errorf("profile lacks %s", want)
				}
			}

			// A note and tags by their forms; refusals show the form again.
			if res := agent.post(profile+"/notes", url.Values{"note_body": {"Prefers email"}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("note: %d %.500s", res.StatusCode, res.body)
			}
			if res := agent.post(profile+"/notes", url.Values{"note_body": {" "}}); res.StatusCode != 422 || !strings.Contains(res.body, `role="alert"`) {
				t.Errorf("empty note: %d", res.StatusCode)
			}
			if res := agent.post(profile+"/tags", url.Values{"tags": {"Sofa, vip, sofa"}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("tags: %d", res.StatusCode)
			}
			if res := agent.post(profile+"/tags", url.Values{"tags": {strings.Repeat("x", 41)}}); res.StatusCode != 422 || !strings.Contains(res.body, strings.Repeat("x", 41)) {
				t.Errorf("long tag: %d (the form must keep what was typed)", res.StatusCode)
			}
			page = agent.get(profile)
			if !strings.Contains(page.body, "Prefers email") || !strings.Contains(page.body, `value="sofa, vip"`) {
				t.Errorf("profile lacks the note or the tags")
			}
			if res := agent.post(profile+"/identities", url.Values{"kind": {"url"}, "value": {"https://ann.example/blog/"}, "verified": {"1"}}); res.StatusCode != http.StatusSeeOther {
				t.Errorf("add identity: %d %.500s", res.StatusCode, res.body)
			}
			if res := agent.post(profile+"/identities", url.Values{"kind": {"url"}, "value": {"ftp://x"}}); res.StatusCode != 422 {
				t.Errorf("bad identity: %d", res.StatusCode)
			}

			// Analysts read but do not change.
			analyst := h.client()
			analyst.signIn("analyst@example.org")
			if page := analyst.get(profile).body; !strings.Contains(page, "Prefers email") || strings.Contains(page, `action="`+profile+`/notes"`) {
				t.Errorf("analyst: notes missing or the note form shown")
			}
			if res := analyst.post(profile+"/notes", url.Values{"note_body": {"x"}}); res.StatusCode != http.StatusForbidden {
				t.Errorf("analyst note: %d", res.StatusCode)
			}

			// Merge by name: the form lists who matches; then by number.
			outProfile := fmt.Sprintf("/admin/people/%d", out)
			agent.get(outProfile)
			res := agent.post(outProfile+"/merge", url.Values{"into": {"ann b"}})
			if res.StatusCode != 200 || !strings.Contains(res.body, fmt.Sprintf(`name="into" value="%d"`, ann)) {
				t.Fatalf("merge by name: %d %.3000s", res.StatusCode, res.body)
			}
			if res := agent.post(outProfile+"/merge", url.Values{"into": {"nobody by that name"}}); res.StatusCode != 422 {
				t.Errorf("merge into a name nobody has: %d", res.StatusCode)
			}
			if res := agent.post(outProfile+"/merge", url.Values{"into": {fmt.Sprint(out)}}); res.StatusCode != 422 {
				t.Errorf("merge into itself: %d", res.StatusCode)
			}
			if res := agent.post(profile+"/merge", url.Values{"into": {fmt.Sprint(f.bo.PersonID)}}); res.StatusCode != 409 || !strings.Contains(res.body, `role="alert"`) {
				t.Errorf("merge of two accounts: %d", res.StatusCode)
			}
			res = agent.post(outProfile+"/merge", url.Values{"into": {"http://localhost" + profile}})
			if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), profile+"?flash=flash.person_merged") {
				t.Fatalf("merge: %d %q %.500s", res.StatusCode, res.Header.Get("Location"), res.body)
			}
			page = agent.get(profile)
			if !strings.Contains(page.body, "kasper h.") && !strings.Contains(page.body, "Kasper H.") {
				t.Errorf("the merged profile lacks the outsider's identity")
			}
			merges, err := h.srv.People.Merges(as(t, h, "agent@example.org"), ann)
			if err != nil || len(merges) != 1 {
				t.Fatalf("merges: %v %v", merges, err)
			}
			undo := `action="/merges/` + person.MergeKey(merges[0].ID) + `/undo"`
			if !strings.Contains(page.body, undo) {
				t.Fatalf("no undo button on the merged profile")
			}
			if page := agent.get(outProfile).body; !strings.Contains(page, undo) || strings.Contains(page, `action="`+outProfile+`/notes"`) {
				t.Errorf("the merged person's page lacks the undo button or still offers forms")
			}
			res = agent.post("/merges/"+person.MergeKey(merges[0].ID)+"/undo", nil)
			if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), outProfile) {
				t.Errorf("undo: %d %q", res.StatusCode, res.Header.Get("Location"))
			}
			if res := agent.post("/merges/"+person.MergeKey(merges[0].ID)+"/undo", nil); res.StatusCode != 409 {
				t.Errorf("undo twice: %d", res.StatusCode)
			}

			// Suggestions: the page names the reason in the reader's
			// language; accept and reject.
			f.resolve(t, person.Identity{Kind: person.KindEmail, Value: "bo@example.org"}, "Bo claim")
			f.resolve(t, person.Identity{Kind: person.KindEmail, Value: "lis@example.dk", Verified: true}, "")
			f.resolve(t, person.Identity{Kind: person.KindReviewName, Network: "trustpilot", Value: "lis@example.dk", Verified: true}, "")
			agent.lang = "de"
			sp := agent.get("/admin/people/suggestions")
			cat := h.srv.Catalog
			if sp.StatusCode != 200 || !strings.Contains(sp.body, cat.T("de", "suggestion.reason.unverified_copy", nil)) ||
				!strings.Contains(sp.body, cat.T("de", "suggestion.reason.email_as_handle", nil)) {
				t.Fatalf("suggestions page: %d %.3000s", sp.StatusCode, sp.body)
			}
			open, _ := h.srv.People.Suggestions(as(t, h, "agent@example.org"), person.SuggestionFilter{})
			if len(open) != 2 {
				t.Fatalf("open suggestions: %+v", open)
			}
			if res := agent.post(fmt.Sprintf("/admin/people/suggestions/%d/reject", open[1].ID), url.Values{"next": {"/admin/people/suggestions"}}); res.StatusCode != http.StatusSeeOther ||
				res.Header.Get("Location") != "/admin/people/suggestions?flash=flash.suggestion_rejected" {
				t.Errorf("reject: %d %q", res.StatusCode, res.Header.Get("Location"))
			}
			if res := agent.post(fmt.Sprintf("/admin/people/suggestions/%d/accept", open[0].ID), nil); res.StatusCode != http.StatusSeeOther ||
				!strings.HasPrefix(res.Header.Get("Location"), fmt.Sprintf("/admin/people/%d", open[0].PersonA)) {
				t.Errorf("accept: %d %q", res.StatusCode, res.Header.Get("Location"))
			}
			if res := agent.post(fmt.Sprintf("/admin/people/suggestions/%d/accept", open[0].ID), nil); res.StatusCode != 409 {
				t.Errorf("accept twice: %d", res.StatusCode)
			}

			// Members: a public profile of another member, their own record.
			member := h.client()
			member.signIn("bo@example.org")
			pub := member.get(fmt.Sprintf("/people/%d", ann))
			if pub.StatusCode != 200 || !strings.Contains(pub.body, "Ann Berg") || strings.Contains(pub.body, "ann@example.org") ||
				strings.Contains(pub.body, "ann.example") || strings.Contains(pub.body, "vip") || strings.Contains(pub.body, "Prefers email") {
				t.Errorf("public profile: %d %.3000s", pub.StatusCode, pub.body)
			}
			if res := member.get(fmt.Sprintf("/people/%d", out)); res.StatusCode != 404 || strings.Contains(res.body, "Kasper") {
				t.Errorf("a member opens a person without an account: %d", res.StatusCode)
			}
			if res := member.get(profile); res.StatusCode != 403 {
				t.Errorf("a member opens the staff profile: %d", res.StatusCode)
			}
			annc := h.client()
			annc.signIn("ann@example.org")
			me := annc.get("/me/profile")
			if me.StatusCode != 200 || !strings.Contains(me.body, "ann@example.org") || !strings.Contains(me.body, "ann.example/blog") ||
				!strings.Contains(me.body, "A sofa for cats") || strings.Contains(me.body, "vip") || strings.Contains(me.body, "Prefers email") {
				t.Errorf("own record: %d %.3000s", me.StatusCode, me.body)
			}
			if res := annc.post("/me/profile/identities", url.Values{"kind": {"handle"}, "network": {"instagram"}, "value": {"@ann.sofa"}}); res.StatusCode != http.StatusSeeOther {
				t.Errorf("link a handle: %d %.500s", res.StatusCode, res.body)
			}
			if res := annc.post("/me/profile/identities", url.Values{"kind": {"email"}, "value": {"other@example.org"}}); res.StatusCode != 422 || !strings.Contains(res.body, `value="other@example.org"`) {
				t.Errorf("link an email: %d", res.StatusCode)
			}
			if page := annc.get("/me/profile").body; !strings.Contains(page, "ann.sofa") {
				t.Errorf("the linked handle is not on the own record")
			}
			if page := annc.get("/settings").body; !strings.Contains(page, `href="/me/profile"`) {
				t.Errorf("settings do not lead to the own record")
			}
			if res := h.client().get(fmt.Sprintf("/people/%d", ann)); res.StatusCode != http.StatusSeeOther {
				t.Errorf("a visitor opens a profile: %d", res.StatusCode)
			}
		})
	}
}
