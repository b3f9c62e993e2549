package web

import (
	"strings"

	"github.com/samtal-dev/samtal/idea"
)

// tagLink is one link of a campaign's tag filter.
type tagLink struct {
	Tag     string
	Ideas   int
	URL     string
	Current bool
}

// tagFilter is the tag filter as the page shows it (the service checks it).
func tagFilter(tag string) string { return strings.ToLower(strings.TrimSpace(tag)) }

// tagLinks makes the links of a campaign's tags; the current tag's link
// leads back to all ideas, and stays in the list even when it is rare.
func tagLinks(tags []idea.TagCount, current string, url func(string) string) []tagLink {
	current = tagFilter(current)
	out := make([]tagLink, 0, len(tags)+1)
	seen := false
	for _, t := range tags {
		l := tagLink{Tag: t.Tag, Ideas: t.Ideas, URL: url(t.Tag)}
		if t.Tag == current {
			l.Current, l.URL, seen = true, url(""), true
		}
		out = append(out, l)
	}
	if current != "" && !seen {
		out = append(out, tagLink{Tag: current, URL: url(""), Current: true})
	}
	return out
}
