package web

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/listening"
	"github.com/samtal-dev/samtal/listening/importer"
	"github.com/samtal-dev/samtal/search"
)

// Listening in the JSON API (see shared/API.md): sources, their signed
// webhook and imports, topics with preview and daily counts, and the
// mention inbox. The route table names each route's permission;
// listening.Service checks again.

// pathID reads the {id} of the path; an id that is no number names
// nothing.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errNotFound
	}
	return id, nil
}

var errNotFound = &samtal.Error{Code: samtal.ENOTFOUND, Message: "error.not_found"}

// apiOne answers GET of one resource by the {id} of the path: get reads it
// (and checks the caller), view shapes it for the API.
func apiOne[T, V any](s *Server, w http.ResponseWriter, r *http.Request, get func(context.Context, int64) (*T, error), view func(*T) V) {
	id, err := pathID(r)
	if err == nil {
		var v *T
		if v, err = get(r.Context(), id); err == nil {
			writeJSON(w, http.StatusOK, view(v))
			return
		}
	}
	s.apiFail(w, r, err)
}

// apiDeleteOne answers DELETE of one resource by the {id} of the path.
func apiDeleteOne(s *Server, w http.ResponseWriter, r *http.Request, del func(context.Context, int64) error) {
	id, err := pathID(r)
	if err == nil {
		if err = del(r.Context(), id); err == nil {
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	s.apiFail(w, r, err)
}

// apiSource is a source as the API shows it; the secret only once, when
// it is made.
type apiSource struct {
	ID            string                 `json:"id"`
	Kind          string                 `json:"kind"`
	Name          string                 `json:"name"`
	URL           string                 `json:"url"`
	Config        listening.SourceConfig `json:"config"`
	Secret        string                 `json:"secret,omitempty"`
	State         string                 `json:"state"`
	Interval      int                    `json:"interval_seconds"`
	LastError     string                 `json:"last_error"`
	Failures      int                    `json:"failures"`
	Items         int64                  `json:"items"`
	LastFetchAt   string                 `json:"last_fetch_at"`
	LastSuccessAt string                 `json:"last_success_at"`
	NextFetchAt   string                 `json:"next_fetch_at"`
	CreatedAt     string                 `json:"created_at"`
}

func apiTimePtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return apiTime(*t)
}

func toAPISource(src *listening.Source) apiSource {
	return apiSource{ID: apiID(src.ID), Kind: src.Kind, Name: src.Name, URL: src.URL, Config: src.Config, Secret: src.Secret,
		State: src.State, Interval: src.Interval, LastError: src.LastError, Failures: src.Failures, Items: src.Items,
		LastFetchAt: apiTimePtr(src.LastFetchAt), LastSuccessAt: apiTimePtr(src.LastSuccessAt), NextFetchAt: apiTimePtr(src.NextFetchAt),
		CreatedAt: apiTime(src.CreatedAt)}
}

func (s *Server) apiSources(w http.ResponseWriter, r *http.Request) {
	list, err := s.Listening.Sources(r.Context())
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := apiList[apiSource]{Items: make([]apiSource, 0, len(list))}
	for i := range list {
		out.Items = append(out.Items, toAPISource(&list[i]))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiCreateSource(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Kind     string                 `json:"kind"`
		Name     string                 `json:"name"`
		URL      string                 `json:"url"`
		Config   listening.SourceConfig `json:"config"`
		Interval int                    `json:"interval_seconds"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	src := &listening.Source{Kind: in.Kind, Name: in.Name, URL: in.URL, Config: in.Config, Interval: in.Interval}
	if err := s.Listening.CreateSource(r.Context(), src); err != nil {
		s.apiFail(w, r, err)
		return
	}
	src.Config.Token = ""
	writeJSON(w, http.StatusCreated, toAPISource(src))
}

func (s *Server) apiSource(w http.ResponseWriter, r *http.Request) {
	apiOne(s, w, r, s.Listening.Source, toAPISource)
}

func (s *Server) apiUpdateSource(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	var p listening.SourcePatch
	if err := decodeJSON(r, &p); err != nil {
		s.apiFail(w, r, err)
		return
	}
	src, err := s.Listening.UpdateSource(r.Context(), id, p)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAPISource(src))
}

func (s *Server) apiDeleteSource(w http.ResponseWriter, r *http.Request) {
	apiDeleteOne(s, w, r, s.Listening.DeleteSource)
}

func (s *Server) apiFetchSource(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	src, err := s.Listening.FetchNow(r.Context(), id)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAPISource(src))
}

// apiSourceHook takes a signed webhook call (shared/API.md, "The signed
// inbound webhook"). The signature is the caller's credential.
func (s *Server) apiSourceHook(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		s.apiFail(w, r, errBodyTooLarge)
		return
	}
	ids, err := s.Listening.Hook(r.Context(), id, r.Header.Get("X-Samtal-Timestamp"), r.Header.Get("X-Samtal-Signature"), body)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := struct {
		IDs []string `json:"ids"`
	}{IDs: make([]string, len(ids))}
	for i, id := range ids {
		out.IDs[i] = apiID(id)
	}
	writeJSON(w, http.StatusAccepted, out)
}

// apiImport is an import with its progress. Each row error and the
// failure carry their problems as codes and values besides the English,
// so that a client can say them in its user's language.
type apiImport struct {
	ID           string                `json:"id"`
	SourceID     string                `json:"source_id"`
	FileName     string                `json:"file_name"`
	Format       string                `json:"format"`
	Size         int64                 `json:"size"`
	State        string                `json:"state"`
	RowsDone     int                   `json:"rows_done"`
	RowsStored   int                   `json:"rows_stored"`
	RowsFailed   int                   `json:"rows_failed"`
	Errors       []listening.RowReport `json:"errors"`
	Error        string                `json:"error"`
	ErrorProblem *importer.Problem     `json:"error_problem,omitempty"`
	CreatedAt    string                `json:"created_at"`
	FinishedAt   string                `json:"finished_at"`
}

func toAPIImport(im *listening.Import) apiImport {
	return apiImport{ID: apiID(im.ID), SourceID: apiID(im.SourceID), FileName: im.FileName, Format: im.Format, Size: im.Size,
		State: im.State, RowsDone: im.RowsDone, RowsStored: im.RowsStored, RowsFailed: im.RowsFailed, Errors: nonNil(im.Errors),
		Error: im.Error, ErrorProblem: im.ErrorProblem, CreatedAt: apiTime(im.CreatedAt), FinishedAt: apiTimePtr(im.FinishedAt)}
}

// apiStartImport takes a review export as the raw body; ?name= is the
// file's name (its extension helps tell CSV from JSON). The import runs
// in the background; its progress is at /api/v1/imports/{id}.
func (s *Server) apiStartImport(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	name := r.URL.Query().Get("name")
	if name == "" {
		name = "upload"
	}
	im, err := s.startImport(r, id, name, r.Body)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, toAPIImport(im))
}

// startImport keeps the file and schedules its import.
func (s *Server) startImport(r *http.Request, sourceID int64, name string, body io.Reader) (*listening.Import, error) {
	im, err := s.Listening.StartImport(r.Context(), sourceID, name, body)
	if err != nil {
		return nil, err
	}
	if s.ListeningJobs != nil && im.State == "running" {
		if err := s.ListeningJobs.EnqueueImport(r.Context(), im.ID); err != nil {
			return nil, err
		}
	}
	return im, nil
}

func (s *Server) apiImports(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	if _, err := s.Listening.Source(r.Context(), id); err != nil {
		s.apiFail(w, r, err)
		return
	}
	list, err := s.Listening.Imports(r.Context(), id)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := apiList[apiImport]{Items: make([]apiImport, 0, len(list))}
	for i := range list {
		out.Items = append(out.Items, toAPIImport(&list[i]))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiImport(w http.ResponseWriter, r *http.Request) {
	apiOne(s, w, r, s.Listening.Import, toAPIImport)
}

// apiTopic is a topic as the API shows it.
type apiTopic struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	Query        string   `json:"query"`
	MustMatch    []string `json:"must_match"`
	MustNotMatch []string `json:"must_not_match"`
	Rerunning    bool     `json:"rerunning"`
	CreatedAt    string   `json:"created_at"`
	UpdatedAt    string   `json:"updated_at"`
}

func toAPITopic(t *listening.Topic) apiTopic {
	return apiTopic{ID: apiID(t.ID), Name: t.Name, Query: t.Query, MustMatch: nonNil(t.MustMatch), MustNotMatch: nonNil(t.MustNotMatch),
		Rerunning: t.Rerunning, CreatedAt: apiTime(t.CreatedAt), UpdatedAt: apiTime(t.UpdatedAt)}
}

func (s *Server) apiTopics(w http.ResponseWriter, r *http.Request) {
	list, err := s.Listening.Topics(r.Context())
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := apiList[apiTopic]{Items: make([]apiTopic, 0, len(list))}
	for i := range list {
		out.Items = append(out.Items, toAPITopic(&list[i]))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiCreateTopic(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name         string   `json:"name"`
		Query        string   `json:"query"`
		MustMatch    []string `json:"must_match"`
		MustNotMatch []string `json:"must_not_match"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	t := &listening.Topic{Name: in.Name, Query: in.Query, MustMatch: in.MustMatch, MustNotMatch: in.MustNotMatch}
	if err := s.Listening.CreateTopic(r.Context(), t); err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toAPITopic(t))
}

func (s *Server) apiTopic(w http.ResponseWriter, r *http.Request) {
	apiOne(s, w, r, s.Listening.Topic, toAPITopic)
}

func (s *Server) apiUpdateTopic(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	var p listening.TopicPatch
	if err := decodeJSON(r, &p); err != nil {
		s.apiFail(w, r, err)
		return
	}
	t, err := s.Listening.UpdateTopic(r.Context(), id, p)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAPITopic(t))
}

func (s *Server) apiDeleteTopic(w http.ResponseWriter, r *http.Request) {
	apiDeleteOne(s, w, r, s.Listening.DeleteTopic)
}

// apiTopicDays answers the topic's mentions per day (?days=, default 30).
func (s *Server) apiTopicDays(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	days := 30
	if v := r.URL.Query().Get("days"); v != "" {
		if days, err = strconv.Atoi(v); err != nil {
			s.apiFail(w, r, samtal.FieldError("days", "error.days_invalid"))
			return
		}
	}
	list, err := s.Listening.TopicDays(r.Context(), id, days)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	type day struct {
		Day string `json:"day"`
		N   int    `json:"n"`
	}
	out := apiList[day]{Items: make([]day, len(list))}
	for i, d := range list {
		out.Items[i] = day{Day: d.Day.Format(time.DateOnly), N: d.N}
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiPreviewTopic(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Query string `json:"query"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	p, err := s.Listening.Preview(r.Context(), in.Query)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := struct {
		Checked  int          `json:"checked"`
		Matched  int          `json:"matched"`
		Mentions []apiMention `json:"mentions"`
	}{Checked: p.Checked, Matched: p.Matched, Mentions: make([]apiMention, 0, len(p.Mentions))}
	for i := range p.Mentions {
		out.Mentions = append(out.Mentions, toAPIMention(&p.Mentions[i]))
	}
	writeJSON(w, http.StatusOK, out)
}

// apiMention is a mention as the API shows it (shared/API.md).
type apiMention struct {
	ID             string   `json:"id"`
	SourceID       string   `json:"source_id"`
	Source         string   `json:"source"`
	URL            string   `json:"url"`
	Site           string   `json:"site"`
	Title          string   `json:"title"`
	Text           string   `json:"text"`
	Author         string   `json:"author"`
	AuthorHandle   string   `json:"author_handle"`
	PersonID       string   `json:"person_id"`
	PublishedAt    string   `json:"published_at"`
	Lang           string   `json:"lang"`
	Sentiment      float64  `json:"sentiment"`
	SentimentLabel string   `json:"sentiment_label"`
	Rating         *float64 `json:"rating"`
	Topics         []string `json:"topics"`
	DuplicateOf    string   `json:"duplicate_of"`
	Duplicates     int      `json:"duplicates"`
	State          string   `json:"state"`
	AssigneeID     string   `json:"assignee_id"`
	Tags           []string `json:"tags"`
}

// optID is an id that may be absent ("").
func optID(id int64) string {
	if id == 0 {
		return ""
	}
	return apiID(id)
}

func toAPIMention(m *listening.Mention) apiMention {
	topics := make([]string, len(m.Topics))
	for i, t := range m.Topics {
		topics[i] = apiID(t)
	}
	return apiMention{ID: apiID(m.ID), SourceID: apiID(m.SourceID), Source: m.SourceName, URL: m.URL, Site: m.Site, Title: m.Title, Text: m.Text,
		Author: m.Author, AuthorHandle: m.AuthorHandle, PersonID: optID(m.PersonID), PublishedAt: apiTime(m.PublishedAt),
		Lang: m.Lang, Sentiment: m.Sentiment, SentimentLabel: m.SentimentLabel, Rating: m.Rating, Topics: topics,
		DuplicateOf: optID(m.DuplicateOf), Duplicates: m.Duplicates, State: m.State, AssigneeID: optID(m.AssigneeID), Tags: nonNil(m.Tags)}
}

// mentionFilter reads the inbox's filters from a query string, the same
// for the page and the API. Returns EINVALID naming a bad parameter.
func mentionFilter(v url.Values) (listening.MentionFilter, error) {
	var f listening.MentionFilter
	ids := map[string]*int64{"topic": &f.TopicID, "source": &f.SourceID, "assignee": &f.Assignee, "duplicates_of": &f.DuplicatesOf}
	for name, dst := range ids {
		if s := v.Get(name); s != "" {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil || n <= 0 {
				return f, samtal.FieldError(name, "error.id_invalid")
			}
			*dst = n
		}
	}
	f.Lang = strings.ToLower(v.Get("lang"))
	if f.Lang != "" && f.Lang != "unknown" && (len(f.Lang) != 2 || strings.Trim(f.Lang, "abcdefghijklmnopqrstuvwxyz") != "") {
		return f, samtal.FieldError("lang", "error.lang_invalid")
	}
	f.Sentiment, f.State, f.Tag = v.Get("sentiment"), v.Get("state"), strings.ToLower(strings.TrimSpace(v.Get("tag")))
	for name, dst := range map[string]**float64{"min_rating": &f.MinRating, "max_rating": &f.MaxRating} {
		if s := v.Get(name); s != "" {
			x, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return f, samtal.FieldError(name, "error.rating_invalid")
			}
			*dst = &x
		}
	}
	for name, dst := range map[string]*time.Time{"since": &f.Since, "until": &f.Until} {
		if s := v.Get(name); s != "" {
			t, err := parseDateParam(s)
			if err != nil {
				return f, samtal.FieldError(name, "error.date_invalid")
			}
			*dst = t
		}
	}
	if q := v.Get("q"); q != "" {
		f.Words = search.Words(q)
		if len(f.Words) == 0 {
			f.Words = []string{"\x00"} // a query of no words finds nothing
		}
	}
	return f, nil
}

// parseDateParam reads an RFC 3339 time or a date (midnight UTC).
func parseDateParam(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	return time.Parse(time.DateOnly, s)
}

// mentionCursor is the cursor after a mention: its time and id.
func mentionCursor(m *listening.Mention) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(m.PublishedAt.UnixMilli(), 10) + "|" + strconv.FormatInt(m.ID, 10)))
}

func parseMentionCursor(c string, f *listening.MentionFilter) error {
	b, err := base64.RawURLEncoding.DecodeString(c)
	at, id, ok := strings.Cut(string(b), "|")
	if err != nil || !ok {
		return samtal.FieldError("cursor", "error.cursor_invalid")
	}
	ms, err1 := strconv.ParseInt(at, 10, 64)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if err1 != nil || err2 != nil || n <= 0 {
		return samtal.FieldError("cursor", "error.cursor_invalid")
	}
	f.AfterAt, f.AfterID = time.UnixMilli(ms).UTC(), n
	return nil
}

func (s *Server) apiMentions(w http.ResponseWriter, r *http.Request) {
	f, err := mentionFilter(r.URL.Query())
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	var cursor string
	if f.Limit, cursor, err = apiPage(r); err != nil {
		s.apiFail(w, r, err)
		return
	}
	if cursor != "" {
		if err := parseMentionCursor(cursor, &f); err != nil {
			s.apiFail(w, r, err)
			return
		}
	}
	limit := f.Limit
	f.Limit++
	list, err := s.Listening.Mentions(r.Context(), f)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := apiList[apiMention]{Items: make([]apiMention, 0, len(list))}
	if len(list) > limit {
		list = list[:limit]
		out.Next = mentionCursor(&list[limit-1])
	}
	for i := range list {
		out.Items = append(out.Items, toAPIMention(&list[i]))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiMention(w http.ResponseWriter, r *http.Request) {
	apiOne(s, w, r, s.Listening.Mention, toAPIMention)
}

// apiMentionChange is a change in a request body; assignee_id is an id
// string ("" removes the assignee).
type apiMentionChange struct {
	State      *string  `json:"state"`
	AssigneeID *string  `json:"assignee_id"`
	AddTags    []string `json:"add_tags"`
	RemoveTags []string `json:"remove_tags"`
}

func (in apiMentionChange) change() (listening.MentionChange, error) {
	c := listening.MentionChange{State: in.State, AddTags: in.AddTags, RemoveTags: in.RemoveTags}
	if in.AssigneeID != nil {
		var id int64
		if *in.AssigneeID != "" {
			n, err := strconv.ParseInt(*in.AssigneeID, 10, 64)
			if err != nil || n <= 0 {
				return c, samtal.FieldError("assignee_id", "error.assignee_invalid")
			}
			id = n
		}
		c.Assignee = &id
	}
	return c, nil
}

func (s *Server) apiUpdateMention(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	var in apiMentionChange
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	c, err := in.change()
	if err == nil {
		_, err = s.Listening.ChangeMentions(r.Context(), []int64{id}, c)
	}
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	m, err := s.Listening.Mention(r.Context(), id)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAPIMention(m))
}

// apiBulkMentions changes many mentions at once: {"ids":[…], "state":…}.
func (s *Server) apiBulkMentions(w http.ResponseWriter, r *http.Request) {
	var in struct {
		IDs []string `json:"ids"`
		apiMentionChange
	}
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	ids := make([]int64, 0, len(in.IDs))
	for _, v := range in.IDs {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			s.apiFail(w, r, samtal.FieldError("ids", "error.id_invalid"))
			return
		}
		ids = append(ids, n)
	}
	c, err := in.change()
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	n, err := s.Listening.ChangeMentions(r.Context(), ids, c)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{"changed": n})
}
