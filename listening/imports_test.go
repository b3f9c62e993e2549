package listening_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/internal/testdb"
	"github.com/samtal-dev/samtal/listening"
	"github.com/samtal-dev/samtal/sqlstore"
)

// reviewExport is a Trustpilot-like CSV of n rows in which every 100th row
// has a bad date and every 250th an empty text.
func reviewExport(n int) []byte {
	var b bytes.Buffer
	b.WriteString("author,text,stars,date,url\n")
	words := strings.Fields("sofa lamp table bed delivery service quality colour fabric wood assembly store price staff cushion")
	for i := 1; i <= n; i++ {
		date := fmt.Sprintf("2026-%02d-%02d", 1+i%11, 1+i%28)
		if i%100 == 0 {
			date = "31.13.2026"
		}
		// Words of their own, so that no two reviews are near-duplicates.
		var tb strings.Builder
		fmt.Fprintf(&tb, "Review %d about the %s:", i, words[i%15])
		for k := range 20 {
			fmt.Fprintf(&tb, " w%d", (i*7919+k*104729)%1000003)
		}
		text := tb.String()
		if i%250 == 0 {
			text = ""
		}
		fmt.Fprintf(&b, "Reviewer %d,\"%s\",%d,%s,https://www.trustpilot.com/reviews/%d\n", i, text, 1+i%5, date, i)
	}
	return b.Bytes()
}

// TestImportResumesWithoutDuplicates: an import that stops after its first
// batch (a crash) goes on where it was when the same file comes again;
// good rows all land once, bad rows are reported with their numbers.
func TestImportResumesWithoutDuplicates(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newWorld(t, db)
		src := w.source(t, listening.KindImport, "Trustpilot")
		file := reviewExport(2500)
		im, err := w.svc.StartImport(w.admin, src.ID, "reviews.csv", bytes.NewReader(file))
		if err != nil {
			t.Fatal(err)
		}
		if im.Format != "csv" || im.State != "running" || im.Size != int64(len(file)) {
			t.Fatalf("started %+v", im)
		}
		crash, stop := context.WithCancel(w.system)
		_, err = w.svc.RunImport(crash, im.ID, func(*listening.Import) { stop() })
		if err == nil {
			t.Fatal("the interrupted run reported no error")
		}
		again, err := w.svc.StartImport(w.admin, src.ID, "reviews.csv", bytes.NewReader(file))
		if err != nil {
			t.Fatal(err)
		}
		if again.ID != im.ID || again.RowsDone != listening.ImportBatch {
			t.Fatalf("the same file started import %d at row %d, want %d at %d", again.ID, again.RowsDone, im.ID, listening.ImportBatch)
		}
		var seen []int
		done, err := w.svc.RunImport(w.system, im.ID, func(im *listening.Import) { seen = append(seen, im.RowsDone) })
		if err != nil {
			t.Fatal(err)
		}
		// 2500 rows: 25 with a bad date, 10 without text, 5 of which are
		// both (every 500th row counts once).
		bad := 25 + 10 - 5
		if done.State != "done" || done.RowsDone != 2500 || done.RowsFailed != bad || done.RowsStored != 2500-bad {
			t.Errorf("finished %+v", done)
		}
		if len(seen) == 0 || seen[len(seen)-1] != 2500 {
			t.Errorf("progress %v", seen)
		}
		if len(done.Errors) != bad || done.Errors[0].Row != 100 || !strings.Contains(done.Errors[0].Error, "31.13.2026") {
			t.Errorf("row errors %+v", done.Errors[:min(3, len(done.Errors))])
		}
		// The codes are kept with the English, also through the store:
		// row 500 has a bad date and no text.
		stored, err := w.svc.Import(w.agent, im.ID)
		if err != nil {
			t.Fatal(err)
		}
		var r500 *listening.RowReport
		for i := range stored.Errors {
			if stored.Errors[i].Row == 500 {
				r500 = &stored.Errors[i]
			}
		}
		if r500 == nil || len(r500.Problems) != 2 || r500.Problems[0].Code != "text_empty" || r500.Problems[0].Field != "text" ||
			r500.Problems[1].Code != "date_invalid" || r500.Problems[1].Field != "date" || r500.Problems[1].Args["Value"] != `"31.13.2026"` ||
			r500.Error != r500.Problems[0].Message()+"; "+r500.Problems[1].Message() {
			t.Errorf("row 500 = %+v", r500)
		}
		n := 0
		f := listening.MentionFilter{SourceID: src.ID, Limit: 100}
		for {
			page, err := w.svc.Mentions(w.agent, f)
			if err != nil {
				t.Fatal(err)
			}
			n += len(page)
			if len(page) < 100 {
				break
			}
			f.AfterAt, f.AfterID = page[99].PublishedAt, page[99].ID
		}
		if n != 2500-bad {
			t.Errorf("the source holds %d mentions, want %d", n, 2500-bad)
		}
		got, _ := w.svc.Source(w.agent, src.ID)
		if got.Items != int64(2500-bad) {
			t.Errorf("source counts %d items", got.Items)
		}
		// Done: the same file again is a new import that stores nothing.
		third, err := w.svc.StartImport(w.admin, src.ID, "reviews.csv", bytes.NewReader(file))
		if err != nil || third.ID == im.ID {
			t.Fatalf("after done: %+v %v", third, err)
		}
		third, _ = w.svc.RunImport(w.system, third.ID, nil)
		if third.RowsStored != 0 || third.State != "done" {
			t.Errorf("re-import stored %d", third.RowsStored)
		}
	})
}

// TestImportRefusals: a file that cannot be read at all fails whole with
// why, before any row lands; wrong kinds and roles are refused.
func TestImportRefusals(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newWorld(t, db)
		src := w.source(t, listening.KindImport, "Trustpilot")
		im, err := w.svc.StartImport(w.admin, src.ID, "reviews.csv", strings.NewReader("author,review,stars,date,url\nA,Good sofa,5,2026-01-01,\n"))
		if err != nil {
			t.Fatal(err)
		}
		im, err = w.svc.RunImport(w.system, im.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := `column "text" (mapped to text) is not in the file; the file has: author, review, stars, date, url`
		if im.State != "failed" || im.Error != want || im.RowsStored != 0 {
			t.Errorf("missing columns: %+v", im)
		}
		// Why it failed is kept as a code and values too, through the store.
		stored, err := w.svc.Import(w.agent, im.ID)
		if err != nil {
			t.Fatal(err)
		}
		if p := stored.ErrorProblem; stored.Error != want || p == nil || p.Code != "column_missing" ||
			p.Args["Column"] != `"text"` || p.Args["Field"] != "text" || p.Args["Header"] != "author, review, stars, date, url" || p.Message() != want {
			t.Errorf("stored failure: %q %+v", stored.Error, p)
		}
		if _, err := w.svc.StartImport(w.admin, src.ID, "empty.csv", strings.NewReader("")); samtal.ErrorCode(err) != samtal.EINVALID {
			t.Errorf("empty file: %v", err)
		}
		hook := w.source(t, listening.KindWebhook, "Hook")
		if _, err := w.svc.StartImport(w.admin, hook.ID, "r.csv", bytes.NewReader(reviewExport(3))); samtal.ErrorCode(err) != samtal.ECONFLICT {
			t.Errorf("import into a webhook source: %v", err)
		}
		if _, err := w.svc.StartImport(w.agent, src.ID, "r.csv", bytes.NewReader(reviewExport(3))); samtal.ErrorCode(err) != samtal.EFORBIDDEN {
			t.Errorf("an agent imported: %v", err)
		}
		bad := `{"text":""}`
		if err := w.svc.CreateSource(w.admin, &listening.Source{Kind: listening.KindImport, Name: "x", Config: listening.SourceConfig{Mapping: []byte(bad)}}); samtal.ErrorCode(err) != samtal.EINVALID {
			t.Errorf("a mapping without a text column: %v", err)
		}
	})
}
