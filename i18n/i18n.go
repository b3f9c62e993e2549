// Package i18n holds the message catalogs of the UI and of the mails, in
// English, German and Danish, and formats dates and numbers the local way.
// Every string a person reads comes from here; a test fails when a key is
// missing in one language.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

//go:embed locales/*.json
var locales embed.FS

// Languages are the UI languages, the default first.
var Languages = []string{"en", "de", "da"}

// Catalog translates message ids.
type Catalog struct {
	messages map[string]map[string]message // lang → id → message
	tags     map[string]language.Tag
	matcher  language.Matcher
	static   map[string]map[string]string // lang → id → text without placeholders
}

// message is one catalog entry: a text, or one text per plural form
// ("one", "other", …). Texts are parsed once into literal parts and
// {{.Name}} placeholders, so that filling one in is string concatenation.
type message struct {
	text   []part
	plural map[string][]part
}

// part is a literal, or the name of a placeholder when field is set.
type part struct {
	lit   string
	field bool
}

var placeholder = regexp.MustCompile(`\{\{\s*\.([A-Za-z][A-Za-z0-9]*)\s*\}\}`)

// parse splits a text into literals and placeholders. Only {{.Name}} is
// allowed; anything else between braces is an error in the catalog.
func parse(text string) ([]part, error) {
	var parts []part
	rest := text
	for {
		loc := placeholder.FindStringSubmatchIndex(rest)
		if loc == nil {
			break
		}
		if loc[0] > 0 {
			parts = append(parts, part{lit: rest[:loc[0]]})
		}
		parts = append(parts, part{lit: rest[loc[2]:loc[3]], field: true})
		rest = rest[loc[1]:]
	}
	if strings.Contains(rest, "{{") || strings.Contains(rest, "}}") {
		return nil, fmt.Errorf("only {{.Name}} placeholders are allowed: %q", text)
	}
	if rest != "" {
		parts = append(parts, part{lit: rest})
	}
	return parts, nil
}

// fill puts data into parts.
func fill(parts []part, data map[string]any) string {
	if len(parts) == 1 && !parts[0].field {
		return parts[0].lit
	}
	var b strings.Builder
	for _, p := range parts {
		if !p.field {
			b.WriteString(p.lit)
			continue
		}
		switch v := data[p.lit].(type) {
		case string:
			b.WriteString(v)
		case nil:
		default:
			fmt.Fprint(&b, v)
		}
	}
	return b.String()
}

// Load reads the embedded catalogs.
func Load() (*Catalog, error) {
	c := &Catalog{messages: map[string]map[string]message{}, tags: map[string]language.Tag{}, static: map[string]map[string]string{}}
	tags := make([]language.Tag, 0, len(Languages))
	for _, l := range Languages {
		data, err := locales.ReadFile("locales/" + l + ".json")
		if err != nil {
			return nil, err
		}
		var raw map[string]any
		if err := json.Unmarshal(data, &raw); err != nil {
			return nil, fmt.Errorf("catalog %s: %w", l, err)
		}
		c.messages[l] = make(map[string]message, len(raw))
		c.static[l] = map[string]string{}
		for id, v := range raw {
			var m message
			switch v := v.(type) {
			case string:
				if m.text, err = parse(v); err != nil {
					return nil, fmt.Errorf("catalog %s, %s: %w", l, id, err)
				}
				if !strings.Contains(v, "{{") {
					c.static[l][id] = v
				}
			case map[string]any:
				m.plural = map[string][]part{}
				for form, t := range v {
					text, ok := t.(string)
					if !ok {
						return nil, fmt.Errorf("catalog %s, %s: form %s is not text", l, id, form)
					}
					if m.plural[form], err = parse(text); err != nil {
						return nil, fmt.Errorf("catalog %s, %s: %w", l, id, err)
					}
				}
				if m.plural["other"] == nil {
					return nil, fmt.Errorf("catalog %s, %s: a plural needs an \"other\" form", l, id)
				}
			default:
				return nil, fmt.Errorf("catalog %s, %s: neither text nor plural forms", l, id)
			}
			c.messages[l][id] = m
		}
		c.tags[l] = language.Make(l)
		tags = append(tags, c.tags[l])
	}
	c.matcher = language.NewMatcher(tags)
	return c, nil
}

// Supported reports whether lang is a UI language.
func Supported(lang string) bool {
	for _, l := range Languages {
		if l == lang {
			return true
		}
	}
	return false
}

// Match picks the UI language for an Accept-Language header.
func (c *Catalog) Match(acceptLanguage string) string {
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return "en"
	}
	_, i, conf := c.matcher.Match(tags...)
	if conf == language.No {
		return "en"
	}
	return Languages[i]
}

// lookup finds id in lang, else in English.
func (c *Catalog) lookup(lang, id string) (message, string, bool) {
	if m, ok := c.messages[lang][id]; ok {
		return m, lang, true
	}
	m, ok := c.messages["en"][id]
	return m, "en", ok
}

// T returns message id in lang with data filled in. A missing id returns the
// id itself, which the catalog test catches before it ships.
func (c *Catalog) T(lang, id string, data map[string]any) string {
	m, _, ok := c.lookup(lang, id)
	if !ok {
		return id
	}
	if m.text == nil && m.plural != nil {
		return fill(m.plural["other"], data)
	}
	return fill(m.text, data)
}

// Static returns the text of message id in lang if it is a plain string
// without placeholders, which can be put into a page once at start.
func (c *Catalog) Static(lang, id string) (string, bool) {
	text, ok := c.static[lang][id]
	return text, ok
}

// N returns the plural form of message id for count n, by the language's
// CLDR rules; {{.Count}} is n written the local way.
func (c *Catalog) N(lang, id string, n int, data map[string]any) string {
	m, found, ok := c.lookup(lang, id)
	if !ok {
		return id
	}
	if data == nil {
		data = map[string]any{}
	}
	data["Count"] = FormatInt(found, int64(n))
	if m.plural == nil {
		return fill(m.text, data)
	}
	form := "other"
	abs := n
	if abs < 0 {
		abs = -abs
	}
	switch plural.Cardinal.MatchPlural(c.tags[found], abs, 0, 0, 0, 0) {
	case plural.Zero:
		form = "zero"
	case plural.One:
		form = "one"
	case plural.Two:
		form = "two"
	case plural.Few:
		form = "few"
	case plural.Many:
		form = "many"
	}
	if parts, ok := m.plural[form]; ok {
		return fill(parts, data)
	}
	return fill(m.plural["other"], data)
}

// Has reports whether id exists in lang itself (for tests).
func (c *Catalog) Has(lang, id string) bool {
	_, ok := c.messages[lang][id]
	return ok
}

// Keys returns the ids in the catalog file of lang (for tests).
func Keys(lang string) ([]string, error) {
	data, err := locales.ReadFile("locales/" + lang + ".json")
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return keys, nil
}

// FormatDate formats t as a date the local way.
func (c *Catalog) FormatDate(lang string, t time.Time) string {
	month := c.T(lang, "month."+strconv.Itoa(int(t.Month())), nil)
	switch lang {
	case "de", "da":
		return fmt.Sprintf("%d. %s %d", t.Day(), month, t.Year())
	}
	return fmt.Sprintf("%s %d, %d", month, t.Day(), t.Year())
}

// FormatDateTime formats t as a date and a 24-hour (de, da) or 12-hour (en)
// time.
func (c *Catalog) FormatDateTime(lang string, t time.Time) string {
	switch lang {
	case "de":
		return c.FormatDate(lang, t) + ", " + t.Format("15:04")
	case "da":
		return c.FormatDate(lang, t) + " kl. " + t.Format("15.04")
	}
	return c.FormatDate(lang, t) + ", " + t.Format("3:04 PM")
}

// FormatInt formats n with the local thousands separator.
func FormatInt(lang string, n int64) string {
	sep := ","
	if lang == "de" || lang == "da" {
		sep = "."
	}
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
