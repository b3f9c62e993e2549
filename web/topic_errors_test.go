package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/internal/testdb"
)

// TestTopicErrorsInStaffLanguage: a topic query that does not parse, or an
// example that does not behave, is explained in the staff member's
// language with the character and the example, on the form and in the
// API, the way every other error is; nothing is saved.
func TestTopicErrorsInStaffLanguage(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			h := newHarness(t, engine)
			greta, dan := h.germanAndDanishAnalysts()

			pages := []struct {
				who  *client
				path string
				form url.Values
				want string
			}{
				{greta, "/listening/topics", url.Values{"name": {"IKEA"}, "query": {"ikea AND (sofa"}},
					`Bei Zeichen 15: Es fehlt ")", um die bei Zeichen 10 geöffnete "(" zu schließen`},
				{greta, "/listening/topics/preview", url.Values{"name": {"IKEA"}, "query": {"ikea sofa OR jysk"}},
					"Bei Zeichen 11: Setz Klammern: Hier sind AND und OR gemischt (nebeneinanderstehende Wörter zählen als AND); schreib zum Beispiel (a OR b) AND c"},
				{greta, "/listening/topics", url.Values{"name": {"IKEA"}, "query": {"ikea"}, "must_match": {"ikea sofa\nein Sofa von woanders"}},
					"Die Abfrage trifft Beispiel 2 nicht, das sie treffen muss: „ein Sofa von woanders“"},
				{dan, "/listening/topics", url.Values{"name": {"IKEA"}, "query": {"ikea AND"}},
					`Ved tegn 9: efter AND forventes et ord, en frase eller "(", men her slutter forespørgslen`},
			}
			for _, p := range pages {
				res := p.who.post(p.path, p.form)
				if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.body, htmlText(p.want)) {
					t.Errorf("%s %v: %d, want 422 with %q: %.2000s", p.path, p.form, res.StatusCode, p.want, res.body)
				}
				if strings.Contains(res.body, "At character") || strings.Contains(res.body, "The query") || strings.Contains(res.body, "error.") {
					t.Errorf("%s %v: English or a message id on the page: %.2000s", p.path, p.form, res.body)
				}
			}

			api := func(token, lang, path string, body map[string]any) *response {
				b, _ := json.Marshal(body)
				req, _ := http.NewRequest("POST", h.ts.URL+path, strings.NewReader(string(b)))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+token)
				if lang != "" {
					req.Header.Set("Accept-Language", lang)
				}
				return h.client().do(req)
			}
			gretaToken, danToken := h.token("greta@example.org"), h.token("dan@example.org")
			calls := []struct {
				token, lang string
				path        string
				body        map[string]any
				field, want string
			}{
				// An error without values, as the API has always said it: the baseline.
				{gretaToken, "", "/api/v1/topics", map[string]any{"name": "", "query": "ikea"},
					"name", h.srv.Catalog.T("de", "error.name_invalid", nil)},
				{gretaToken, "", "/api/v1/topics", map[string]any{"name": "IKEA", "query": "ikea AND (sofa"},
					"query", `Bei Zeichen 15: Es fehlt ")", um die bei Zeichen 10 geöffnete "(" zu schließen`},
				{gretaToken, "", "/api/v1/topics/preview", map[string]any{"query": "title:"},
					"query", `Bei Zeichen 1: title: braucht direkt nach dem Doppelpunkt einen Wert, wie in title:sofa oder title:"green sofa"`},
				{gretaToken, "", "/api/v1/topics", map[string]any{"name": "IKEA", "query": "ikea", "must_not_match": []string{"ikea jobs"}},
					"must_not_match[0]", "Die Abfrage trifft Beispiel 1, das sie nicht treffen darf: „ikea jobs“"},
				// Dan chose no language: the request's is used.
				{danToken, "da", "/api/v1/topics", map[string]any{"name": "IKEA", "query": "ikea NEAR/3 sofa NEAR/2 stol"},
					"query", "Ved tegn 18: NEAR forbinder kun to ord, fraser eller (… OR …)-grupper; vil du kæde dem sammen, så skriv (a NEAR/3 b) AND (b NEAR/3 c)"},
				{danToken, "", "/api/v1/topics", map[string]any{"name": "IKEA", "query": "*fa"},
					"query", "At character 1: a wildcard (* or ?) cannot start a word"},
			}
			for _, c := range calls {
				res := api(c.token, c.lang, c.path, c.body)
				wantAPIError(t, res, http.StatusUnprocessableEntity, samtal.EINVALID, c.field)
				var e apiErr
				if err := json.Unmarshal([]byte(res.body), &e); err != nil || e.Error.Message == nil || *e.Error.Message != c.want {
					t.Errorf("%s %v (%s): %s\nwant message %q", c.path, c.body, c.lang, res.body, c.want)
				}
			}

			if list, err := h.srv.Listening.Topics(cli()); err != nil || len(list) != 0 {
				t.Errorf("refused topics were saved: %+v %v", list, err)
			}
		})
	}
}
