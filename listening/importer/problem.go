package importer

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/internal/message"
)

// Problem is one thing wrong with a row or a file. Code names the kind of
// problem and Args holds the values its message mentions, by name, so that
// a user interface can say the same in the reader's language
// (MessageKey+Code in samtal's catalogs, with {{.Name}} placeholders).
//
// Args are the values as the English message shows them: a value from the
// file quoted and cut ("\"31.13.2024\""), a number written out ("5"). They
// are strings so that they come back unchanged from the JSON an import is
// stored in (a JSON number would come back as a float and print as 1e+06).
type Problem struct {
	// Field is the JSON name of the mapped field the problem is about
	// ("date"), empty when it is about the row or the file as a whole.
	Field string            `json:"field,omitempty"`
	Code  string            `json:"code"`
	Args  map[string]string `json:"args,omitempty"`
}

// MessageKey is the prefix of a Problem's message key in the catalogs.
const MessageKey = "error.import."

// Message returns the problem in English, filled from its code's template.
func (p *Problem) Message() string {
	return message.Fill(messages[p.Code], p.Args)
}

// args are the values of a message's placeholders.
type args = map[string]string

// problem returns the problem of code; a fills its message.
func problem(code string, a args) *Problem {
	return &Problem{Code: code, Args: a}
}

// rowError returns the error of a row with one problem.
func rowError(p *Problem) *RowError {
	return &RowError{Field: p.Field, Msg: p.Message(), Problems: []Problem{*p}}
}

// fileError is a whole-file refusal: a samtal.Error whose message is the
// catalog key of code, so that the web layer says it in the reader's
// language. FileProblem reads it back.
func fileError(code string, a args) *samtal.Error {
	data := make(map[string]any, len(a))
	for k, v := range a {
		data[k] = v
	}
	return &samtal.Error{Code: samtal.EINVALID, Message: MessageKey + code, Data: data}
}

// FileProblem returns the Problem of a whole-file refusal of NewReader or
// Next; ok is false for any other error (a failed read), which has no code.
func FileProblem(err error) (p Problem, ok bool) {
	var e *samtal.Error
	if !errors.As(err, &e) {
		return Problem{}, false
	}
	code, ok := strings.CutPrefix(e.Message, MessageKey)
	if _, known := messages[code]; !ok || !known {
		return Problem{}, false
	}
	a := make(args, len(e.Data))
	for k, v := range e.Data {
		a[k] = fmt.Sprint(v)
	}
	return Problem{Field: e.Field, Code: code, Args: a}, true
}

// Codes returns every Code a Problem can have, sorted.
func Codes() []string {
	return slices.Sorted(maps.Keys(messages))
}

// messages are the English messages by code. Values from the file, field
// names, date layouts and examples stay as they are in every language.
// Where the English prose differs (a hint added, "no rows were read"), the
// code differs, because a translation words that prose itself.
var messages = map[string]string{
	// A row's values.
	"text_empty":             "text is empty",
	"rating_not_number":      "rating {{.Value}} is not a number",
	"rating_outside_scale":   "rating {{.Value}} is outside the scale {{.Scale}}",
	"rating_outside_percent": "rating {{.Value}} is outside 0-100%",
	"rating_not_on_scale":    "rating {{.Value}} does not fit the scale {{.Scale}}",
	"rating_stars":           "rating {{.Value}} has {{.Stars}} stars, but the scale is {{.Scale}}",
	"date_invalid":           "date {{.Value}} is not a date (expected e.g. 2024-05-31 or 31.05.2024)",
	"date_invalid_month_first": "date {{.Value}} is not a date (expected e.g. 2024-05-31 or 31.05.2024; " +
		"for month-first dates set the date format to 01/02/2006)",
	"date_not_unix":        "date {{.Value}} is not a Unix time (seconds since 1970)",
	"date_format_mismatch": "date {{.Value}} does not match the date format {{.Format}} (e.g. {{.Example}})",
	"url_too_long":         "url is longer than {{.Max}} characters",
	"url_invalid":          "url {{.Value}} is not a web address (it must start with http:// or https://)",
	"id_invalid":           "id {{.Value}} is not an id (up to {{.Max}} characters, on one line)",

	// A row as a whole.
	"row_fields":          "the row has {{.Got}} fields, but the header has {{.Want}}",
	"row_too_large":       "the row is larger than 1 MB",
	"not_utf8":            "{{.Field}} is not valid UTF-8 text (the file may be saved as Windows-1252; save it as UTF-8)",
	"row_not_utf8":        "the row is not valid UTF-8 text; save the file as UTF-8",
	"json_invalid":        "the row is not valid JSON ({{.Reason}})",
	"json_several_values": "the row is not valid JSON (more than one value on the line)",
	"json_not_object":     "the row is not a JSON object",
	"json_not_value":      "{{.Field}} ({{.Path}}) is a list or an object, not a value; map a key inside it, e.g. {{.Example}}",

	// The file.
	"file_empty":        "the file is empty",
	"file_zip":          "the file is an Excel workbook or a zip archive; save it as CSV UTF-8",
	"file_utf16":        `the file is saved as UTF-16 (Excel's "Unicode text"); save it as CSV UTF-8`,
	"file_binary":       "the file is not a text file (or is saved as UTF-16); save it as CSV UTF-8",
	"column_missing":    "column {{.Column}} (mapped to {{.Field}}) is not in the file; the file has: {{.Header}}",
	"columns_missing":   "columns {{.Columns}} (mapped to {{.Fields}}) are not in the file; the file has: {{.Header}}",
	"column_repeated":   "column {{.Column}} (mapped to {{.Field}}) appears {{.Count}} times in the header; rename the copies",
	"json_file_invalid": "the file is not valid JSON: {{.Reason}}",
	"json_not_list":     "the file is not a JSON list of reviews",
	"json_object": "the file is a JSON object, not a list of reviews; " +
		"set records to the key that holds the list (the object has: {{.Keys}})",
	"records_missing":        "the key {{.Key}} (records) is not in the file",
	"records_not_list":       "the key {{.Key}} (records) does not hold a list of reviews",
	"json_truncated":         "the file ends inside row {{.Row}}, before the JSON list is closed; rows 1 to {{.Last}} were read",
	"json_truncated_no_rows": "the file ends inside row {{.Row}}, before the JSON list is closed; no rows were read",
	"json_broken": "row {{.Row}} is not valid JSON ({{.Reason}}), and a JSON list cannot be read past it; " +
		"rows 1 to {{.Last}} were read",
	"json_broken_no_rows": "row {{.Row}} is not valid JSON ({{.Reason}}), and a JSON list cannot be read past it; no rows were read",
}
