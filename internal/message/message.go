// Package message fills the English message templates that the query
// parser and the review importer keep per error code. The templates use
// the {{.Name}} placeholders of samtal's catalogs, so one set of names
// serves the English text and the translations.
package message

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Fill replaces each {{.Name}} in tpl with the value of Name in args, in
// one pass, so that a value that itself looks like a placeholder (a
// typed query, a cell of a file) stays as it was.
func Fill[V any](tpl string, args map[string]V) string {
	pairs := make([]string, 0, 2*len(args))
	for k, v := range args {
		pairs = append(pairs, "{{."+k+"}}", fmt.Sprint(v))
	}
	return strings.NewReplacer(pairs...).Replace(tpl)
}

// Placeholders returns the names tpl has placeholders for, sorted, each
// once.
func Placeholders(tpl string) []string {
	names := map[string]bool{}
	for {
		_, rest, ok := strings.Cut(tpl, "{{.")
		if !ok {
			break
		}
		name, after, ok := strings.Cut(rest, "}}")
		if !ok {
			break
		}
		names[name] = true
		tpl = after
	}
	return slices.Sorted(maps.Keys(names))
}
