package sqlstore_test

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/internal/testdb"
	"github.com/samtal-dev/samtal/sqlstore"
)

// TestAuditAllowsOnlyMasking: after migration 00016 the audit log takes one
// kind of update, the one an erasure makes (characters masked with '*', or
// a text emptied), and refuses every other change, on both engines.
func TestAuditAllowsOnlyMasking(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		a := sqlstore.NewAudit(db)
		id, err := a.AppendAudit(ctx, audit.Entry{At: time.Now(), Action: "person.update", TargetKind: "person", TargetID: "7",
			Before: `{"name":"Åse Ørnø"}`, After: `{"name":"Åse Ørnø-Berg"}`, IP: "192.0.2.7", Via: "session"})
		if err != nil {
			t.Fatal(err)
		}
		refused := []string{
			"UPDATE audit_log SET action = 'tampered'",
			"UPDATE audit_log SET target_id = '8'",
			"UPDATE audit_log SET at = at + 1",
			"UPDATE audit_log SET via = 'cli'",
			"UPDATE audit_log SET actor_id = 5",
			"UPDATE audit_log SET id = id + 100",
			`UPDATE audit_log SET before_json = '{"name":"Evil Twin"}'`,     // as long, other letters
			`UPDATE audit_log SET before_json = '{"name":"******"}x'`,       // longer
			`UPDATE audit_log SET before_json = '{"name":"*****"}'`,         // shorter
			`UPDATE audit_log SET actor_label = 'someone@example.org'`,      // written where nothing was
			`UPDATE audit_log SET ip = '192.0.2.8'`,                         // same length, another address
			`UPDATE audit_log SET after_json = '{"name":"Åse Ørnø-Berg"} '`, // one more character
			"DELETE FROM audit_log",
		}
		if db.Engine == sqlstore.Postgres {
			refused = append(refused, "TRUNCATE audit_log")
		}
		for _, q := range refused {
			if err := sqlstore.ExecForTest(ctx, db, q); err == nil {
				t.Errorf("%s: the database accepted it", q)
			}
		}
		for _, q := range []string{
			`UPDATE audit_log SET before_json = '{"name":"********"}'`,
			`UPDATE audit_log SET after_json = '{"name":"Åse ****-Berg"}', ip = ''`,
			`UPDATE audit_log SET after_json = ''`,
		} {
			if err := sqlstore.ExecForTest(ctx, db, q); err != nil {
				t.Errorf("%s: refused: %v", q, err)
			}
		}
		list, _ := a.ListAudit(ctx, audit.Filter{Limit: 10})
		if len(list) != 1 || list[0].ID != id || list[0].Action != "person.update" || list[0].TargetID != "7" ||
			list[0].Before != `{"name":"********"}` || list[0].After != "" || list[0].IP != "" || list[0].Via != "session" {
			t.Errorf("after the updates: %+v", list)
		}
	})
}

// TestErasureKnowsEveryTable: every table of the store is named in the
// erasure's table list with what erasure does with it, so that a new table
// cannot be forgotten (add it to erasureTables in sqlstore/privacy.go and,
// if it holds personal data, to the erasure and to TestErasureLeavesNothing).
func TestErasureKnowsEveryTable(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		tables, err := db.Tables(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(tables) < 30 {
			t.Fatalf("only %d tables found: %v", len(tables), tables)
		}
		seen := map[string]bool{}
		for _, tb := range tables {
			seen[tb] = true
			if sqlstore.ErasureTablesForTest[tb] == "" {
				t.Errorf("table %s: erasure does not say what it does with it (sqlstore/privacy.go, erasureTables)", tb)
			}
		}
		var gone []string
		for tb := range sqlstore.ErasureTablesForTest {
			if !seen[tb] && (db.Engine == sqlstore.SQLite || !strings.Contains(tb, "_fts")) {
				gone = append(gone, tb)
			}
		}
		sort.Strings(gone)
		if len(gone) > 0 {
			t.Errorf("erasureTables names tables that do not exist: %v", gone)
		}
	})
}

func TestMaskValues(t *testing.T) {
	needles := []string{"Anna Berg", "anna@example.org", "Søren", "O'Hara"}
	tests := []struct{ in, want string }{
		{`{"name":"Anna Berg"}`, `{"name":"*********"}`},
		{`{"to":"ANNA@EXAMPLE.ORG","n":2}`, `{"to":"****************","n":2}`},
		{`anna berg and Savannah Berg`, `********* and Savannah Berg`},
		{`lanna@example.org`, `lanna@example.org`}, // another address
		{`SØREN, Sørensen`, `*****, Sørensen`},
		{`{"name":"O'Hara"}`, `{"name":"******"}`},
		{`<b>O&#39;Hara</b>`, `<b>**********</b>`},
		{``, ``},
	}
	for _, tt := range tests {
		got := sqlstore.MaskValuesForTest(tt.in, needles)
		if got != tt.want {
			t.Errorf("maskValues(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if !sqlstore.MaskedForTest(tt.in, got) {
			t.Errorf("maskValues(%q) = %q, which the audit trigger refuses", tt.in, got)
		}
	}
}

func TestMaskJSONStrings(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"tags":["vip","bø"],"n":3,"ok":true}`, `{"tags":["***","**"],"n":3,"ok":true}`},
		{`{"name" : "A \"B\"", "x": {"y": "z"}}`, `{"name" : "*******", "x": {"y": "*"}}`},
		{``, ``},
	}
	for _, tt := range tests {
		got := sqlstore.MaskJSONStringsForTest(tt.in)
		if got != tt.want {
			t.Errorf("maskJSONStrings(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if !sqlstore.MaskedForTest(tt.in, got) {
			t.Errorf("maskJSONStrings(%q) = %q, which the audit trigger refuses", tt.in, got)
		}
	}
}
