package web

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/person"
)

// peopleFilterKeys are the query parameters of a people list's filters.
var peopleFilterKeys = []string{"q", "tag", "role", "language", "consent", "active", "min_score", "bots"}

// peopleFilter reads the filters of a people list, a page's or the API's:
// q, tag, role, language, consent (a purpose with current consent), active
// (within so many days), min_score (advocate score) and bots.
func peopleFilter(q url.Values) (person.ListFilter, error) {
	f := person.ListFilter{Q: q.Get("q"), Tag: q.Get("tag"), Role: q.Get("role"),
		Language: strings.ToLower(strings.TrimSpace(q.Get("language"))), Consent: strings.TrimSpace(q.Get("consent")),
		Bots: q.Get("bots") == "1" || q.Get("bots") == "true"}
	var err error
	if f.ActiveFor, err = activeDays(q.Get("active")); err != nil {
		return f, err
	}
	if v := q.Get("min_score"); v != "" {
		if f.MinScore, err = strconv.ParseFloat(v, 64); err != nil || f.MinScore < 0 || f.MinScore > 1e6 {
			return f, samtal.FieldError("min_score", "error.min_score_invalid")
		}
	}
	return f, nil
}

// peopleCSV streams the people a filter finds as CSV: the staff page's
// "export" link and the API's GET /persons/export answer the same file.
func (s *Server) peopleCSV(w http.ResponseWriter, r *http.Request, fail func(http.ResponseWriter, *http.Request, error)) {
	f, err := peopleFilter(r.URL.Query())
	if err != nil {
		fail(w, r, err)
		return
	}
	cw := csv.NewWriter(w)
	started := false
	err = s.People.ExportList(r.Context(), f, func(p *person.Person) error {
		if !started {
			started = true
			w.Header().Set("Content-Type", "text/csv; charset=utf-8")
			w.Header().Set("Content-Disposition", `attachment; filename="people-`+time.Now().UTC().Format("2006-01-02")+`.csv"`)
			if err := cw.Write(peopleCSVHeader); err != nil {
				return err
			}
		}
		return cw.Write(personCSVRow(p))
	})
	if err != nil && !started {
		fail(w, r, err)
		return
	}
	if !started && err == nil {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="people-`+time.Now().UTC().Format("2006-01-02")+`.csv"`)
		cw.Write(peopleCSVHeader)
	}
	cw.Flush()
	if err != nil {
		// Rows went out already: the status is sent, so the file ends short
		// and the log says why.
		s.Log.Error("people export stopped", "err", err, "request_id", requestID(r))
	}
}

var peopleCSVHeader = []string{"id", "name", "locale", "location", "languages", "emails", "handles", "urls", "review_names",
	"tags", "has_account", "bot", "created_at"}

func personCSVRow(p *person.Person) []string {
	var emails, handles, urls, reviews []string
	for _, id := range p.Identities {
		switch id.Kind {
		case person.KindEmail:
			emails = append(emails, id.Value)
		case person.KindHandle:
			handles = append(handles, id.Network+":"+id.Value)
		case person.KindURL:
			urls = append(urls, id.Value)
		case person.KindReviewName:
			reviews = append(reviews, id.Network+":"+id.Value)
		}
	}
	row := []string{strconv.FormatInt(p.ID, 10), p.Name, p.Locale, p.Location, strings.Join(p.Languages, " "),
		strings.Join(emails, " "), strings.Join(handles, " "), strings.Join(urls, " "), strings.Join(reviews, " "),
		strings.Join(p.Tags, "; "), strconv.FormatBool(p.HasAccount), strconv.FormatBool(p.Bot), p.CreatedAt.Format(time.RFC3339)}
	for i := range row {
		row[i] = csvSafe(row[i])
	}
	return row
}

// csvSafe keeps a spreadsheet from reading a cell as a formula: names and
// handles come from strangers, and "=HYPERLINK(…)" in a name must stay text.
func csvSafe(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

// adminPeopleExport is the staff page's CSV export of a people list.
func (s *Server) adminPeopleExport(w http.ResponseWriter, r *http.Request) {
	s.peopleCSV(w, r, s.pageFail)
}

// apiPeopleExport is GET /api/v1/persons/export: the same CSV.
func (s *Server) apiPeopleExport(w http.ResponseWriter, r *http.Request) {
	s.peopleCSV(w, r, s.apiFail)
}
