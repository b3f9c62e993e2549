package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/listening"
	"github.com/samtal-dev/samtal/listening/enrich"
	listeneval "github.com/samtal-dev/samtal/listening/eval"
	"github.com/samtal-dev/samtal/sqlstore"
)

// TestImportMentionsCommand: `samtal import mentions` reads a review export
// into an import source with its progress and row errors, and a second run
// of the same file stores nothing twice.
func TestImportMentionsCommand(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, filepath.Join(dir, "samtal.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	svc := &listening.Service{Store: sqlstore.NewListening(db)}
	src := &listening.Source{Kind: listening.KindImport, Name: "Trustpilot",
		Config: listening.SourceConfig{Mapping: []byte(`{"text":"review","author":"name","rating":"stars","date":"date"}`)}}
	if err := svc.CreateSource(samtal.WithActor(ctx, samtal.Actor{Role: samtal.RoleAdmin, Via: "cli"}), src); err != nil {
		t.Fatal(err)
	}
	db.Close()

	var b strings.Builder
	b.WriteString("name;review;stars;date\n")
	texts := []string{"Sofaen er flot og behagelig, leveringen kom til tiden.", "Das Regal wackelt, leider nicht gut verarbeitet.",
		"The lamp is lovely and the staff in the store were helpful.", "Bordet kom med en skade, og kundeservice svarer ikke.",
		"Schnelle Lieferung, die Matratze ist bequem und fest genug."}
	for i, text := range texts {
		fmt.Fprintf(&b, "Reviewer %d;%s;%d;2026-10-%02d\n", i, text, 1+i%5, 1+i)
	}
	b.WriteString("Bad Date;Great chair, would buy again.;5;31.13.2026\n")
	file := filepath.Join(dir, "reviews.csv")
	if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(src.ID, 10)
	out, err := runCLI(t, "", "import", "mentions", "--data-dir", dir, "--source", id, file)
	if err != nil || !strings.Contains(out, "6 rows, 5 stored, 1 refused") || !strings.Contains(out, "31.13.2026") || !strings.Contains(out, "rows 6") {
		t.Fatalf("import: %v\n%s", err, out)
	}
	out, err = runCLI(t, "", "import", "mentions", "--data-dir", dir, "--source", id, file)
	if err != nil || !strings.Contains(out, "6 rows, 0 stored, 1 refused") {
		t.Errorf("the same file again: %v\n%s", err, out)
	}
	for _, args := range [][]string{
		{"import", "mentions", "--data-dir", dir, file},
		{"import", "mentions", "--data-dir", dir, "--source", "999", file},
		{"import", "mentions", "--data-dir", dir, "--source", id, filepath.Join(dir, "missing.csv")},
	} {
		if out, err := runCLI(t, "", args...); err == nil || strings.Contains(err.Error(), "sql") {
			t.Errorf("%v: %v\n%s", args, err, out)
		}
	}
}

// TestEvalMeasuresWhatIngestStores: `samtal eval` scores the sentiment a
// mention gets at ingest. A short Danish review that detection cannot tell
// from Norwegian is stored as language unknown but read with the Danish
// lexicon; scoring it with the English one would measure a sentiment no
// mention ever gets.
func TestEvalMeasuresWhatIngestStores(t *testing.T) {
	const text = "Kan varmt anbefale butikken, kvalitet og pris hænger sammen."
	if lang, _ := enrich.Language(text); lang != enrich.Unknown {
		t.Fatalf("precondition: detection now answers %q for %q; pick a text it is unsure of", lang, text)
	}
	if _, label := enrich.Sentiment(text, enrich.Unknown); label == enrich.Positive {
		t.Fatalf("precondition: the English lexicon already reads %q as positive; pick a text it misreads", text)
	}
	rep := listeneval.Measure([]listeneval.Example{
		{ID: "da-1", Lang: "da", Sentiment: "positive", Text: text, Source: "test"},
	}, enrichmentFuncs())
	if got := rep.Total.SentAgree; got != 1 {
		t.Errorf("eval agreed on %d of 1; ingest stores %q", got, enrich.Enrich("", text, "").SentimentLabel)
	}
	if got := rep.Total.LangCorrect; got != 0 {
		t.Errorf("language counted correct %d times; detection answers unknown, which the set must count as a miss", got)
	}
}
