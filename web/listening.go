package web

import (
	"context"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/listening"
)

// The staff pages of listening: the mention inbox with its filters and
// bulk actions, and one mention with its cluster. Topics are in
// listening_topics.go, sources in listening_sources.go. The route table
// asks for PermViewMentions to read, PermTriageMentions to work through
// mentions; listening.Service checks again.

// mentionsPerPage is how many mentions the inbox shows at once.
const mentionsPerPage = 30

// excerptLen is how many characters of a mention's text a list shows.
const excerptLen = 280

// mentionFilterKeys are the inbox's filters as query parameters (read by
// mentionFilter, the same for the page and the API).
var mentionFilterKeys = []string{"q", "topic", "source", "lang", "sentiment", "state", "min_rating", "since", "until", "tag", "assignee", "duplicates_of"}

// mentionItem is a mention as the pages show it.
type mentionItem struct {
	listening.Mention
	// Excerpt is the start of the text, for lists.
	Excerpt string
	// TopicNames are the names of the topics it matched, by topic id order.
	TopicNames []string
	// Stars is the rating on a scale of 1 to 5, rounded ("★★★★☆"), and
	// RatingText the figure ("4.5"); both empty without a rating.
	Stars      string
	RatingText string
	// LangCode is the language as a short badge ("DE"), "" when unknown.
	LangCode string
	// Assignee names who works on it, "" for nobody.
	Assignee string
}

// staffNames are the names of the staff who may be assigned mentions, by
// account id.
type staffNames struct {
	me    int64
	names map[int64]string
	list  []listening.Assignee
}

// staffFor reads who may be assigned mentions.
func (s *Server) staffFor(ctx context.Context) (*staffNames, error) {
	st := &staffNames{me: samtal.ActorFrom(ctx).AccountID, names: map[int64]string{}}
	list, err := s.Listening.Assignees(ctx)
	if err != nil {
		return nil, err
	}
	st.list = list
	for _, a := range list {
		st.names[a.ID] = a.Name
	}
	return st, nil
}

// name is how a page names the assignee id in lang.
func (st *staffNames) name(v *view, id int64) string {
	switch {
	case id == 0:
		return ""
	case id == st.me:
		return v.T("listening.assignee_me")
	case st.names[id] != "":
		return st.names[id]
	}
	return "#" + strconv.FormatInt(id, 10)
}

// mentionItems turns mentions into what the pages show.
func mentionItems(v *view, list []listening.Mention, topics map[int64]string, staff *staffNames) []mentionItem {
	out := make([]mentionItem, len(list))
	for i := range list {
		m := &list[i]
		it := mentionItem{Mention: *m, Excerpt: excerpt(m.Text, excerptLen), Assignee: staff.name(v, m.AssigneeID)}
		for _, id := range m.Topics {
			if n, ok := topics[id]; ok {
				it.TopicNames = append(it.TopicNames, n)
			}
		}
		if m.Rating != nil {
			// Ratings are stored on 0..1; people read them on 1..5.
			r := 1 + 4*math.Max(0, math.Min(1, *m.Rating))
			full := int(math.Round(r))
			it.Stars = strings.Repeat("★", full) + strings.Repeat("☆", 5-full)
			it.RatingText = strconv.FormatFloat(math.Round(r*10)/10, 'f', -1, 64)
		}
		if m.Lang != "" && m.Lang != "unknown" && m.Lang != "und" {
			it.LangCode = strings.ToUpper(m.Lang)
		}
		out[i] = it
	}
	return out
}

// excerpt is the first n characters of text, cut at a space.
func excerpt(text string, n int) string {
	if utf8.RuneCountInString(text) <= n {
		return text
	}
	cut := string([]rune(text)[:n])
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimSpace(cut) + " …"
}

// topicNames reads the topics' names by id.
func (s *Server) topicNames(ctx context.Context) ([]listening.Topic, map[int64]string, error) {
	list, err := s.Listening.Topics(ctx)
	if err != nil {
		return nil, nil, err
	}
	names := make(map[int64]string, len(list))
	for _, t := range list {
		names[t.ID] = t.Name
	}
	return list, names, nil
}

// mentionList is what the mention_list partial writes: the mentions, with a
// checkbox each when Select (the bulk form around them).
type mentionList struct {
	V      *view
	Items  []mentionItem
	Select bool
}

// MentionList bundles mentions for the partial.
func (v *view) MentionList(items []mentionItem, selectable bool) mentionList {
	return mentionList{V: v, Items: items, Select: selectable}
}

// Sentiment is the word for a sentiment label; pages show it beside the
// colour, never the colour alone.
func (v *view) Sentiment(label string) string { return v.Label("listening.sentiment.", label) }

// inboxPage is what listening_inbox.html shows.
type inboxPage struct {
	Items      []mentionItem
	More       string
	Topics     []listening.Topic
	Sources    []listening.Source
	States     []string
	Sentiments []string
	Ratings    []ratingOption
	Staff      []listening.Assignee
	CanTriage  bool
	// Changed is how many mentions the last bulk action changed (-1: none
	// was made).
	Changed int
	// Cluster is the head of the cluster when the list shows its
	// duplicates.
	Cluster int64
}

// ratingOption is a choice of the rating filter: at least Stars stars,
// which is Value on the stored scale of 0..1.
type ratingOption struct {
	Value string
	Stars int
}

// ratingOptions are the choices of the rating filter.
var ratingOptions = []ratingOption{{"0", 1}, {"0.25", 2}, {"0.5", 3}, {"0.75", 4}, {"1", 5}}

// inboxView reads the inbox for the query q. A filter that does not parse
// shows the page with its message and no mentions.
func (s *Server) inboxView(r *http.Request, q url.Values) (*view, int, error) {
	ctx := r.Context()
	v := s.view(r, "listening.title")
	for _, k := range mentionFilterKeys {
		v.Form[k] = q.Get(k)
	}
	topics, names, err := s.topicNames(ctx)
	if err != nil {
		return nil, 0, err
	}
	sources, err := s.Listening.Sources(ctx)
	if err != nil {
		return nil, 0, err
	}
	staff, err := s.staffFor(ctx)
	if err != nil {
		return nil, 0, err
	}
	d := &inboxPage{Topics: topics, Sources: sources, States: listening.States, Sentiments: []string{"positive", "neutral", "negative"},
		Ratings: ratingOptions, Staff: staff.list, CanTriage: v.Actor.Can(samtal.PermTriageMentions), Changed: -1}
	v.Data = d
	if n, err := strconv.Atoi(q.Get("changed")); err == nil && n >= 0 {
		d.Changed = n
	}
	status := http.StatusOK
	f, err := mentionFilter(q)
	if err == nil && f.State != "" && !slices.Contains(listening.States, f.State) {
		err = errMentionState
	}
	if err == nil && q.Get("cursor") != "" {
		err = parseMentionCursor(q.Get("cursor"), &f)
	}
	if err == nil && len(q.Get("until")) == len(time.DateOnly) {
		f.Until = f.Until.AddDate(0, 0, 1) // a date means until the end of that day
	}
	var list []listening.Mention
	if err == nil {
		f.Limit = mentionsPerPage + 1
		list, err = s.Listening.Mentions(ctx, f)
	}
	if err != nil {
		if samtal.ErrorCode(err) != samtal.EINVALID {
			return nil, 0, err
		}
		status, _, v.Error, v.ErrField = s.describe(r, err)
		return v, status, nil
	}
	d.Cluster = f.DuplicatesOf
	if len(list) > mentionsPerPage {
		list = list[:mentionsPerPage]
		mq := url.Values{"cursor": {mentionCursor(&list[len(list)-1])}}
		for _, k := range mentionFilterKeys {
			if x := q.Get(k); x != "" {
				mq.Set(k, x)
			}
		}
		d.More = "/listening?" + mq.Encode()
	}
	d.Items = mentionItems(v, list, names, staff)
	return v, status, nil
}

func (s *Server) listeningInbox(w http.ResponseWriter, r *http.Request) {
	v, status, err := s.inboxView(r, r.URL.Query())
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	s.render(w, r, status, "listening_inbox", v)
}

// errMentionState names the states of a mention (the service's own
// message is shared with other kinds of state).
var errMentionState = samtal.FieldError("state", "error.mention_state_invalid")

// mentionChangeForm reads a state, an assignee and tags to add from a
// form. assignee is "" (no change), "none" or an account id; a number
// typed into assignee_id wins over the choice.
func mentionChangeForm(f url.Values, me int64) (listening.MentionChange, error) {
	var c listening.MentionChange
	if st := f.Get("state"); st != "" {
		if !slices.Contains(listening.States, st) {
			return c, errMentionState
		}
		c.State = &st
	}
	choice := strings.TrimSpace(f.Get("assignee"))
	if typed := strings.TrimPrefix(strings.TrimSpace(f.Get("assignee_id")), "#"); typed != "" {
		choice = typed
	}
	switch choice {
	case "":
	case "none":
		var none int64
		c.Assignee = &none
	case "me":
		c.Assignee = &me
	default:
		id, err := strconv.ParseInt(choice, 10, 64)
		if err != nil || id <= 0 {
			return c, samtal.FieldError("assignee_id", "error.assignee_invalid")
		}
		c.Assignee = &id
	}
	if tags := splitTags(f.Get("add_tags")); len(tags) > 0 {
		c.AddTags = tags
	}
	return c, nil
}

// listeningBulk changes the mentions ticked in the inbox and goes back to
// the same list, saying how many changed. A refusal (nothing ticked, a
// state that does not exist) shows the list again with why; nothing
// changes.
func (s *Server) listeningBulk(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	next := localPath(f.Get("next"))
	if next != "/listening" && !strings.HasPrefix(next, "/listening?") {
		next = "/listening"
	}
	var ids []int64
	var err error
	for _, x := range f["id"] {
		id, perr := strconv.ParseInt(x, 10, 64)
		if perr != nil || id <= 0 {
			err = samtal.FieldError("ids", "error.id_invalid")
			break
		}
		ids = append(ids, id)
	}
	var c listening.MentionChange
	if err == nil {
		c, err = mentionChangeForm(f, samtal.ActorFrom(r.Context()).AccountID)
	}
	if err == nil && len(ids) == 0 {
		err = samtal.FieldError("ids", "error.bulk_none_selected")
	}
	n := 0
	if err == nil {
		n, err = s.Listening.ChangeMentions(r.Context(), ids, c)
	}
	u, _ := url.Parse(next)
	q := u.Query()
	q.Del("changed")
	if err != nil {
		if code := samtal.ErrorCode(err); code != samtal.EINVALID && code != samtal.ENOTFOUND {
			s.pageFail(w, r, err)
			return
		}
		v, _, verr := s.inboxView(r, q)
		if verr != nil {
			s.pageFail(w, r, verr)
			return
		}
		v.Path = next
		for _, k := range []string{"state", "assignee", "assignee_id", "add_tags"} {
			v.Form["bulk_"+k] = f.Get(k)
		}
		s.formError(w, r, "listening_inbox", v, err)
		return
	}
	q.Set("changed", strconv.Itoa(n))
	http.Redirect(w, r, "/listening?"+q.Encode(), http.StatusSeeOther)
}

// mentionPage is what listening_mention.html shows.
type mentionPage struct {
	Item      mentionItem
	Cluster   []mentionItem
	Head      *mentionItem // the cluster's head, when this is a duplicate
	States    []string
	Staff     []listening.Assignee
	CanTriage bool
	TagsText  string
}

// mentionView reads one mention with its cluster.
func (s *Server) mentionView(r *http.Request, id int64) (*view, error) {
	ctx := r.Context()
	m, err := s.Listening.Mention(ctx, id)
	if err != nil {
		return nil, err
	}
	_, names, err := s.topicNames(ctx)
	if err != nil {
		return nil, err
	}
	staff, err := s.staffFor(ctx)
	if err != nil {
		return nil, err
	}
	v := s.view(r, "listening.mention")
	d := &mentionPage{Item: mentionItems(v, []listening.Mention{*m}, names, staff)[0], States: listening.States,
		Staff: staff.list, CanTriage: v.Actor.Can(samtal.PermTriageMentions), TagsText: strings.Join(m.Tags, ", ")}
	if m.Duplicates > 0 {
		dups, err := s.Listening.Mentions(ctx, listening.MentionFilter{DuplicatesOf: id, Limit: listening.MaxLimit})
		if err != nil {
			return nil, err
		}
		d.Cluster = mentionItems(v, dups, names, staff)
	}
	if m.DuplicateOf != 0 {
		if head, err := s.Listening.Mention(ctx, m.DuplicateOf); err == nil {
			d.Head = &mentionItems(v, []listening.Mention{*head}, names, staff)[0]
		} else if samtal.ErrorCode(err) != samtal.ENOTFOUND {
			return nil, err
		}
	}
	v.Form["state"], v.Form["tags"] = m.State, d.TagsText
	v.Form["assignee"] = "none"
	if m.AssigneeID != 0 {
		v.Form["assignee"] = strconv.FormatInt(m.AssigneeID, 10)
	}
	v.Data = d
	return v, nil
}

func (s *Server) listeningMention(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	v, err := s.mentionView(r, id)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "listening_mention", v)
}

// listeningMentionUpdate sets one mention's state, assignee and tags: the
// tags field holds all of them, so what was taken out is removed.
func (s *Server) listeningMentionUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	ctx := r.Context()
	m, err := s.Listening.Mention(ctx, id)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	c, err := mentionChangeForm(r.PostForm, samtal.ActorFrom(ctx).AccountID)
	if err == nil {
		c.AddTags, c.RemoveTags = tagChanges(m.Tags, splitTags(r.PostForm.Get("tags")))
		_, err = s.Listening.ChangeMentions(ctx, []int64{id}, c)
	}
	if err != nil {
		if samtal.ErrorCode(err) != samtal.EINVALID {
			s.pageFail(w, r, err)
			return
		}
		v, verr := s.mentionView(r, id)
		if verr != nil {
			s.pageFail(w, r, verr)
			return
		}
		for _, k := range []string{"state", "assignee", "assignee_id", "tags"} {
			v.Form[k] = r.PostForm.Get(k)
		}
		s.formError(w, r, "listening_mention", v, err)
		return
	}
	http.Redirect(w, r, "/listening/mentions/"+apiID(id)+"?flash=flash.saved", http.StatusSeeOther)
}

// tagChanges returns the tags to add and to remove to go from old to new
// (compared as the service stores them: trimmed, lower case).
func tagChanges(old, new []string) (add, remove []string) {
	norm := func(t string) string { return strings.ToLower(strings.TrimSpace(t)) }
	for _, t := range new {
		if !slices.Contains(old, norm(t)) {
			add = append(add, t)
		}
	}
	for _, t := range old {
		if !slices.ContainsFunc(new, func(n string) bool { return norm(n) == t }) {
			remove = append(remove, t)
		}
	}
	return add, remove
}

// ListeningTab names the listening tab the page belongs to.
func (v *view) ListeningTab() string {
	switch {
	case strings.HasPrefix(v.Path, "/listening/topics"):
		return "topics"
	case strings.HasPrefix(v.Path, "/listening/sources"):
		return "sources"
	}
	return "inbox"
}

// mentionBadges is what the mention_badges partial writes.
type mentionBadges struct {
	V *view
	M *mentionItem
}

// MentionBadges bundles a mention for its badges: language, sentiment,
// rating, state and tags.
func (v *view) MentionBadges(m mentionItem) mentionBadges { return mentionBadges{V: v, M: &m} }

// assigneeChoice is what the assignee_choice partial writes: a choice of
// nobody, the viewer and (for viewers who may list accounts) every staff
// member; the others may type an account number.
type assigneeChoice struct {
	V        *view
	Staff    []listening.Assignee
	Listed   bool
	Selected string // "", "none", "me" or an account id
	Other    string // a selected account the choices do not list
	Typed    string
	Keep     bool // offer "no change" (bulk actions)
}

// AssigneeChoice bundles the choice; selected is the form's value.
func (v *view) AssigneeChoice(staff []listening.Assignee, selected, typed string, keep bool) assigneeChoice {
	c := assigneeChoice{V: v, Staff: staff, Listed: staff != nil, Selected: selected, Typed: typed, Keep: keep}
	switch {
	case selected == "" || selected == "none" || selected == "me":
	case selected == strconv.FormatInt(v.Actor.AccountID, 10):
		c.Selected = "me"
	case !slices.ContainsFunc(staff, func(a listening.Assignee) bool { return strconv.FormatInt(a.ID, 10) == selected }):
		c.Other = selected
	}
	return c
}
