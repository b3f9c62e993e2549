package i18n_test

import (
	"encoding/json"
	"go/scanner"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/samtal-dev/samtal/i18n"
	"github.com/samtal-dev/samtal/listening/importer"
	"github.com/samtal-dev/samtal/listening/query"
)

// catalog reads locales/<lang>.json from disk as message id → value, where a
// value is a string or a map of plural forms.
func catalog(t *testing.T, lang string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("locales", lang+".json"))
	if err != nil {
		t.Fatalf("read %s catalog: %v", lang, err)
	}
	if !utf8.Valid(data) {
		t.Fatalf("%s.json is not valid UTF-8", lang)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s.json is not valid JSON: %v", lang, err)
	}
	return m
}

func load(t *testing.T) *i18n.Catalog {
	t.Helper()
	c, err := i18n.Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return c
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// forms returns the plural forms of a message value, or nil for a plain
// string; ok is false for any other JSON type.
func forms(v any) (map[string]string, bool) {
	switch v := v.(type) {
	case string:
		return nil, true
	case map[string]any:
		f := map[string]string{}
		for k, x := range v {
			s, ok := x.(string)
			if !ok {
				return nil, false
			}
			f[k] = s
		}
		return f, true
	}
	return nil, false
}

var translations = []string{"de", "da"}

func TestSameKeys(t *testing.T) {
	en := catalog(t, "en")
	for _, lang := range translations {
		tr := catalog(t, lang)
		var missing, extra []string
		for _, k := range sortedKeys(en) {
			if _, ok := tr[k]; !ok {
				missing = append(missing, k)
			}
		}
		for _, k := range sortedKeys(tr) {
			if _, ok := en[k]; !ok {
				extra = append(extra, k)
			}
		}
		if len(missing) > 0 {
			t.Errorf("%s.json lacks %d key(s) of en.json: %s", lang, len(missing), strings.Join(missing, ", "))
		}
		if len(extra) > 0 {
			t.Errorf("%s.json has %d key(s) not in en.json: %s", lang, len(extra), strings.Join(extra, ", "))
		}
	}
}

func TestPluralForms(t *testing.T) {
	cats := map[string]map[string]any{"en": catalog(t, "en")}
	for _, lang := range translations {
		cats[lang] = catalog(t, lang)
	}
	for _, k := range sortedKeys(cats["en"]) {
		enForms, ok := forms(cats["en"][k])
		if !ok {
			t.Errorf("en %s: value is neither a string nor an object of strings", k)
			continue
		}
		for _, lang := range translations {
			v, present := cats[lang][k]
			if !present {
				continue // reported by TestSameKeys
			}
			f, ok := forms(v)
			switch {
			case !ok:
				t.Errorf("%s %s: value is neither a string nor an object of strings", lang, k)
			case (enForms == nil) != (f == nil):
				t.Errorf("%s %s: plural in one language and plain text in the other (en plural: %v)", lang, k, enForms != nil)
			case enForms != nil && strings.Join(sortedKeys(f), ",") != strings.Join(sortedKeys(enForms), ","):
				t.Errorf("%s %s: plural forms %v, en has %v", lang, k, sortedKeys(f), sortedKeys(enForms))
			}
		}
	}
}

func TestNoEmptyMessages(t *testing.T) {
	for _, lang := range i18n.Languages {
		for k, v := range catalog(t, lang) {
			f, _ := forms(v)
			if f == nil {
				if s, _ := v.(string); strings.TrimSpace(s) == "" {
					t.Errorf("%s %s: empty message", lang, k)
				}
				continue
			}
			for form, s := range f {
				if strings.TrimSpace(s) == "" {
					t.Errorf("%s %s (%s): empty message", lang, k, form)
				}
			}
		}
	}
}

var placeholderRE = regexp.MustCompile(`\{\{\s*\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}`)

// placeholders returns the sorted, distinct {{.Name}} names in s, and whether
// s contains template braces that are not a plain placeholder.
func placeholders(s string) (names []string, odd bool) {
	set := map[string]bool{}
	for _, m := range placeholderRE.FindAllStringSubmatch(s, -1) {
		set[m[1]] = true
	}
	rest := placeholderRE.ReplaceAllString(s, "")
	return sortedKeys(set), strings.Contains(rest, "{{") || strings.Contains(rest, "}}")
}

func TestPlaceholders(t *testing.T) {
	en := catalog(t, "en")
	for _, lang := range translations {
		tr := catalog(t, lang)
		for _, k := range sortedKeys(en) {
			v, ok := tr[k]
			if !ok {
				continue
			}
			enForms, _ := forms(en[k])
			trForms, _ := forms(v)
			pairs := map[string][2]string{}
			if enForms == nil {
				s1, _ := en[k].(string)
				s2, _ := v.(string)
				pairs[""] = [2]string{s1, s2}
			} else {
				for form, s1 := range enForms {
					pairs[" ("+form+")"] = [2]string{s1, trForms[form]}
				}
			}
			for form, p := range pairs {
				want, _ := placeholders(p[0])
				got, odd := placeholders(p[1])
				if odd {
					t.Errorf("%s %s%s: malformed template braces in %q", lang, k, form, p[1])
				}
				if strings.Join(got, ",") != strings.Join(want, ",") {
					t.Errorf("%s %s%s: placeholders %v, en has %v", lang, k, form, got, want)
				}
			}
		}
	}
}

// Mail bodies are plain text: the line structure of the translation must
// match the English one (greeting, blank line, text, link on its own line …).
func TestMailLineBreaks(t *testing.T) {
	en := catalog(t, "en")
	for _, lang := range translations {
		tr := catalog(t, lang)
		for _, k := range sortedKeys(en) {
			if !strings.HasPrefix(k, "mail.") || !strings.HasSuffix(k, ".body") {
				continue
			}
			e, _ := en[k].(string)
			s, _ := tr[k].(string)
			if strings.Count(s, "\n") != strings.Count(e, "\n") {
				t.Errorf("%s %s: %d line breaks, en has %d", lang, k, strings.Count(s, "\n"), strings.Count(e, "\n"))
			}
			for _, line := range strings.Split(e, "\n") {
				if placeholderRE.MatchString(line) && placeholderRE.ReplaceAllString(line, "") == "" &&
					!strings.Contains("\n"+s+"\n", "\n"+line+"\n") {
					t.Errorf("%s %s: %s is not on a line of its own", lang, k, line)
				}
			}
		}
	}
}

func TestLoadAndTranslate(t *testing.T) {
	c := load(t)
	en := c.T("en", "nav.signin", nil)
	for _, lang := range translations {
		got := c.T(lang, "nav.signin", nil)
		if got == "nav.signin" || got == "" {
			t.Errorf("T(%s, nav.signin) = %q: message missing", lang, got)
		}
		if got == en {
			t.Errorf("T(%s, nav.signin) = %q, the English text", lang, got)
		}
	}
	if got := c.T("fr", "nav.signin", nil); got != en {
		t.Errorf("T(fr, nav.signin) = %q, want the English %q", got, en)
	}
	if got := c.T("de", "home.heading", map[string]any{"Community": "Hej"}); !strings.Contains(got, "Hej") || strings.Contains(got, "{{") {
		t.Errorf("T(de, home.heading) = %q, want the community name filled in", got)
	}
	if got := c.T("en", "no.such.id", nil); got != "no.such.id" {
		t.Errorf("T(en, no.such.id) = %q, want the id", got)
	}
	if c.Has("en", "no.such.id") {
		t.Error(`Has("en", "no.such.id") = true`)
	}
	for _, lang := range i18n.Languages {
		keys, err := i18n.Keys(lang)
		if err != nil {
			t.Fatalf("Keys(%s): %v", lang, err)
		}
		if len(keys) == 0 {
			t.Errorf("Keys(%s) is empty", lang)
		}
		for _, k := range keys {
			if !c.Has(lang, k) {
				t.Errorf("Has(%s, %s) = false for a key of %s.json", lang, k, lang)
			}
		}
	}
}

func TestPlural(t *testing.T) {
	c := load(t)
	tests := []struct {
		lang string
		n    int
		want string
	}{
		{"en", 1, "1 question"},
		{"en", 3, "3 questions"},
		{"en", 1234, "1,234 questions"},
		{"de", 1, "1 Frage"},
		{"de", 3, "3 Fragen"},
		{"de", 1234, "1.234 Fragen"},
		{"da", 1, "1 spørgsmål"},
		{"da", 3, "3 spørgsmål"},
		{"da", 1234, "1.234 spørgsmål"},
	}
	for _, tt := range tests {
		if got := c.N(tt.lang, "home.questions", tt.n, nil); got != tt.want {
			t.Errorf("N(%s, home.questions, %d) = %q, want %q", tt.lang, tt.n, got, tt.want)
		}
	}
}

// messagePrefixes are the first segments of message ids looked for in Go
// string literals.
var goIDRE = regexp.MustCompile(`^(error|flash|mail|signup|signin|reset|verify|link|settings|admin|audit|outbox|home|campaign|nav|field)\.[a-z_.]+$`)

// notMessages are Go string literals that look like message ids but are not:
// permission names (samtal.go) and audit action names. Add to it only what
// is never shown to a person.
var notMessages = map[string]bool{
	"audit.read":  true, // samtal.PermReadAudit
	"outbox.read": true, // samtal.PermReadOutbox

	// Audit actions of campaign management.
	"campaign.create": true, "campaign.update": true, "campaign.invite": true, "campaign.uninvite": true,
	"campaign.question_add": true, "campaign.question_edit": true, "campaign.question_order": true, "campaign.question_remove": true,
}

// flashRE finds flash message ids passed in redirect URLs ("/?flash=flash.x").
var flashRE = regexp.MustCompile(`[?&]flash=(flash\.[a-z_.]*[a-z_])`)

// templateIDs returns the literal ids of .T / $.T / .N calls in the templates,
// each with the files it occurs in.
func templateIDs(t *testing.T) map[string][]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "web", "templates", "*.html"))
	if err != nil {
		t.Fatal(err)
	}
	partials, err := filepath.Glob(filepath.Join("..", "web", "templates", "partials", "*.html"))
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, partials...)
	if len(files) == 0 {
		t.Fatal("no templates found in ../web/templates")
	}
	re := regexp.MustCompile(`\.(?:T|N)\s+"([^"]+)"`)
	ids := map[string][]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(data), -1) {
			ids[m[1]] = append(ids[m[1]], filepath.Base(f))
		}
	}
	return ids
}

// goIDs returns the message ids in string literals of the Go files of the
// repository (without tests and this package), each with where it occurs.
// Literals "mail.x" name a mail whose ids are "mail.x.subject" and
// "mail.x.body".
func goIDs(t *testing.T) map[string][]string {
	t.Helper()
	ids := map[string][]string{}
	root := ".."
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != root && (name == "i18n" || name == "vendor" || name == "testdata" || name == "node_modules" || strings.HasPrefix(name, ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		// The scanner tolerates files that do not compile (yet).
		fset := token.NewFileSet()
		file := fset.AddFile(path, -1, len(src))
		var s scanner.Scanner
		s.Init(file, src, nil, 0)
		for {
			pos, tok, lit := s.Scan()
			if tok == token.EOF {
				break
			}
			if tok != token.STRING {
				continue
			}
			str, err := strconv.Unquote(lit)
			if err != nil {
				continue
			}
			where := fset.Position(pos).String()
			for _, m := range flashRE.FindAllStringSubmatch(str, -1) {
				ids[m[1]] = append(ids[m[1]], where)
			}
			if !goIDRE.MatchString(str) || strings.HasSuffix(str, ".") || notMessages[str] {
				continue
			}
			if strings.HasPrefix(str, "mail.") && strings.Count(str, ".") == 1 {
				for _, part := range []string{".subject", ".body"} {
					ids[str+part] = append(ids[str+part], where)
				}
				continue
			}
			ids[str] = append(ids[str], where)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) == 0 {
		t.Fatal("no message ids found in the Go code: is the scan broken?")
	}
	return ids
}

// dynamicIDs are the ids the templates and the code build at run time.
func dynamicIDs() map[string]string {
	ids := map[string]string{}
	add := func(prefix, why string, values ...string) {
		for _, v := range values {
			ids[prefix+v] = why
		}
	}
	add("role.", `templates: print "role." .Role`, "member", "agent", "moderator", "analyst", "admin")
	add("lang.", `templates: print "lang." .`, i18n.Languages...)
	add("visibility.", `templates: print "visibility." .Visibility`, "public", "members", "invited")
	add("outbox.", `templates: print "outbox." .State`, "kept", "queued", "sent", "failed")
	for m := 1; m <= 12; m++ {
		add("month.", "FormatDate", strconv.Itoa(m))
	}
	add("error.query.", `listening: "error.query." + ParseError.Code`, query.Codes()...)
	add(importer.MessageKey, `listening/importer: MessageKey + Problem.Code`, importer.Codes()...)
	for _, msg := range []string{"mail.verify", "mail.reset", "mail.account_exists"} {
		add(msg, `account: msg+".subject", msg+".body"`, ".subject", ".body")
	}
	return ids
}

func TestCodeIDsExist(t *testing.T) {
	en := catalog(t, "en")
	missing := map[string][]string{}
	for id, where := range templateIDs(t) {
		if _, ok := en[id]; !ok {
			missing[id] = append(missing[id], where...)
		}
	}
	for id, where := range goIDs(t) {
		if _, ok := en[id]; !ok {
			missing[id] = append(missing[id], where...)
		}
	}
	for id, why := range dynamicIDs() {
		if _, ok := en[id]; !ok {
			missing[id] = append(missing[id], why)
		}
	}
	if len(missing) == 0 {
		return
	}
	var b strings.Builder
	for _, id := range sortedKeys(missing) {
		where := missing[id]
		if len(where) > 3 {
			where = append(where[:3:3], "…")
		}
		b.WriteString("\n  " + id + "  (" + strings.Join(where, ", ") + ")")
	}
	t.Errorf("%d message id(s) used in the code are missing from en.json:%s", len(missing), b.String())
}

func TestMatch(t *testing.T) {
	c := load(t)
	tests := map[string]string{
		"de-DE,de;q=0.9,en;q=0.5": "de",
		"da":                      "da",
		"da-DK":                   "da",
		"en-GB,en;q=0.8":          "en",
		"fr-FR":                   "en",
		"":                        "en",
		"nb-NO,da;q=0.8":          "da",
		"not a header;;q=x":       "en",
	}
	for header, want := range tests {
		if got := c.Match(header); got != want {
			t.Errorf("Match(%q) = %q, want %q", header, got, want)
		}
	}
}

func TestSupported(t *testing.T) {
	for _, l := range []string{"en", "de", "da"} {
		if !i18n.Supported(l) {
			t.Errorf("Supported(%q) = false", l)
		}
	}
	for _, l := range []string{"", "fr", "DE", "de-DE"} {
		if i18n.Supported(l) {
			t.Errorf("Supported(%q) = true", l)
		}
	}
}

func TestFormatInt(t *testing.T) {
	tests := []struct {
		lang string
		n    int64
		want string
	}{
		{"en", 1234567, "1,234,567"},
		{"de", 1234567, "1.234.567"},
		{"da", 1234567, "1.234.567"},
		{"en", -1234, "-1,234"},
		{"de", -1234, "-1.234"},
		{"en", 999, "999"},
		{"de", 999, "999"},
		{"en", 1000, "1,000"},
		{"en", 0, "0"},
		{"en", -999, "-999"},
		{"fr", 1234, "1,234"},
	}
	for _, tt := range tests {
		if got := i18n.FormatInt(tt.lang, tt.n); got != tt.want {
			t.Errorf("FormatInt(%s, %d) = %q, want %q", tt.lang, tt.n, got, tt.want)
		}
	}
}

func TestFormatDate(t *testing.T) {
	c := load(t)
	d := time.Date(2026, time.March, 5, 14, 30, 0, 0, time.UTC)
	dates := map[string]string{
		"en": "March 5, 2026",
		"de": "5. März 2026",
		"da": "5. marts 2026",
	}
	times := map[string]string{
		"en": "March 5, 2026, 2:30 PM",
		"de": "5. März 2026, 14:30",
		"da": "5. marts 2026 kl. 14.30",
	}
	for _, lang := range i18n.Languages {
		if got := c.FormatDate(lang, d); got != dates[lang] {
			t.Errorf("FormatDate(%s) = %q, want %q", lang, got, dates[lang])
		}
		if got := c.FormatDateTime(lang, d); got != times[lang] {
			t.Errorf("FormatDateTime(%s) = %q, want %q", lang, got, times[lang])
		}
		for m := time.January; m <= time.December; m++ {
			got := c.FormatDate(lang, time.Date(2026, m, 1, 0, 0, 0, 0, time.UTC))
			if strings.Contains(got, "month.") {
				t.Errorf("FormatDate(%s) for %s = %q: month name missing", lang, m, got)
			}
		}
	}
}
