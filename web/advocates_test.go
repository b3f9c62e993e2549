package web

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/account"
	"github.com/samtal-dev/samtal/advocate"
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/consent"
	"github.com/samtal-dev/samtal/i18n"
	"github.com/samtal-dev/samtal/idea"
	"github.com/samtal-dev/samtal/internal/testdb"
	"github.com/samtal-dev/samtal/outbox"
	"github.com/samtal-dev/samtal/sqlstore"
)

// newTestAdvocates is the harness's advocate service, wired as main wires
// it: the real store, outbox and consent service.
func newTestAdvocates(db *sqlstore.DB, ob *outbox.Service, consents *consent.Service, cat *i18n.Catalog, base string, log *slog.Logger) *advocate.Service {
	return &advocate.Service{Store: sqlstore.NewAdvocates(db), Consents: consents, Mailer: ob, Translator: cat, BaseURL: base, Log: log}
}

// apiBody calls the API with a JSON body.
func (h *harness) apiBody(method, path, token, body string) *response {
	h.t.Helper()
	req, _ := http.NewRequest(method, h.ts.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return h.client().do(req)
}

// advocateState is what a refusal must not change.
func advocateState(t *testing.T, h *harness) string {
	t.Helper()
	ctx := cli()
	var b strings.Builder
	members, _, err := h.srv.Advocates.Members(ctx, advocate.States, "", 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range members {
		fmt.Fprintf(&b, "%d:%s ", m.PersonID, m.State)
	}
	briefings, _, err := h.srv.Advocates.Briefings(ctx, "", 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, br := range briefings {
		fmt.Fprintf(&b, "b%d:%s:%q:%d:%d ", br.ID, br.State, br.Title, br.Mailed, br.Read)
	}
	mails, err := h.outbox.ListMail(context.Background(), outbox.Filter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	entries, err := sqlstore.NewAudit(h.db).ListAudit(context.Background(), audit.Filter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "mails:%d audit:%d", len(mails), len(entries))
	return b.String()
}

var briefingUnsubscribe = regexp.MustCompile(`/briefings/unsubscribe/[A-Za-z0-9_-]{43}`)

// TestAdvocatesAndBriefingsThroughPagesAndAPI walks the capability as
// staff, advocates, a member and a visitor: candidates with why, invitation
// and acceptance, a briefing written, sent only to the advocate who agreed,
// read once on the site, and every refusal changing nothing.
func TestAdvocatesAndBriefingsThroughPagesAndAPI(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			h := newHarness(t, engine)
			h.addUser("agent@example.org", samtal.RoleAgent)
			h.addUser("analyst@example.org", samtal.RoleAnalyst)
			ada := h.addUser("ada@example.org", samtal.RoleMember)   // advocate, agrees to briefings by mail
			bo := h.addUser("bo@example.org", samtal.RoleMember)     // advocate, no mail
			cleo := h.addUser("cleo@example.org", samtal.RoleMember) // candidate, invited through the page
			h.addUser("dan@example.org", samtal.RoleMember)          // just a member
			agent, analyst, member := h.token("agent@example.org"), h.token("analyst@example.org"), h.token("dan@example.org")
			as := func(a *account.Account) context.Context {
				return samtal.WithActor(context.Background(), samtal.Actor{AccountID: a.ID, PersonID: a.PersonID, IdentityID: a.IdentityID, Role: a.Role, Via: "test"})
			}

			// Cleo posts ideas and helps others: she becomes a candidate.
			c := &campaign.Campaign{Slug: "sofa", Title: "Sofa", Visibility: campaign.Public, Questions: []campaign.Question{{Text: "Which colour?"}}}
			if err := h.srv.Campaigns.Create(cli(), c); err != nil {
				t.Fatal(err)
			}
			for _, title := range []string{"Fjord blue", "Sage green"} {
				if _, err := h.srv.Ideas.Create(as(cleo), idea.NewIdea{QuestionID: c.Questions[0].ID, Title: title}); err != nil {
					t.Fatal(err)
				}
			}
			adaIdea, err := h.srv.Ideas.Create(as(ada), idea.NewIdea{QuestionID: c.Questions[0].ID, Title: "Oat white"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := h.srv.Ideas.AddComment(as(cleo), adaIdea.ID, 0, "I painted mine like this, it works."); err != nil {
				t.Fatal(err)
			}
			if _, err := h.srv.Advocates.RunScores(context.Background()); err != nil {
				t.Fatal(err)
			}

			staff := h.client()
			staff.signIn("agent@example.org")
			res := staff.get("/admin/advocates")
			if res.StatusCode != 200 || !strings.Contains(res.body, "User cleo@example.org") || !strings.Contains(res.body, "posted 2 ideas") ||
				!strings.Contains(res.body, "wrote 1 comment on other people&#39;s ideas") {
				t.Fatalf("candidates page: %d %.3000s", res.StatusCode, res.body)
			}
			// The reasons come in the reader's language.
			staffDE := h.client()
			staffDE.lang = "de"
			staffDE.signIn("agent@example.org")
			if res := staffDE.get("/admin/advocates"); !strings.Contains(res.body, "hat 2 Ideen geschrieben") {
				t.Errorf("German reasons missing: %.2000s", res.body)
			}
			res = h.api("GET", "/api/v1/advocate-candidates", analyst)
			var cands apiList[apiCandidate]
			if err := json.Unmarshal([]byte(res.body), &cands); err != nil || res.StatusCode != 200 || len(cands.Items) == 0 ||
				cands.Items[0].PersonID != apiID(cleo.PersonID) || cands.Items[0].Parts[0].Part != "helping" {
				t.Fatalf("API candidates: %d %s", res.StatusCode, res.body)
			}

			// Invite Cleo on the page; she accepts on hers.
			res = staff.post("/admin/advocates", url.Values{"person_id": {fmt.Sprint(cleo.PersonID)}})
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("invite: %d %.500s", res.StatusCode, res.body)
			}
			if m := h.lastMailTo("cleo@example.org"); !strings.Contains(m.Text, "/briefings") {
				t.Errorf("invitation mail: %q", m.Text)
			}
			cleoC := h.client()
			cleoC.signIn("cleo@example.org")
			res = cleoC.get("/briefings")
			if !strings.Contains(res.body, `value="accept"`) {
				t.Fatalf("Cleo's invitation: %.2000s", res.body)
			}
			if res := cleoC.post("/advocates/answer", url.Values{"answer": {"accept"}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("accept: %d %.500s", res.StatusCode, res.body)
			}
			// Ada and Bo join through the API; only Ada agrees to briefings
			// by mail.
			for _, a := range []*account.Account{ada, bo} {
				if res := h.apiBody("POST", "/api/v1/advocates", agent, fmt.Sprintf(`{"person_id":"%d"}`, a.PersonID)); res.StatusCode != 201 || !strings.Contains(res.body, `"state":"invited"`) {
					t.Fatalf("API invite: %d %s", res.StatusCode, res.body)
				}
				tok := h.token(a.Email)
				if res := h.apiBody("POST", "/api/v1/me/advocacy", tok, `{"answer":"accept"}`); res.StatusCode != 200 || !strings.Contains(res.body, `"state":"active"`) {
					t.Fatalf("API accept: %d %s", res.StatusCode, res.body)
				}
			}
			if _, err := h.consents.Record(as(ada), ada.PersonID, consent.Input{Purpose: consent.AdvocateBriefings, Given: true, Channel: consent.ChannelSettings}); err != nil {
				t.Fatal(err)
			}
			res = h.api("GET", "/api/v1/advocates", analyst)
			if res.StatusCode != 200 || strings.Count(res.body, `"state":"active"`) != 3 || !strings.Contains(res.body, `"next":""`) {
				t.Errorf("the group: %d %s", res.StatusCode, res.body)
			}

			// A briefing: written, previewed, sent.
			res = h.apiBody("POST", "/api/v1/briefings", agent, `{"title":"Spring facts","body":"The **Havbro** sofa comes in blue in May. [Roadmap](/roadmap)"}`)
			var br apiBriefing
			if err := json.Unmarshal([]byte(res.body), &br); err != nil || res.StatusCode != 201 || br.State != "draft" {
				t.Fatalf("create: %d %s", res.StatusCode, res.body)
			}
			res = staff.get("/admin/briefings/" + br.ID)
			if res.StatusCode != 200 || !strings.Contains(res.body, "<strong>Havbro</strong>") || !strings.Contains(res.body, "by mail now: 1. Without mail (they did not agree to briefings by email): 2.") {
				t.Fatalf("preview: %d %.3000s", res.StatusCode, res.body)
			}

			// Refusals, each changing nothing.
			before := advocateState(t, h)
			memberC := h.client()
			memberC.signIn("dan@example.org")
			refusals := []struct {
				name   string
				do     func() *response
				status int
			}{
				{"member on the candidates page", func() *response { return memberC.get("/admin/advocates") }, 403},
				{"member invites", func() *response {
					return memberC.post("/admin/advocates", url.Values{"person_id": {fmt.Sprint(ada.PersonID)}})
				}, 403},
				{"member sends", func() *response { return memberC.post("/admin/briefings/"+br.ID+"/send", nil) }, 403},
				{"member API candidates", func() *response { return h.api("GET", "/api/v1/advocate-candidates", member) }, 403},
				{"member API score", func() *response {
					return h.api("GET", fmt.Sprintf("/api/v1/advocate-scores/%d", cleo.PersonID), member)
				}, 403},
				{"member API recipients", func() *response { return h.api("GET", "/api/v1/briefings/"+br.ID+"/recipients", member) }, 403},
				{"member API invite", func() *response {
					return h.apiBody("POST", "/api/v1/advocates", member, fmt.Sprintf(`{"person_id":"%d"}`, ada.PersonID))
				}, 403},
				{"analyst sends", func() *response { return h.apiBody("POST", "/api/v1/briefings/"+br.ID+"/send", analyst, "") }, 403},
				{"visitor API", func() *response { return h.api("GET", "/api/v1/briefings", "") }, 401},
				{"visitor sends", func() *response { return h.apiBody("POST", "/api/v1/briefings/"+br.ID+"/send", "", "") }, 401},
				{"visitor page", func() *response { return h.client().get("/admin/briefings") }, 303},
				{"unknown briefing", func() *response { return h.api("GET", "/api/v1/briefings/987654", analyst) }, 404},
				{"send unknown briefing", func() *response { return h.apiBody("POST", "/api/v1/briefings/987654/send", agent, "") }, 404},
				{"unknown briefing page", func() *response { return staff.get("/admin/briefings/987654") }, 404},
				{"empty title", func() *response {
					return h.apiBody("POST", "/api/v1/briefings", agent, `{"title":" ","body":"Facts."}`)
				}, 422},
				{"empty title on the page", func() *response {
					staff.get("/admin/briefings")
					return staff.post("/admin/briefings", url.Values{"title": {""}, "body": {"Facts."}})
				}, 422},
				{"invite twice", func() *response {
					return h.apiBody("POST", "/api/v1/advocates", agent, fmt.Sprintf(`{"person_id":"%d"}`, ada.PersonID))
				}, 409},
				{"member reads a draft", func() *response { return cleoC.get("/briefings/" + br.ID) }, 404},
			}
			for _, r := range refusals {
				if res := r.do(); res.StatusCode != r.status {
					t.Errorf("%s: %d, want %d: %.300s", r.name, res.StatusCode, r.status, res.body)
				}
			}
			if after := advocateState(t, h); after != before {
				t.Errorf("refusals changed something:\n%s\n%s", before, after)
			}

			// Send on the page: only Ada gets a mail.
			staff.get("/admin/briefings/" + br.ID)
			if res := staff.post("/admin/briefings/"+br.ID+"/send", nil); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("send: %d %.500s", res.StatusCode, res.body)
			}
			m := h.lastMailTo("ada@example.org")
			if m.Subject != "Briefing: Spring facts" || !strings.Contains(m.Text, "The **Havbro** sofa comes in blue in May.") {
				t.Errorf("Ada's mail: %q %q", m.Subject, m.Text)
			}
			for _, who := range []string{"bo@example.org", "cleo@example.org"} {
				// Their one mail is the invitation.
				if list, _ := h.outbox.ListMail(context.Background(), outbox.Filter{To: who, Limit: 10}); len(list) != 1 || strings.HasPrefix(list[0].Subject, "Briefing") {
					t.Errorf("%s got %d mails", who, len(list))
				}
			}
			// Sending twice: 409, nothing changes.
			before = advocateState(t, h)
			if res := h.apiBody("POST", "/api/v1/briefings/"+br.ID+"/send", agent, ""); res.StatusCode != 409 {
				t.Errorf("send twice: %d %s", res.StatusCode, res.body)
			}
			if after := advocateState(t, h); after != before {
				t.Errorf("sending twice changed something:\n%s\n%s", before, after)
			}

			// Ada reads it on the site, twice; Dan may not.
			adaC := h.client()
			adaC.signIn("ada@example.org")
			res = adaC.get("/briefings")
			if !strings.Contains(res.body, `href="/briefings/`+br.ID+`"`) {
				t.Errorf("Ada's list: %.2000s", res.body)
			}
			for range 2 {
				res = adaC.get("/briefings/" + br.ID)
				if res.StatusCode != 200 || !strings.Contains(res.body, "<strong>Havbro</strong>") {
					t.Fatalf("Ada reads: %d %.500s", res.StatusCode, res.body)
				}
				// No recipients, no figures on an advocate's page.
				if strings.Contains(res.body, "User bo@example.org") || strings.Contains(res.body, "mailed to") {
					t.Errorf("an advocate's page shows recipients or figures: %.2000s", res.body)
				}
			}
			if res := memberC.get("/briefings/" + br.ID); res.StatusCode != 404 {
				t.Errorf("a member who is no advocate: %d", res.StatusCode)
			}
			res = h.api("GET", "/api/v1/briefings/"+br.ID+"/recipients", analyst)
			var rs apiList[apiRecipient]
			if err := json.Unmarshal([]byte(res.body), &rs); err != nil || len(rs.Items) != 1 || rs.Items[0].PersonID != apiID(ada.PersonID) ||
				rs.Items[0].MailState != "kept" || rs.Items[0].QueuedAt == "" || rs.Items[0].ReadAt == "" {
				t.Fatalf("recipients: %s", res.body)
			}
			firstRead := rs.Items[0].ReadAt
			res = staff.get("/admin/briefings/" + br.ID)
			if !strings.Contains(res.body, "User ada@example.org") || !strings.Contains(res.body, "read by 1") {
				t.Errorf("staff briefing page: %.3000s", res.body)
			}
			adaC.get("/briefings/" + br.ID)
			res = h.api("GET", "/api/v1/briefings/"+br.ID+"/recipients", analyst)
			if !strings.Contains(res.body, `"read_at":"`+firstRead+`"`) {
				t.Errorf("the read time moved: %s (first %s)", res.body, firstRead)
			}

			// The unsubscribe link: a page with a button; the POST withdraws
			// the consent.
			link := briefingUnsubscribe.FindString(m.Text)
			if link == "" || !strings.Contains(m.Headers["List-Unsubscribe"], link) {
				t.Fatalf("unsubscribe link %q, header %q", link, m.Headers["List-Unsubscribe"])
			}
			visitor := h.client()
			if res := visitor.get(link); res.StatusCode != 200 || !strings.Contains(res.body, `action="`+link+`"`) {
				t.Fatalf("unsubscribe page: %d %.500s", res.StatusCode, res.body)
			}
			if has, _ := h.consents.Has(context.Background(), ada.PersonID, consent.AdvocateBriefings); !has {
				t.Fatal("opening the link withdrew the consent")
			}
			if res := visitor.post(link, nil); res.StatusCode != 200 {
				t.Fatalf("unsubscribe: %d %.500s", res.StatusCode, res.body)
			}
			if has, _ := h.consents.Has(context.Background(), ada.PersonID, consent.AdvocateBriefings); has {
				t.Error("still consenting after unsubscribing")
			}
		})
	}
}
