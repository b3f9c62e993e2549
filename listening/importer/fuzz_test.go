package importer

import (
	"bytes"
	"os"
	"testing"
	"unicode/utf8"

	"github.com/samtal-dev/samtal/listening/raw"
)

// checkFile reads data fully and checks what must hold for any input: no
// panic, row numbers and offsets increase, every item has plain, non-empty
// UTF-8 text and a rating in 0..1, a bad row carries no item, and Skip to
// the middle gives exactly the tail of the full read.
func checkFile(t *testing.T, data []byte, f Format, m Mapping) {
	r, err := NewReader(bytes.NewReader(data), f, m)
	if err != nil {
		if r != nil {
			t.Fatal("NewReader returned a reader and an error")
		}
		return
	}
	rows, fullErr := readAll(t, r)
	lastN, lastOff := 0, int64(-1)
	for _, row := range rows {
		if row.N <= lastN || row.Offset <= lastOff || row.Offset >= int64(len(data)) {
			t.Fatalf("row %d at %d follows row %d at %d (file of %d bytes)", row.N, row.Offset, lastN, lastOff, len(data))
		}
		lastN, lastOff = row.N, row.Offset
		if row.Err != nil {
			if row.Err.Row != row.N || row.Err.Msg == "" || row.Item != (raw.Item{}) {
				t.Fatalf("row %d: bad row %+v with item %+v", row.N, row.Err, row.Item)
			}
			continue
		}
		it := row.Item
		if it.Text == "" || !utf8.ValidString(it.Text) || hasTag(it.Text) || hasTag(it.Title) || hasTag(it.Author) {
			t.Fatalf("row %d: text %q, title %q, author %q", row.N, it.Text, it.Title, it.Author)
		}
		if it.Rating != nil && (*it.Rating < 0 || *it.Rating > 1) {
			t.Fatalf("row %d: rating %v outside 0..1", row.N, *it.Rating)
		}
		if it.URL != "" && checkURL(it.URL) != nil {
			t.Fatalf("row %d: url %q", row.N, it.URL)
		}
	}
	if len(rows) == 0 {
		return
	}
	n := rows[len(rows)/2].N - 1
	r, err = NewReader(bytes.NewReader(data), f, m)
	if err != nil {
		t.Fatalf("second NewReader: %v", err)
	}
	if err := r.Skip(n); err != nil {
		t.Fatalf("Skip(%d): %v", n, err)
	}
	tail, tailErr := readAll(t, r)
	if !sameRows(tail, rows[len(rows)/2:]) || errString(tailErr) != errString(fullErr) {
		t.Fatalf("after Skip(%d): %+v, %v\nwant %+v, %v", n, tail, tailErr, rows[len(rows)/2:], fullErr)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func addFiles(f *testing.F, add func([]byte), names ...string) {
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		add(data)
	}
}

// fuzzHeaders are put before the fuzzed bytes so that most inputs get past
// the header check and exercise the rows.
var fuzzHeaders = []string{"", "id,author,text,stars,date,link\n", "id;author;text;stars;date;link\r\n"}

var fuzzCSVMappings = []Mapping{
	{ID: "id", Author: "author", Text: "text", Rating: "stars", Date: "date", URL: "link"},
	trustpilotMapping,
	{Text: "Kommentar", Author: "Name", Rating: "Bewertung", Date: "Datum", Title: "Überschrift"},
}

func FuzzCSV(f *testing.F) {
	addFiles(f, func(b []byte) { f.Add(b, uint8(0)) }, "testdata/trustpilot.csv", "testdata/german_excel.csv")
	f.Add([]byte(badRowsFile), uint8(0))
	f.Add([]byte(skipFile), uint8(0))
	f.Add([]byte("1,Anna,\"quoted\nnewline\",4,2024-05-31,https://x.org\n2,Ben,\"unclosed,5,,\n"), uint8(1))
	f.Add([]byte("1;Anna;<script>x</script>;★★★☆☆;31.05.2024;\r\n;;;;;\r\n2;B;\xfcber;80%;1.1.24;http://x\r\n"), uint8(2))
	f.Add([]byte("1,a,b\"c,4,,\n\"\"\"\",x,y,z,,\n"), uint8(1))
	f.Add([]byte("sep=;\nid;author;text;stars;date;link\n1;a;b;4;;\n"), uint8(0))
	f.Add([]byte("\xEF\xBB\xBF"), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, header uint8) {
		data = append([]byte(fuzzHeaders[int(header)%len(fuzzHeaders)]), data...)
		for _, m := range fuzzCSVMappings {
			checkFile(t, data, FormatCSV, m)
		}
	})
}

var fuzzJSONMappings = []Mapping{
	{ID: "id", Author: "a.name", Text: "text", Rating: "r", Date: "d", URL: "u", Records: "reviews"},
	googleMapping,
	appstoreMapping,
}

func FuzzJSON(f *testing.F) {
	addFiles(f, func(b []byte) { f.Add(b, false) }, "testdata/google_da.json")
	addFiles(f, func(b []byte) { f.Add(b, true) }, "testdata/appstore.jsonl")
	f.Add([]byte(`[{"id": 1, "text": "a", "a": {"name": "x"}, "r": "4/5", "d": "2024-05-31", "u": "https://x.org"}, {"text": ""}, 3, {"text": "b"}`), false)
	f.Add([]byte(`{"meta": 1, "reviews": [{"text": "<b>x</b>"}, {"text": {"n": 1}}]}`), false)
	f.Add([]byte("{\"text\": \"a\"}\n\n{\"text\": \"b\"} x\n\xff\n{\"text\": \"c\", \"r\": 9}"), true)
	f.Add([]byte(`[{"text": "a"}, {"text": "b",, }]`), false)
	f.Add([]byte(`[`), false)
	f.Fuzz(func(t *testing.T, data []byte, jsonl bool) {
		format := FormatJSON
		if jsonl {
			format = FormatJSONL
		}
		for _, m := range fuzzJSONMappings {
			checkFile(t, data, format, m)
		}
	})
}
