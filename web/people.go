package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/consent"
	"github.com/samtal-dev/samtal/person"
)

// The staff pages of people: the list with filters, a person's profile
// (identities, tags, notes, figures, timeline, merges and suggestions) and
// the merge suggestions. Every form posts to its own route and comes back
// to the profile; a refusal shows the profile again with the message at
// the form.

// peoplePerPage is how many persons the list shows.
const peoplePerPage = 50

// timelinePerPage is how many events a profile shows at once.
const timelinePerPage = 20

// identityKinds are the kinds of identity the forms offer.
var identityKinds = []string{person.KindEmail, person.KindHandle, person.KindURL, person.KindReviewName}

// memberIdentityKinds are what a member may link to themselves: an email
// is proven by signing up with it.
var memberIdentityKinds = []string{person.KindHandle, person.KindURL, person.KindReviewName}

func (s *Server) adminPeople(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f, err := peopleFilter(q)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	f.Limit = peoplePerPage
	f.AfterID, _ = strconv.ParseInt(q.Get("after"), 10, 64)
	list, err := s.People.List(r.Context(), f)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	v := s.view(r, "people.title")
	for _, k := range peopleFilterKeys {
		v.Form[k] = q.Get(k)
	}
	more := ""
	if next := nextCursor(list, f.Limit, func(p *person.Person) int64 { return p.ID }); next != "" {
		mq := url.Values{"after": {next}}
		for _, k := range peopleFilterKeys {
			if x := q.Get(k); x != "" {
				mq.Set(k, x)
			}
		}
		more = "/admin/people?" + mq.Encode()
	}
	export := ""
	if samtal.ActorFrom(r.Context()).Can(samtal.PermExportPeople) {
		eq := url.Values{}
		for _, k := range peopleFilterKeys {
			if x := q.Get(k); x != "" {
				eq.Set(k, x)
			}
		}
		export = "/admin/people/export?" + eq.Encode()
	}
	v.Data = map[string]any{"People": list, "Roles": samtal.Roles, "More": more, "ActiveDays": []int{7, 30, 90, 365},
		"Purposes": consent.Purposes, "ExportURL": export}
	s.render(w, r, http.StatusOK, "admin_people", v)
}

// personPage is what admin_person.html shows.
type personPage struct {
	Person      *person.Person
	Stats       person.Stats
	Notes       []person.Note
	Timeline    *person.TimelinePage
	Kinds       []string
	Kind        string
	More        string // the timeline's next page, or ""
	Merges      []person.MergeRecord
	Suggestions []person.Suggestion
	// Candidates are the persons a name typed into the merge form found.
	Candidates    []*person.Person
	IdentityKinds []string
	TagsText      string
	// MergedBy is the merge that took this person away, if it stands.
	MergedBy *person.MergeRecord
	// Consents is the current consent per purpose (the newest record).
	Consents []consent.Status
}

// personView reads everything the staff profile of person id shows: a
// fixed number of queries, whatever the person has (no query per event,
// identity, note or merge).
func (s *Server) personView(r *http.Request, id int64) (*view, error) {
	ctx := r.Context()
	prof, err := s.People.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	d := &personPage{Person: prof.Person, Stats: prof.Stats, Kinds: s.People.TimelineKinds(), IdentityKinds: identityKinds,
		TagsText: strings.Join(prof.Person.Tags, ", ")}
	if d.Notes, err = s.People.Notes(ctx, id); err != nil {
		return nil, err
	}
	kind := q.Get("kind")
	f, err := s.timelineFilter(kind, "", timelinePerPage)
	if err != nil {
		kind, f = "", person.TimelineFilter{Limit: timelinePerPage}
	}
	d.Kind = kind
	if d.Timeline, err = s.People.Timeline(ctx, id, s.Campaigns, f, q.Get("cursor")); samtal.ErrorCode(err) == samtal.EINVALID {
		d.Timeline, err = s.People.Timeline(ctx, id, s.Campaigns, f, "")
	}
	if err != nil {
		return nil, err
	}
	if d.Timeline.Next != "" {
		mq := url.Values{"cursor": {d.Timeline.Next}}
		if kind != "" {
			mq.Set("kind", kind)
		}
		d.More = "/admin/people/" + apiID(id) + "?" + mq.Encode() + "#timeline"
	}
	if d.Merges, err = s.People.Merges(ctx, id); err != nil {
		return nil, err
	}
	for k := range d.Merges {
		if m := &d.Merges[k]; m.PersonID == id && m.UndoneAt.IsZero() && m.IntoID == prof.Person.MergedInto {
			d.MergedBy = m
		}
	}
	if d.Suggestions, err = s.People.Suggestions(ctx, person.SuggestionFilter{PersonID: id, Limit: 20}); err != nil {
		return nil, err
	}
	if s.Consents != nil {
		if d.Consents, err = s.Consents.Current(ctx, id); err != nil {
			return nil, err
		}
	}
	v := s.view(r, "people.profile")
	v.Data = d
	return v, nil
}

func (s *Server) adminPerson(w http.ResponseWriter, r *http.Request) {
	id, err := personID(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	v, err := s.personView(r, id)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin_person", v)
}

// personFormResult redirects to the profile after a form, or shows the
// profile again with err at the form named field when the person can fix
// it (a field, or a conflict like a merge the rules refuse).
func (s *Server) personFormResult(w http.ResponseWriter, r *http.Request, id int64, field, flash string, err error) {
	if err == nil {
		http.Redirect(w, r, "/admin/people/"+apiID(id)+"?flash="+flash+"#"+field, http.StatusSeeOther)
		return
	}
	if c := samtal.ErrorCode(err); c != samtal.EINVALID && c != samtal.ECONFLICT {
		s.pageFail(w, r, err)
		return
	}
	v, verr := s.personView(r, id)
	if verr != nil {
		s.pageFail(w, r, err)
		return
	}
	for k := range r.PostForm {
		if k != "csrf" {
			v.Form[k] = r.PostForm.Get(k)
		}
	}
	// The message goes to the form, whichever of its fields it names.
	status, _, msg, _ := s.describe(r, err)
	v.Error, v.ErrField = msg, field
	s.render(w, r, status, "admin_person", v)
}

func (s *Server) adminPersonNote(w http.ResponseWriter, r *http.Request) {
	id, err := personID(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	_, err = s.People.AddNote(r.Context(), id, r.PostForm.Get("note_body"))
	s.personFormResult(w, r, id, "notes", "flash.note_added", err)
}

// splitTags reads the comma-separated tags of a form.
func splitTags(v string) []string {
	var out []string
	for _, t := range strings.Split(v, ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

func (s *Server) adminPersonTags(w http.ResponseWriter, r *http.Request) {
	id, err := personID(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	_, err = s.People.SetTags(r.Context(), id, splitTags(r.PostForm.Get("tags")))
	s.personFormResult(w, r, id, "tags", "flash.saved", err)
}

func (s *Server) adminPersonIdentity(w http.ResponseWriter, r *http.Request) {
	id, err := personID(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	f := r.PostForm
	_, err = s.People.AddIdentity(r.Context(), id, person.Identity{Kind: f.Get("kind"), Network: f.Get("network"),
		Value: f.Get("value"), Verified: f.Get("verified") == "1"})
	s.personFormResult(w, r, id, "identities", "flash.identity_added", err)
}

func (s *Server) adminPersonIdentityRemove(w http.ResponseWriter, r *http.Request) {
	id, err := personID(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	iid, err := strconv.ParseInt(r.PathValue("iid"), 10, 64)
	if err != nil || iid <= 0 {
		s.pageFail(w, r, errPersonNotFound)
		return
	}
	err = s.People.RemoveIdentity(r.Context(), id, iid)
	s.personFormResult(w, r, id, "identities", "flash.identity_removed", err)
}

// personRef reads a person named in a form: their number, "#number" or a
// link to their page (staff or public). ok is false for anything else.
func personRef(v string) (int64, bool) {
	v = strings.TrimSpace(v)
	if i := strings.LastIndex(v, "/people/"); i >= 0 {
		v = v[i+len("/people/"):]
	}
	v = strings.TrimPrefix(v, "#")
	if i := strings.IndexAny(v, "?#/"); i >= 0 {
		v = v[:i]
	}
	id, err := strconv.ParseInt(v, 10, 64)
	return id, err == nil && id > 0
}

// adminPersonMerge answers the merge form: a number or link merges; a name
// shows the persons it finds, each with its own button.
func (s *Server) adminPersonMerge(w http.ResponseWriter, r *http.Request) {
	id, err := personID(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	ctx := r.Context()
	into := strings.TrimSpace(r.PostForm.Get("into"))
	target, ok := personRef(into)
	if !ok {
		var found []*person.Person
		if into != "" {
			if found, err = s.People.List(ctx, person.ListFilter{Q: into, Limit: 10}); err != nil {
				s.pageFail(w, r, err)
				return
			}
		}
		var candidates []*person.Person
		for _, p := range found {
			if p.ID != id {
				candidates = append(candidates, p)
			}
		}
		if len(candidates) == 0 {
			s.personFormResult(w, r, id, "merge", "", samtal.FieldError("into", "error.merge_target_missing"))
			return
		}
		v, err := s.personView(r, id)
		if err != nil {
			s.pageFail(w, r, err)
			return
		}
		v.Data.(*personPage).Candidates = candidates
		v.Form["into"] = into
		s.render(w, r, http.StatusOK, "admin_person", v)
		return
	}
	m, err := s.People.Merge(ctx, id, target)
	if err != nil {
		s.personFormResult(w, r, id, "merge", "", err)
		return
	}
	http.Redirect(w, r, "/admin/people/"+apiID(m.IntoID)+"?flash=flash.person_merged#merges", http.StatusSeeOther)
}

// suggestionsPage is what admin_suggestions.html shows.
type suggestionsPage struct {
	Suggestions []person.Suggestion
	State       string
	States      []string
	More        string
}

func (s *Server) adminSuggestions(w http.ResponseWriter, r *http.Request) {
	f, err := suggestionFilter(r, 30)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	list, err := s.People.Suggestions(r.Context(), f)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	d := &suggestionsPage{Suggestions: list, State: f.State, States: []string{"open", "accepted", "rejected"}}
	if d.State == "" {
		d.State = "open"
	}
	if len(list) == f.Limit {
		mq := url.Values{"cursor": {suggestionCursor(list[len(list)-1])}, "state": {d.State}}
		if f.PersonID != 0 {
			mq.Set("person_id", apiID(f.PersonID))
		}
		d.More = "/admin/people/suggestions?" + mq.Encode()
	}
	v := s.view(r, "suggestions.title")
	v.Data = d
	s.render(w, r, http.StatusOK, "admin_suggestions", v)
}

func (s *Server) adminSuggestionAccept(w http.ResponseWriter, r *http.Request) {
	id, err := suggestionID(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	m, err := s.People.AcceptSuggestion(r.Context(), id)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/people/"+apiID(m.IntoID)+"?flash=flash.person_merged#merges", http.StatusSeeOther)
}

func (s *Server) adminSuggestionReject(w http.ResponseWriter, r *http.Request) {
	id, err := suggestionID(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	if err := s.People.RejectSuggestion(r.Context(), id); err != nil {
		s.pageFail(w, r, err)
		return
	}
	next := localPath(r.PostForm.Get("next"))
	if next == "/" {
		next = "/admin/people/suggestions"
	}
	sep := "?"
	if strings.Contains(next, "?") {
		sep = "&"
	}
	http.Redirect(w, r, next+sep+"flash=flash.suggestion_rejected", http.StatusSeeOther)
}

// Label is the text of prefix+key in the reader's language, or key as it
// is when the catalog has none: a kind of timeline event that a later
// capability added without a text, a source of identities from an import.
func (v *view) Label(prefix, key string) string {
	if id := prefix + key; key != "" && v.s.Catalog.Has(v.Lang, id) {
		return v.T(id)
	}
	return key
}

// suggestionList is what the suggestion_list partial writes.
type suggestionList struct {
	V     *view
	Items []person.Suggestion
}

// SuggestionList bundles merge suggestions for the partial.
func (v *view) SuggestionList(items []person.Suggestion) suggestionList {
	return suggestionList{V: v, Items: items}
}

// EventExcerpt is an event's short text; a word from a fixed set (the
// kind of an identity, a kind's state like "given") is shown in the
// reader's language when the catalog has it ("timeline.KIND.WORD").
func (v *view) EventExcerpt(e person.Event) string {
	if e.Kind == "identity" {
		return v.Label("identity.kind.", e.Excerpt)
	}
	return v.Label("timeline."+e.Kind+".", e.Excerpt)
}

// EventTitle is what an event is about: a consent's purpose in the
// reader's language, otherwise the title as stored (an idea's, a briefing's).
func (v *view) EventTitle(e person.Event) string {
	if e.Kind == "consent" {
		return v.Label("consent.purpose.", e.Title)
	}
	return e.Title
}

// EventLink is the page a timeline event is about, or "".
func (v *view) EventLink(e person.Event) string { return eventLink(&e) }

// Percent writes a score between 0 and 1 as a whole percentage.
func (v *view) Percent(f float64) string { return v.Int(int(f*100+0.5)) + " %" }

// figures is what the person_figures partial writes.
type figures struct {
	V     *view
	Stats person.Stats
	Votes bool // show the votes (not on a public profile)
}

// Figures bundles a person's figures for the partial.
func (v *view) Figures(st person.Stats, votes bool) figures {
	return figures{V: v, Stats: st, Votes: votes}
}

// timelineBox is what the person_timeline partial writes.
type timelineBox struct {
	V    *view
	Page *person.TimelinePage
	More string
}

// TimelineBox bundles a page of a timeline and the link to the next.
func (v *view) TimelineBox(p *person.TimelinePage, more string) timelineBox {
	return timelineBox{V: v, Page: p, More: more}
}
