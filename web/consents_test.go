package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/account"
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/consent"
	"github.com/samtal-dev/samtal/internal/testdb"
	"github.com/samtal-dev/samtal/sqlstore"
)

// consentWrites counts what a consent call may write: records of the given
// persons, audit entries and texts. A refusal must leave it as it was.
func consentWrites(t *testing.T, h *harness, personIDs ...int64) string {
	t.Helper()
	ctx := context.Background()
	store := sqlstore.NewConsents(h.db)
	n := 0
	for _, id := range personIDs {
		list, err := store.Records(ctx, id, nil, 100)
		if err != nil {
			t.Fatal(err)
		}
		n += len(list)
	}
	entries, err := sqlstore.NewAudit(h.db).ListAudit(ctx, audit.Filter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	texts, _ := store.Texts(ctx)
	return fmt.Sprintf("%d records, %d audit entries, %d texts", n, len(entries), len(texts))
}

type consentListBody struct {
	Items []struct {
		ID            string `json:"id"`
		Purpose       string `json:"purpose"`
		Given         bool   `json:"given"`
		Channel       string `json:"channel"`
		IdentityID    string `json:"identity_id"`
		ActorPersonID string `json:"actor_person_id"`
		Text          *struct {
			Body      string `json:"body"`
			Version   int    `json:"version"`
			Lang      string `json:"lang"`
			Published bool   `json:"published"`
		} `json:"text"`
	} `json:"items"`
	Next    string `json:"next"`
	Current []struct {
		Purpose string `json:"purpose"`
		Given   bool   `json:"given"`
	} `json:"current"`
}

// TestConsentAPI walks the consent API as a visitor, the person, another
// member, an analyst (reads people) and an agent (edits people), with every
// refusal, and checks that no refusal writes anything.
func TestConsentAPI(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			h := newHarness(t, engine)
			ada := h.addUser("ada@example.org", samtal.RoleMember)
			bo := h.addUser("bo@example.org", samtal.RoleMember)
			h.addUser("agent@example.org", samtal.RoleAgent)
			h.addUser("analyst@example.org", samtal.RoleAnalyst)
			adaTok, boTok := h.token("ada@example.org"), h.token("bo@example.org")
			agentTok, analystTok := h.token("agent@example.org"), h.token("analyst@example.org")
			adas := fmt.Sprintf("/api/v1/persons/%d/consents", ada.PersonID)

			before := consentWrites(t, h, ada.PersonID, bo.PersonID)
			refusals := []struct {
				name   string
				method string
				path   string
				token  string
				body   any
				status int
				field  string
			}{
				{"visitor reads", "GET", adas, "", nil, 401, ""},
				{"visitor records", "POST", adas, "", map[string]any{"purpose": "idea_emails", "given": true}, 401, ""},
				{"member reads another's", "GET", adas, boTok, nil, 404, ""},
				{"member records another's", "POST", adas, boTok, map[string]any{"purpose": "idea_emails", "given": true}, 404, ""},
				{"analyst records", "POST", adas, analystTok, map[string]any{"purpose": "idea_emails", "given": true, "text": "x"}, 403, ""},
				{"no such person", "GET", "/api/v1/persons/999999/consents", agentTok, nil, 404, ""},
				{"not an id", "GET", "/api/v1/persons/abc/consents", agentTok, nil, 404, ""},
				{"bad JSON", "POST", adas, adaTok, `{"purpose":`, 400, ""},
				{"unknown field", "POST", adas, adaTok, `{"purpose":"idea_emails","given":true,"scope":"all"}`, 400, ""},
				{"given as a string", "POST", adas, adaTok, `{"purpose":"idea_emails","given":"yes"}`, 422, "given"},
				{"bad purpose", "POST", adas, adaTok, map[string]any{"purpose": "newsletter", "given": true}, 422, "purpose"},
				{"no given", "POST", adas, adaTok, map[string]any{"purpose": "idea_emails"}, 422, "given"},
				{"member claims paper", "POST", adas, adaTok, map[string]any{"purpose": "idea_emails", "given": true, "channel": "paper"}, 422, "channel"},
				{"member's own words", "POST", adas, adaTok, map[string]any{"purpose": "idea_emails", "given": true, "text": "Spam me."}, 422, "text"},
				{"staff without the text", "POST", adas, agentTok, map[string]any{"purpose": "research_contact", "given": true}, 422, "text"},
				{"bad text id", "POST", adas, agentTok, map[string]any{"purpose": "research_contact", "given": true, "text_id": "x"}, 422, "text_id"},
				{"another's identity", "POST", adas, agentTok, map[string]any{"purpose": "research_contact", "given": true, "text": "x",
					"identity_id": fmt.Sprint(bo.IdentityID)}, 422, "identity_id"},
				{"bad limit", "GET", adas + "?limit=500", adaTok, nil, 422, "limit"},
				{"bad cursor", "GET", adas + "?cursor=zzz", adaTok, nil, 422, "cursor"},
			}
			for _, tt := range refusals {
				res := ideaAPI(h, tt.method, tt.path, tt.token, tt.body)
				if res.StatusCode != tt.status {
					t.Errorf("%s: %d, want %d: %s", tt.name, res.StatusCode, tt.status, res.body)
					continue
				}
				var e apiError
				if err := json.Unmarshal([]byte(res.body), &e); err != nil || e.Error.Code == "" || e.Error.Field != tt.field {
					t.Errorf("%s: error body %s, want field %q", tt.name, res.body, tt.field)
				}
			}
			if after := consentWrites(t, h, ada.PersonID, bo.PersonID); after != before {
				t.Errorf("refusals wrote: %s → %s", before, after)
			}

			// Ada gives her own consent: the current English text.
			res := ideaAPI(h, "POST", adas, adaTok, map[string]any{"purpose": "idea_emails", "given": true})
			if res.StatusCode != 201 || !strings.Contains(res.body, `"channel":"api"`) || !strings.Contains(res.body, `"version":1`) ||
				!strings.Contains(res.body, `"identity_id":"`+fmt.Sprint(ada.IdentityID)+`"`) {
				t.Fatalf("give: %d %s", res.StatusCode, res.body)
			}
			// An agent records research consent gathered on paper, with the
			// exact text; then a withdrawal by phone without one.
			paper := "Fjordhus may invite me to a test of the new sofa.\nSigned, Ada"
			res = ideaAPI(h, "POST", adas, agentTok, map[string]any{"purpose": "research_contact", "given": true, "text": paper,
				"channel": "paper", "lang": "en"})
			if res.StatusCode != 201 {
				t.Fatalf("agent records: %d %s", res.StatusCode, res.body)
			}
			if res := ideaAPI(h, "POST", adas, agentTok, map[string]any{"purpose": "content_reuse", "given": false, "channel": "phone"}); res.StatusCode != 201 {
				t.Fatalf("withdraw by phone: %d %s", res.StatusCode, res.body)
			}

			// Ada, the analyst and the agent read the same history.
			for _, tok := range []string{adaTok, analystTok, agentTok} {
				res := ideaAPI(h, "GET", adas, tok, nil)
				var body consentListBody
				if res.StatusCode != 200 || json.Unmarshal([]byte(res.body), &body) != nil {
					t.Fatalf("read: %d %s", res.StatusCode, res.body)
				}
				if len(body.Items) != 3 || body.Items[1].Text == nil || body.Items[1].Text.Body != paper || body.Items[1].Text.Published ||
					body.Items[1].Channel != "paper" || body.Items[0].Text != nil || body.Items[2].Text == nil || !body.Items[2].Text.Published {
					t.Errorf("history: %s", res.body)
				}
				given := map[string]bool{}
				for _, c := range body.Current {
					given[c.Purpose] = c.Given
				}
				if len(body.Current) != 4 || !given["idea_emails"] || !given["research_contact"] || given["content_reuse"] || given["advocate_briefings"] {
					t.Errorf("current: %+v", body.Current)
				}
			}
			// Pages of one.
			res = ideaAPI(h, "GET", adas+"?limit=1", adaTok, nil)
			var page consentListBody
			json.Unmarshal([]byte(res.body), &page)
			if len(page.Items) != 1 || page.Next == "" {
				t.Fatalf("page 1: %s", res.body)
			}
			res = ideaAPI(h, "GET", adas+"?limit=1&cursor="+url.QueryEscape(page.Next), adaTok, nil)
			var page2 consentListBody
			json.Unmarshal([]byte(res.body), &page2)
			if len(page2.Items) != 1 || page2.Items[0].ID == page.Items[0].ID || page2.Items[0].Purpose != "research_contact" {
				t.Errorf("page 2: %s", res.body)
			}
			// And the sender's question follows.
			if ok, _ := h.consents.Has(context.Background(), ada.PersonID, consent.IdeaEmails); !ok {
				t.Error("Has after the API gave consent")
			}
		})
	}
}

// TestConsentSettingsAndMailChoice: the settings page shows each purpose
// with its text and the history with the text each time; the mail choice
// gives and withdraws the idea_emails consent; an account without consent
// sees its mail as off until it chooses again.
func TestConsentSettingsAndMailChoice(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			h := newHarness(t, engine)
			acc := h.addUser("ada@example.org", samtal.RoleMember)
			c := h.client()
			c.signIn("ada@example.org")
			has := func(purpose string) bool {
				t.Helper()
				ok, err := h.consents.Has(context.Background(), acc.PersonID, purpose)
				if err != nil {
					t.Fatal(err)
				}
				return ok
			}
			page := c.get("/settings")
			mailText, _ := h.srv.Catalog.Static("en", "consent.default.idea_emails")
			if page.StatusCode != 200 || !strings.Contains(page.body, `id="consent"`) || !strings.Contains(page.body, "Invitations to research") ||
				!strings.Contains(page.body, "We send emails about ideas only with your consent") {
				t.Fatalf("settings: %d %.3000s", page.StatusCode, page.body)
			}
			// The account's setting is "immediate", but without consent the
			// page shows what happens: no mail.
			if !regexp.MustCompile(`value="off" checked`).MatchString(page.body) {
				t.Errorf("mail choice without consent is not shown as off")
			}
			textID := regexp.MustCompile(`name="consent_text_id" value="(\d+)"`).FindStringSubmatch(page.body)
			if textID == nil || !strings.Contains(page.body, templateEscape(mailText)) {
				t.Fatalf("the mail choice does not show the consent text")
			}
			if res := c.post("/settings/notifications", url.Values{"notify_email": {"daily"}, "consent_text_id": {textID[1]}}); res.StatusCode != 303 {
				t.Fatalf("daily: %d %.500s", res.StatusCode, res.body)
			}
			if a, _, _ := sqlstoreAccount(h, "ada@example.org"); a.NotifyEmail != account.NotifyDaily || !has(consent.IdeaEmails) {
				t.Errorf("after choosing daily: %q, consent %v", a.NotifyEmail, has(consent.IdeaEmails))
			}
			// The consent checkboxes: research on, mail stays on.
			page = c.get("/settings")
			research := regexp.MustCompile(`name="text_research_contact" value="(\d+)"`).FindStringSubmatch(page.body)
			mail := regexp.MustCompile(`name="text_idea_emails" value="(\d+)"`).FindStringSubmatch(page.body)
			if research == nil || mail == nil {
				t.Fatalf("no consent checkboxes: %.3000s", page.body)
			}
			form := url.Values{"shown": {"idea_emails", "research_contact", "content_reuse", "advocate_briefings"},
				"text_idea_emails": {mail[1]}, "text_research_contact": {research[1]}, "given": {"idea_emails", "research_contact"}}
			if res := c.post("/settings/consents", form); res.StatusCode != 303 || !strings.Contains(res.Header.Get("Location"), "flash.consent_saved") {
				t.Fatalf("consents: %d %s", res.StatusCode, res.Header.Get("Location"))
			}
			if !has(consent.ResearchContact) || !has(consent.IdeaEmails) || has(consent.ContentReuse) {
				t.Error("the checkboxes did not record what was ticked")
			}
			// A tampered form (a text of another purpose) changes nothing.
			before := consentWrites(t, h, acc.PersonID)
			bad := url.Values{"shown": {"content_reuse"}, "text_content_reuse": {mail[1]}, "given": {"content_reuse"}}
			if res := c.post("/settings/consents", bad); res.StatusCode != 422 {
				t.Errorf("tampered form: %d", res.StatusCode)
			}
			if res := c.post("/settings/consents", url.Values{"shown": {"newsletter"}}); res.StatusCode != 422 {
				t.Errorf("unknown purpose: %d", res.StatusCode)
			}
			if after := consentWrites(t, h, acc.PersonID); after != before {
				t.Errorf("refused forms wrote: %s → %s", before, after)
			}
			// Mail off withdraws the idea_emails consent.
			if res := c.post("/settings/notifications", url.Values{"notify_email": {"off"}, "consent_text_id": {textID[1]}}); res.StatusCode != 303 {
				t.Fatalf("off: %d", res.StatusCode)
			}
			if has(consent.IdeaEmails) || !has(consent.ResearchContact) {
				t.Error("mail off did not withdraw (only) the idea_emails consent")
			}
			// The history shows each choice with the text seen.
			page = c.get("/settings")
			researchText, _ := h.srv.Catalog.Static("en", "consent.default.research_contact")
			hist := page.body[strings.Index(page.body, "Your choices so far"):]
			if strings.Count(hist, `class="consent-record"`) != 3 || !strings.Contains(hist, templateEscape(researchText)) ||
				!strings.Contains(hist, "withdrawn") || !strings.Contains(hist, "in the settings") {
				t.Errorf("history: %.3000s", hist)
			}
		})
	}
}

// templateEscape escapes a text as html/template writes it in a page.
func templateEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "'", "&#39;", `"`, "&#34;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// TestSignUpConsent: the sign-up form offers idea_emails with its text; a
// ticked box becomes consent only when the email is confirmed.
func TestSignUpConsent(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			h := newHarness(t, engine)
			c := h.client()
			c.lang = "de"
			form := c.get("/signup")
			text, _ := h.srv.Catalog.Static("de", "consent.default.idea_emails")
			m := regexp.MustCompile(`name="consent" value="(\d+)"`).FindStringSubmatch(form.body)
			if m == nil || !strings.Contains(form.body, templateEscape(text)) {
				t.Fatalf("sign-up form: %.3000s", form.body)
			}
			// A tampered id is refused and creates nobody.
			res := c.post("/signup", url.Values{"email": {"nora@example.org"}, "name": {"Nora"}, "password": {testPassword}, "consent": {"999999"}})
			if res.StatusCode != 422 {
				t.Errorf("tampered consent: %d", res.StatusCode)
			}
			if _, _, err := sqlstoreAccount(h, "nora@example.org"); err == nil {
				t.Error("a refused sign-up created the account")
			}
			res = c.post("/signup", url.Values{"email": {"nora@example.org"}, "name": {"Nora"}, "password": {testPassword}, "consent": {m[1]}})
			if res.StatusCode != 200 {
				t.Fatalf("sign-up: %d %.500s", res.StatusCode, res.body)
			}
			acc, _, err := sqlstoreAccount(h, "nora@example.org")
			if err != nil {
				t.Fatal(err)
			}
			if ok, _ := h.consents.Has(context.Background(), acc.PersonID, consent.IdeaEmails); ok {
				t.Error("consent before the email is confirmed")
			}
			link := linkIn(t, h.lastMailTo("nora@example.org"))
			c.get(link)
			if res := c.post(link, nil); res.StatusCode != 303 {
				t.Fatalf("verify: %d", res.StatusCode)
			}
			list, _, err := h.consents.History(samtal.WithActor(context.Background(), samtal.Actor{Role: samtal.RoleAdmin, Via: "cli"}), acc.PersonID, "", 10)
			if err != nil || len(list) != 1 || !list[0].Given || list[0].Channel != consent.ChannelSignup || list[0].Text.Body != text || list[0].Text.Lang != "de" {
				t.Errorf("after verifying: %+v, %v", list, err)
			}
		})
	}
}

// TestAdminPublishesConsentTexts: the admins' page lists the texts and
// publishes a new version; the settings then show it.
func TestAdminPublishesConsentTexts(t *testing.T) {
	h := newHarness(t, "sqlite")
	h.addUser("admin@example.org", samtal.RoleAdmin)
	h.addUser("mod@example.org", samtal.RoleModerator)
	admin := h.client()
	admin.signIn("admin@example.org")
	if res := admin.get("/admin"); !strings.Contains(res.body, `href="/admin/consent-texts"`) {
		t.Error("no tile for consent texts")
	}
	page := admin.get("/admin/consent-texts")
	if page.StatusCode != 200 || strings.Count(page.body, `class="consent-record"`) != 12 {
		t.Fatalf("texts page: %d, %d versions", page.StatusCode, strings.Count(page.body, `class="consent-record"`))
	}
	body := "Yes, email me about my ideas. Version two."
	res := admin.post("/admin/consent-texts", url.Values{"purpose": {"idea_emails"}, "lang": {"en"}, "body": {body}})
	if res.StatusCode != 303 {
		t.Fatalf("publish: %d %.500s", res.StatusCode, res.body)
	}
	page = admin.get(res.Header.Get("Location"))
	if !strings.Contains(page.body, "The new text is published") || !strings.Contains(page.body, "version 2, published") {
		t.Errorf("after publishing: %.2000s", page.body)
	}
	// The same text again is refused and changes nothing.
	if res := admin.post("/admin/consent-texts", url.Values{"purpose": {"idea_emails"}, "lang": {"en"}, "body": {body}}); res.StatusCode != 409 ||
		!strings.Contains(res.body, "This is the current text already") {
		t.Errorf("same text again: %d", res.StatusCode)
	}
	if res := admin.post("/admin/consent-texts", url.Values{"purpose": {"spam"}, "lang": {"en"}, "body": {"x"}}); res.StatusCode != 422 {
		t.Errorf("bad purpose: %d", res.StatusCode)
	}
	// A moderator may not publish.
	mod := h.client()
	mod.signIn("mod@example.org")
	if res := mod.get("/admin/consent-texts"); res.StatusCode != 403 {
		t.Errorf("moderator reads the texts page: %d", res.StatusCode)
	}
	if res := mod.post("/admin/consent-texts", url.Values{"purpose": {"idea_emails"}, "lang": {"en"}, "body": {"Mine"}}); res.StatusCode != 403 {
		t.Errorf("moderator publishes: %d", res.StatusCode)
	}
	if s, _ := h.consents.Shown(context.Background(), consent.IdeaEmails, "en"); s == nil || s.Body != body || s.Version != 2 {
		t.Errorf("shown now: %+v", s)
	}
	entries, _ := sqlstore.NewAudit(h.db).ListAudit(context.Background(), audit.Filter{Action: "consent.text_publish", Limit: 100})
	if len(entries) != 13 {
		t.Errorf("%d publish entries, want 12 defaults and 1 by the admin", len(entries))
	}
}
