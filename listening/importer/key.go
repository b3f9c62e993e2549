package importer

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"github.com/samtal-dev/samtal/listening/raw"
)

// Key returns the key the store de-duplicates an imported item by, within
// its source: "id:" and the ExternalID when the row has one, else "url:"
// and the URL, else "text:" and the first 32 hex digits of the SHA-256 of
// the author, the date (RFC 3339, UTC; empty when unknown) and the text
// with its runs of white space made one space, joined by line feeds.
//
// Stored keys are compared with keys of later imports, so once shipped this
// function and the cleaning that produces Author and Text must never change
// for rows without an id or URL: a change would import every such review of
// a re-uploaded file a second time. Two rows with the same author, date and
// text are one review.
func Key(it raw.Item) string {
	if it.ExternalID != "" {
		return "id:" + it.ExternalID
	}
	if it.URL != "" {
		return "url:" + it.URL
	}
	date := ""
	if !it.Published.IsZero() {
		date = it.Published.UTC().Format(time.RFC3339)
	}
	h := sha256.New()
	h.Write([]byte(strings.TrimSpace(it.Author)))
	h.Write([]byte{'\n'})
	h.Write([]byte(date))
	h.Write([]byte{'\n'})
	h.Write([]byte(strings.Join(strings.Fields(it.Text), " ")))
	sum := h.Sum(nil)
	return "text:" + hex.EncodeToString(sum[:16])
}
