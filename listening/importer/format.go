package importer

import (
	"bytes"
	"encoding/json"
	"path"
	"strings"
)

// Format is how a file is laid out.
type Format string

// The formats a Reader reads.
const (
	FormatCSV   Format = "csv"   // a header line, then one record per row
	FormatJSON  Format = "json"  // a list of objects, or an object holding one (Mapping.Records)
	FormatJSONL Format = "jsonl" // one object per line
)

// DetectFormat guesses a file's format from its name and its first bytes:
// .jsonl and .ndjson are JSONL; .csv, .tsv and .txt are CSV; otherwise a
// file starting with "[" is JSON, one starting with an object followed by
// another on the next line is JSONL, another "{" is JSON, and anything else
// is CSV.
func DetectFormat(name string, head []byte) Format {
	switch strings.ToLower(path.Ext(name)) {
	case ".jsonl", ".ndjson":
		return FormatJSONL
	case ".csv", ".tsv", ".txt":
		return FormatCSV
	}
	head = bytes.TrimLeft(bytes.TrimPrefix(head, utf8BOM), " \t\r\n")
	if len(head) == 0 {
		return FormatCSV
	}
	switch head[0] {
	case '[':
		return FormatJSON
	case '{':
		line, rest, ok := bytes.Cut(head, []byte("\n"))
		if ok && json.Valid(line) && bytes.HasPrefix(bytes.TrimLeft(rest, " \t\r\n"), []byte("{")) {
			return FormatJSONL
		}
		return FormatJSON
	}
	return FormatCSV
}
