package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
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

// TestEvalCommand: `samtal eval` without a model prints the report of the
// lexicons and fails only for a missed target.
func TestEvalCommand(t *testing.T) {
	var out strings.Builder
	err := run(context.Background(), []string{"eval"}, nil, &out, io.Discard)
	if err != nil && err.Error() != "eval: a target is missed" {
		t.Fatalf("samtal eval: %v", err)
	}
	lexicons := listeneval.Measure(listeneval.Default(), enrichmentFuncs())
	for _, s := range lexicons.ByLang {
		if s.SentN == 0 {
			continue
		}
		if line := fmt.Sprintf("sentiment     %d/%d", s.SentAgree, s.SentN); !strings.Contains(reportSection(out.String(), s.Lang+":"), line) {
			t.Errorf("%s: want %q in the report:\n%s", s.Lang, line, out.String())
		}
	}
	if met := strings.Contains(out.String(), "targets met: yes"); met != (err == nil) {
		t.Errorf("the report says targets met %v, the command's error is %v", met, err)
	}
}

// TestEvalMeasuresAPluggedModel: `samtal eval --sentiment-url` measures a
// team's model on the texts in the languages it covers and the lexicons on
// the rest, and a model that fails fails the measurement instead of
// passing the lexicons' figures off as the model's.
func TestEvalMeasuresAPluggedModel(t *testing.T) {
	var mu sync.Mutex
	failing := false
	asked := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Inputs []string `json:"inputs"`
		}
		json.NewDecoder(r.Body).Decode(&in)
		mu.Lock()
		asked += len(in.Inputs)
		fail := failing
		mu.Unlock()
		if fail {
			http.Error(w, "model is loading", http.StatusServiceUnavailable)
			return
		}
		// A model that calls everything negative, top label only.
		out := make([]map[string]any, len(in.Inputs))
		for i := range out {
			out[i] = map[string]any{"label": "NEGATIVE", "score": 0.99}
		}
		json.NewEncoder(w).Encode(out)
	}))
	defer srv.Close()

	examples := listeneval.Default()
	lexicons := listeneval.Measure(examples, enrichmentFuncs())
	wantAsked := 0
	for _, ex := range examples {
		if ex.Sentiment != "" && enrich.Enrich("", ex.Text, "").Lang == "da" {
			wantAsked++
		}
	}

	var out strings.Builder
	err := run(context.Background(), []string{"eval", "--sentiment-url", srv.URL, "--sentiment-langs", "da"}, nil, &out, io.Discard)
	if err == nil {
		t.Fatalf("a model that calls everything negative met the targets:\n%s", out.String())
	}
	if asked != wantAsked {
		t.Errorf("the model was asked %d texts, want the %d labelled texts detected as Danish", asked, wantAsked)
	}
	// English stays on the lexicons; Danish is the model's answer where
	// detection says Danish and the lexicons' where it is unsure.
	expected := listeneval.Measure(examples, listeneval.Funcs{
		Language: func(text string) string { return enrich.Enrich("", text, "").Lang },
		Sentiment: func(text, lang string) string {
			if lang == "da" {
				return "negative"
			}
			return enrich.Enrich("", text, "").SentimentLabel
		},
	})
	for i, s := range expected.ByLang {
		if s.Lang != "en" && s.Lang != "da" {
			continue
		}
		line := fmt.Sprintf("sentiment     %d/%d", s.SentAgree, s.SentN)
		if !strings.Contains(reportSection(out.String(), s.Lang+":"), line) {
			t.Errorf("%s: want %q in the report:\n%s", s.Lang, line, out.String())
		}
		if s.Lang == "en" && s.SentAgree != lexicons.ByLang[i].SentAgree {
			t.Errorf("English: %d agree, the lexicons alone %d", s.SentAgree, lexicons.ByLang[i].SentAgree)
		}
		if s.Lang == "da" && s.SentAgree == lexicons.ByLang[i].SentAgree {
			t.Errorf("Danish: the model's figure equals the lexicons' (%d); the check proves nothing", s.SentAgree)
		}
	}

	mu.Lock()
	failing = true
	mu.Unlock()
	out.Reset()
	err = run(context.Background(), []string{"eval", "--sentiment-url", srv.URL}, nil, &out, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "503") || out.Len() != 0 {
		t.Errorf("a failing model: error %v, report %q; want the model's error and no report", err, out.String())
	}
	if err := run(context.Background(), []string{"eval", "--sentiment-url", "ftp://model"}, nil, &out, io.Discard); err == nil || !strings.Contains(err.Error(), "not an http(s) URL") {
		t.Errorf("an ftp URL: %v", err)
	}
}

// reportSection is the part of an eval report from the line that starts
// with header to the next blank line.
func reportSection(report, header string) string {
	i := strings.Index(report, "\n"+header)
	if i < 0 {
		return ""
	}
	section, _, _ := strings.Cut(report[i+1:], "\n\n")
	return section
}
