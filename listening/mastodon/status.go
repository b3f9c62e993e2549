package mastodon

import (
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/samtal-dev/samtal/listening/htmltext"
	"github.com/samtal-dev/samtal/listening/raw"
)

// status is the part of Mastodon's Status entity samtal reads.
type status struct {
	ID          string  `json:"id"`
	URI         string  `json:"uri"`
	URL         string  `json:"url"` // null for boosts and some remote posts
	CreatedAt   string  `json:"created_at"`
	Content     string  `json:"content"`
	SpoilerText string  `json:"spoiler_text"`
	Visibility  string  `json:"visibility"`
	Language    string  `json:"language"`
	Account     account `json:"account"`
	Reblog      *status `json:"reblog"`
	Media       []media `json:"media_attachments"`
}

type account struct {
	Username    string `json:"username"`
	Acct        string `json:"acct"`
	DisplayName string `json:"display_name"`
	URL         string `json:"url"`
}

type media struct {
	Type        string `json:"type"`
	Description string `json:"description"`
}

// toItems maps statuses oldest first, skipping what is not public and
// repeats (a status boosted twice).
func toItems(statuses []status, host string) []raw.Item {
	statuses = slices.Clone(statuses)
	slices.SortStableFunc(statuses, func(a, b status) int {
		switch {
		case newer(b.ID, a.ID):
			return -1
		case newer(a.ID, b.ID):
			return 1
		}
		return 0
	})
	var items []raw.Item
	seen := map[string]bool{}
	for _, s := range statuses {
		if s.Reblog != nil {
			s = *s.Reblog
		}
		if s.ID == "" || seen[s.ID] || (s.Visibility != "public" && s.Visibility != "unlisted") {
			continue
		}
		seen[s.ID] = true
		items = append(items, toItem(s, host))
	}
	return items
}

// toItem maps one status. The content warning becomes the title: it is
// the line the author wrote to stand above the text.
func toItem(s status, host string) raw.Item {
	item := raw.Item{
		ExternalID:   s.ID,
		URL:          webURL(s.URL),
		Title:        strings.Join(strings.Fields(s.SpoilerText), " "),
		Text:         text(s),
		Author:       strings.TrimSpace(s.Account.DisplayName),
		AuthorHandle: handle(s.Account.Acct, host),
		AuthorURL:    webURL(s.Account.URL),
		Network:      "mastodon",
		Lang:         lang(s.Language),
	}
	if item.URL == "" {
		item.URL = webURL(s.URI)
	}
	if item.Author == "" {
		item.Author = s.Account.Username
	}
	if t, err := time.Parse(time.RFC3339Nano, s.CreatedAt); err == nil {
		item.Published = t.UTC()
	}
	return item
}

// text is the content as plain text followed by the media descriptions,
// which often carry what an image-only post says.
func text(s status) string {
	parts := []string{htmltext.FromHTML(s.Content)}
	for _, m := range s.Media {
		if d := htmltext.Clean(m.Description); d != "" {
			parts = append(parts, "["+orWord(m.Type, "media")+": "+d+"]")
		}
	}
	return strings.TrimSpace(strings.Join(parts, "\n\n"))
}

func orWord(s, def string) string {
	if s == "" || s == "unknown" {
		return def
	}
	return s
}

// handle makes "@user@server"; a local account's acct lacks the server.
func handle(acct, host string) string {
	acct = strings.TrimPrefix(strings.TrimSpace(acct), "@")
	if acct == "" {
		return ""
	}
	if !strings.Contains(acct, "@") {
		acct += "@" + host
	}
	return "@" + acct
}

// webURL keeps only http and https links.
func webURL(s string) string {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return ""
	}
	return u.String()
}

// lang keeps a two-letter ISO 639-1 code.
func lang(code string) string {
	code = strings.ToLower(strings.TrimSpace(code))
	if len(code) != 2 || code[0] < 'a' || code[0] > 'z' || code[1] < 'a' || code[1] > 'z' {
		return ""
	}
	return code
}
