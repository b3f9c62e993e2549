package web

import (
	"encoding/base64"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/person"
)

// The persons of the JSON API (see shared/API.md): lists, profiles,
// identities, the timeline, staff notes, merges and merge suggestions. The
// route table names each route's permission; person.Service decides again
// what the caller may see, so a member gets their own record and of other
// members only the public part.

var errPersonNotFound = &samtal.Error{Code: samtal.ENOTFOUND, Message: "error.not_found"}

// personID reads the {id} of the path; an id that is no number is a person
// that does not exist.
func personID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errPersonNotFound
	}
	return id, nil
}

// apiPerson is a person as the API shows them. The fields after Stats are
// not part of a public profile (another member's) and are left out of it;
// lists leave out identities, tags and stats (get the person for those).
type apiPerson struct {
	ID         string          `json:"id"`
	Name       string          `json:"name"`
	Avatar     string          `json:"avatar"`
	Languages  []string        `json:"languages"`
	HasAccount bool            `json:"has_account"`
	CreatedAt  string          `json:"created_at"`
	Public     bool            `json:"public"`
	Stats      *apiPersonStats `json:"stats,omitempty"`

	Locale     *string        `json:"locale,omitempty"`
	Location   *string        `json:"location,omitempty"`
	Identities *[]apiIdentity `json:"identities,omitempty"`
	Tags       *[]string      `json:"tags,omitempty"`
	MergedInto *string        `json:"merged_into,omitempty"`
	Bot        *bool          `json:"bot,omitempty"`
	Erased     *bool          `json:"erased,omitempty"`
}

// apiPersonStats are a person's figures; votes only on a full profile.
type apiPersonStats struct {
	FirstSeen  string `json:"first_seen"`
	LastActive string `json:"last_active"`
	Ideas      int    `json:"ideas"`
	Votes      *int   `json:"votes,omitempty"`
	Comments   int    `json:"comments"`
}

// apiIdentity is one identity of a person.
type apiIdentity struct {
	ID        string `json:"id"`
	Kind      string `json:"kind"`
	Network   string `json:"network"`
	Value     string `json:"value"`
	Display   string `json:"display"`
	Verified  bool   `json:"verified"`
	Source    string `json:"source"`
	CreatedAt string `json:"created_at"`
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func toAPIIdentity(i *person.Identity) apiIdentity {
	return apiIdentity{ID: apiID(i.ID), Kind: i.Kind, Network: i.Network, Value: i.Value, Display: i.Display,
		Verified: i.Verified, Source: i.Source, CreatedAt: apiTime(i.CreatedAt)}
}

// toAPIPersonSummary is a person in a list: no identities, tags or figures.
func toAPIPersonSummary(p *person.Person) apiPerson {
	out := apiPerson{ID: apiID(p.ID), Name: p.Name, Avatar: p.Avatar, Languages: nonNil(p.Languages),
		HasAccount: p.HasAccount, CreatedAt: apiTime(p.CreatedAt)}
	merged, bot, erased := apiID(p.MergedInto), p.Bot, p.Erased
	out.Locale, out.Location, out.MergedInto, out.Bot, out.Erased = &p.Locale, &p.Location, &merged, &bot, &erased
	return out
}

// profileOf is a person as the caller of r may see them: the service
// decided what the profile holds; tags and the bot flag, which it leaves
// out for members, are left out of the answer too rather than shown empty.
func profileOf(r *http.Request, prof *person.Profile) apiPerson {
	out := toAPIProfile(prof)
	if !samtal.ActorFrom(r.Context()).Can(person.PermView) {
		out.Tags, out.Bot = nil, nil
	}
	return out
}

// toAPIProfile is a person as the profile holds them.
func toAPIProfile(prof *person.Profile) apiPerson {
	p, st := prof.Person, prof.Stats
	stats := &apiPersonStats{FirstSeen: apiTime(st.FirstSeen), LastActive: apiTime(st.LastActive), Ideas: st.Ideas, Comments: st.Comments}
	if prof.Public {
		return apiPerson{ID: apiID(p.ID), Name: p.Name, Avatar: p.Avatar, Languages: nonNil(p.Languages),
			HasAccount: p.HasAccount, CreatedAt: apiTime(p.CreatedAt), Public: true, Stats: stats}
	}
	out := toAPIPersonSummary(p)
	votes := st.Votes
	stats.Votes = &votes
	out.Stats = stats
	ids := make([]apiIdentity, 0, len(p.Identities))
	for k := range p.Identities {
		ids = append(ids, toAPIIdentity(&p.Identities[k]))
	}
	tags := nonNil(p.Tags)
	out.Identities, out.Tags = &ids, &tags
	return out
}

func (s *Server) apiPersons(w http.ResponseWriter, r *http.Request) {
	f, err := peopleFilter(r.URL.Query())
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
		if f.AfterID, err = strconv.ParseInt(cursor, 10, 64); err != nil || f.AfterID <= 0 {
			s.apiFail(w, r, samtal.FieldError("cursor", "error.cursor_invalid"))
			return
		}
	}
	list, err := s.People.List(r.Context(), f)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := apiList[apiPerson]{Items: make([]apiPerson, 0, len(list))}
	for _, p := range list {
		out.Items = append(out.Items, toAPIPersonSummary(p))
	}
	out.Next = nextCursor(list, f.Limit, func(p *person.Person) int64 { return p.ID })
	writeJSON(w, http.StatusOK, out)
}

// activeDays reads the "active within so many days" filter; "" is none.
func activeDays(v string) (time.Duration, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 3650 {
		return 0, samtal.FieldError("active", "error.active_invalid")
	}
	return time.Duration(n) * 24 * time.Hour, nil
}

// apiIdentityInput is an identity in a request body.
type apiIdentityInput struct {
	Kind     string `json:"kind"`
	Network  string `json:"network"`
	Value    string `json:"value"`
	Verified bool   `json:"verified"`
}

func (in apiIdentityInput) identity() person.Identity {
	return person.Identity{Kind: in.Kind, Network: in.Network, Value: in.Value, Verified: in.Verified}
}

func (s *Server) apiCreatePerson(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name       string             `json:"name"`
		Locale     string             `json:"locale"`
		Location   string             `json:"location"`
		Languages  []string           `json:"languages"`
		Identities []apiIdentityInput `json:"identities"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	np := person.NewPerson{Name: in.Name, Locale: in.Locale, Location: in.Location, Languages: in.Languages}
	for _, id := range in.Identities {
		np.Identities = append(np.Identities, id.identity())
	}
	p, err := s.Resolver.Create(r.Context(), np)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	prof, err := s.People.Get(r.Context(), p.ID)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/persons/"+apiID(p.ID))
	writeJSON(w, http.StatusCreated, profileOf(r, prof))
}

func (s *Server) apiPerson(w http.ResponseWriter, r *http.Request) {
	id, err := personID(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	prof, err := s.People.Get(r.Context(), id)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, profileOf(r, prof))
}

// apiUpdatePerson changes a person: fields left out stay. Tags are set
// here too (the whole list replaces the old one), so there is no separate
// tags resource; they are checked before anything is written, so a bad tag
// changes nothing.
func (s *Server) apiUpdatePerson(w http.ResponseWriter, r *http.Request) {
	id, err := personID(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	var in struct {
		Name      *string   `json:"name"`
		Locale    *string   `json:"locale"`
		Location  *string   `json:"location"`
		Languages *[]string `json:"languages"`
		Avatar    *string   `json:"avatar"`
		Bot       *bool     `json:"bot"`
		Tags      *[]string `json:"tags"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	ctx := r.Context()
	if in.Tags != nil {
		if _, err := person.CleanTags(*in.Tags); err != nil {
			s.apiFail(w, r, err)
			return
		}
	}
	patch := person.Patch{Name: in.Name, Locale: in.Locale, Location: in.Location, Languages: in.Languages, Avatar: in.Avatar, Bot: in.Bot}
	if patch != (person.Patch{}) {
		if _, err := s.People.Update(ctx, id, patch); err != nil {
			s.apiFail(w, r, err)
			return
		}
	}
	if in.Tags != nil {
		if _, err := s.People.SetTags(ctx, id, *in.Tags); err != nil {
			s.apiFail(w, r, err)
			return
		}
	}
	prof, err := s.People.Get(ctx, id)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, profileOf(r, prof))
}

// apiPersonIdentities lists a person's identities: staff anyone's, a member
// their own; another member's are not theirs to read (403).
func (s *Server) apiPersonIdentities(w http.ResponseWriter, r *http.Request) {
	id, err := personID(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	prof, err := s.People.Get(r.Context(), id)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	if prof.Public {
		s.apiFail(w, r, &samtal.Error{Code: samtal.EFORBIDDEN, Message: "error.forbidden"})
		return
	}
	writeJSON(w, http.StatusOK, apiItems(prof.Person.Identities, toAPIIdentity))
}

func (s *Server) apiAddIdentity(w http.ResponseWriter, r *http.Request) {
	id, err := personID(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	var in apiIdentityInput
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	n, err := s.People.AddIdentity(r.Context(), id, in.identity())
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toAPIIdentity(n))
}

func (s *Server) apiRemoveIdentity(w http.ResponseWriter, r *http.Request) {
	id, err := personID(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	iid, err := strconv.ParseInt(r.PathValue("iid"), 10, 64)
	if err != nil || iid <= 0 {
		s.apiFail(w, r, errPersonNotFound)
		return
	}
	if err := s.People.RemoveIdentity(r.Context(), id, iid); err != nil {
		s.apiFail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// apiEvent is one event of a timeline.
type apiEvent struct {
	Kind       string `json:"kind"`
	Channel    string `json:"channel"`
	At         string `json:"at"`
	Ref        string `json:"ref"`
	IdeaID     string `json:"idea_id"`
	CampaignID string `json:"campaign_id"`
	Title      string `json:"title"`
	Excerpt    string `json:"excerpt"`
	Link       string `json:"link"`
}

// eventLink is the page an event is about, or "".
func eventLink(e *person.Event) string {
	switch {
	case e.Kind == "comment" && e.IdeaID != 0:
		return "/ideas/" + apiID(e.IdeaID) + "#comment-" + apiID(e.Ref)
	case e.IdeaID != 0:
		return "/ideas/" + apiID(e.IdeaID)
	}
	return ""
}

func toAPIEvent(e *person.Event) apiEvent {
	return apiEvent{Kind: e.Kind, Channel: e.Channel, At: apiTime(e.At), Ref: apiID(e.Ref), IdeaID: apiID(e.IdeaID),
		CampaignID: apiID(e.CampaignID), Title: e.Title, Excerpt: e.Excerpt, Link: eventLink(e)}
}

// commaList reads a filter of comma-separated values; "" is none.
func commaList(v string) []string {
	var out []string
	for _, x := range strings.Split(v, ",") {
		if x = strings.ToLower(strings.TrimSpace(x)); x != "" && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// timelineFilter reads the kind and channel filters; a kind the timeline
// does not know is an invalid field.
func (s *Server) timelineFilter(kinds, channels string, limit int) (person.TimelineFilter, error) {
	f := person.TimelineFilter{Kinds: commaList(kinds), Channels: commaList(channels), Limit: limit}
	known := s.People.TimelineKinds()
	for _, k := range f.Kinds {
		if !slices.Contains(known, k) {
			return f, samtal.FieldError("kind", "error.kind_invalid")
		}
	}
	return f, nil
}

func (s *Server) apiPersonTimeline(w http.ResponseWriter, r *http.Request) {
	id, err := personID(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	limit, cursor, err := apiPage(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	q := r.URL.Query()
	f, err := s.timelineFilter(q.Get("kind"), q.Get("channel"), limit)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	page, err := s.People.Timeline(r.Context(), id, s.Campaigns, f, cursor)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := apiItems(page.Events, toAPIEvent)
	out.Next = page.Next
	writeJSON(w, http.StatusOK, out)
}

// apiPersonNote is a staff note about a person.
type apiPersonNote struct {
	ID             string `json:"id"`
	PersonID       string `json:"person_id"`
	Body           string `json:"body"`
	AuthorPersonID string `json:"author_person_id"`
	AuthorName     string `json:"author_name"`
	CreatedAt      string `json:"created_at"`
}

func toAPIPersonNote(n *person.Note) apiPersonNote {
	return apiPersonNote{ID: apiID(n.ID), PersonID: apiID(n.PersonID), Body: n.Body, AuthorPersonID: apiID(n.AuthorPersonID),
		AuthorName: n.AuthorName, CreatedAt: apiTime(n.CreatedAt)}
}

func (s *Server) apiPersonNotes(w http.ResponseWriter, r *http.Request) {
	id, err := personID(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	list, err := s.People.Notes(r.Context(), id)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	// A person has few notes: one page holds them all.
	writeJSON(w, http.StatusOK, apiItems(list, toAPIPersonNote))
}

func (s *Server) apiCreatePersonNote(w http.ResponseWriter, r *http.Request) {
	id, err := personID(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	var in struct {
		Body string `json:"body"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	n, err := s.People.AddNote(r.Context(), id, in.Body)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	if acc := stateOf(r).account; acc != nil && n.AuthorName == "" {
		n.AuthorName = acc.Name // the note's author is the caller
	}
	writeJSON(w, http.StatusCreated, toAPIPersonNote(n))
}

// apiPersonMergeResult is the answer to a person merge and to its undo.
type apiPersonMergeResult struct {
	MergeID string    `json:"merge_id"`
	Person  apiPerson `json:"person"`
}

func (s *Server) apiMergePerson(w http.ResponseWriter, r *http.Request) {
	id, err := personID(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	into, err := decodeInto(r, "error.merge_target_missing")
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	m, err := s.People.Merge(r.Context(), id, into)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	s.apiPersonMergeAnswer(w, r, m.ID, m.IntoID)
}

// apiPersonMergeAnswer answers a merge or its undo with the person that
// now holds what moved (merge: the target; undo: the person who came back).
func (s *Server) apiPersonMergeAnswer(w http.ResponseWriter, r *http.Request, mergeID, personID int64) {
	prof, err := s.People.Get(r.Context(), personID)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, apiPersonMergeResult{MergeID: person.MergeKey(mergeID), Person: profileOf(r, prof)})
}

// apiSuggestion is a merge suggestion; reason_text is the reason in the
// caller's language.
type apiSuggestion struct {
	ID          string  `json:"id"`
	PersonA     string  `json:"person_a"`
	PersonAName string  `json:"person_a_name"`
	PersonB     string  `json:"person_b"`
	PersonBName string  `json:"person_b_name"`
	Reason      string  `json:"reason"`
	ReasonText  string  `json:"reason_text"`
	Detail      string  `json:"detail"`
	Score       float64 `json:"score"`
	State       string  `json:"state"`
	CreatedAt   string  `json:"created_at"`
}

func (s *Server) toAPISuggestion(lang string, sg *person.Suggestion) apiSuggestion {
	return apiSuggestion{ID: apiID(sg.ID), PersonA: apiID(sg.PersonA), PersonAName: sg.NameA, PersonB: apiID(sg.PersonB),
		PersonBName: sg.NameB, Reason: sg.Reason, ReasonText: s.Catalog.T(lang, "suggestion.reason."+sg.Reason, nil),
		Detail: sg.Detail, Score: sg.Score, State: sg.State, CreatedAt: apiTime(sg.CreatedAt)}
}

// suggestionCursor is the opaque cursor after a suggestion: its score and
// id, the list's order.
func suggestionCursor(sg person.Suggestion) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatFloat(sg.Score, 'g', -1, 64) + "|" + strconv.FormatInt(sg.ID, 10)))
}

func parseSuggestionCursor(c string, f *person.SuggestionFilter) error {
	bad := samtal.FieldError("cursor", "error.cursor_invalid")
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return bad
	}
	score, id, ok := strings.Cut(string(b), "|")
	if !ok {
		return bad
	}
	if f.AfterScore, err = strconv.ParseFloat(score, 64); err != nil {
		return bad
	}
	if f.AfterID, err = strconv.ParseInt(id, 10, 64); err != nil || f.AfterID <= 0 {
		return bad
	}
	return nil
}

// suggestionFilter reads a suggestion list's filters, limit and cursor.
func suggestionFilter(r *http.Request, limit int) (person.SuggestionFilter, error) {
	q := r.URL.Query()
	f := person.SuggestionFilter{State: q.Get("state"), Limit: limit}
	var err error
	if f.PersonID, err = optionalInt(q, "person_id"); err != nil {
		return f, err
	}
	if c := q.Get("cursor"); c != "" {
		if err := parseSuggestionCursor(c, &f); err != nil {
			return f, err
		}
	}
	return f, nil
}

func (s *Server) apiSuggestions(w http.ResponseWriter, r *http.Request) {
	limit, _, err := apiPage(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	f, err := suggestionFilter(r, limit)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	list, err := s.People.Suggestions(r.Context(), f)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	lang := langOf(r)
	out := apiList[apiSuggestion]{Items: make([]apiSuggestion, 0, len(list))}
	for k := range list {
		out.Items = append(out.Items, s.toAPISuggestion(lang, &list[k]))
	}
	if len(list) == limit {
		out.Next = suggestionCursor(list[len(list)-1])
	}
	writeJSON(w, http.StatusOK, out)
}

// suggestionID reads the {id} of a suggestion's path.
func suggestionID(r *http.Request) (int64, error) { return personID(r) }

func (s *Server) apiAcceptSuggestion(w http.ResponseWriter, r *http.Request) {
	id, err := suggestionID(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	m, err := s.People.AcceptSuggestion(r.Context(), id)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	s.apiPersonMergeAnswer(w, r, m.ID, m.IntoID)
}

func (s *Server) apiRejectSuggestion(w http.ResponseWriter, r *http.Request) {
	id, err := suggestionID(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	ctx := r.Context()
	if err := s.People.RejectSuggestion(ctx, id); err != nil {
		s.apiFail(w, r, err)
		return
	}
	sg, err := s.People.Suggestion(ctx, id)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.toAPISuggestion(langOf(r), sg))
}
