package web

import (
	"context"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/internal/testdb"
	"github.com/samtal-dev/samtal/person"
	"github.com/samtal-dev/samtal/sqlstore"
)

func TestPeopleExportCSV(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			h := newHarness(t, engine)
			h.addUser("admin@example.org", samtal.RoleAdmin)
			h.addUser("analyst@example.org", samtal.RoleAnalyst)
			h.addUser("agent@example.org", samtal.RoleAgent)
			h.addUser("member@example.org", samtal.RoleMember)
			persons := sqlstore.NewPersons(h.db)
			people := &person.Service{Store: persons}
			r := &person.Resolver{Store: persons, Candidates: persons}
			hostile, _, err := r.Resolve(context.Background(), person.Resolution{Name: "=HYPERLINK(\"http://evil.example\")",
				Identity: person.Identity{Kind: person.KindHandle, Network: "instagram", Value: "@evil", Verified: true}})
			if err != nil {
				t.Fatal(err)
			}
			press, _, err := r.Resolve(context.Background(), person.Resolution{Name: "Jonas, \"Wohnblog\" Becker",
				Identity: person.Identity{Kind: person.KindURL, Value: "https://wohnblog.example.de", Verified: true}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := people.SetTags(cli(), press, []string{"presse"}); err != nil {
				t.Fatal(err)
			}

			for _, tc := range []struct {
				name, token string
				status      int
			}{
				{"visitor", "", 401},
				{"member", h.token("member@example.org"), 403},
				{"agent", h.token("agent@example.org"), 403},
			} {
				if res := h.api("GET", "/api/v1/persons/export", tc.token); res.StatusCode != tc.status || strings.Contains(res.body, "Becker") {
					t.Errorf("%s: status %d, want %d: %.200s", tc.name, res.StatusCode, tc.status, res.body)
				}
			}
			if res := h.api("GET", "/api/v1/persons/export?role=king", h.token("admin@example.org")); res.StatusCode != 422 {
				t.Errorf("bad role: %d %s", res.StatusCode, res.body)
			}

			res := h.api("GET", "/api/v1/persons/export", h.token("analyst@example.org"))
			if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
				t.Fatalf("export: %d %s %.300s", res.StatusCode, res.Header.Get("Content-Type"), res.body)
			}
			rows, err := csv.NewReader(strings.NewReader(res.body)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			byName := map[string][]string{}
			for _, row := range rows[1:] {
				byName[row[1]] = row
			}
			if len(rows) != 1+6 { // four accounts and two persons from elsewhere
				t.Errorf("%d rows, want a header and 6:\n%s", len(rows), res.body)
			}
			if row := byName[`'=HYPERLINK("http://evil.example")`]; row == nil || row[6] != "instagram:evil" {
				t.Errorf("a formula in a name is not kept as text: %q", rows)
			}
			if row := byName[`Jonas, "Wohnblog" Becker`]; row == nil || row[7] != "wohnblog.example.de" || row[9] != "presse" {
				t.Errorf("press row: %q", row)
			}
			if row := byName["User member@example.org"]; row == nil || row[5] != "member@example.org" || row[10] != "true" {
				t.Errorf("member row: %q", row)
			}
			_ = hostile

			// The filters of the list apply; the page route answers the same file.
			res = h.api("GET", "/api/v1/persons/export?tag=presse", h.token("admin@example.org"))
			if rows, _ := csv.NewReader(strings.NewReader(res.body)).ReadAll(); len(rows) != 2 || rows[1][1] != `Jonas, "Wohnblog" Becker` {
				t.Errorf("tag filter: %q", rows)
			}
			// The list page offers the export to those who may take it.
			agent := h.client()
			agent.signIn("agent@example.org")
			if page := agent.get("/admin/people?tag=presse"); page.StatusCode != 200 || strings.Contains(page.body, "/admin/people/export") {
				t.Errorf("agent's list offers an export: %d", page.StatusCode)
			}
			if page := agent.get("/admin/people/export"); page.StatusCode != 403 {
				t.Errorf("agent's export page: %d", page.StatusCode)
			}
			c := h.client()
			c.signIn("admin@example.org")
			if page := c.get("/admin/people?tag=presse&consent=research_contact"); page.StatusCode != 200 ||
				!strings.Contains(page.body, `/admin/people/export?consent=research_contact&amp;tag=presse`) || strings.Contains(page.body, "Becker") {
				t.Errorf("admin's list with a consent filter: %d %.300s", page.StatusCode, page.body)
			}
			if page := c.get("/admin/people?min_score=x"); page.StatusCode != 422 {
				t.Errorf("bad min_score: %d", page.StatusCode)
			}
			if page := c.get("/admin/people/export?role=none"); page.StatusCode != 200 || strings.Count(page.body, "\n") != 3 {
				t.Errorf("page export of persons without an account: %d\n%s", page.StatusCode, page.body)
			}
			// The staff profile shows the current consent per purpose.
			if page := c.get(fmt.Sprintf("/admin/people/%d", press)); !strings.Contains(page.body, `id="consents"`) ||
				!strings.Contains(page.body, "Briefings for advocates") || !strings.Contains(page.body, "never asked") {
				t.Errorf("profile without its consents: %.500s", page.body)
			}
			entries, err := sqlstore.NewAudit(h.db).ListAudit(context.Background(), audit.Filter{Action: "person.export_list", Limit: 10})
			if err != nil || len(entries) != 3 || !strings.Contains(entries[2].After, `"rows":6`) {
				t.Errorf("audit of exports: %+v %v", entries, err)
			}
		})
	}
}
