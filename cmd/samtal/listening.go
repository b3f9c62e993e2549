package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/samtal-dev/samtal/listening"
	"github.com/samtal-dev/samtal/listening/enrich"
	listeneval "github.com/samtal-dev/samtal/listening/eval"
)

// importMentions reads a review export into an import source, printing
// its progress. Run again with the same file, it goes on where the last
// run stopped: the file's hash finds the unfinished import.
func importMentions(ctx context.Context, app *app, sourceID int64, args []string, stdout io.Writer) error {
	if sourceID <= 0 || len(args) != 1 {
		return errors.New("import mentions: --source ID and one FILE are required")
	}
	f, err := os.Open(args[0])
	if err != nil {
		return fmt.Errorf("import mentions: %w", err)
	}
	defer f.Close()
	im, err := app.listening.StartImport(ctx, sourceID, filepath.Base(args[0]), f)
	if err != nil {
		return describe(app.catalog, err)
	}
	if im.RowsDone > 0 {
		fmt.Fprintf(stdout, "resuming import %d after row %d\n", im.ID, im.RowsDone)
	}
	im, err = app.listening.RunImport(ctx, im.ID, func(im *listening.Import) {
		fmt.Fprintf(stdout, "\rrows %d · stored %d · refused %d", im.RowsDone, im.RowsStored, im.RowsFailed)
	})
	fmt.Fprintln(stdout)
	if err != nil {
		return describe(app.catalog, err)
	}
	for _, e := range im.Errors {
		fmt.Fprintf(stdout, "  %s\n", e.Error)
	}
	if im.RowsFailed > len(im.Errors) {
		fmt.Fprintf(stdout, "  … and %d more refused rows\n", im.RowsFailed-len(im.Errors))
	}
	if im.State == "failed" {
		return fmt.Errorf("import %d failed: %s", im.ID, im.Error)
	}
	fmt.Fprintf(stdout, "import %d done: %d rows, %d stored, %d refused\n", im.ID, im.RowsDone, im.RowsStored, im.RowsFailed)
	return nil
}

// runEval measures enrichment on the labelled evaluation set and fails
// when a target is missed. With a sentiment model, the model reads the
// texts in the languages it covers, as it would at ingest.
func runEval(ctx context.Context, stdout io.Writer, model listening.SentimentModel) error {
	examples := listeneval.Default()
	funcs := enrichmentFuncs()
	if model != nil {
		var err error
		if funcs, err = modelFuncs(ctx, examples, model); err != nil {
			return fmt.Errorf("eval: %w", err)
		}
	}
	rep := listeneval.Measure(examples, funcs)
	rep.Write(stdout)
	if !rep.TargetsMet() {
		return errors.New("eval: a target is missed")
	}
	return nil
}

// modelFuncs asks the model once, in batches, for every labelled text in
// a language it covers, and answers the lexicons' reading for the others.
// A model that fails fails the measurement: falling back, as ingest does,
// would measure the lexicons under the model's name.
func modelFuncs(ctx context.Context, examples []listeneval.Example, model listening.SentimentModel) (listeneval.Funcs, error) {
	funcs := enrichmentFuncs()
	var texts []string
	for _, ex := range examples {
		if ex.Sentiment != "" && model.Covers(enrich.Enrich("", ex.Text, "").Lang) {
			texts = append(texts, ex.Text)
		}
	}
	readings, err := model.Classify(ctx, texts)
	if err != nil {
		return funcs, err
	}
	byText := make(map[string]string, len(texts))
	for i, t := range texts {
		byText[t] = readings[i].Label
	}
	lexicons := funcs.Sentiment
	funcs.Sentiment = func(text, lang string) string {
		if label, ok := byText[text]; ok {
			return label
		}
		return lexicons(text, lang)
	}
	return funcs, nil
}

// enrichmentFuncs measures what ingest stores for a mention, which is
// enrich.Enrich's answer. Where detection is unsure, Enrich reports
// Unknown but still scores with the likeliest language's lexicon (short
// Danish and Norwegian are often too close to call); enrich.Sentiment
// given "unknown" would use the English one instead and measure a
// sentiment no mention ever gets.
func enrichmentFuncs() listeneval.Funcs {
	return listeneval.Funcs{
		Language: func(text string) string {
			return enrich.Enrich("", text, "").Lang
		},
		Sentiment: func(text, _ string) string {
			return enrich.Enrich("", text, "").SentimentLabel
		},
	}
}
