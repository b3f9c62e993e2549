package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/listening"
)

// The topic pages: the list with today's and the month's counts, the form
// (new and edit, with examples and a preview that needs no script), and a
// topic's page with its mentions per day as a bar chart and its newest
// mentions.

// chartDays is how many days a topic's chart and counts cover.
const chartDays = 30

// topicMentions is how many of its newest mentions a topic's page shows.
const topicMentions = 10

// topicRow is a topic in the list.
type topicRow struct {
	listening.Topic
	Today int
	Month int
}

func (s *Server) listeningTopics(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	list, err := s.Listening.Topics(ctx)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	totals, err := s.Listening.TopicTotals(ctx, chartDays)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	rows := make([]topicRow, len(list))
	for i, t := range list {
		rows[i] = topicRow{Topic: t, Month: totals[t.ID].Period, Today: totals[t.ID].Today}
	}
	v := s.view(r, "listening.topics")
	v.Data = map[string]any{"Topics": rows, "Days": chartDays, "CanManage": v.Actor.Can(samtal.PermManageListening)}
	s.render(w, r, http.StatusOK, "listening_topics", v)
}

// topicPage is what listening_topic.html shows: the form, and for a
// stored topic its chart and newest mentions.
type topicPage struct {
	Topic     *listening.Topic // nil for a new topic
	Chart     *dayChart
	Items     []mentionItem
	Preview   *topicPreview
	CanManage bool
}

// topicPreview is what a query found among the newest stored mentions.
type topicPreview struct {
	Checked int
	Matched int
	Items   []mentionItem
}

// topicFormKeys are the fields of the topic form.
var topicFormKeys = []string{"name", "query", "must_match", "must_not_match"}

// topicView reads the page of topic id (0: a new topic), its form filled
// with the stored topic.
func (s *Server) topicView(r *http.Request, id int64) (*view, error) {
	ctx := r.Context()
	v := s.view(r, "listening.topic_new")
	d := &topicPage{CanManage: v.Actor.Can(samtal.PermManageListening)}
	v.Data = d
	if id == 0 {
		return v, nil
	}
	t, err := s.Listening.Topic(ctx, id)
	if err != nil {
		return nil, err
	}
	v.TitleKey = "listening.topic"
	d.Topic = t
	v.Form["name"], v.Form["query"] = t.Name, t.Query
	v.Form["must_match"], v.Form["must_not_match"] = strings.Join(t.MustMatch, "\n"), strings.Join(t.MustNotMatch, "\n")
	days, err := s.Listening.TopicDays(ctx, id, chartDays)
	if err != nil {
		return nil, err
	}
	d.Chart = newDayChart(v, days)
	_, names, err := s.topicNames(ctx)
	if err != nil {
		return nil, err
	}
	list, err := s.Listening.Mentions(ctx, listening.MentionFilter{TopicID: id, Limit: topicMentions})
	if err != nil {
		return nil, err
	}
	staff, err := s.staffFor(ctx)
	if err != nil {
		return nil, err
	}
	d.Items = mentionItems(v, list, names, staff)
	return v, nil
}

// lines reads one example per line of a textarea.
func lines(v string) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(v, "\r\n", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// topicFormError shows the topic form again with what was typed and why
// it was refused. An example's error (must_match[2]) marks its textarea.
func (s *Server) topicFormError(w http.ResponseWriter, r *http.Request, id int64, err error) {
	if samtal.ErrorCode(err) != samtal.EINVALID {
		s.pageFail(w, r, err)
		return
	}
	v, verr := s.topicView(r, id)
	if verr != nil {
		s.pageFail(w, r, verr)
		return
	}
	for _, k := range topicFormKeys {
		v.Form[k] = r.PostForm.Get(k)
	}
	status, _, msg, field := s.describe(r, err)
	if i := strings.IndexByte(field, '['); i > 0 {
		field = field[:i]
	}
	v.Error, v.ErrField = msg, field
	s.render(w, r, status, "listening_topic", v)
}

func (s *Server) listeningTopicNew(w http.ResponseWriter, r *http.Request) {
	v, err := s.topicView(r, 0)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "listening_topic", v)
}

func (s *Server) listeningTopicCreate(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	t := &listening.Topic{Name: f.Get("name"), Query: f.Get("query"), MustMatch: lines(f.Get("must_match")), MustNotMatch: lines(f.Get("must_not_match"))}
	if err := s.Listening.CreateTopic(r.Context(), t); err != nil {
		s.topicFormError(w, r, 0, err)
		return
	}
	http.Redirect(w, r, "/listening/topics/"+apiID(t.ID)+"?flash=flash.topic_saved", http.StatusSeeOther)
}

func (s *Server) listeningTopic(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	v, err := s.topicView(r, id)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "listening_topic", v)
}

func (s *Server) listeningTopicUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	f := r.PostForm
	name, query := f.Get("name"), f.Get("query")
	must, mustNot := lines(f.Get("must_match")), lines(f.Get("must_not_match"))
	if _, err := s.Listening.UpdateTopic(r.Context(), id, listening.TopicPatch{Name: &name, Query: &query, MustMatch: &must, MustNotMatch: &mustNot}); err != nil {
		s.topicFormError(w, r, id, err)
		return
	}
	http.Redirect(w, r, "/listening/topics/"+apiID(id)+"?flash=flash.topic_saved", http.StatusSeeOther)
}

func (s *Server) listeningTopicDelete(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err == nil {
		err = s.Listening.DeleteTopic(r.Context(), id)
	}
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	http.Redirect(w, r, "/listening/topics?flash=flash.topic_deleted", http.StatusSeeOther)
}

// listeningTopicPreview answers the form's Preview button: the same page,
// with what was typed and what the query finds among the newest stored
// mentions. The form names its topic in "topic" when it edits one.
func (s *Server) listeningTopicPreview(w http.ResponseWriter, r *http.Request) {
	var id int64
	if x := r.PostForm.Get("topic"); x != "" {
		n, err := strconv.ParseInt(x, 10, 64)
		if err != nil || n <= 0 {
			s.pageFail(w, r, errNotFound)
			return
		}
		id = n
	}
	p, err := s.Listening.Preview(r.Context(), r.PostForm.Get("query"))
	if err != nil {
		s.topicFormError(w, r, id, err)
		return
	}
	v, err := s.topicView(r, id)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	for _, k := range topicFormKeys {
		v.Form[k] = r.PostForm.Get(k)
	}
	_, names, err := s.topicNames(r.Context())
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	staff, err := s.staffFor(r.Context())
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	v.Data.(*topicPage).Preview = &topicPreview{Checked: p.Checked, Matched: p.Matched, Items: mentionItems(v, p.Mentions, names, staff)}
	s.render(w, r, http.StatusOK, "listening_topic", v)
}

// dayChart is a bar chart of mentions per day, drawn as SVG by the
// template: one bar per day with its count as the bar's title, and a
// sentence and a table for those who do not see it.
type dayChart struct {
	Width, Height int
	Bars          []dayBar
	Total         int
	Max           int
	MaxDay        string // the day with the most mentions
	From, To      string
}

// dayBar is one day's bar.
type dayBar struct {
	X, Y, W, H int
	Day        string
	N          int
}

// The chart's geometry in SVG units; it scales to the page's width.
const (
	chartBar    = 10
	chartGap    = 2
	chartHeight = 100
)

func newDayChart(v *view, days []listening.DayCount) *dayChart {
	c := &dayChart{Width: len(days) * (chartBar + chartGap), Height: chartHeight}
	var maxAt time.Time
	for _, d := range days {
		c.Total += d.N
		if d.N > c.Max {
			c.Max, maxAt = d.N, d.Day
		}
	}
	for i, d := range days {
		h := 0
		if c.Max > 0 {
			h = d.N * (chartHeight - 2) / c.Max
		}
		if d.N > 0 && h < 2 {
			h = 2 // a day with mentions stays visible
		}
		c.Bars = append(c.Bars, dayBar{X: i * (chartBar + chartGap), Y: chartHeight - h, W: chartBar, H: h, Day: v.Date(d.Day), N: d.N})
	}
	if len(days) > 0 {
		c.From, c.To = v.Date(days[0].Day), v.Date(days[len(days)-1].Day)
	}
	if c.Max > 0 {
		c.MaxDay = v.Date(maxAt)
	}
	return c
}
