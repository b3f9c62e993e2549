package importer

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// jsonArray streams the objects of a JSON list one at a time with the
// decoder's token API, so a 100,000-review file is never held in memory.
// A syntax error ends the file: inside a list there is no telling where the
// next object starts.
type jsonArray struct {
	dec  *json.Decoder
	base int64
	cols [nFields]string
	raw  json.RawMessage
	done bool
}

func newJSONArray(br *bufio.Reader, base int64, m Mapping) (*jsonArray, error) {
	s := &jsonArray{dec: json.NewDecoder(br), base: base, cols: trimmed(m.columns())}
	tok, err := s.dec.Token()
	if err != nil {
		return nil, notJSON(err)
	}
	switch tok {
	case json.Delim('['):
		return s, nil
	case json.Delim('{'):
		if err := s.findRecords(m.Records); err != nil {
			return nil, err
		}
		return s, nil
	}
	return nil, fileError("json_not_list", nil)
}

// notJSON is the error of a file whose start is not JSON.
func notJSON(err error) error {
	return fileError("json_file_invalid", args{"Reason": err.Error()})
}

// findRecords walks from inside the top object to the list at path, reading
// past the values before it. Without a path it names the object's keys.
func (s *jsonArray) findRecords(path string) error {
	if path == "" {
		keys, err := s.objectKeys()
		if err != nil {
			return notJSON(err)
		}
		return fileError("json_object", args{"Keys": listNames(keys)})
	}
	segs := strings.Split(path, ".")
	for i, seg := range segs {
		key := strconv.Quote(strings.Join(segs[:i+1], "."))
		found, err := s.seekKey(seg)
		if err != nil {
			return notJSON(err)
		}
		if !found {
			return fileError("records_missing", args{"Key": key})
		}
		tok, err := s.dec.Token()
		if err != nil {
			return notJSON(err)
		}
		want := json.Delim('{')
		if i == len(segs)-1 {
			want = '['
		}
		if tok != want {
			return fileError("records_not_list", args{"Key": key})
		}
	}
	return nil
}

// seekKey reads keys of the current object, skipping their values, until
// key; it reports false at the object's end.
func (s *jsonArray) seekKey(key string) (bool, error) {
	for s.dec.More() {
		tok, err := s.dec.Token()
		if err != nil {
			return false, err
		}
		if k, _ := tok.(string); k == key {
			return true, nil
		}
		if err := s.dec.Decode(&s.raw); err != nil {
			return false, err
		}
	}
	return false, nil
}

func (s *jsonArray) objectKeys() ([]string, error) {
	var keys []string
	for s.dec.More() {
		tok, err := s.dec.Token()
		if err != nil {
			return nil, err
		}
		k, _ := tok.(string)
		keys = append(keys, k)
		if err := s.dec.Decode(&s.raw); err != nil {
			return nil, err
		}
	}
	return keys, nil
}

func (s *jsonArray) next(row int, v *[nFields]string) (int64, bool, *RowError, error) {
	if s.done {
		return 0, false, nil, io.EOF
	}
	before := s.base + s.dec.InputOffset()
	if !s.dec.More() {
		if _, err := s.dec.Token(); err != nil { // the closing ']'
			return before, false, nil, broken(row, err)
		}
		s.done = true
		return before, false, nil, io.EOF
	}
	if err := s.dec.Decode(&s.raw); err != nil {
		return before, false, nil, broken(row, err)
	}
	off := s.base + s.dec.InputOffset() - int64(len(s.raw))
	if len(s.raw) > maxRow {
		return off, false, rowError(problem("row_too_large", nil)), nil
	}
	if v == nil {
		return off, false, nil, nil
	}
	return off, false, readObject(s.raw, &s.cols, v), nil
}

// broken is the error that ends a JSON list. When row 1 is the broken one
// the message says no rows were read, which is its own code: a translation
// words it.
func broken(row int, err error) error {
	a := args{"Row": strconv.Itoa(row)}
	suffix := "_no_rows"
	if row > 1 {
		a["Last"], suffix = strconv.Itoa(row-1), ""
	}
	var syntax *json.SyntaxError
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return fileError("json_truncated"+suffix, a)
	case errors.As(err, &syntax):
		a["Reason"] = err.Error()
		return fileError("json_broken"+suffix, a)
	}
	return fmt.Errorf("importer: read row %d: %w", row, err)
}

// jsonLines reads one object per line. A broken line is a row error and
// reading goes on with the next. Blank lines are not rows.
type jsonLines struct {
	br   *bufio.Reader
	off  int64
	cols [nFields]string
	buf  []byte
}

func newJSONLines(br *bufio.Reader, base int64, m Mapping) *jsonLines {
	return &jsonLines{br: br, off: base, cols: trimmed(m.columns())}
}

func (s *jsonLines) next(row int, v *[nFields]string) (int64, bool, *RowError, error) {
	for {
		line, n, tooBig, err := s.readLine()
		if err != nil && err != io.EOF {
			return s.off, false, nil, fmt.Errorf("importer: read row %d: %w", row, err)
		}
		if n == 0 {
			return s.off, false, nil, io.EOF
		}
		off := s.off
		s.off += int64(n)
		if tooBig {
			return off, false, rowError(problem("row_too_large", nil)), nil
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		if v == nil {
			return off, false, nil, nil
		}
		return off, false, readObject(line, &s.cols, v), nil
	}
}

// readLine returns the next line (without checking it) and the bytes it
// took; a line over maxRow is read past but not kept.
func (s *jsonLines) readLine() (line []byte, n int, tooBig bool, err error) {
	s.buf = s.buf[:0]
	for {
		chunk, err := s.br.ReadSlice('\n')
		n += len(chunk)
		if !tooBig {
			if len(s.buf)+len(chunk) > maxRow {
				tooBig, s.buf = true, s.buf[:0]
			} else {
				s.buf = append(s.buf, chunk...)
			}
		}
		if err != bufio.ErrBufferFull {
			return s.buf, n, tooBig, err
		}
	}
}

// readObject decodes one JSON object and fills v with the mapped values.
func readObject(data []byte, cols *[nFields]string, v *[nFields]string) *RowError {
	if !utf8.Valid(data) {
		return rowError(problem("row_not_utf8", nil))
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // ratings keep their digits ("4.5", not 4.499…)
	var obj any
	if err := dec.Decode(&obj); err != nil {
		return rowError(problem("json_invalid", args{"Reason": err.Error()}))
	}
	if _, err := dec.Token(); err != io.EOF {
		return rowError(problem("json_several_values", nil))
	}
	m, ok := obj.(map[string]any)
	if !ok {
		return rowError(problem("json_not_object", nil))
	}
	for f, path := range cols {
		if path == "" {
			continue
		}
		val, _ := lookup(m, path)
		s, ok := scalar(val)
		if !ok {
			return rowError(&Problem{Field: fieldNames[f], Code: "json_not_value",
				Args: args{"Field": fieldNames[f], "Path": strconv.Quote(path), "Example": strconv.Quote(path + ".name")}})
		}
		v[f] = s
	}
	return nil
}

// lookup finds path in obj: the key itself when it exists (keys may hold
// dots), else the dot path through nested objects and list indexes
// ("photos.0.url"). Keys match exactly first, then case-insensitively.
func lookup(obj map[string]any, path string) (any, bool) {
	if v, ok := key(obj, path); ok {
		return v, true
	}
	var cur any = obj
	for seg := range strings.SplitSeq(path, ".") {
		switch c := cur.(type) {
		case map[string]any:
			v, ok := key(c, seg)
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(c) {
				return nil, false
			}
			cur = c[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

func key(obj map[string]any, k string) (any, bool) {
	if v, ok := obj[k]; ok {
		return v, true
	}
	// Of keys differing only in case, the smallest wins, so that map order
	// never decides.
	best, found := "", false
	for name := range obj {
		if strings.EqualFold(name, k) && (!found || name < best) {
			best, found = name, true
		}
	}
	return obj[best], found
}

// scalar turns a JSON value into the string a CSV cell would hold; ok is
// false for lists and objects.
func scalar(v any) (string, bool) {
	switch x := v.(type) {
	case nil:
		return "", true
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

func trimmed(cols [nFields]string) [nFields]string {
	for i := range cols {
		cols[i] = strings.TrimSpace(cols[i])
	}
	return cols
}
