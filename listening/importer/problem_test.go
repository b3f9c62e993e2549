package importer

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/i18n"
	"github.com/samtal-dev/samtal/internal/message"
)

// badFiles are a file for each way a row or a file can be refused.
var badFiles = []struct {
	code string
	f    Format
	m    Mapping
	file string
}{
	// A row's values.
	{"text_empty", FormatCSV, Mapping{Text: "text", Author: "author"}, "author,text\nAnna,\n"},
	{"rating_not_number", FormatCSV, Mapping{Text: "text", Rating: "stars"}, "text,stars\nGood,great\n"},
	{"rating_outside_scale", FormatCSV, Mapping{Text: "text", Rating: "stars"}, "text,stars\nGood,7\n"},
	{"rating_outside_percent", FormatCSV, Mapping{Text: "text", Rating: "stars"}, "text,stars\nGood,120%\n"},
	{"rating_not_on_scale", FormatCSV, Mapping{Text: "text", Rating: "stars"}, "text,stars\nGood,4/10\n"},
	{"rating_stars", FormatCSV, Mapping{Text: "text", Rating: "stars"}, "text,stars\nGood,★★★☆☆☆☆☆☆☆\n"},
	{"date_invalid", FormatCSV, Mapping{Text: "text", Date: "date"}, "text,date\nGood,31.13.2024\n"},
	{"date_invalid_month_first", FormatCSV, Mapping{Text: "text", Date: "date"}, "text,date\nGood,05/31/2024\n"},
	{"date_not_unix", FormatCSV, Mapping{Text: "text", Date: "date", DateFormat: "unix"}, "text,date\nGood,soon\n"},
	{"date_format_mismatch", FormatCSV, Mapping{Text: "text", Date: "date", DateFormat: "02.01.2006"}, "text,date\nGood,2024-05-31\n"},
	{"url_too_long", FormatCSV, Mapping{Text: "text", URL: "link"}, "text,link\nGood,https://x.org/" + strings.Repeat("x", maxURL) + "\n"},
	{"url_invalid", FormatCSV, Mapping{Text: "text", URL: "link"}, "text,link\nGood,javascript:alert(1)\n"},
	{"id_invalid", FormatCSV, Mapping{Text: "text", ID: "id"}, "text,id\nGood," + strings.Repeat("7", maxID+1) + "\n"},
	// A row as a whole.
	{"row_fields", FormatCSV, Mapping{Text: "text"}, "author,text\nAnna,Good,extra\n"},
	{"row_too_large", FormatJSONL, Mapping{Text: "text"}, `{"text": "` + strings.Repeat("x", maxRow) + `"}` + "\n"},
	{"not_utf8", FormatCSV, Mapping{Text: "text", Author: "author"}, "author,text\nJürgen,Schön\nS\xf8ren,Rodgrod\n"},
	{"row_not_utf8", FormatJSON, Mapping{Text: "text"}, "[{\"text\": \"R\xf8dgr\xf8d\"}]"},
	{"json_invalid", FormatJSONL, Mapping{Text: "text"}, "{\"text\": \"one\"}\n{broken\n"},
	{"json_several_values", FormatJSONL, Mapping{Text: "text"}, `{"text": "two"} {"text": "more"}`},
	{"json_not_object", FormatJSONL, Mapping{Text: "text"}, "[1, 2]\n"},
	{"json_not_value", FormatJSON, Mapping{Text: "body"}, `[{"body": {"text": "nested"}}]`},
	// The file.
	{"file_empty", FormatCSV, Mapping{Text: "text"}, " \n\n"},
	{"file_zip", FormatCSV, Mapping{Text: "text"}, "PK\x03\x04\x14\x00\x06\x00"},
	{"file_utf16", FormatCSV, Mapping{Text: "text"}, "\xFF\xFEt\x00e\x00x\x00t\x00"},
	{"file_binary", FormatCSV, Mapping{Text: "text"}, "text\x00\x01\x02"},
	{"column_missing", FormatCSV, Mapping{Text: "text", Rating: "rating"}, "author,text,stars\nAnna,Good,4\n"},
	{"columns_missing", FormatCSV, Mapping{Text: "body", Rating: "rating"}, "author,text,stars\nAnna,Good,4\n"},
	{"column_repeated", FormatCSV, Mapping{Text: "text"}, "text,Text\nx,y\n"},
	{"json_file_invalid", FormatJSON, Mapping{Text: "text"}, "text,stars\n"},
	{"json_not_list", FormatJSON, Mapping{Text: "text"}, "42"},
	{"json_object", FormatJSON, Mapping{Text: "text"}, `{"meta": {"n": 1}, "reviews": [{"text": "x"}]}`},
	{"records_missing", FormatJSON, Mapping{Text: "text", Records: "data.items"}, `{"data": {"reviews": []}}`},
	{"records_not_list", FormatJSON, Mapping{Text: "text", Records: "meta"}, `{"meta": {"n": 1}}`},
	{"json_truncated", FormatJSON, Mapping{Text: "text"}, `[{"text": "one"}, {"text": "two"}, {"text": "thr`},
	{"json_truncated_no_rows", FormatJSON, Mapping{Text: "text"}, `[`},
	{"json_broken", FormatJSON, Mapping{Text: "text"}, `[{"text": "one"}, {"text": "two"}, {"text": "three",, }]`},
	{"json_broken_no_rows", FormatJSON, Mapping{Text: "text"}, `[{"text" 1}]`},
}

// problemsOf reads file to its end and returns every problem met: the
// rows' and the one that refused or ended the file.
func problemsOf(t *testing.T, f Format, m Mapping, file string) []Problem {
	t.Helper()
	var out []Problem
	r, err := NewReader(strings.NewReader(file), f, m)
	for err == nil {
		var row Row
		row, err = r.Next()
		if err == nil && row.Err != nil {
			e := row.Err
			if len(e.Problems) == 0 || e.Field != e.Problems[0].Field {
				t.Errorf("row %d: field %q, problems %+v", row.N, e.Field, e.Problems)
			}
			// What staff read is what the codes say.
			var msgs []string
			for _, p := range e.Problems {
				msgs = append(msgs, p.Message())
			}
			if got := strings.Join(msgs, "; "); got != e.Msg {
				t.Errorf("row %d: Msg %q, its problems say %q", row.N, e.Msg, got)
			}
			out = append(out, e.Problems...)
		}
	}
	if errors.Is(err, io.EOF) {
		return out
	}
	p, ok := FileProblem(err)
	if !ok || samtal.ErrorCode(err) != samtal.EINVALID || samtal.ErrorMessage(err) != MessageKey+p.Code {
		t.Errorf("the file ends with %v, want an EINVALID %s… error", err, MessageKey)
		return out
	}
	return append(out, p)
}

// TestProblemCodes: every code is met in some bad file, and a Problem's
// Args name exactly the placeholders of its message, so that a
// translation given the same Args can say all the English says.
func TestProblemCodes(t *testing.T) {
	seen := map[string]bool{}
	for _, tt := range badFiles {
		found := false
		for _, p := range problemsOf(t, tt.f, tt.m, tt.file) {
			msg, ok := messages[p.Code]
			if !ok {
				t.Errorf("%s: code %q has no message", tt.code, p.Code)
				continue
			}
			seen[p.Code] = true
			found = found || p.Code == tt.code
			want, got := message.Placeholders(msg), slices.Sorted(maps.Keys(p.Args))
			if !slices.Equal(got, want) {
				t.Errorf("%s: args %v, its message names %v", p.Code, got, want)
			}
		}
		if !found {
			t.Errorf("the file of %s (%.60q) does not give it", tt.code, tt.file)
		}
	}
	for _, c := range Codes() {
		if !seen[c] {
			t.Errorf("no file of badFiles gives %s", c)
		}
	}
}

// TestProblemMessages: every code has a catalog key in every language;
// English says what the importer says, and German and Danish say it with
// every value filled in.
func TestProblemMessages(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range badFiles {
		for _, p := range problemsOf(t, tt.f, tt.m, tt.file) {
			if p.Code != tt.code {
				continue
			}
			key := MessageKey + p.Code
			data := make(map[string]any, len(p.Args))
			for k, v := range p.Args {
				data[k] = v
			}
			en := cat.T("en", key, data)
			if en != p.Message() {
				t.Errorf("%s in en:\n got %q\nwant %q", key, en, p.Message())
			}
			for _, lang := range []string{"de", "da"} {
				if !cat.Has(lang, key) {
					t.Errorf("%s is missing from %s.json", key, lang)
					continue
				}
				got := cat.T(lang, key, data)
				if strings.Contains(got, "{{") || strings.Contains(got, "<no value>") || got == en {
					t.Errorf("%s in %s: %q", key, lang, got)
				}
				// A placeholder without data renders as nothing, so
				// look for each value.
				for k, v := range p.Args {
					if !strings.Contains(got, v) {
						t.Errorf("%s in %s leaves out {{.%s}} (%q): %q", key, lang, k, v, got)
					}
				}
			}
		}
	}
}

// Several problems of a row are kept in order, each with its field, and
// its Msg and Field are what they were before there were codes.
func TestRowProblemsInOrder(t *testing.T) {
	m := Mapping{Author: "author", Text: "text", Rating: "stars", Date: "date"}
	rows, err := readAll(t, open(t, "author,text,stars,date\na,,9,soon\n", FormatCSV, m))
	if err != nil || len(rows) != 1 || rows[0].Err == nil {
		t.Fatalf("rows = %+v, %v", rows, err)
	}
	e := rows[0].Err
	want := []Problem{
		{Field: "text", Code: "text_empty"},
		{Field: "rating", Code: "rating_outside_scale", Args: map[string]string{"Value": "9", "Scale": "1-5"}},
		{Field: "date", Code: "date_invalid", Args: map[string]string{"Value": `"soon"`}},
	}
	if len(e.Problems) != len(want) {
		t.Fatalf("problems %+v, want %+v", e.Problems, want)
	}
	for i, p := range e.Problems {
		if p.Field != want[i].Field || p.Code != want[i].Code || len(p.Args) != len(want[i].Args) {
			t.Errorf("problem %d = %+v, want %+v", i, p, want[i])
		}
		for k, v := range want[i].Args {
			if p.Args[k] != v {
				t.Errorf("problem %d: %s = %q, want %q", i, k, p.Args[k], v)
			}
		}
	}
	if e.Field != "text" || e.Msg != `text is empty; rating 9 is outside the scale 1-5; date "soon" is not a date (expected e.g. 2024-05-31 or 31.05.2024)` {
		t.Errorf("row error %q on %q", e.Msg, e.Field)
	}
}

// A value that looks like a placeholder is shown as it was, not filled in.
func TestProblemValueNotExpanded(t *testing.T) {
	rows, err := readAll(t, open(t, "text,date\nGood,{{.Value}}\n", FormatCSV, Mapping{Text: "text", Date: "date"}))
	want := `date "{{.Value}}" is not a date (expected e.g. 2024-05-31 or 31.05.2024)`
	if err != nil || len(rows) != 1 || rows[0].Err == nil || rows[0].Err.Msg != want {
		t.Errorf("rows = %+v, %v; want %s", rows, err, want)
	}
}

// Errors that are no refusal of the file, such as a failed read, have no
// problem: they are not the staff member's to fix.
func TestFileProblemOnlyForRefusals(t *testing.T) {
	for _, err := range []error{
		errors.New("disk on fire"),
		&samtal.Error{Code: samtal.EINVALID, Message: "error.import_empty"},
		&samtal.Error{Code: samtal.EINVALID, Message: MessageKey + "no_such_code"},
	} {
		if p, ok := FileProblem(err); ok {
			t.Errorf("FileProblem(%v) = %+v", err, p)
		}
	}
	_, err := NewReader(iotest.ErrReader(errors.New("disk on fire")), FormatCSV, Mapping{Text: "text"})
	if _, ok := FileProblem(err); ok || err == nil || samtal.ErrorCode(err) != samtal.EINTERNAL {
		t.Errorf("a failed read: %v, want an internal error without a problem", err)
	}
}

// A very wide header is cut without English words, so that the cut reads
// in every language.
func TestWideHeaderCut(t *testing.T) {
	var cols []string
	for i := range 45 {
		cols = append(cols, fmt.Sprintf("c%d", i))
	}
	_, err := NewReader(strings.NewReader(strings.Join(cols, ",")+"\n"), FormatCSV, Mapping{Text: "text"})
	p, ok := FileProblem(err)
	if !ok || p.Code != "column_missing" || !strings.HasPrefix(p.Args["Header"], "c0, c1,") || !strings.HasSuffix(p.Args["Header"], ", c39, … (+5)") {
		t.Errorf("FileProblem = %+v, %v; want the header cut after 40 columns", p, ok)
	}
}
