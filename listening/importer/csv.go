package importer

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// csvSource reads CSV records. Windows-1252 files are parsed as bytes (the
// delimiter, quotes and line ends are ASCII in both encodings) and only the
// mapped values are transcoded, so Offset stays a byte offset in the file.
type csvSource struct {
	cr     *csv.Reader
	base   int64 // bytes before what cr reads: a BOM, a "sep=" line
	idx    [nFields]int
	width  int
	cp1252 bool
}

func newCSVSource(br *bufio.Reader, head []byte, base int64, m Mapping) (*csvSource, error) {
	s := &csvSource{cp1252: isWindows1252(head, len(head) < sniffSize)}
	comma, sepLine := sniffDelimiter(head)
	if sepLine > 0 {
		if _, err := br.Discard(sepLine); err != nil {
			return nil, fmt.Errorf("importer: read the file: %w", err)
		}
	}
	s.base = base + int64(sepLine)
	s.cr = csv.NewReader(br)
	s.cr.Comma = comma
	s.cr.FieldsPerRecord = -1 // a short row is a row error, not the end of the file
	s.cr.LazyQuotes = true    // hand-made exports have stray quotes ("a 5" screen")
	s.cr.ReuseRecord = true
	header, err := s.cr.Read()
	if err == io.EOF {
		return nil, fileError("file_empty", nil)
	}
	if err != nil {
		// With LazyQuotes and FieldsPerRecord -1, encoding/csv finds no
		// fault in any text: this is a failed read, not a bad file.
		return nil, fmt.Errorf("importer: read the header: %w", err)
	}
	names := make([]string, len(header))
	for i, h := range header {
		if s.cp1252 {
			h = decode1252(h)
		}
		names[i] = strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF"))
	}
	s.width = len(names)
	if err := s.mapColumns(names, m); err != nil {
		return nil, err
	}
	return s, nil
}

// mapColumns finds each mapped column in the header, case-insensitively.
func (s *csvSource) mapColumns(names []string, m Mapping) error {
	var missing, mappedTo []string
	for f, col := range m.columns() {
		s.idx[f] = -1
		col = strings.TrimSpace(col)
		if col == "" {
			continue
		}
		found := 0
		for i, n := range names {
			if strings.EqualFold(n, col) {
				if found == 0 {
					s.idx[f] = i
				}
				found++
			}
		}
		switch {
		case found == 0:
			missing = append(missing, strconv.Quote(col))
			mappedTo = append(mappedTo, fieldNames[f])
		case found > 1:
			return fileError("column_repeated", args{"Column": strconv.Quote(col), "Field": fieldNames[f], "Count": strconv.Itoa(found)})
		}
	}
	switch len(missing) {
	case 0:
		return nil
	case 1:
		return fileError("column_missing", args{"Column": missing[0], "Field": mappedTo[0], "Header": listNames(names)})
	}
	// The columns and the fields are two lists, not "a (mapped to b)" pairs,
	// so that a translation words "mapped to" once.
	return fileError("columns_missing", args{"Columns": strings.Join(missing, ", "), "Fields": strings.Join(mappedTo, ", "), "Header": listNames(names)})
}

// listNames shows a header in a message, cut when it is very wide. The cut
// is marked without words ("a, b, … (+12)") so that it reads in any
// language.
func listNames(names []string) string {
	const show = 40
	if len(names) > show {
		return strings.Join(names[:show], ", ") + fmt.Sprintf(", … (+%d)", len(names)-show)
	}
	return strings.Join(names, ", ")
}

func (s *csvSource) next(row int, v *[nFields]string) (int64, bool, *RowError, error) {
	off := s.base + s.cr.InputOffset()
	rec, err := s.cr.Read()
	if err == io.EOF {
		return off, false, nil, io.EOF
	}
	if err != nil {
		// As for the header: with LazyQuotes and FieldsPerRecord -1 every
		// text is a record, so an error is a failed read.
		return off, false, nil, fmt.Errorf("importer: read row %d: %w", row, err)
	}
	if s.base+s.cr.InputOffset()-off > maxRow {
		return off, false, rowError(problem("row_too_large", nil)), nil
	}
	if v == nil {
		return off, false, nil, nil
	}
	if len(rec) != s.width {
		if allBlank(rec) {
			return off, true, nil, nil
		}
		return off, false, rowError(problem("row_fields", args{"Got": strconv.Itoa(len(rec)), "Want": strconv.Itoa(s.width)})), nil
	}
	for f, i := range s.idx {
		if i < 0 {
			continue
		}
		val := rec[i]
		switch {
		case s.cp1252:
			val = decode1252(val)
		case !utf8.ValidString(val):
			return off, false, rowError(&Problem{Field: fieldNames[f], Code: "not_utf8", Args: args{"Field": fieldNames[f]}}), nil
		}
		v[f] = val
	}
	if allBlank(rec) {
		return off, true, nil, nil
	}
	return off, false, nil, nil
}

// allBlank reports a record of empty fields, as Excel leaves below a sheet
// (";;;;"). It is counted but not a row error.
func allBlank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// isWindows1252 decides a CSV file's encoding from its start: bytes that
// are not UTF-8 and not one UTF-8 character beyond ASCII. whole says head
// is the whole file; otherwise a character cut at its end is not counted.
func isWindows1252(head []byte, whole bool) bool {
	invalid, multi := false, false
	for i := 0; i < len(head); {
		if head[i] < utf8.RuneSelf {
			i++
			continue
		}
		if !whole && !utf8.FullRune(head[i:]) {
			break
		}
		r, size := utf8.DecodeRune(head[i:])
		if r == utf8.RuneError && size == 1 {
			invalid = true
		} else {
			multi = true
		}
		i += size
	}
	return invalid && !multi
}

func decode1252(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			out, err := charmap.Windows1252.NewDecoder().String(s)
			if err != nil {
				return s // cannot happen: every byte has a character
			}
			return out
		}
	}
	return s
}

// sniffDelimiter picks the delimiter of a CSV file from its first line: an
// Excel "sep=;" line when there is one (its length is returned so it can be
// skipped), else whichever of , ; and tab occurs most often outside quotes
// in the header (a comma on a tie).
func sniffDelimiter(head []byte) (comma rune, sepLine int) {
	if len(head) >= 5 && bytes.EqualFold(head[:4], []byte("sep=")) {
		line := head
		if i := bytes.IndexByte(head, '\n'); i >= 0 {
			line = head[:i+1]
		}
		if c := bytes.TrimRight(line[4:], "\r\n"); len(c) == 1 && (c[0] == ',' || c[0] == ';' || c[0] == '\t' || c[0] == '|') {
			return rune(c[0]), len(line)
		}
	}
	var commas, semis, tabs int
	quoted := false
scan:
	for _, c := range head {
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '\n' || c == '\r':
			break scan
		case c == ',':
			commas++
		case c == ';':
			semis++
		case c == '\t':
			tabs++
		}
	}
	switch {
	case commas+semis+tabs == 0:
		// One column: nothing in a row is a delimiter. The unit separator
		// never occurs in exported text.
		return '\x1f', 0
	case semis > commas && semis >= tabs:
		return ';', 0
	case tabs > commas && tabs > semis:
		return '\t', 0
	}
	return ',', 0
}
