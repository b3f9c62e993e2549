package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/listening"
	"github.com/samtal-dev/samtal/listening/importer"
)

// The source pages: the list, the form for a new source of each kind, and
// a source's page with its state and errors, pause and resume, fetch now,
// delete, and for an import source the upload form and its imports with
// their progress. A webhook's secret is shown once, on the page that
// answers its creation.

// sourceKinds are the kinds the form offers.
var sourceKinds = []string{listening.KindFeed, listening.KindMastodon, listening.KindImport, listening.KindWebhook}

// mappingFields are the import mapping's fields as the form names them
// ("map_" + the mapping's JSON name).
var mappingFields = []string{"text", "author", "rating", "date", "url", "title", "language", "id", "author_handle", "rating_scale", "date_format", "network", "records"}

// sourceFormKeys are the other fields of the source form.
var sourceFormKeys = []string{"kind", "name", "url", "interval_minutes", "server", "hashtag", "search"}

func (s *Server) listeningSources(w http.ResponseWriter, r *http.Request) {
	list, err := s.Listening.Sources(r.Context())
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	v := s.view(r, "listening.sources")
	v.Data = map[string]any{"Sources": list, "CanManage": v.Actor.Can(samtal.PermManageListening)}
	s.render(w, r, http.StatusOK, "listening_sources", v)
}

func (s *Server) sourceNewView(r *http.Request) *view {
	v := s.view(r, "listening.source_new")
	v.Form["kind"] = listening.KindFeed
	v.Form["interval_minutes"] = strconv.Itoa(int(listening.DefaultEvery.Minutes()))
	v.Data = map[string]any{"Kinds": sourceKinds, "MinMinutes": int(listening.MinInterval.Minutes()), "MaxMinutes": int(listening.MaxInterval.Minutes())}
	return v
}

func (s *Server) listeningSourceNew(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "listening_source_new", s.sourceNewView(r))
}

// sourceFromForm reads the source form. Only the fields of the chosen kind
// count; an import's mapping is checked here so that the form can mark the
// column that is wrong.
func sourceFromForm(f map[string][]string) (*listening.Source, error) {
	get := func(k string) string {
		if v := f[k]; len(v) > 0 {
			return strings.TrimSpace(v[0])
		}
		return ""
	}
	src := &listening.Source{Kind: get("kind"), Name: get("name")}
	// Only kinds that are fetched have an interval; the others keep the
	// default, which the service requires of every source.
	if m := get("interval_minutes"); m != "" && (src.Kind == listening.KindFeed || src.Kind == listening.KindMastodon) {
		n, err := strconv.Atoi(m)
		if err != nil {
			return src, samtal.FieldError("interval_minutes", "error.source_interval_invalid")
		}
		src.Interval = n * 60
	}
	switch src.Kind {
	case listening.KindFeed:
		src.URL = get("url")
	case listening.KindMastodon:
		src.Config = listening.SourceConfig{Server: get("server"), Hashtag: get("hashtag"), Search: get("search"), Token: get("token")}
	case listening.KindImport:
		m := importer.Mapping{Text: get("map_text"), Author: get("map_author"), Rating: get("map_rating"), Date: get("map_date"),
			URL: get("map_url"), Title: get("map_title"), Language: get("map_language"), ID: get("map_id"),
			AuthorHandle: get("map_author_handle"), RatingScale: get("map_rating_scale"), DateFormat: get("map_date_format"),
			Network: get("map_network"), Records: get("map_records")}
		if err := m.Validate(); err != nil {
			var e *samtal.Error
			if errors.As(err, &e) {
				return src, &samtal.Error{Code: samtal.EINVALID, Field: "map_" + e.Field, Message: e.Message}
			}
			return src, err
		}
		b, err := json.Marshal(m)
		if err != nil {
			return src, err
		}
		src.Config.Mapping = b
	}
	return src, nil
}

// listeningSourceCreate makes a source. A webhook source's page comes back
// at once with its secret, the one time it is shown; the others go to
// their page.
func (s *Server) listeningSourceCreate(w http.ResponseWriter, r *http.Request) {
	src, err := sourceFromForm(r.PostForm)
	if err == nil {
		err = s.Listening.CreateSource(r.Context(), src)
	}
	if err != nil {
		if samtal.ErrorCode(err) != samtal.EINVALID {
			s.pageFail(w, r, err)
			return
		}
		v := s.sourceNewView(r)
		for _, k := range sourceFormKeys {
			v.Form[k] = r.PostForm.Get(k)
		}
		for _, k := range mappingFields {
			v.Form["map_"+k] = r.PostForm.Get("map_" + k)
		}
		status, _, msg, field := s.describe(r, err)
		v.Error, v.ErrField = msg, strings.TrimPrefix(field, "config.")
		s.render(w, r, status, "listening_source_new", v)
		return
	}
	if src.Kind != listening.KindWebhook {
		http.Redirect(w, r, "/listening/sources/"+apiID(src.ID)+"?flash=flash.source_created", http.StatusSeeOther)
		return
	}
	secret := src.Secret
	v, err := s.sourceView(r, src.ID)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	v.Flash = "flash.source_created"
	v.Data.(*sourcePage).Secret = secret
	s.render(w, r, http.StatusCreated, "listening_source", v)
}

// sourcePage is what listening_source.html shows.
type sourcePage struct {
	Source    *listening.Source
	Mapping   *importer.Mapping
	Imports   []listening.Import
	Running   bool // an import is running: the page refreshes itself
	Fetched   bool // the kind is fetched on a schedule (fetch now)
	HookURL   string
	Secret    string // only on the page that answers the creation
	CanManage bool
}

// importErrorsShown is how many row errors the page shows per import.
const importErrorsShown = 5

func (s *Server) sourceView(r *http.Request, id int64) (*view, error) {
	ctx := r.Context()
	src, err := s.Listening.Source(ctx, id)
	if err != nil {
		return nil, err
	}
	v := s.view(r, "listening.source")
	d := &sourcePage{Source: src, CanManage: v.Actor.Can(samtal.PermManageListening),
		Fetched: s.Listening.Readers[src.Kind] != nil}
	switch src.Kind {
	case listening.KindWebhook:
		d.HookURL = strings.TrimRight(s.BaseURL, "/") + "/api/v1/sources/" + apiID(id) + "/hook"
	case listening.KindImport:
		var m importer.Mapping
		if json.Unmarshal(src.Config.Mapping, &m) == nil {
			d.Mapping = &m
		}
		if d.Imports, err = s.Listening.Imports(ctx, id); err != nil {
			return nil, err
		}
		for i := range d.Imports {
			im := &d.Imports[i]
			d.Running = d.Running || im.State == "running"
			if len(im.Errors) > importErrorsShown {
				im.Errors = im.Errors[:importErrorsShown]
			}
		}
	}
	v.Data = d
	return v, nil
}

func (s *Server) listeningSource(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	v, err := s.sourceView(r, id)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	if v.Data.(*sourcePage).Running {
		// The import's progress shows without a script: the page asks to
		// be loaded again while one runs.
		w.Header().Set("Refresh", "2")
	}
	s.render(w, r, http.StatusOK, "listening_source", v)
}

// sourceFormResult redirects to the source's page with flash, or shows
// the page with why the form was refused.
func (s *Server) sourceFormResult(w http.ResponseWriter, r *http.Request, id int64, flash string, err error) {
	if err == nil {
		http.Redirect(w, r, "/listening/sources/"+apiID(id)+"?flash="+flash, http.StatusSeeOther)
		return
	}
	switch samtal.ErrorCode(err) {
	case samtal.EINVALID, samtal.ECONFLICT, samtal.ETOOLARGE:
	default:
		s.pageFail(w, r, err)
		return
	}
	v, verr := s.sourceView(r, id)
	if verr != nil {
		s.pageFail(w, r, verr)
		return
	}
	s.formError(w, r, "listening_source", v, err)
}

// listeningSourceUpdate pauses or resumes a source.
func (s *Server) listeningSourceUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	state := r.PostForm.Get("state")
	_, err = s.Listening.UpdateSource(r.Context(), id, listening.SourcePatch{State: &state})
	flash := "flash.source_resumed"
	if state == listening.SourcePaused {
		flash = "flash.source_paused"
	}
	s.sourceFormResult(w, r, id, flash, err)
}

func (s *Server) listeningSourceFetch(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	_, err = s.Listening.FetchNow(r.Context(), id)
	s.sourceFormResult(w, r, id, "flash.source_fetched", err)
}

func (s *Server) listeningSourceDelete(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err == nil {
		err = s.Listening.DeleteSource(r.Context(), id)
	}
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	http.Redirect(w, r, "/listening/sources?flash=flash.source_deleted", http.StatusSeeOther)
}

// listeningImportUpload takes a review export from the upload form and
// starts its import; the source's page then shows its progress.
func (s *Server) listeningImportUpload(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	if r.MultipartForm == nil || len(r.MultipartForm.File["file"]) == 0 || r.MultipartForm.File["file"][0].Size == 0 {
		s.sourceFormResult(w, r, id, "", samtal.FieldError("file", "error.import_empty"))
		return
	}
	fh := r.MultipartForm.File["file"][0]
	f, err := fh.Open()
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	defer f.Close()
	_, err = s.startImport(r, id, fh.Filename, f)
	s.sourceFormResult(w, r, id, "flash.import_started", err)
}

// RowProblems says why a row of an import was refused, in the reader's
// language: each problem's message, joined as the English is. A report
// kept before problems had codes, or with a code this version does not
// know, keeps its English.
func (v *view) RowProblems(r listening.RowReport) string {
	if len(r.Problems) == 0 {
		return r.Error
	}
	msgs := make([]string, len(r.Problems))
	for i, p := range r.Problems {
		msg, ok := v.importProblem(p)
		if !ok {
			return r.Error
		}
		msgs[i] = msg
	}
	return strings.Join(msgs, "; ")
}

// ImportError says why an import failed, in the reader's language when
// the importer gave a code, else in the English kept with it.
func (v *view) ImportError(im listening.Import) string {
	if im.ErrorProblem != nil {
		if msg, ok := v.importProblem(*im.ErrorProblem); ok {
			return msg
		}
	}
	return im.Error
}

// importProblem translates a problem; ok is false when its code has no
// message in the catalog.
func (v *view) importProblem(p importer.Problem) (string, bool) {
	key := importer.MessageKey + p.Code
	if !v.s.Catalog.Has("en", key) {
		return "", false
	}
	data := make(map[string]any, len(p.Args))
	for k, val := range p.Args {
		data[k] = val
	}
	return v.s.Catalog.T(v.Lang, key, data), true
}

// N64 translates a message with plural forms for a count kept as int64.
func (v *view) N64(id string, n int64) string { return v.s.Catalog.N(v.Lang, id, int(n), nil) }

// Minutes is an interval in seconds as whole minutes, the local way.
func (v *view) Minutes(seconds int) string { return v.Int(seconds / 60) }
