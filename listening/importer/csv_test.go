package importer

import (
	"bytes"
	"errors"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/listening/raw"
)

var trustpilotMapping = Mapping{
	ID: "Review ID", Text: "Review Content", Title: "Review Title", Author: "Consumer Name",
	AuthorHandle: "Consumer Email", Rating: "Review Stars", Date: "Review Created (UTC)",
	Language: "Review Language", URL: "Review Link", Network: "Trustpilot",
}

func TestCSVTrustpilot(t *testing.T) {
	rows, err := readAll(t, openFile(t, "testdata/trustpilot.csv", FormatCSV, trustpilotMapping))
	if err != nil {
		t.Fatal(err)
	}
	items, bad := split(rows)
	if len(items) != 6 || len(bad) != 0 {
		t.Fatalf("got %d items and %v, want 6 items", len(items), bad)
	}
	want := raw.Item{
		ExternalID: "65f1a2b3c4d5e6f708192a02",
		URL:        "https://www.trustpilot.com/reviews/65f1a2b3c4d5e6f708192a02",
		Title:      "Wrong size",
		Text:       "The shoes were a size too small.\nThe exchange took two weeks.\n\nSupport was friendly though.",
		Author:     "Ben Okafor",
		Network:    "trustpilot",
		Published:  time.Date(2024, 5, 30, 17, 1, 2, 0, time.UTC),
		Rating:     ptr(0.25),
		Lang:       "en",
	}
	if !reflect.DeepEqual(items[1].Item, want) {
		t.Errorf("row 2 = %+v\nwant   %+v", items[1].Item, want)
	}
	if got := items[3].Item; got.Author != `Dmitri "Dima" Ivanov` || got.AuthorHandle != "dima@example.net" || *got.Rating != 0 {
		t.Errorf("row 4 = %+v, want Dmitri \"Dima\" Ivanov, dima@example.net, rating 0", got)
	}
	file, _ := os.ReadFile("testdata/trustpilot.csv")
	for i, it := range items {
		if it.N != i+1 {
			t.Errorf("row %d has N %d", i+1, it.N)
		}
		// Offset points at the row's first byte: its id.
		if !bytes.HasPrefix(file[it.Offset:], []byte(it.Item.ExternalID+",")) {
			t.Errorf("row %d: offset %d points at %q", it.N, it.Offset, file[it.Offset:min(int(it.Offset)+30, len(file))])
		}
	}
}

// TestCSVGermanExcelWindows1252 reads an export as German Excel saves it:
// semicolons, day-first dates, CRLF, Windows-1252. The file was written with
// Python's str.encode("cp1252").
func TestCSVGermanExcelWindows1252(t *testing.T) {
	file, err := os.ReadFile("testdata/german_excel.csv")
	if err != nil {
		t.Fatal(err)
	}
	if utf8.Valid(file) {
		t.Fatal("testdata/german_excel.csv must stay Windows-1252 (it was re-saved as UTF-8)")
	}
	m := Mapping{Text: "Kommentar", Title: "überschrift", Author: "NAME", Rating: "Bewertung", Date: "Datum"}
	rows, err := readAll(t, open(t, string(file), FormatCSV, m))
	if err != nil {
		t.Fatal(err)
	}
	items, bad := split(rows)
	if len(items) != 5 || len(bad) != 0 {
		t.Fatalf("got %d items and %v, want 5 items", len(items), bad)
	}
	tests := []struct {
		author, title, text string
		date                time.Time
		rating              float64
	}{
		{"Jürgen Weiß", "Sehr gut", "Schnelle Lieferung, alles einwandfrei. Gerne wieder!", time.Date(2024, 4, 3, 0, 0, 0, 0, time.UTC), 1},
		{"Anneliese Groß", "Enttäuscht", "Die Größe stimmt nicht; Rücksendung kostet 4,95 €.\nSchade.", time.Date(2024, 4, 15, 0, 0, 0, 0, time.UTC), 0.25},
		{"Søren Ærø", "Fint", "Hurtig levering og god kvalitet – tak!", time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC), 0.75},
		{"Müller", "Geht so", "Verpackung beschädigt, Ware aber in Ordnung.", time.Date(2024, 5, 20, 14, 30, 0, 0, time.UTC), 0.5},
		{"Björn Öztürk", "Nie wieder", "Kein Rückruf, keine Antwort auf E-Mails.", time.Date(2024, 5, 31, 0, 0, 0, 0, time.UTC), 0},
	}
	for i, tt := range tests {
		it := items[i].Item
		if it.Author != tt.author || it.Title != tt.title || it.Text != tt.text || !it.Published.Equal(tt.date) || *it.Rating != tt.rating {
			t.Errorf("row %d = %q %q %q %v %v\nwant     %q %q %q %v %v", i+1, it.Author, it.Title, it.Text, it.Published, *it.Rating, tt.author, tt.title, tt.text, tt.date, tt.rating)
		}
		// Offsets are bytes of the file as it is, not of the UTF-8 text.
		if file[items[i].Offset] != tt.author[0] || file[items[i].Offset-1] != '\n' {
			t.Errorf("row %d: offset %d points at %q", i+1, items[i].Offset, file[items[i].Offset:items[i].Offset+10])
		}
	}
}

func TestCSVDelimiter(t *testing.T) {
	m := Mapping{Text: "text", Rating: "stars"}
	tests := []struct {
		name, file string
	}{
		{"comma", "text,stars\n\"Good, really\",4\n"},
		{"semicolon", "text;stars\nGood, really;4\n"},
		{"tab", "text\tstars\nGood, really\t4\n"},
		{"excel sep line", "sep=;\ntext;stars\nGood, really;4\n"},
		{"excel sep line crlf", "sep=;\r\ntext;stars\r\nGood, really;4\r\n"},
		{"quoted header with commas", "\"text, in full\";text;stars\nx;Good, really;4\n"},
		{"more semicolons than commas", "text;stars;date, local\nGood, really;4;\n"},
		{"crlf", "text,stars\r\n\"Good, really\",4\r\n"},
		{"bom", "\xEF\xBB\xBFtext;stars\nGood, really;4\n"},
		{"bom and sep line", "\xEF\xBB\xBFsep=;\ntext;stars\nGood, really;4\n"},
		{"header case and space", " TEXT , Stars \n\"Good, really\",4\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := readAll(t, open(t, tt.file, FormatCSV, m))
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 1 || rows[0].Err != nil || rows[0].Item.Text != "Good, really" || *rows[0].Item.Rating != 0.75 {
				t.Fatalf("rows = %+v, want one item \"Good, really\" rated 0.75", rows)
			}
			if off := rows[0].Offset; !strings.HasPrefix(tt.file[off:], "Good") && !strings.HasPrefix(tt.file[off:], "\"Good") && !strings.HasPrefix(tt.file[off:], "x;") {
				t.Errorf("offset %d points at %q", off, tt.file[off:])
			}
		})
	}
}

func TestCSVSingleColumn(t *testing.T) {
	rows, err := readAll(t, open(t, "Comment\nGreat\nAlso, great; really\n", FormatCSV, Mapping{Text: "comment"}))
	if err != nil || len(rows) != 2 || rows[1].Item.Text != "Also, great; really" {
		t.Fatalf("rows = %+v, %v; want the whole line as text", rows, err)
	}
}

func TestCSVMissingColumn(t *testing.T) {
	file := "author,text,stars,date\nAnna,Good,4,2024-05-31\n"
	tests := []struct {
		name string
		m    Mapping
		want string
	}{
		{"one", Mapping{Text: "text", Rating: "rating"}, `column "rating" (mapped to rating) is not in the file; the file has: author, text, stars, date`},
		{"two", Mapping{Text: "body", Rating: "rating"}, `columns "body", "rating" (mapped to text, rating) are not in the file; the file has: author, text, stars, date`},
		{"duplicate", Mapping{Text: "text", Author: "Author"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewReader(strings.NewReader(file), FormatCSV, tt.m)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("NewReader = %v", err)
				}
				return
			}
			if r != nil || samtal.ErrorCode(err) != samtal.EINVALID || english(err) != tt.want {
				t.Errorf("NewReader = %v, %v\nwant EINVALID %q", r, err, tt.want)
			}
		})
	}
	_, err := NewReader(strings.NewReader("text,Text\nx,y\n"), FormatCSV, Mapping{Text: "text"})
	if samtal.ErrorCode(err) != samtal.EINVALID || !strings.Contains(english(err), "appears 2 times") {
		t.Errorf("duplicate header: NewReader = %v, want EINVALID naming the column twice", err)
	}
}

func TestCSVNotReadable(t *testing.T) {
	tests := []struct {
		name, file, want string
	}{
		{"empty", "", "the file is empty"},
		{"blank", " \n\n", "the file is empty"},
		{"bom only", "\xEF\xBB\xBF", "the file is empty"},
		{"xlsx", "PK\x03\x04\x14\x00\x06\x00", "Excel workbook"},
		{"utf-16", "\xFF\xFEt\x00e\x00x\x00t\x00", "UTF-16"},
		{"binary", "text\x00\x01\x02", "not a text file"},
	}
	for _, tt := range tests {
		_, err := NewReader(strings.NewReader(tt.file), FormatCSV, Mapping{Text: "text"})
		if samtal.ErrorCode(err) != samtal.EINVALID || !strings.Contains(english(err), tt.want) {
			t.Errorf("%s: NewReader = %v, want EINVALID with %q", tt.name, err, tt.want)
		}
	}
	rows, err := readAll(t, open(t, "text,stars\n", FormatCSV, Mapping{Text: "text"}))
	if err != nil || len(rows) != 0 {
		t.Errorf("header only: rows %v, %v; want none", rows, err)
	}
}

func TestCSVEncoding(t *testing.T) {
	m := Mapping{Text: "text", Author: "author"}
	t.Run("whole file Windows-1252 is transcoded", func(t *testing.T) {
		file := "author;text\nJ\xfcrgen;Sch\xf6n, 5 \x80 billiger\nS\xf8ren;R\xf8dgr\xf8d med fl\xf8de\n"
		rows, err := readAll(t, open(t, file, FormatCSV, m))
		if err != nil || len(rows) != 2 || rows[0].Item.Author != "Jürgen" || rows[0].Item.Text != "Schön, 5 € billiger" || rows[1].Item.Text != "Rødgrød med fløde" {
			t.Fatalf("rows = %+v, %v", rows, err)
		}
	})
	t.Run("UTF-8 file with a bad row reports that row", func(t *testing.T) {
		file := "author;text\nJürgen;Schön\nS\xf8ren;Rodgrod\nAnna;Gut\n"
		rows, err := readAll(t, open(t, file, FormatCSV, m))
		if err != nil || len(rows) != 3 {
			t.Fatalf("rows = %+v, %v", rows, err)
		}
		if rows[0].Item.Text != "Schön" || rows[2].Item.Text != "Gut" {
			t.Errorf("good rows = %+v, %+v", rows[0], rows[2])
		}
		want := RowError{Row: 2, Field: "author", Msg: "author is not valid UTF-8 text (the file may be saved as Windows-1252; save it as UTF-8)"}
		if !sameRowError(rows[1].Err, want) {
			t.Errorf("row 2 error = %+v, want %+v", rows[1].Err, want)
		}
	})
	t.Run("bad bytes after the first 64 KB are row errors", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("author,text\n")
		for b.Len() < sniffSize+100 {
			b.WriteString("Anna,plain ASCII review text\n")
		}
		n := strings.Count(b.String(), "\n") - 1
		b.WriteString("S\xf8ren,R\xf8dgr\xf8d\n")
		rows, err := readAll(t, open(t, b.String(), FormatCSV, m))
		if err != nil || len(rows) != n+1 {
			t.Fatalf("%d rows, %v; want %d", len(rows), err, n+1)
		}
		if last := rows[n]; last.Err == nil || last.Err.Row != n+1 || !strings.Contains(last.Err.Msg, "not valid UTF-8") {
			t.Errorf("last row = %+v, want a UTF-8 row error", last)
		}
	})
	t.Run("bad bytes in an unmapped column do not matter", func(t *testing.T) {
		file := "author;text;notes\nJürgen;Schön;\xff\n"
		rows, err := readAll(t, open(t, file, FormatCSV, m))
		if err != nil || len(rows) != 1 || rows[0].Err != nil {
			t.Fatalf("rows = %+v, %v", rows, err)
		}
	})
}

// badRowsFile has 10 rows; rows 3, 6 and 9 are bad.
const badRowsFile = `id,author,text,stars,date,link
1,Anna,Great,5,2024-05-01,https://example.org/r/1
2,Ben,Good,4,2024-05-02,
3,Clara,Nice,4,31.13.2024,
4,Dan,Fine,3,02.05.2024,
5,Eva,"Two
lines",2,2024-05-05,
6,Finn,Bad,7,2024-05-06,
7,Gus,Meh,3,,
8,Hana,Okay,3,2024-05-08T10:00:00Z,
9,Ida,Click,5,2024-05-09,javascript:alert(1)
10,Jon,Last,1,2024-05-10,https://example.org/r/10
`

func TestCSVBadRows(t *testing.T) {
	m := Mapping{ID: "id", Author: "author", Text: "text", Rating: "stars", Date: "date", URL: "link"}
	rows, err := readAll(t, open(t, badRowsFile, FormatCSV, m))
	if err != nil {
		t.Fatal(err)
	}
	items, bad := split(rows)
	if len(items) != 7 || len(bad) != 3 {
		t.Fatalf("got %d items and %d errors, want 7 and 3", len(items), len(bad))
	}
	want := []RowError{
		{Row: 3, Field: "date", Msg: `date "31.13.2024" is not a date (expected e.g. 2024-05-31 or 31.05.2024)`},
		{Row: 6, Field: "rating", Msg: "rating 7 is outside the scale 1-5"},
		{Row: 9, Field: "url", Msg: `url "javascript:alert(1)" is not a web address (it must start with http:// or https://)`},
	}
	for i, e := range bad {
		if !sameRowError(e, want[i]) {
			t.Errorf("got %+v, want %+v", *e, want[i])
		}
	}
	if got := bad[0].Error(); got != `row 3: date "31.13.2024" is not a date (expected e.g. 2024-05-31 or 31.05.2024)` {
		t.Errorf("Error() = %q", got)
	}
	for i, r := range rows {
		if r.N != i+1 {
			t.Errorf("row %d has N %d", i+1, r.N)
		}
		if r.Err == nil && r.Item.ExternalID != strings.Fields(strings.ReplaceAll(badRowsFile[r.Offset:], ",", " "))[0] {
			t.Errorf("row %d: offset %d does not point at its id %s", r.N, r.Offset, r.Item.ExternalID)
		}
	}
	if rows[4].Item.Text != "Two\nlines" || !rows[6].Item.Published.IsZero() {
		t.Errorf("rows 5 and 7 = %+v, %+v", rows[4].Item, rows[6].Item)
	}
}

func TestCSVRowErrors(t *testing.T) {
	m := Mapping{Author: "author", Text: "text", Rating: "stars", Date: "date", ID: "id"}
	tests := []struct {
		name, row string
		want      RowError
	}{
		{"empty text", `a,,4,2024-05-01,1`, RowError{Field: "text", Msg: "text is empty"}},
		{"blank text", `a,"  ",4,2024-05-01,1`, RowError{Field: "text", Msg: "text is empty"}},
		{"only markup", `a,<br><br>,4,2024-05-01,1`, RowError{Field: "text", Msg: "text is empty"}},
		{"rating not a number", `a,t,great,2024-05-01,1`, RowError{Field: "rating", Msg: `rating "great" is not a number`}},
		{"several", `a,,9,soon,1`, RowError{Field: "text", Msg: `text is empty; rating 9 is outside the scale 1-5; date "soon" is not a date (expected e.g. 2024-05-31 or 31.05.2024)`}},
		{"too few fields", `a,t,4`, RowError{Msg: "the row has 3 fields, but the header has 5"}},
		{"too many fields", `a,t,4,2024-05-01,1,extra`, RowError{Msg: "the row has 6 fields, but the header has 5"}},
		{"id too long", `a,t,4,2024-05-01,` + strings.Repeat("x", 201), RowError{Field: "id", Msg: `id "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…" is not an id (up to 200 characters, on one line)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := "author,text,stars,date,id\n" + tt.row + "\nb,fine,5,2024-05-02,2\n"
			rows, err := readAll(t, open(t, file, FormatCSV, m))
			if err != nil || len(rows) != 2 {
				t.Fatalf("rows = %+v, %v", rows, err)
			}
			tt.want.Row = 1
			if !sameRowError(rows[0].Err, tt.want) {
				t.Errorf("row error = %+v, want %+v", rows[0].Err, tt.want)
			}
			if rows[0].Item != (raw.Item{}) {
				t.Errorf("a bad row carries an item: %+v", rows[0].Item)
			}
			if rows[1].Err != nil || rows[1].Item.Text != "fine" || rows[1].N != 2 {
				t.Errorf("the next row = %+v, want it read", rows[1])
			}
		})
	}
}

func TestCSVBlankRecordsAreSkipped(t *testing.T) {
	file := "author;text\nAnna;Good\n;\n  ;  \n\nBen;Fine\n;\n"
	rows, err := readAll(t, open(t, file, FormatCSV, Mapping{Text: "text", Author: "author"}))
	if err != nil || len(rows) != 2 || rows[0].N != 1 || rows[1].N != 4 || rows[1].Item.Author != "Ben" {
		t.Fatalf("rows = %+v, %v; want rows 1 and 4 (the blank records are counted, not delivered)", rows, err)
	}
}

func TestCSVRowTooLarge(t *testing.T) {
	file := "author,text\nAnna,\"" + strings.Repeat("long text ", maxRow/10+10) + "\"\nBen,Fine\n"
	rows, err := readAll(t, open(t, file, FormatCSV, Mapping{Text: "text", Author: "author"}))
	if err != nil || len(rows) != 2 {
		t.Fatalf("%d rows, %v", len(rows), err)
	}
	if rows[0].Err == nil || rows[0].Err.Msg != "the row is larger than 1 MB" || rows[1].Item.Text != "Fine" {
		t.Errorf("rows = %v / %+v", rows[0].Err, rows[1])
	}
}

func TestCSVLongTextIsCut(t *testing.T) {
	file := "text\n" + strings.Repeat("wörd ", 10000) + "\n"
	rows, err := readAll(t, open(t, file, FormatCSV, Mapping{Text: "text"}))
	if err != nil || len(rows) != 1 || rows[0].Err != nil {
		t.Fatalf("rows = %v, %v", rows, err)
	}
	if n := utf8.RuneCountInString(rows[0].Item.Text); n > maxText || n < maxText-10 {
		t.Errorf("text has %d characters, want just under %d", n, maxText)
	}
}

func TestCSVHTMLIsStripped(t *testing.T) {
	file := "title,text\n<b>Top</b>,\"<p>Nice <a href=\"\"https://x.org\"\">shop</a></p><script>steal()</script>\"\n"
	rows, err := readAll(t, open(t, file, FormatCSV, Mapping{Text: "text", Title: "title"}))
	if err != nil || len(rows) != 1 || rows[0].Item.Text != "Nice shop" || rows[0].Item.Title != "Top" {
		t.Fatalf("rows = %+v, %v", rows, err)
	}
}

// skipFile has quoted line breaks and a quoted "row" inside a field, so
// counting lines instead of records would land in the wrong place.
const skipFile = "id;text;stars\r\n" +
	"1;\"first\nsecond line\";5\r\n" +
	"2;\"looks like a row:\n9;fake;1\";4\r\n" +
	"3;plain;3\r\n" +
	"4;;3\r\n" + // a bad row
	"5;\"with \"\"quotes\"\"\r\nand CRLF\";2\r\n" +
	";;\r\n" + // a blank record
	"7;last;1\r\n"

func TestCSVSkipResumes(t *testing.T) {
	m := Mapping{ID: "id", Text: "text", Rating: "stars"}
	full, err := readAll(t, open(t, skipFile, FormatCSV, m))
	if err != nil || len(full) != 6 {
		t.Fatalf("full read: %d rows, %v", len(full), err)
	}
	for n := 0; n <= 7; n++ {
		r := open(t, skipFile, FormatCSV, m)
		if err := r.Skip(n); err != nil {
			t.Fatalf("Skip(%d) = %v", n, err)
		}
		got, err := readAll(t, r)
		if err != nil {
			t.Fatal(err)
		}
		var want []Row
		for _, row := range full {
			if row.N > n {
				want = append(want, row)
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("after Skip(%d):\n got %+v\nwant %+v", n, got, want)
		}
	}
	r := open(t, skipFile, FormatCSV, m)
	if err := r.Skip(8); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("Skip past the end = %v, want io.ErrUnexpectedEOF", err)
	}
	// Skipping nothing at the end is not an error.
	r = open(t, skipFile, FormatCSV, m)
	if err := r.Skip(7); err != nil {
		t.Fatalf("Skip(7) = %v", err)
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("Next after Skip(7) = %v, want io.EOF", err)
	}
	if err := r.Skip(0); err != nil {
		t.Errorf("Skip(0) at the end = %v", err)
	}
	// Skip after reading some rows skips relative to where the reader is.
	r = open(t, skipFile, FormatCSV, m)
	r.Next()
	if err := r.Skip(2); err != nil {
		t.Fatal(err)
	}
	if row, _ := r.Next(); row.N != 4 {
		t.Errorf("Next after Next, Skip(2) = row %d, want 4", row.N)
	}
}
