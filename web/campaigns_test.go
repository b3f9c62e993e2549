package web

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/internal/testdb"
	"github.com/samtal-dev/samtal/upload"
)

// apiJSON calls the API with a JSON body.
func (h *harness) apiJSON(method, path, token, body string) *response {
	h.t.Helper()
	req, _ := http.NewRequest(method, h.ts.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return h.client().do(req)
}

// apiBytes posts raw bytes to the API.
func (h *harness) apiBytes(path, token string, body []byte) *response {
	h.t.Helper()
	req, _ := http.NewRequest("POST", h.ts.URL+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "image/jpeg")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return h.client().do(req)
}

func testJPEG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 200
	}
	img.Set(0, 0, color.RGBA{255, 0, 0, 255})
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func auditCount(t *testing.T, h *harness, action string) int {
	t.Helper()
	list, err := h.srv.Audit.List(cli(), audit.Filter{Action: action, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

func TestCampaignAPI(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			h := newHarness(t, engine)
			h.addUser("mod@example.org", samtal.RoleModerator)
			h.addUser("mem@example.org", samtal.RoleMember)
			h.addUser("agent@example.org", samtal.RoleAgent)
			mod, mem, agent := h.token("mod@example.org"), h.token("mem@example.org"), h.token("agent@example.org")

			res := h.apiJSON("POST", "/api/v1/campaigns", mod, `{"slug":"sofa","title":"The sofa","brief":"# Plan\n\nWe *ask* you. <script>x()</script>",
				"visibility":"public","starts_at":"2026-01-01T00:00:00Z","ends_at":"2030-01-01T00:00:00Z","vote_budget":3,"languages":["en","da"],
				"questions":[{"text":"What colour?","help":"Any"},{"text":"What name?"}]}`)
			if res.StatusCode != 201 {
				t.Fatalf("create: %d %s", res.StatusCode, res.body)
			}
			var c apiCampaign
			json.Unmarshal([]byte(res.body), &c)
			if c.Slug != "sofa" || c.VoteBudget != 3 || len(c.Questions) != 2 || c.Questions[1].Position != 2 ||
				!strings.Contains(c.BriefHTML, "<h3>Plan</h3>") || !strings.Contains(c.BriefHTML, "&lt;script&gt;") || !strings.Contains(c.Brief, "<script>") {
				t.Fatalf("created: %+v", c)
			}
			if n := auditCount(t, h, "campaign.create"); n != 1 {
				t.Errorf("audit campaign.create = %d", n)
			}

			// Refusals: each with its field and status, none writes anything.
			before := auditCount(t, h, "campaign.create") + auditCount(t, h, "campaign.update")
			for _, tt := range []struct {
				name, method, path, token, body string
				status                          int
				field                           string
			}{
				{"empty title", "POST", "/api/v1/campaigns", mod, `{"slug":"x1","title":"  "}`, 422, "title"},
				{"bad slug", "POST", "/api/v1/campaigns", mod, `{"slug":"Not OK","title":"T"}`, 422, "slug"},
				{"duplicate slug", "POST", "/api/v1/campaigns", mod, `{"slug":"sofa","title":"T"}`, 409, "slug"},
				{"unknown visibility", "POST", "/api/v1/campaigns", mod, `{"slug":"x2","title":"T","visibility":"secret"}`, 422, "visibility"},
				{"unknown language", "POST", "/api/v1/campaigns", mod, `{"slug":"x3","title":"T","languages":["en","sv"]}`, 422, "languages"},
				{"end before start", "POST", "/api/v1/campaigns", mod, `{"slug":"x4","title":"T","starts_at":"2026-05-01T00:00:00Z","ends_at":"2026-04-01T00:00:00Z"}`, 422, "ends_at"},
				{"negative budget", "POST", "/api/v1/campaigns", mod, `{"slug":"x5","title":"T","vote_budget":-1}`, 422, "vote_budget"},
				{"bad date", "POST", "/api/v1/campaigns", mod, `{"slug":"x6","title":"T","ends_at":"tomorrow"}`, 422, "ends_at"},
				{"foreign cover", "POST", "/api/v1/campaigns", mod, `{"slug":"x7","title":"T","cover":"AAAAAAAAAAAAAAAAAAAAAA"}`, 422, "cover"},
				{"member creates", "POST", "/api/v1/campaigns", mem, `{"slug":"x8","title":"T"}`, 403, ""},
				{"agent creates", "POST", "/api/v1/campaigns", agent, `{"slug":"x9","title":"T"}`, 403, ""},
				{"visitor creates", "POST", "/api/v1/campaigns", "", `{"slug":"x9","title":"T"}`, 401, ""},
				{"patch end before start", "PATCH", "/api/v1/campaigns/" + c.ID, mod, `{"ends_at":"2025-01-01T00:00:00Z"}`, 422, "ends_at"},
				{"patch empty title", "PATCH", "/api/v1/campaigns/" + c.ID, mod, `{"title":""}`, 422, "title"},
				{"patch negative budget", "PATCH", "/api/v1/campaigns/" + c.ID, mod, `{"vote_budget":-5}`, 422, "vote_budget"},
				{"patch by member", "PATCH", "/api/v1/campaigns/" + c.ID, mem, `{"title":"Mine"}`, 403, ""},
				{"patch questions", "PATCH", "/api/v1/campaigns/" + c.ID, mod, `{"questions":[]}`, 422, "questions"},
			} {
				t.Run(tt.name, func(t *testing.T) {
					res := h.apiJSON(tt.method, tt.path, tt.token, tt.body)
					if res.StatusCode != tt.status || !strings.Contains(res.body, `"field":"`+tt.field+`"`) {
						t.Errorf("%d %s, want %d on field %q", res.StatusCode, res.body, tt.status, tt.field)
					}
				})
			}
			if after := auditCount(t, h, "campaign.create") + auditCount(t, h, "campaign.update"); after != before {
				t.Errorf("refusals wrote %d audit entries", after-before)
			}
			if got := h.api("GET", "/api/v1/campaigns/"+c.ID, "").body; !strings.Contains(got, `"title":"The sofa"`) || !strings.Contains(got, `"vote_budget":3`) {
				t.Errorf("refusals changed the campaign: %s", got)
			}

			// A change keeps what it does not name.
			res = h.apiJSON("PATCH", "/api/v1/campaigns/"+c.ID, mod, `{"title":"The new sofa","visibility":"members"}`)
			if res.StatusCode != 200 || !strings.Contains(res.body, `"title":"The new sofa"`) || !strings.Contains(res.body, `"vote_budget":3`) ||
				!strings.Contains(res.body, `"languages":["en","da"]`) {
				t.Errorf("patch: %d %s", res.StatusCode, res.body)
			}
			if n := auditCount(t, h, "campaign.update"); n != 1 {
				t.Errorf("audit campaign.update = %d", n)
			}
			// Holding newcomers' first posts is one more setting of a change.
			res = h.apiJSON("PATCH", "/api/v1/campaigns/"+c.ID, mod, `{"hold_first_posts":true}`)
			if res.StatusCode != 200 || !strings.Contains(res.body, `"hold_first_posts":true`) || !strings.Contains(res.body, `"title":"The new sofa"`) {
				t.Errorf("patch hold_first_posts: %d %s", res.StatusCode, res.body)
			}
			if got, err := h.srv.Campaigns.GetByID(cli(), mustID(t, c.ID)); err != nil || !got.HoldFirstPosts {
				t.Errorf("stored hold_first_posts: %+v %v", got, err)
			}
			// Members-only now: visitors do not see it, members do.
			if res := h.api("GET", "/api/v1/campaigns/"+c.ID, ""); res.StatusCode != 404 {
				t.Errorf("visitor GET members campaign: %d", res.StatusCode)
			}
			if res := h.api("GET", "/api/v1/campaigns", ""); strings.Contains(res.body, "sofa") {
				t.Errorf("visitor list shows a members campaign: %s", res.body)
			}
			if res := h.api("GET", "/api/v1/campaigns", mem); !strings.Contains(res.body, `"slug":"sofa"`) {
				t.Errorf("member list lacks it: %s", res.body)
			}

			// Questions.
			res = h.apiJSON("POST", "/api/v1/campaigns/"+c.ID+"/questions", mod, `{"text":"Which room?","help":"Kitchen?"}`)
			if res.StatusCode != 201 || !strings.Contains(res.body, `"position":3`) {
				t.Errorf("add question: %d %s", res.StatusCode, res.body)
			}
			for _, bad := range []struct {
				token, body string
				status      int
			}{{mod, `{"text":" "}`, 422}, {mem, `{"text":"Mine?"}`, 403}, {"", `{"text":"Mine?"}`, 401}} {
				if res := h.apiJSON("POST", "/api/v1/campaigns/"+c.ID+"/questions", bad.token, bad.body); res.StatusCode != bad.status {
					t.Errorf("add question %s: %d, want %d", bad.body, res.StatusCode, bad.status)
				}
			}
			res = h.api("GET", "/api/v1/campaigns/"+c.ID+"/questions", mem)
			if res.StatusCode != 200 || strings.Count(res.body, `"text"`) != 3 {
				t.Errorf("questions: %d %s", res.StatusCode, res.body)
			}
		})
	}
}

// TestInvitedCampaign: only staff and invited members see an invited
// campaign, through every page and API call; others get 404.
func TestInvitedCampaign(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			h := newHarness(t, engine)
			h.addUser("mod@example.org", samtal.RoleModerator)
			h.addUser("in@example.org", samtal.RoleMember)
			h.addUser("out@example.org", samtal.RoleMember)
			c := &campaign.Campaign{Slug: "inner", Title: "Inner circle", Visibility: campaign.Invited, Questions: []campaign.Question{{Text: "Secret?"}}}
			if err := h.srv.Campaigns.Create(cli(), c); err != nil {
				t.Fatal(err)
			}
			mod := h.client()
			mod.signIn("mod@example.org")
			page := mod.get("/admin/campaigns/" + apiID(c.ID))
			if page.StatusCode != 200 || !strings.Contains(page.body, "Inner circle") {
				t.Fatalf("edit page: %d", page.StatusCode)
			}
			// Unknown email: refused with a field error, nothing stored.
			res := mod.post("/admin/campaigns/"+apiID(c.ID)+"/invites", url.Values{"email": {"nobody@example.org"}})
			if res.StatusCode != 422 || !strings.Contains(res.body, "Nobody has an account with this email address.") {
				t.Errorf("invite unknown: %d", res.StatusCode)
			}
			res = mod.post("/admin/campaigns/"+apiID(c.ID)+"/invites", url.Values{"email": {"In@Example.org"}})
			if res.StatusCode != 303 {
				t.Fatalf("invite: %d %s", res.StatusCode, res.body)
			}
			if n := auditCount(t, h, "campaign.invite"); n != 1 {
				t.Errorf("audit campaign.invite = %d", n)
			}

			in, out := h.client(), h.client()
			in.signIn("in@example.org")
			out.signIn("out@example.org")
			inTok, outTok := h.token("in@example.org"), h.token("out@example.org")
			if res := in.get("/campaigns/inner"); res.StatusCode != 200 || !strings.Contains(res.body, "Secret?") {
				t.Errorf("invited member: %d", res.StatusCode)
			}
			if res := in.get("/"); !strings.Contains(res.body, "Inner circle") {
				t.Error("invited member's home lacks the campaign")
			}
			if res := h.api("GET", "/api/v1/campaigns", inTok); !strings.Contains(res.body, `"slug":"inner"`) {
				t.Errorf("invited member's list lacks it: %s", res.body)
			}
			// The invited member takes part.
			res = h.apiJSON("POST", "/api/v1/ideas", inTok, `{"question_id":"`+apiID(c.Questions[0].ID)+`","title":"Psst"}`)
			if res.StatusCode != 201 {
				t.Fatalf("invited member posts: %d %s", res.StatusCode, res.body)
			}
			var i apiIdea
			json.Unmarshal([]byte(res.body), &i)
			if err := h.srv.Ideas.SetStatus(cli(), mustID(t, i.ID), "planned", "Soon"); err != nil {
				t.Fatal(err)
			}
			if res := in.get("/campaigns/inner/roadmap"); res.StatusCode != 200 || !strings.Contains(res.body, "Psst") {
				t.Errorf("invited member's roadmap of the campaign: %d", res.StatusCode)
			}

			for name, status := range map[string]int{
				"roadmap":    out.get("/campaigns/inner/roadmap").StatusCode,
				"page":       out.get("/campaigns/inner").StatusCode,
				"idea page":  out.get("/ideas/" + i.ID).StatusCode,
				"visitor":    h.client().get("/campaigns/inner").StatusCode,
				"api":        h.api("GET", "/api/v1/campaigns/"+apiID(c.ID), outTok).StatusCode,
				"questions":  h.api("GET", "/api/v1/campaigns/"+apiID(c.ID)+"/questions", outTok).StatusCode,
				"idea api":   h.api("GET", "/api/v1/ideas/"+i.ID, outTok).StatusCode,
				"ideas list": h.api("GET", "/api/v1/ideas?campaign_id="+apiID(c.ID), outTok).StatusCode,
				"vote":       h.api("POST", "/api/v1/ideas/"+i.ID+"/vote", outTok).StatusCode,
				"post idea":  h.apiJSON("POST", "/api/v1/ideas", outTok, `{"question_id":"`+apiID(c.Questions[0].ID)+`","title":"Me too"}`).StatusCode,
			} {
				if status != 404 {
					t.Errorf("not invited, %s: %d, want 404", name, status)
				}
			}
			if res := h.api("GET", "/api/v1/campaigns", outTok); strings.Contains(res.body, "inner") {
				t.Errorf("list shows it to someone not invited: %s", res.body)
			}
			if res := out.get("/"); strings.Contains(res.body, "Inner circle") {
				t.Error("home shows it to someone not invited")
			}

			// Taking the invitation back hides it again.
			page = mod.get("/admin/campaigns/" + apiID(c.ID))
			if !strings.Contains(page.body, "in@example.org") {
				t.Errorf("edit page lacks the invitation")
			}
			acc, _, _ := h.accounts.Store.AccountByEmail(context.Background(), "in@example.org")
			res = mod.post("/admin/campaigns/"+apiID(c.ID)+"/invites/remove", url.Values{"person_id": {apiID(acc.PersonID)}})
			if res.StatusCode != 303 {
				t.Fatalf("uninvite: %d", res.StatusCode)
			}
			if res := in.get("/campaigns/inner"); res.StatusCode != 404 {
				t.Errorf("after uninvite: %d", res.StatusCode)
			}
		})
	}
}

// TestCampaignPages walks the staff form: create with questions, edit,
// reorder, remove a question, and the refusals.
func TestCampaignPages(t *testing.T) {
	h := newHarness(t, "sqlite")
	h.addUser("mod@example.org", samtal.RoleModerator)
	h.addUser("mem@example.org", samtal.RoleMember)
	mod := h.client()
	mod.signIn("mod@example.org")
	if res := mod.get("/admin/campaigns/new"); res.StatusCode != 200 || !strings.Contains(res.body, `name="questions"`) {
		t.Fatalf("new form: %d", res.StatusCode)
	}
	form := url.Values{"title": {"Kitchen"}, "slug": {"kitchen"}, "brief": {"Tell us **everything**."}, "visibility": {"public"},
		"languages": {"en", "de"}, "starts_at": {"2026-01-01"}, "ends_at": {"2030-12-31"}, "vote_budget": {"0"},
		"hold_first_posts": {"on"}, "questions": {"What do you cook?\nWhat is missing?\n\nWhere do you eat?"}}
	// Refusals first: each keeps the form and stores nothing.
	for field, bad := range map[string]url.Values{
		"title":       {"title": {""}},
		"slug":        {"slug": {"Kitchen!"}},
		"ends_at":     {"ends_at": {"2025-12-31"}},
		"vote_budget": {"vote_budget": {"-2"}},
		"languages":   {"languages": {"fr"}},
		"visibility":  {"visibility": {"everyone"}},
	} {
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		for k, v := range bad {
			f[k] = v
		}
		mod.get("/admin/campaigns/new")
		res := mod.post("/admin/campaigns", f)
		if res.StatusCode != 422 || !strings.Contains(res.body, `class="error"`) {
			t.Errorf("%s: %d", field, res.StatusCode)
		}
	}
	if list, _ := h.srv.Campaigns.List(cli()); len(list) != 0 {
		t.Fatalf("refusals stored %d campaigns", len(list))
	}
	mod.get("/admin/campaigns/new")
	res := mod.post("/admin/campaigns", form)
	if res.StatusCode != 303 {
		t.Fatalf("create: %d %s", res.StatusCode, res.body)
	}
	c, err := h.srv.Campaigns.Get(cli(), "kitchen")
	if err != nil || len(c.Questions) != 3 || c.Questions[2].Text != "Where do you eat?" || c.BriefHTML != "<p>Tell us <strong>everything</strong>.</p>" ||
		len(c.Languages) != 2 || c.EndsAt.Format("2006-01-02") != "2031-01-01" || !c.HoldFirstPosts {
		t.Fatalf("created: %+v %v", c, err)
	}
	mod.get("/admin/campaigns/new")
	if res := mod.post("/admin/campaigns", form); res.StatusCode != 409 || !strings.Contains(res.body, "That address is taken already.") {
		t.Errorf("duplicate slug: %d", res.StatusCode)
	}
	base := "/admin/campaigns/" + apiID(c.ID)
	edit := mod.get(base)
	if !strings.Contains(edit.body, `value="2030-12-31"`) || !strings.Contains(edit.body, "Tell us **everything**.") ||
		!strings.Contains(edit.body, `name="hold_first_posts" checked`) {
		t.Errorf("edit form not filled")
	}
	// Move the third question up, remove the first.
	q := c.Questions
	if res := mod.post(base+"/questions/"+apiID(q[2].ID), url.Values{"action": {"up"}}); res.StatusCode != 303 {
		t.Fatalf("up: %d %s", res.StatusCode, res.body)
	}
	mod.get(base)
	if res := mod.post(base+"/questions/"+apiID(q[0].ID), url.Values{"action": {"remove"}}); res.StatusCode != 303 {
		t.Fatalf("remove: %d", res.StatusCode)
	}
	c, _ = h.srv.Campaigns.Get(cli(), "kitchen")
	if len(c.Questions) != 2 || c.Questions[0].Text != "Where do you eat?" || c.Questions[1].Text != "What is missing?" {
		t.Errorf("after up and remove: %+v", c.Questions)
	}
	// A question with ideas cannot be removed.
	tok := h.token("mem@example.org")
	if res := h.apiJSON("POST", "/api/v1/ideas", tok, `{"question_id":"`+apiID(c.Questions[0].ID)+`","title":"Table"}`); res.StatusCode != 201 {
		t.Fatalf("idea: %d %s", res.StatusCode, res.body)
	}
	mod.get(base)
	res = mod.post(base+"/questions/"+apiID(c.Questions[0].ID), url.Values{"action": {"remove"}})
	if res.StatusCode != 409 || !strings.Contains(res.body, "Ideas answer this question, so it cannot be removed.") {
		t.Errorf("remove answered question: %d", res.StatusCode)
	}
	if c2, _ := h.srv.Campaigns.Get(cli(), "kitchen"); len(c2.Questions) != 2 {
		t.Errorf("refused remove removed it")
	}
	// Edit a question's text, then the campaign.
	mod.get(base)
	mod.post(base+"/questions/"+apiID(c.Questions[1].ID), url.Values{"action": {"save"}, "text": {"What is missing most?"}, "help": {"One thing"}})
	mod.get(base)
	form.Set("title", "Kitchen talk")
	if res := mod.post(base, form); res.StatusCode != 303 {
		t.Fatalf("update: %d %s", res.StatusCode, res.body)
	}
	c, _ = h.srv.Campaigns.Get(cli(), "kitchen")
	if c.Title != "Kitchen talk" || c.Questions[1].Text != "What is missing most?" || c.Questions[1].Help != "One thing" {
		t.Errorf("after edits: %+v", c)
	}
	for _, action := range []string{"campaign.create", "campaign.update", "campaign.question_order", "campaign.question_remove", "campaign.question_edit"} {
		if auditCount(t, h, action) != 1 {
			t.Errorf("audit %s: %d entries", action, auditCount(t, h, action))
		}
	}
	// The campaign page shows the brief's HTML.
	if res := h.client().get("/campaigns/kitchen"); !strings.Contains(res.body, "<p>Tell us <strong>everything</strong>.</p>") {
		t.Errorf("campaign page lacks the rendered brief")
	}
	// Members may not.
	m := h.client()
	m.signIn("mem@example.org")
	if res := m.get("/admin/campaigns"); res.StatusCode != 403 {
		t.Errorf("member list: %d", res.StatusCode)
	}
}

// multipartBody builds a multipart form with fields and files.
func multipartBody(t *testing.T, fields map[string]string, files map[string][][]byte) (string, []byte) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	for k, list := range files {
		for i, data := range list {
			fw, _ := w.CreateFormFile(k, "photo"+string(rune('a'+i))+".jpg")
			fw.Write(data)
		}
	}
	w.Close()
	return w.FormDataContentType(), b.Bytes()
}

func TestUploads(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			h := newHarness(t, engine)
			h.addUser("ada@example.org", samtal.RoleMember)
			h.addUser("bo@example.org", samtal.RoleMember)
			ada, bo := h.token("ada@example.org"), h.token("bo@example.org")
			c := &campaign.Campaign{Slug: "pics", Title: "Pictures", Visibility: campaign.Public, Questions: []campaign.Question{{Text: "Show us?"}}}
			if err := h.srv.Campaigns.Create(cli(), c); err != nil {
				t.Fatal(err)
			}
			qid := apiID(c.Questions[0].ID)

			res := h.apiBytes("/api/v1/uploads", ada, testJPEG(t, 40, 30))
			if res.StatusCode != 201 {
				t.Fatalf("upload: %d %s", res.StatusCode, res.body)
			}
			var u apiUpload
			json.Unmarshal([]byte(res.body), &u)
			if u.URL != "/uploads/"+u.ID || u.Width != 40 || u.Height != 30 || u.Mime != "image/jpeg" || !upload.ValidKey(u.ID) {
				t.Fatalf("upload: %+v", u)
			}
			got := h.client().get(u.URL)
			if got.StatusCode != 200 || got.Header.Get("Content-Type") != "image/jpeg" || got.Header.Get("X-Content-Type-Options") != "nosniff" ||
				!strings.Contains(got.Header.Get("Cache-Control"), "immutable") {
				t.Errorf("serve: %d %v", got.StatusCode, got.Header)
			}
			if _, err := jpeg.Decode(strings.NewReader(got.body)); err != nil {
				t.Errorf("served bytes: %v", err)
			}
			if res := h.client().get("/uploads/AAAAAAAAAAAAAAAAAAAAAA"); res.StatusCode != 404 {
				t.Errorf("unknown key: %d", res.StatusCode)
			}

			// Refusals.
			if res := h.apiBytes("/api/v1/uploads", "", testJPEG(t, 4, 4)); res.StatusCode != 401 {
				t.Errorf("visitor upload: %d", res.StatusCode)
			}
			if res := h.apiBytes("/api/v1/uploads", ada, []byte("I am a text file called photo.jpg\n")); res.StatusCode != 422 ||
				!strings.Contains(res.body, `"field":"file"`) {
				t.Errorf("text as jpg: %d %s", res.StatusCode, res.body)
			}
			if res := h.apiBytes("/api/v1/uploads", ada, make([]byte, upload.MaxBytes+1)); res.StatusCode != 413 {
				t.Errorf("oversize raw: %d", res.StatusCode)
			}
			ct, body := multipartBody(t, nil, map[string][][]byte{"file": {make([]byte, upload.MaxBytes+10)}})
			req, _ := http.NewRequest("POST", h.ts.URL+"/api/v1/uploads", bytes.NewReader(body))
			req.Header.Set("Content-Type", ct)
			req.Header.Set("Authorization", "Bearer "+ada)
			if res := h.client().do(req); res.StatusCode != 413 {
				t.Errorf("oversize multipart: %d %s", res.StatusCode, res.body)
			}
			// 12000×4000 claims 48 MP: a small file, refused from its header.
			big := image.NewGray(image.Rect(0, 0, 12000, 4000))
			var pb bytes.Buffer
			jpeg.Encode(&pb, big, &jpeg.Options{Quality: 1})
			if pb.Len() > upload.MaxBytes {
				t.Fatalf("test image too large: %d", pb.Len())
			}
			if res := h.apiBytes("/api/v1/uploads", ada, pb.Bytes()); res.StatusCode != 422 || !strings.Contains(res.body, "too many pixels") {
				t.Errorf("too many pixels: %d %s", res.StatusCode, res.body)
			}

			// Attaching: Bo cannot use Ada's upload; Ada can, once.
			res = h.apiJSON("POST", "/api/v1/ideas", bo, `{"question_id":"`+qid+`","title":"Stolen","images":["`+u.ID+`"]}`)
			if res.StatusCode != 422 || !strings.Contains(res.body, `"field":"images"`) {
				t.Errorf("someone else's image: %d %s", res.StatusCode, res.body)
			}
			if res := h.api("GET", "/api/v1/ideas?campaign_id="+apiID(c.ID), bo); strings.Contains(res.body, "Stolen") {
				t.Errorf("refused idea was stored: %s", res.body)
			}
			res = h.apiJSON("POST", "/api/v1/ideas", ada, `{"question_id":"`+qid+`","title":"Mine","body":"See *this*","images":["`+u.ID+`"]}`)
			if res.StatusCode != 201 || !strings.Contains(res.body, `"images":["`+u.ID+`"]`) || !strings.Contains(res.body, `"body":"See *this*"`) ||
				!strings.Contains(res.body, `"body_html":"\u003cp\u003eSee \u003cem\u003ethis\u003c/em\u003e\u003c/p\u003e"`) {
				t.Fatalf("idea with image: %d %s", res.StatusCode, res.body)
			}
			var i apiIdea
			json.Unmarshal([]byte(res.body), &i)
			if page := h.client().get("/ideas/" + i.ID); !strings.Contains(page.body, `<img src="`+u.URL+`"`) {
				t.Errorf("idea page lacks the image")
			}
			res = h.apiJSON("POST", "/api/v1/ideas", ada, `{"question_id":"`+qid+`","title":"Again","images":["`+u.ID+`"]}`)
			if res.StatusCode != 422 || !strings.Contains(res.body, `"field":"images"`) {
				t.Errorf("image of another idea: %d %s", res.StatusCode, res.body)
			}
			five := `"a1","a2","a3","a4","a5"`
			if res := h.apiJSON("POST", "/api/v1/ideas", ada, `{"question_id":"`+qid+`","title":"Many","images":[`+five+`]}`); res.StatusCode != 422 {
				t.Errorf("five images: %d", res.StatusCode)
			}

			// The new-idea form takes files.
			cl := h.client()
			cl.signIn("bo@example.org")
			cl.get("/campaigns/pics/ideas/new")
			ct, body = multipartBody(t, map[string]string{"csrf": cl.csrf, "question_id": qid, "title": "From the form", "body": "Two pictures"},
				map[string][][]byte{"images": {testJPEG(t, 20, 20), testJPEG(t, 30, 10)}})
			req, _ = http.NewRequest("POST", h.ts.URL+"/campaigns/pics/ideas", bytes.NewReader(body))
			req.Header.Set("Content-Type", ct)
			req.Header.Set("Origin", h.ts.URL)
			res = cl.do(req)
			if res.StatusCode != 303 {
				t.Fatalf("form with images: %d %s", res.StatusCode, res.body)
			}
			page := cl.get(res.Header.Get("Location"))
			if strings.Count(page.body, `<img src="/uploads/`) != 2 {
				t.Errorf("form idea page: want 2 images")
			}
			// A text file in the form is refused on the images field.
			cl.get("/campaigns/pics/ideas/new")
			ct, body = multipartBody(t, map[string]string{"csrf": cl.csrf, "question_id": qid, "title": "Bad file"},
				map[string][][]byte{"images": {[]byte("not an image")}})
			req, _ = http.NewRequest("POST", h.ts.URL+"/campaigns/pics/ideas", bytes.NewReader(body))
			req.Header.Set("Content-Type", ct)
			req.Header.Set("Origin", h.ts.URL)
			if res := cl.do(req); res.StatusCode != 422 || !strings.Contains(res.body, `id="err-images"`) {
				t.Errorf("text in form: %d", res.StatusCode)
			}
		})
	}
}

// mustID reads an API id.
func mustID(t *testing.T, id string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		t.Fatalf("id %q: %v", id, err)
	}
	return n
}
