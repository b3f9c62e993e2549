package importer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode"

	"github.com/samtal-dev/samtal"
)

// Mapping says which column (CSV header name) or key (JSON, dot paths such
// as "reviewer.name" reach into nested objects) holds each part of a
// review. It is saved per source as JSON, so its JSON names are part of the
// API. Only Text is required; unmapped fields stay empty.
type Mapping struct {
	Text     string `json:"text"`
	Author   string `json:"author,omitempty"`
	Rating   string `json:"rating,omitempty"`
	Date     string `json:"date,omitempty"`
	URL      string `json:"url,omitempty"`
	Title    string `json:"title,omitempty"`
	Language string `json:"language,omitempty"`
	// ID is the column with the row's own id; it becomes Item.ExternalID.
	// Without it Key falls back to the URL, then to a hash of author, date
	// and text, so importing the same file again stores nothing twice.
	ID string `json:"id,omitempty"`
	// AuthorHandle is the column with an email address or handle.
	AuthorHandle string `json:"author_handle,omitempty"`
	// RatingScale is "min-max" ("1-5", "0-10", "0-100", "0-1"), "stars"
	// (1-5, also written "★★★★☆") or "percent" (0-100). Empty means 1-5,
	// the scale of nearly every review site; a value outside the scale is a
	// row error, so a wrong guess shows instead of skewing the figures.
	RatingScale string `json:"rating_scale,omitempty"`
	// DateFormat is a Go layout ("02.01.2006"), "unix" or "unixms". Empty
	// means the formats in date.go: ISO 8601, day-first dates with dots,
	// dashes or slashes, and English month names. Month-first dates
	// ("01/02/2006") are read only when given here, since 05/06/2024 is
	// ambiguous. Dates without a zone are taken as UTC.
	DateFormat string `json:"date_format,omitempty"`
	// Network names where the authors' handles live ("trustpilot"); it
	// becomes Item.Network, lower-cased.
	Network string `json:"network,omitempty"`
	// Records is the dot path of the list of reviews when a JSON file is an
	// object ({"reviews": [...]}); empty when the file is a list or JSONL.
	Records string `json:"records,omitempty"`
}

// field numbers the mapped parts of a row; sources deliver one string per
// field.
type field int

const (
	fText field = iota
	fAuthor
	fRating
	fDate
	fURL
	fTitle
	fLanguage
	fID
	fHandle
	nFields
)

// fieldNames are the JSON names of the fields, used in messages to staff.
var fieldNames = [nFields]string{"text", "author", "rating", "date", "url", "title", "language", "id", "author_handle"}

// columns returns the mapped column of each field ("" when unmapped).
func (m Mapping) columns() [nFields]string {
	return [nFields]string{m.Text, m.Author, m.Rating, m.Date, m.URL, m.Title, m.Language, m.ID, m.AuthorHandle}
}

// maxColumnName caps a mapped column name; headers are short.
const maxColumnName = 200

// Validate checks the mapping. It returns an EINVALID *samtal.Error naming
// the first field that is wrong (by its JSON name).
func (m Mapping) Validate() error {
	if strings.TrimSpace(m.Text) == "" {
		return samtal.FieldError("text", "the text column is required")
	}
	for i, c := range m.columns() {
		if len(c) > maxColumnName {
			return samtal.FieldError(fieldNames[i], fmt.Sprintf("the column name is longer than %d characters", maxColumnName))
		}
		if strings.ContainsFunc(c, unicode.IsControl) {
			return samtal.FieldError(fieldNames[i], "the column name contains control characters")
		}
	}
	if _, err := parseScale(m.RatingScale); err != nil {
		return samtal.FieldError("rating_scale", err.Error())
	}
	if _, err := newDateParser(m.DateFormat); err != nil {
		return samtal.FieldError("date_format", err.Error())
	}
	if !validNetwork(m.Network) {
		return samtal.FieldError("network", "the network must be up to 64 letters, digits, dots, dashes or underscores (e.g. trustpilot)")
	}
	if len(m.Records) > maxColumnName {
		return samtal.FieldError("records", fmt.Sprintf("the path is longer than %d characters", maxColumnName))
	}
	return nil
}

func validNetwork(s string) bool {
	if len(s) > 64 {
		return false
	}
	for _, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_'
		if !ok {
			return false
		}
	}
	return true
}

// ParseMapping decodes a mapping as the UI or API posts it and validates
// it. Unknown keys are refused so that a misspelt "date_fromat" does not
// silently fall back to the default.
func ParseMapping(data []byte) (Mapping, error) {
	var m Mapping
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return Mapping{}, samtal.Errorf(samtal.EMALFORMED, "the mapping is not valid JSON: %v", err)
	}
	if err := m.Validate(); err != nil {
		return Mapping{}, err
	}
	return m, nil
}
