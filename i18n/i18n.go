// Package i18n holds the message catalogs of the UI and of the mails, in
// English, German and Danish, and formats dates and numbers the local way.
// Every string a person reads comes from here; a test fails when a key is
// missing in one language.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed locales/*.json
var locales embed.FS

// Languages are the UI languages, the default first.
var Languages = []string{"en", "de", "da"}

// Catalog translates message ids.
type Catalog struct {
	bundle     *goi18n.Bundle
	localizers map[string]*goi18n.Localizer
	matcher    language.Matcher
	static     map[string]map[string]string // lang → id → text without placeholders
}

// Load reads the embedded catalogs.
func Load() (*Catalog, error) {
	b := goi18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("json", json.Unmarshal)
	c := &Catalog{bundle: b, localizers: map[string]*goi18n.Localizer{}, static: map[string]map[string]string{}}
	tags := make([]language.Tag, 0, len(Languages))
	for _, l := range Languages {
		data, err := locales.ReadFile("locales/" + l + ".json")
		if err != nil {
			return nil, err
		}
		if _, err := b.ParseMessageFileBytes(data, l+".json"); err != nil {
			return nil, fmt.Errorf("catalog %s: %w", l, err)
		}
		c.localizers[l] = goi18n.NewLocalizer(b, l)
		var raw map[string]any
		if err := json.Unmarshal(data, &raw); err != nil {
			return nil, fmt.Errorf("catalog %s: %w", l, err)
		}
		c.static[l] = map[string]string{}
		for id, v := range raw {
			if text, ok := v.(string); ok && !strings.Contains(text, "{{") {
				c.static[l][id] = text
			}
		}
		tags = append(tags, language.Make(l))
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

func (c *Catalog) localizer(lang string) *goi18n.Localizer {
	if l, ok := c.localizers[lang]; ok {
		return l
	}
	return c.localizers["en"]
}

// T returns message id in lang with data filled in. A missing id returns the
// id itself, which the catalog test catches before it ships.
func (c *Catalog) T(lang, id string, data map[string]any) string {
	s, err := c.localizer(lang).Localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: data})
	if err != nil {
		return id
	}
	return s
}

// Static returns the text of message id in lang if it is a plain string
// without placeholders, which can be put into a page once at start.
func (c *Catalog) Static(lang, id string) (string, bool) {
	text, ok := c.static[lang][id]
	return text, ok
}

// N returns the plural form of message id for count n.
func (c *Catalog) N(lang, id string, n int, data map[string]any) string {
	if data == nil {
		data = map[string]any{}
	}
	data["Count"] = FormatInt(lang, int64(n))
	s, err := c.localizer(lang).Localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: n})
	if err != nil {
		return id
	}
	return s
}

// Has reports whether id exists in lang (for tests).
func (c *Catalog) Has(lang, id string) bool {
	_, tag, err := c.localizer(lang).LocalizeWithTag(&goi18n.LocalizeConfig{MessageID: id, PluralCount: 2})
	return err == nil && tag == language.Make(lang)
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
