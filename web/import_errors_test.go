package web

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/samtal-dev/samtal/internal/testdb"
	"github.com/samtal-dev/samtal/listening"
	"github.com/samtal-dev/samtal/listening/importer"
)

// TestImportErrorsInStaffLanguage: why rows were refused, and why a file
// was, is said in the staff member's language on the source's page, with
// the values from the file; reports kept before there were codes keep
// their English; the API gives the English and the codes with their
// values.
func TestImportErrorsInStaffLanguage(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			h := newHarness(t, engine)
			greta, dan := h.germanAndDanishAnalysts()

			ls := h.srv.Listening
			src := &listening.Source{Kind: listening.KindImport, Name: "Trustpilot",
				Config: listening.SourceConfig{Mapping: []byte(`{"text":"review","rating":"stars","date":"date"}`)}}
			if err := ls.CreateSource(cli(), src); err != nil {
				t.Fatal(err)
			}
			path := "/listening/sources/" + apiID(src.ID)
			run := func(name, file string) *listening.Import {
				t.Helper()
				if res := greta.postFile(path+"/imports", "file", name, []byte(file)); res.StatusCode != http.StatusSeeOther {
					t.Fatalf("upload %s: %d %.1000s", name, res.StatusCode, res.body)
				}
				list, err := ls.Imports(cli(), src.ID)
				if err != nil || len(list) == 0 {
					t.Fatalf("imports: %v %v", list, err)
				}
				im, err := ls.RunImport(cli(), list[0].ID, nil)
				if err != nil {
					t.Fatal(err)
				}
				return im
			}
			done := run("reviews.csv", "review,stars,date\nGreat sofa,5,2026-01-01\nOdd one,9,31.13.2026\n")
			if done.State != "done" || done.RowsFailed != 1 {
				t.Fatalf("import: %+v", done)
			}
			failed := run("other.csv", "text,stars,date\nNice lamp,4,2026-01-02\n")
			if failed.State != "failed" {
				t.Fatalf("import of a file without the text column: %+v", failed)
			}

			pages := []struct {
				who        *client
				want, not  []string
				whoseWords string
			}{
				{greta, []string{
					`Zeile 2 (rating): Bewertung 9 liegt außerhalb der Skala 1-5; Datum "31.13.2026" ist kein Datum (erwartet z. B. 2024-05-31 oder 31.05.2024)`,
					`Die Spalte "review" (zugeordnet zu text) ist nicht in der Datei; die Datei hat: text, stars, date`,
				}, []string{"is outside the scale", "is not in the file", "error.import"}, "German"},
				{dan, []string{
					`Række 2 (rating): bedømmelsen 9 ligger uden for skalaen 1-5; datoen "31.13.2026" er ikke en dato (forventet f.eks. 2024-05-31 eller 31.05.2024)`,
					`Kolonnen "review" (tilknyttet text) findes ikke i filen; filen har: text, stars, date`,
				}, []string{"is outside the scale", "is not in the file", "error.import"}, "Danish"},
			}
			for _, p := range pages {
				res := p.who.get(path)
				for _, w := range p.want {
					if !strings.Contains(res.body, htmlText(w)) {
						t.Errorf("the %s page lacks %q: %.4000s", p.whoseWords, w, res.body)
					}
				}
				for _, n := range p.not {
					if strings.Contains(res.body, n) {
						t.Errorf("the %s page has %q", p.whoseWords, n)
					}
				}
			}

			// The API: the English as before, and the codes with their values.
			token := h.token("greta@example.org")
			type apiImportErrors struct {
				Errors []struct {
					Row      int                `json:"row"`
					Field    string             `json:"field"`
					Error    string             `json:"error"`
					Problems []importer.Problem `json:"problems"`
				} `json:"errors"`
				Error        string            `json:"error"`
				ErrorProblem *importer.Problem `json:"error_problem"`
			}
			read := func(id int64) (apiImportErrors, string) {
				t.Helper()
				var got apiImportErrors
				res := h.api("GET", "/api/v1/imports/"+apiID(id), token)
				if err := json.Unmarshal([]byte(res.body), &got); err != nil || res.StatusCode != 200 {
					t.Fatalf("import %d: %d %s", id, res.StatusCode, res.body)
				}
				return got, res.body
			}
			got, body := read(done.ID)
			wantEnglish := `rating 9 is outside the scale 1-5; date "31.13.2026" is not a date (expected e.g. 2024-05-31 or 31.05.2024)`
			if len(got.Errors) != 1 || got.ErrorProblem != nil || strings.Contains(body, `"error_problem"`) {
				t.Fatalf("done import in the API: %s", body)
			}
			if e := got.Errors[0]; e.Row != 2 || e.Field != "rating" || e.Error != wantEnglish || len(e.Problems) != 2 ||
				e.Problems[0].Field != "rating" || e.Problems[0].Code != "rating_outside_scale" || e.Problems[0].Args["Value"] != "9" || e.Problems[0].Args["Scale"] != "1-5" ||
				e.Problems[1].Field != "date" || e.Problems[1].Code != "date_invalid" || e.Problems[1].Args["Value"] != `"31.13.2026"` {
				t.Errorf("row error in the API: %s", body)
			}
			got, body = read(failed.ID)
			if p := got.ErrorProblem; got.Error != `column "review" (mapped to text) is not in the file; the file has: text, stars, date` ||
				p == nil || p.Code != "column_missing" || p.Field != "" || p.Args["Column"] != `"review"` || p.Args["Field"] != "text" || p.Args["Header"] != "text, stars, date" {
				t.Errorf("failed import in the API: %s", body)
			}

			// Reports kept before there were codes show their English, on
			// the page and in the API.
			done.Errors = append(done.Errors, listening.RowReport{Row: 3, Field: "text", Error: "text is empty"})
			failed.ErrorProblem, failed.Error = nil, "the file is empty"
			for _, im := range []*listening.Import{done, failed} {
				if err := ls.Store.ImportProgress(cli(), im); err != nil {
					t.Fatal(err)
				}
			}
			res := greta.get(path)
			for _, w := range []string{"Zeile 3 (text): text is empty", `<p class="error">the file is empty</p>`} {
				if !strings.Contains(res.body, w) {
					t.Errorf("an old report is not shown in its English %q: %.4000s", w, res.body)
				}
			}
			got, body = read(done.ID)
			if len(got.Errors) != 2 || got.Errors[1].Error != "text is empty" || got.Errors[1].Problems != nil || strings.Count(body, `"problems"`) != 1 {
				t.Errorf("an old row error in the API: %s", body)
			}
		})
	}
}

// TestOpenAPIImportProblemCodes keeps the codes the OpenAPI document lists
// for an import's problems true to the importer's.
func TestOpenAPIImportProblemCodes(t *testing.T) {
	h := newHarness(t, "sqlite")
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]struct {
					Enum []string `json:"enum"`
				} `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal([]byte(h.api("GET", "/api/v1/openapi.json", "").body), &doc); err != nil {
		t.Fatal(err)
	}
	got := doc.Components.Schemas["ImportProblem"].Properties["code"].Enum
	if want := importer.Codes(); !slices.Equal(got, want) {
		t.Errorf("ImportProblem.code lists %v,\nthe importer has %v", got, want)
	}
}
