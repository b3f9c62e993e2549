package importer

import (
	"errors"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/listening/raw"
)

var googleMapping = Mapping{
	Records: "reviews", ID: "reviewId", Text: "comment", Author: "reviewer.displayName",
	Rating: "starRating", Date: "createTime", Language: "languageCode", Network: "google",
}

func TestJSONGoogleDanish(t *testing.T) {
	rows, err := readAll(t, openFile(t, "testdata/google_da.json", FormatJSON, googleMapping))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 {
		t.Fatalf("%d rows, want 4", len(rows))
	}
	want := raw.Item{
		ExternalID: "AbFvOqk2",
		Text:       "Varen kom for sent, og kundeservice svarede ikke på min mail.\nØv.",
		Author:     "Lars Ærøe",
		Network:    "google",
		Published:  time.Date(2024, 3, 12, 8, 5, 0, 0, time.UTC),
		Rating:     ptr(0.25),
		Lang:       "da",
	}
	if !reflect.DeepEqual(rows[1].Item, want) {
		t.Errorf("row 2 = %+v\nwant   %+v", rows[1].Item, want)
	}
	if rows[0].Item.Author != "Mette Sørensen" || *rows[0].Item.Rating != 1 || rows[3].Item.ExternalID != "AbFvOqk4" {
		t.Errorf("rows 1 and 4 = %+v, %+v", rows[0].Item, rows[3].Item)
	}
	// A review with stars only has no text to listen to.
	if e := rows[2].Err; e == nil || e.Row != 3 || e.Field != "text" {
		t.Errorf("row 3 error = %+v, want text is empty", e)
	}
	file, _ := os.ReadFile("testdata/google_da.json")
	for _, r := range rows {
		if file[r.Offset] != '{' || !strings.Contains(string(file[r.Offset:r.Offset+40]), "reviewId") {
			t.Errorf("row %d: offset %d points at %q", r.N, r.Offset, file[r.Offset:r.Offset+20])
		}
	}
}

func TestJSONArray(t *testing.T) {
	m := Mapping{ID: "id", Text: "body", Author: "reviewer.name", Rating: "rating.value", Date: "meta.dates.0", URL: "links.self", Title: "a.b"}
	file := `[
	{"id": 17, "body": "Numbers work", "reviewer": {"name": "Anna"}, "rating": {"value": 4}, "meta": {"dates": ["2024-05-31", "2024-06-01"]}, "links": {"self": "https://x.org/17"}},
	{"ID": "s1", "BODY": "Keys match without case", "Reviewer": {"Name": "Ben"}, "rating": {"value": "4,5"}, "a.b": "a key with a dot"},
	{"body": "Nulls are empty", "reviewer": null, "rating": {"value": null}, "links": {"self": null}},
	{"body": "Booleans are values", "id": true},
	"not an object",
	{"body": {"text": "nested"}},
	{"body": "bad rating", "rating": {"value": 11}},
	{"body": "last"}
]`
	rows, err := readAll(t, open(t, file, FormatJSON, m))
	if err != nil || len(rows) != 8 {
		t.Fatalf("%d rows, %v", len(rows), err)
	}
	if it := rows[0].Item; it.ExternalID != "17" || it.Author != "Anna" || *it.Rating != 0.75 || it.Published.Day() != 31 || it.URL != "https://x.org/17" {
		t.Errorf("row 1 = %+v", it)
	}
	if it := rows[1].Item; it.ExternalID != "s1" || it.Text != "Keys match without case" || it.Author != "Ben" || *it.Rating != 0.875 || it.Title != "a key with a dot" {
		t.Errorf("row 2 = %+v", it)
	}
	if it := rows[2].Item; rows[2].Err != nil || it.Author != "" || it.Rating != nil || it.URL != "" {
		t.Errorf("row 3 = %+v, %v", it, rows[2].Err)
	}
	if it := rows[3].Item; it.ExternalID != "true" {
		t.Errorf("row 4 = %+v", it)
	}
	wantErrs := map[int]RowError{
		5: {Row: 5, Msg: "the row is not a JSON object"},
		6: {Row: 6, Field: "text", Msg: `text ("body") is a list or an object, not a value; map a key inside it, e.g. "body.name"`},
		7: {Row: 7, Field: "rating", Msg: "rating 11 is outside the scale 1-5"},
	}
	for i, r := range rows {
		if r.N != i+1 {
			t.Errorf("row %d has N %d", i+1, r.N)
		}
		want, bad := wantErrs[r.N]
		if bad != (r.Err != nil) || bad && !sameRowError(r.Err, want) {
			t.Errorf("row %d error = %+v, want %+v", r.N, r.Err, want)
		}
	}
	if rows[7].Item.Text != "last" {
		t.Errorf("row 8 = %+v", rows[7])
	}
}

func TestJSONArrayRowErrors(t *testing.T) {
	big := `{"text": "` + strings.Repeat("x", maxRow) + `"}`
	file := "[{\"text\": \"ok\"}, {\"text\": \"R\xf8dgr\xf8d\"}, " + big + `, {"text": "after"}]`
	rows, err := readAll(t, open(t, file, FormatJSON, Mapping{Text: "text"}))
	if err != nil || len(rows) != 4 {
		t.Fatalf("%d rows, %v", len(rows), err)
	}
	if rows[1].Err == nil || !strings.Contains(rows[1].Err.Msg, "not valid UTF-8") {
		t.Errorf("row 2 = %+v, want a UTF-8 error", rows[1])
	}
	if rows[2].Err == nil || rows[2].Err.Msg != "the row is larger than 1 MB" {
		t.Errorf("row 3 = %v, want too large", rows[2].Err)
	}
	if rows[3].Item.Text != "after" {
		t.Errorf("row 4 = %+v", rows[3])
	}
}

func TestJSONArrayBrokenEndsTheFile(t *testing.T) {
	tests := []struct {
		name, file, want string
	}{
		{"syntax", `[{"text": "one"}, {"text": "two"}, {"text": "three",, }, {"text": "four"}]`, "row 3 is not valid JSON (invalid character ',' looking for beginning of object key string), and a JSON list cannot be read past it; rows 1 to 2 were read"},
		{"missing comma", `[{"text": "one"}, {"text": "two"} {"text": "three"}]`, "row 3 is not valid JSON"},
		{"truncated", `[{"text": "one"}, {"text": "two"}, {"text": "thr`, "the file ends inside row 3, before the JSON list is closed; rows 1 to 2 were read"},
		{"unclosed", `[{"text": "one"}, {"text": "two"}`, "the file ends inside row 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := open(t, tt.file, FormatJSON, Mapping{Text: "text"})
			rows, err := readAll(t, r)
			if len(rows) != 2 || rows[1].Item.Text != "two" {
				t.Errorf("rows = %+v, want the two before the break", rows)
			}
			if samtal.ErrorCode(err) != samtal.EINVALID || !strings.Contains(english(err), tt.want) {
				t.Errorf("error = %v\nwant EINVALID containing %q", err, tt.want)
			}
			if _, again := r.Next(); again != err {
				t.Errorf("Next after the error = %v, want the same error", again)
			}
		})
	}
}

func TestJSONTopLevel(t *testing.T) {
	tests := []struct {
		name, records, file, want string
	}{
		{"object without records", "", `{"meta": {"n": 1}, "reviews": [{"text": "x"}]}`, "the file is a JSON object, not a list of reviews; set records to the key that holds the list (the object has: meta, reviews)"},
		{"records not there", "items", `{"meta": {}, "reviews": []}`, `the key "items" (records) is not in the file`},
		{"records not a list", "meta", `{"meta": {"n": 1}}`, `the key "meta" (records) does not hold a list of reviews`},
		{"a number", "", `42`, "the file is not a JSON list of reviews"},
		{"not json", "", `text,stars`, "the file is not valid JSON"},
	}
	for _, tt := range tests {
		_, err := NewReader(strings.NewReader(tt.file), FormatJSON, Mapping{Text: "text", Records: tt.records})
		if samtal.ErrorCode(err) != samtal.EINVALID || !strings.Contains(english(err), tt.want) {
			t.Errorf("%s: NewReader = %v\nwant EINVALID containing %q", tt.name, err, tt.want)
		}
	}
	file := `{"meta": {"page": [1, 2]}, "data": {"count": 2, "reviews": [{"text": "a"}, {"text": "b"}], "after": 1}}`
	rows, err := readAll(t, open(t, file, FormatJSON, Mapping{Text: "text", Records: "data.reviews"}))
	if err != nil || len(rows) != 2 || rows[1].Item.Text != "b" {
		t.Errorf("nested records: rows %+v, %v", rows, err)
	}
}

var appstoreMapping = Mapping{ID: "id", Text: "content", Title: "title", Author: "userName", Rating: "score", Date: "at", Language: "lang"}

func TestJSONL(t *testing.T) {
	rows, err := readAll(t, openFile(t, "testdata/appstore.jsonl", FormatJSONL, appstoreMapping))
	if err != nil {
		t.Fatal(err)
	}
	items, bad := split(rows)
	if len(items) != 4 || len(bad) != 1 {
		t.Fatalf("%d items and %v, want 4 and 1 error", len(items), bad)
	}
	if e := bad[0]; e.Row != 4 || !strings.HasPrefix(e.Msg, "the row is not valid JSON") {
		t.Errorf("error = %+v, want row 4 not valid JSON", e)
	}
	// The broken line does not stop the file: row 5 comes after it.
	if it := items[3].Item; it.ExternalID != "gp:1005" || *it.Rating != 0.75 || it.Lang != "da" {
		t.Errorf("last item = %+v", it)
	}
	if it := items[2].Item; it.Text != "Guter Support, schnelle Antwort." || *it.Rating != 0.75 {
		t.Errorf("item 3 = %+v, want HTML stripped and the string rating read", it)
	}
	file, _ := os.ReadFile("testdata/appstore.jsonl")
	for _, r := range rows {
		if r.Offset > 0 && file[r.Offset-1] != '\n' || file[r.Offset] != '{' {
			t.Errorf("row %d: offset %d is not at a line start", r.N, r.Offset)
		}
	}
}

func TestJSONLRowErrors(t *testing.T) {
	file := `{"text": "one"}` + "\n" +
		`{"text": "` + strings.Repeat("x", maxRow) + `"}` + "\n" +
		`{"text": "two"} {"text": "more"}` + "\n" +
		`[1, 2]` + "\n" +
		"\xEF\xBB\xBF{\"text\": \"bom in the middle\"}\n" +
		`{"text": "last"}` // no final line end
	rows, err := readAll(t, open(t, file, FormatJSONL, Mapping{Text: "text"}))
	if err != nil || len(rows) != 6 {
		t.Fatalf("%d rows, %v", len(rows), err)
	}
	want := []string{"", "the row is larger than 1 MB", "the row is not valid JSON (more than one value on the line)", "the row is not a JSON object", "the row is not valid JSON", ""}
	for i, w := range want {
		got := ""
		if rows[i].Err != nil {
			got = rows[i].Err.Msg
		}
		if !strings.HasPrefix(got, w) || (w == "") != (got == "") {
			t.Errorf("row %d error = %q, want %q", i+1, got, w)
		}
	}
	if rows[5].Item.Text != "last" {
		t.Errorf("last row = %+v", rows[5])
	}
}

func TestJSONSkipResumes(t *testing.T) {
	tests := []struct {
		name string
		f    Format
		file string
	}{
		{"array", FormatJSON, `[{"text": "a\nb"}, {"text": ""}, {"text": "]}, {"}, 1, {"text": "e"}, {"text": "f"}]`},
		{"records", FormatJSON, `{"reviews": [{"text": "a"}, {"text": "b"}, {"text": "c"}]}`},
		{"jsonl", FormatJSONL, "{\"text\": \"a\"}\n\n{\"text\": \"b\\nc\"}\nbroken\n{\"text\": \"d\"}\n\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := Mapping{Text: "text", Records: "reviews"}
			full, err := readAll(t, open(t, tt.file, tt.f, m))
			if err != nil {
				t.Fatal(err)
			}
			for n := 0; n <= len(full); n++ {
				r := open(t, tt.file, tt.f, m)
				if err := r.Skip(n); err != nil {
					t.Fatalf("Skip(%d) = %v", n, err)
				}
				got, err := readAll(t, r)
				if err != nil || !sameRows(got, full[n:]) {
					t.Errorf("after Skip(%d): %+v, %v\nwant %+v", n, got, err, full[n:])
				}
			}
			r := open(t, tt.file, tt.f, m)
			if err := r.Skip(len(full) + 1); !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("Skip past the end = %v, want io.ErrUnexpectedEOF", err)
			}
		})
	}
}

func TestDetectFormat(t *testing.T) {
	tests := []struct {
		name, head string
		want       Format
	}{
		{"reviews.csv", `[not json]`, FormatCSV},
		{"Reviews.CSV", ``, FormatCSV},
		{"export.tsv", "a\tb", FormatCSV},
		{"export.jsonl", `{"a":1}`, FormatJSONL},
		{"export.ndjson", `{"a":1}`, FormatJSONL},
		{"export.json", `[{"a":1}]`, FormatJSON},
		{"export.json", "\xEF\xBB\xBF  \n[{\"a\":1}]", FormatJSON},
		{"export.json", "{\"a\":1}\n{\"a\":2}\n", FormatJSONL},
		{"export.json", "{\n  \"reviews\": []\n}", FormatJSON},
		{"export.json", `{"reviews": [{"a": 1}]}`, FormatJSON},
		{"upload", `[{"a":1}]`, FormatJSON},
		{"upload", "{\"a\":1}\r\n{\"a\":2}", FormatJSONL},
		{"upload", "author;text\n", FormatCSV},
		{"", "", FormatCSV},
	}
	for _, tt := range tests {
		if got := DetectFormat(tt.name, []byte(tt.head)); got != tt.want {
			t.Errorf("DetectFormat(%q, %q) = %q, want %q", tt.name, tt.head, got, tt.want)
		}
	}
}

// failAfter returns data, then a read error, as a dropped upload would.
type failAfter struct {
	data []byte
	err  error
}

func (f *failAfter) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

func TestReadErrorIsNotAFileError(t *testing.T) {
	cut := errors.New("connection reset")
	for _, f := range []Format{FormatCSV, FormatJSON, FormatJSONL} {
		data := generate(t, 2000, f)
		r, err := NewReader(&failAfter{data: data[:len(data)/2], err: cut}, f, map[Format]Mapping{FormatCSV: trustpilotMapping, FormatJSON: benchJSONMapping, FormatJSONL: benchJSONMapping}[f])
		if err != nil {
			t.Fatal(err)
		}
		rows, err := readAll(t, r)
		if !errors.Is(err, cut) || samtal.ErrorCode(err) != samtal.EINTERNAL || len(rows) < 100 {
			t.Errorf("%s: %d rows, then %v; want the read error, not a message about the file", f, len(rows), err)
		}
	}
}
