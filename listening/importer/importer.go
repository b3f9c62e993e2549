// Package importer reads review exports (Trustpilot, Google reviews, app
// stores, a shop's own review tool) from CSV, JSON or JSONL files into
// raw.Items, one row at a time, through a Mapping saved per source.
//
// It is the pure reading side of an import: it streams (memory does not grow
// with the file), reports a bad row as a RowError and goes on so the good
// rows still land, and can Skip rows already stored so that an import
// interrupted by a crash resumes without duplicates. Storing, batching and
// recording progress belong to the caller, which also caps the file size.
//
// Whole-file problems (a mapped column missing from the header, a file that
// is an Excel workbook or UTF-16, JSON broken beyond repair) are EINVALID
// *samtal.Errors with a message staff can act on: its message is a catalog
// key, MessageKey plus a Problem code, with the values in Data
// (FileProblem gives it back as a Problem, with the English).
//
// Encoding: files should be UTF-8 (a BOM is dropped). Excel in Germany and
// Denmark still saves "CSV" as Windows-1252, so a CSV file whose first 64 KB
// contain bytes that are not UTF-8 and no UTF-8 character at all is read as
// Windows-1252. A file that is UTF-8 at the start keeps being read as UTF-8,
// and a later row with bytes that are not UTF-8 is a row error telling staff
// to save the file as UTF-8: guessing per row would garble the good ones.
// JSON is UTF-8 by definition and is never transcoded.
//
// Rows are checked one by one: empty text, a rating that is not a number or
// is outside its scale, a date that is not one, a URL that is not http(s),
// a CSV row with the wrong number of fields and a row over 1 MB are row
// errors. Text is made plain: HTML tags are stripped (script and style with
// their content), entities decoded, control characters dropped. Texts over
// 20,000 characters and titles over 300 are cut at a word rather than
// refused, so a long review still counts. A JSON list cannot be read past a
// syntax error, so that ends the file with an error naming the row; a JSONL
// line is independent, so a broken one is a row error.
package importer

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/samtal-dev/samtal/listening/raw"
)

// maxRow caps one row (a CSV record, a JSON object, a JSONL line).
const maxRow = 1 << 20

// sniffSize is how much of the file decides its encoding and delimiter.
const sniffSize = 64 << 10

// Row is one data row of a file: an item, or the reason it is not one.
type Row struct {
	// N is the 1-based number of the data row: the CSV header is not
	// counted, nor are blank lines.
	N int
	// Offset is the byte offset in the file where the row starts (for
	// CSV, blank lines just before a row count as its start).
	Offset int64
	// Item is the review; it is the zero Item when Err is set.
	Item raw.Item
	Err  *RowError
}

// RowError is why one row was not read. Msg is plain English for staff,
// naming the value: `date "31.13.2024" is not a date (expected e.g.
// 2024-05-31 or 31.05.2024)`; when several fields are wrong it names them
// all, separated by "; ". Problems are the same with codes and values, one
// per sentence of Msg, so that a user interface can say them in another
// language.
type RowError struct {
	Row int
	// Field is the JSON name of the first field that is wrong ("date"),
	// empty when the row as a whole is ("the row has 4 fields …").
	Field    string
	Msg      string
	Problems []Problem
}

// Error returns the message prefixed with the row: "row 12: …".
func (e *RowError) Error() string { return fmt.Sprintf("row %d: %s", e.Row, e.Msg) }

// source delivers the mapped values of a file's rows.
type source interface {
	// next reads the row that gets number row. It fills v unless v is nil
	// (Skip), and returns where the row starts, a problem with the row, or
	// an error that ends the file (io.EOF at its end). blank reports a row
	// with no values at all, which is counted but not delivered.
	next(row int, v *[nFields]string) (off int64, blank bool, rerr *RowError, err error)
}

// Reader reads the rows of one file. It is not safe for concurrent use.
type Reader struct {
	src source
	c   compiled
	n   int
	err error
}

// NewReader reads the start of the file (the CSV header, the opening of a
// JSON list) and checks the mapping against it. It returns EINVALID when the
// mapping is invalid, when a mapped column is not in the CSV header (before
// any row is read) or when the file is not a readable text file.
func NewReader(r io.Reader, f Format, m Mapping) (*Reader, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	c := compile(m)
	br, head, base, err := openText(r)
	if err != nil {
		return nil, err
	}
	var src source
	switch f {
	case FormatCSV:
		src, err = newCSVSource(br, head, base, m)
	case FormatJSON:
		src, err = newJSONArray(br, base, m)
	case FormatJSONL:
		src = newJSONLines(br, base, m)
	default:
		err = fmt.Errorf("importer: unknown format %q", f)
	}
	if err != nil {
		return nil, err
	}
	return &Reader{src: src, c: c}, nil
}

// Next returns the next row, or io.EOF after the last. A bad row comes back
// with Err set and a nil error, so reading goes on. An error other than
// io.EOF ends the file (a JSON list broken beyond repair, a failed read) and
// is returned again by every later call.
func (r *Reader) Next() (Row, error) {
	for r.err == nil {
		var v [nFields]string
		off, blank, rerr, err := r.src.next(r.n+1, &v)
		if err != nil {
			r.err = err
			break
		}
		r.n++
		if blank {
			continue
		}
		row := Row{N: r.n, Offset: off}
		if rerr == nil {
			row.Item, rerr = r.c.item(&v)
		}
		if rerr != nil {
			rerr.Row = r.n
			row.Item = raw.Item{}
			row.Err = rerr
		}
		return row, nil
	}
	return Row{}, r.err
}

// Skip passes over the next n rows without making items, counting them as
// Next does (CSV records, not lines, so quoted line breaks are handled). On
// a fresh Reader, Skip(n) resumes after row n: the next Row has N > n. It
// returns an error wrapping io.ErrUnexpectedEOF when the file has fewer rows,
// which means it is not the file that was partly imported.
func (r *Reader) Skip(n int) error {
	target := r.n + n
	for r.n < target {
		if r.err != nil {
			break
		}
		_, _, _, err := r.src.next(r.n+1, nil)
		if err != nil {
			r.err = err
			break
		}
		r.n++
	}
	switch {
	case r.n >= target:
		return nil
	case errors.Is(r.err, io.EOF):
		return fmt.Errorf("importer: skip past row %d: the file ends after row %d: %w", target, r.n, io.ErrUnexpectedEOF)
	}
	return r.err
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// openText buffers r, refuses files that are not text and drops a UTF-8
// BOM. head is the start of the text after the BOM, base the BOM's length.
func openText(r io.Reader) (br *bufio.Reader, head []byte, base int64, err error) {
	br = bufio.NewReaderSize(r, sniffSize+4096)
	head, err = br.Peek(sniffSize)
	if err != nil && err != io.EOF {
		return nil, nil, 0, fmt.Errorf("importer: read the file: %w", err)
	}
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return nil, nil, 0, fileError("file_zip", nil)
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return nil, nil, 0, fileError("file_utf16", nil)
	case bytes.IndexByte(head, 0) >= 0:
		return nil, nil, 0, fileError("file_binary", nil)
	}
	if bytes.HasPrefix(head, utf8BOM) {
		if _, err := br.Discard(len(utf8BOM)); err != nil {
			return nil, nil, 0, fmt.Errorf("importer: read the file: %w", err)
		}
		head, base = head[len(utf8BOM):], int64(len(utf8BOM))
	}
	if len(bytes.TrimSpace(head)) == 0 {
		return nil, nil, 0, fileError("file_empty", nil)
	}
	return br, head, base, nil
}
