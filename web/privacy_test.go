package web

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/account"
	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/internal/testdb"
	"github.com/samtal-dev/samtal/listening"
	"github.com/samtal-dev/samtal/listening/raw"
	"github.com/samtal-dev/samtal/sqlstore"
)

// uaTransport sends every request with one User-Agent.
type uaTransport string

func (ua uaTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r.Header.Set("User-Agent", string(ua))
	return http.DefaultTransport.RoundTrip(r)
}

// apiKeyed calls the API with a JSON body and an Idempotency-Key.
func (h *harness) apiKeyed(method, path, token, key, body string) *response {
	h.t.Helper()
	req, _ := http.NewRequest(method, h.ts.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Idempotency-Key", key)
	return h.client().do(req)
}

func wantStatus(t *testing.T, what string, res *response, status int) {
	t.Helper()
	if res.StatusCode != status {
		t.Fatalf("%s: status %d, want %d: %.500s", what, res.StatusCode, status, res.body)
	}
}

// The values that make Zephyrine findable. Each is distinctive, so that
// finding it anywhere after the erasure is a leak.
const (
	zedEmail    = "zephyrine.quillfeather@example.org"
	zedName     = "Zephyrine Quillfeather"
	zedHandle   = "zquillhandle"
	zedReview   = "Zephy Q. Reviews"
	zedMastodon = "quillmastodon"
	zedLocation = "Quillville"
	zedNote     = "Quillnote: prefers oak"
	zedTag      = "quilltag"
	zedReport   = "Quillreport: please look"
	zedAgent    = "QuillBrowser/9.1"
	zedToken    = "quilltoken"
	zedOutsider = "Quill F. from the shop"
	zedPaper    = "Z. Quillfeather-Paper"
	zedToot     = "Quilltoot: oak tables everywhere"
)

var zedValues = []string{zedEmail, zedName, "Zephyrine", "Quillfeather", zedHandle, zedReview, zedMastodon,
	zedLocation, zedNote, zedTag, zedReport, zedAgent, zedToken, zedOutsider, zedPaper, zedToot}

// TestErasureLeavesNothing is the proof: a member with distinctive values
// everywhere samtal keeps something (account, identities of three kinds, a
// handle, a location, a staff note, a tag, a consent, a session with its
// browser, an API token, a comment others were notified and mailed about, a
// reply to them with its mail, a vote, a follow, a report, an upload, audit
// entries by and about them, kept API answers, rate-limit counters) erases
// themselves from their settings. Then every column of every table is read
// and none of the values may be left, in any case. What they wrote in the
// community stays, under "a former member".
func TestErasureLeavesNothing(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			h := newHarness(t, engine)
			ctx := context.Background()
			h.addUser("admin@example.org", samtal.RoleAdmin)
			h.addUser("ann@example.org", samtal.RoleMember)
			admin, ann := h.token("admin@example.org"), h.token("ann@example.org")
			zed, _, err := h.accounts.AddUser(cli(), account.AddUserInput{Email: zedEmail, Name: zedName, Role: samtal.RoleMember, Password: testPassword})
			if err != nil {
				t.Fatal(err)
			}
			tok, err := h.accounts.CreateTokenFor(cli(), zedEmail, zedToken)
			if err != nil {
				t.Fatal(err)
			}
			zedTok := tok.Secret
			zid := fmt.Sprint(zed.PersonID)

			// Zed signs in with their browser, picks a handle, links a
			// Mastodon handle, consents to idea mails, uploads an image
			// they never use.
			browser := h.client()
			browser.http.Transport = uaTransport(zedAgent)
			browser.signIn(zedEmail)
			wantStatus(t, "handle", browser.post("/settings/handle", url.Values{"handle": {zedHandle}}), http.StatusSeeOther)
			wantStatus(t, "identity", h.apiJSON("POST", "/api/v1/persons/"+zid+"/identities", zedTok,
				`{"kind":"handle","network":"mastodon","value":"@`+zedMastodon+`"}`), http.StatusCreated)
			for _, tk := range []string{zedTok, ann} {
				me := h.api("GET", "/api/v1/me", tk)
				pid := between(me.body, `"person_id":"`, `"`)
				wantStatus(t, "consent", h.apiJSON("POST", "/api/v1/persons/"+pid+"/consents", tk, `{"purpose":"idea_emails","given":true}`), http.StatusCreated)
			}
			res := h.apiBytes("/api/v1/uploads", zedTok, testJPEG(t, 40, 30))
			wantStatus(t, "upload", res, http.StatusCreated)
			// Staff record a consent Zed signed on paper, with its text.
			wantStatus(t, "paper consent", h.apiJSON("POST", "/api/v1/persons/"+zid+"/consents", admin,
				`{"purpose":"research_contact","given":true,"channel":"paper","text":"You may call me about research. Signed, `+zedPaper+`"}`), http.StatusCreated)
			uploadURL := between(res.body, `"url":"`, `"`)
			wantStatus(t, "the upload", h.client().get(uploadURL), http.StatusOK)

			// Staff record what they know: another identity, a location, a
			// tag, a note (kept as an Idempotency-Key answer too).
			wantStatus(t, "review name", h.apiJSON("POST", "/api/v1/persons/"+zid+"/identities", admin,
				`{"kind":"review_name","network":"trustpilot","value":"`+zedReview+`"}`), http.StatusCreated)
			wantStatus(t, "location", h.apiJSON("PATCH", "/api/v1/persons/"+zid, admin,
				`{"location":"`+zedLocation+`","tags":["`+zedTag+`"]}`), http.StatusOK)
			wantStatus(t, "note", h.apiKeyed("POST", "/api/v1/persons/"+zid+"/notes", admin, "note-1", `{"body":"`+zedNote+`"}`), http.StatusCreated)
			// Staff knew them from elsewhere under another name, with their
			// email unverified: a merge suggestion names the email; staff
			// merge that person into Zed (the record of what moved stays).
			res = h.apiJSON("POST", "/api/v1/persons", admin, `{"name":"`+zedOutsider+`","identities":[{"kind":"email","value":"`+zedEmail+`"}]}`)
			wantStatus(t, "outsider", res, http.StatusCreated)
			outsider := between(res.body, `"id":"`, `"`)
			wantStatus(t, "merge", h.apiJSON("POST", "/api/v1/persons/"+outsider+"/merge", admin, `{"into":"`+zid+`"}`), http.StatusOK)
			// Listening heard Zed toot on Mastodon, under the handle the
			// network vouches for: a person of its own until staff merge it
			// into Zed, and the mention moves with the merge.
			src := &listening.Source{Kind: listening.KindMastodon, Name: "Oak on Mastodon",
				Config: listening.SourceConfig{Server: "https://mastodon.social", Hashtag: "oak"}}
			if err := h.srv.Listening.CreateSource(cli(), src); err != nil {
				t.Fatal(err)
			}
			heard, err := h.srv.Listening.Ingest(ctx, src, []raw.Item{{ExternalID: "109", URL: "https://mastodon.social/@" + zedMastodon + "/109",
				Author: zedName, AuthorHandle: "@" + zedMastodon + "@mastodon.social", Text: zedToot + ", and the shop has them in three colours now."}})
			if err != nil || len(heard.IDs) != 1 {
				t.Fatalf("ingest the toot: %+v %v", heard, err)
			}
			toot, _ := h.srv.Listening.Mention(cli(), heard.IDs[0])
			if fmt.Sprint(toot.PersonID) != zid {
				wantStatus(t, "merge the tooter", h.apiJSON("POST", fmt.Sprintf("/api/v1/persons/%d/merge", toot.PersonID), admin, `{"into":"`+zid+`"}`), http.StatusOK)
			}
			if toot, _ = h.srv.Listening.Mention(cli(), heard.IDs[0]); fmt.Sprint(toot.PersonID) != zid {
				t.Fatalf("the toot is person %d's, not Zed's", toot.PersonID)
			}

			// In the community: Ann's idea, Zed's comment (Ann is told and
			// mailed), Ann's reply (Zed is told and mailed), Zed's vote,
			// follow and report.
			c := newCampaign(t, h, "oak", campaign.Public, 0)
			idea := newIdea(t, h, "ann@example.org", c.Questions[0].ID, "An oak table")
			other := newIdea(t, h, "ann@example.org", c.Questions[0].ID, "A pine shelf")
			res = h.apiKeyed("POST", fmt.Sprintf("/api/v1/ideas/%d/comments", idea.ID), zedTok, "comment-1", `{"body":"Lovely, in oak please."}`)
			wantStatus(t, "comment", res, http.StatusCreated)
			commentID := between(res.body, `"id":"`, `"`)
			wantStatus(t, "reply", h.apiJSON("POST", "/api/v1/comments/"+commentID+"/replies", ann, `{"body":"Thank you!"}`), http.StatusCreated)
			wantStatus(t, "vote", h.api("POST", fmt.Sprintf("/api/v1/ideas/%d/vote", idea.ID), zedTok), http.StatusOK)
			wantStatus(t, "follow", h.api("POST", fmt.Sprintf("/api/v1/ideas/%d/follow", other.ID), zedTok), http.StatusOK)
			wantStatus(t, "report", h.apiJSON("POST", "/api/v1/reports", zedTok,
				fmt.Sprintf(`{"target":"idea-%d","reason":"other","text":"%s"}`, other.ID, zedReport)), http.StatusCreated)
			if m := h.lastMailTo("ann@example.org"); !strings.Contains(m.Text, zedName) {
				t.Fatalf("Ann's mail does not name Zed, so the test proves less than it says: %q", m.Text)
			}
			h.lastMailTo(zedEmail)
			// Zed takes their archive first (an audit entry by them).
			archive := h.api("POST", "/api/v1/persons/"+zid+"/export", zedTok)
			wantStatus(t, "export", archive, http.StatusOK)
			if files := unzip(t, archive.body); !strings.Contains(files["mentions.jsonl"], zedToot) {
				t.Errorf("the archive lacks what listening heard: %q", files["mentions.jsonl"])
			}

			before, err := h.db.Remnants(ctx, zedValues)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range zedValues {
				if !strings.Contains(strings.Join(before, "\n"), fmt.Sprintf("%q", v)) {
					t.Errorf("before the erasure, %q is nowhere: the test does not prove it goes", v)
				}
			}

			// Zed erases themselves from the settings.
			browser.get("/settings")
			res = browser.post("/settings/erase", url.Values{"password": {testPassword}, "confirm": {"yes"}})
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/?flash=flash.erased" {
				t.Fatalf("erase: %d %s %.500s", res.StatusCode, res.Header.Get("Location"), res.body)
			}

			found, err := h.db.Remnants(ctx, zedValues)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range found {
				t.Errorf("after the erasure: %s", f)
			}

			// What they wrote stays, by "a former member"; Ann's
			// notification reads on; the session is over.
			page := h.client().get(fmt.Sprintf("/ideas/%d", idea.ID))
			if !strings.Contains(page.body, "Lovely, in oak please.") || !strings.Contains(page.body, "<strong>a former member</strong>") {
				t.Errorf("idea page after the erasure: %.3000s", page.body)
			}
			annBrowser := h.client()
			annBrowser.signIn("ann@example.org")
			if n := annBrowser.get("/notifications"); !strings.Contains(n.body, "a former member commented on “An oak table”") {
				t.Errorf("Ann's notifications: %.3000s", n.body)
			}
			if i, err := h.srv.Ideas.Get(ctx, idea.ID); err != nil || i.Votes != 1 || i.Comments != 2 {
				t.Errorf("counts after the erasure: %+v, %v", i, err)
			}
			if res := browser.get("/settings"); res.StatusCode != http.StatusSeeOther {
				t.Errorf("the erased member's session still works: %d", res.StatusCode)
			}
			if sub, err := sqlstore.NewPrivacy(h.db).Subject(ctx, zed.PersonID); err != nil || !sub.Erased {
				t.Errorf("subject after erasure: %+v, %v", sub, err)
			}
			if res := h.client().get(uploadURL); res.StatusCode != http.StatusNotFound {
				t.Errorf("the unused upload after the erasure: %d", res.StatusCode)
			}
		})
	}
}

func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	s = s[i+len(from):]
	if j := strings.Index(s, to); j >= 0 {
		return s[:j]
	}
	return s
}

// unzip reads an archive answer.
func unzip(t *testing.T, body string) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader([]byte(body)), int64(len(body)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	files := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		files[f.Name] = string(b)
	}
	return files
}

// TestPrivacyScenarios walks the archive and erasure through the API, the
// settings and the admin's page, with every refusal.
func TestPrivacyScenarios(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			h := newHarness(t, engine)
			h.addUser("admin@example.org", samtal.RoleAdmin)
			zed := h.addUser("zed@example.org", samtal.RoleMember)
			h.addUser("ann@example.org", samtal.RoleMember)
			admin, ann, zedTok := h.token("admin@example.org"), h.token("ann@example.org"), h.token("zed@example.org")
			zid := fmt.Sprint(zed.PersonID)
			export, erase := "/api/v1/persons/"+zid+"/export", "/api/v1/persons/"+zid+"/erase"

			wantAPIError(t, h.api("POST", export, ""), 401, samtal.EUNAUTHORIZED, "")
			wantAPIError(t, h.api("POST", erase, ""), 401, samtal.EUNAUTHORIZED, "")
			wantAPIError(t, h.api("POST", export, ann), 404, samtal.ENOTFOUND, "")
			wantAPIError(t, h.apiJSON("POST", erase, ann, `{"password":"`+testPassword+`"}`), 404, samtal.ENOTFOUND, "")
			wantAPIError(t, h.apiJSON("POST", erase, zedTok, `{"password":"not it"}`), 422, samtal.EINVALID, "password")
			wantAPIError(t, h.apiJSON("POST", erase, zedTok, `{"password":`), 400, samtal.EMALFORMED, "")
			wantAPIError(t, h.api("POST", "/api/v1/persons/nope/export", admin), 404, samtal.ENOTFOUND, "")

			// The member's own archive, streamed as a zip; an
			// Idempotency-Key does not keep a copy.
			for range 2 {
				res := h.apiKeyed("POST", export, zedTok, "again", "")
				if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/zip" ||
					!strings.HasPrefix(res.Header.Get("Content-Disposition"), `attachment; filename="samtal-person-`+zid+"-") ||
					res.Header.Get("Cache-Control") != "no-store" || res.Header.Get("Idempotent-Replayed") != "" {
					t.Fatalf("export: %d %v", res.StatusCode, res.Header)
				}
				if files := unzip(t, res.body); !strings.Contains(files["person.json"], `"email": "zed@example.org"`) {
					t.Errorf("person.json = %s", files["person.json"])
				}
			}

			// The settings: the button and the form; a wrong password or no
			// tick changes nothing.
			browser := h.client()
			browser.signIn("zed@example.org")
			settings := browser.get("/settings")
			if !strings.Contains(settings.body, `action="/settings/export"`) || !strings.Contains(settings.body, `action="/settings/erase"`) {
				t.Errorf("settings page: %.3000s", settings.body)
			}
			res := browser.post("/settings/export", nil)
			if res.StatusCode != 200 || !strings.Contains(unzip(t, res.body)["person.json"], "zed@example.org") {
				t.Errorf("settings export: %d", res.StatusCode)
			}
			browser.get("/settings")
			res = browser.post("/settings/erase", url.Values{"password": {"not it"}, "confirm": {"yes"}})
			if res.StatusCode != 422 || !strings.Contains(res.body, "The password is not right.") {
				t.Errorf("wrong password: %d %.2000s", res.StatusCode, res.body)
			}
			res = browser.post("/settings/erase", url.Values{"password": {testPassword}})
			if res.StatusCode != 422 || !strings.Contains(res.body, "Tick the box to confirm.") {
				t.Errorf("no tick: %d", res.StatusCode)
			}
			if res := h.api("GET", "/api/v1/me", zedTok); res.StatusCode != 200 {
				t.Fatalf("after refusals, zed's account: %d", res.StatusCode)
			}

			// The admin's page: members may not; no tick, no erasure.
			page := "/admin/people/" + zid + "/privacy"
			annBrowser := h.client()
			annBrowser.signIn("ann@example.org")
			if res := annBrowser.get(page); res.StatusCode != 403 {
				t.Errorf("member on the admin's page: %d", res.StatusCode)
			}
			staff := h.client()
			staff.signIn("admin@example.org")
			res = staff.get(page)
			if res.StatusCode != 200 || !strings.Contains(res.body, "zed@example.org") || !strings.Contains(res.body, `action="/admin/people/`+zid+`/erase"`) {
				t.Fatalf("admin's page: %d %.2000s", res.StatusCode, res.body)
			}
			res = staff.post("/admin/people/"+zid+"/export", nil)
			if files := unzip(t, res.body); res.StatusCode != 200 || files["notes.jsonl"] != "" && !strings.HasSuffix(files["notes.jsonl"], "\n") {
				t.Errorf("admin's export: %d", res.StatusCode)
			} else if _, ok := files["notes.jsonl"]; !ok {
				t.Error("the admin's archive lacks notes.jsonl")
			}
			staff.get(page)
			if res := staff.post("/admin/people/"+zid+"/erase", url.Values{}); res.StatusCode != 422 {
				t.Errorf("erase without a tick: %d", res.StatusCode)
			}
			staff.get(page)
			res = staff.post("/admin/people/"+zid+"/erase", url.Values{"confirm": {"yes"}})
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("admin erases: %d %.1000s", res.StatusCode, res.body)
			}
			if res := staff.get(res.Header.Get("Location")); !strings.Contains(res.body, "The person is erased.") ||
				!strings.Contains(res.body, "nothing personal about them is left") || strings.Contains(res.body, "zed@example.org") {
				t.Errorf("page after erasure: %.2000s", res.body)
			}

			// Once erased: 409 for both, and nothing changes.
			wantAPIError(t, h.api("POST", erase, admin), 409, samtal.ECONFLICT, "")
			wantAPIError(t, h.api("POST", export, admin), 409, samtal.ECONFLICT, "")
			if n := auditCount(t, h, "person.erase"); n != 1 {
				t.Errorf("%d erase entries, want 1", n)
			}
			// The admin erases through the API too.
			ann2 := h.addUser("ann2@example.org", samtal.RoleMember)
			res = h.api("POST", fmt.Sprintf("/api/v1/persons/%d/erase", ann2.PersonID), admin)
			if res.StatusCode != 200 || !strings.Contains(res.body, `"erased":true`) {
				t.Errorf("api erase: %d %s", res.StatusCode, res.body)
			}
		})
	}
}
