package web

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/idea"
)

// The pages of ideas: a campaign with its ideas, the new-idea form, an idea
// with its history, and the vote, unvote and status forms.

// ideasPerPage is how many ideas a campaign page lists.
const ideasPerPage = 30

var errIdeaNotFound = &samtal.Error{Code: samtal.ENOTFOUND, Message: "error.not_found"}

// questionOf returns the question of c with id, or nil.
func questionOf(c *campaign.Campaign, id int64) *campaign.Question {
	for i := range c.Questions {
		if c.Questions[i].ID == id {
			return &c.Questions[i]
		}
	}
	return nil
}

// ideaID reads the {id} of the path; an id that is no number is a page that
// does not exist.
func ideaID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errIdeaNotFound
	}
	return id, nil
}

// sortTab is one link of the sort tabs.
type sortTab struct {
	Key     string // message id of the label
	URL     string
	Current bool
}

// campaignData is what campaign.html shows.
type campaignData struct {
	Campaign   *campaign.Campaign
	Ideas      []*idea.Idea
	Open       bool
	VotesLeft  int // -1: the campaign has no budget
	Sorts      []sortTab
	Statuses   []string
	QuestionID int64
	Status     string
	Sort       string
	More       string // the next page, or ""
	Tag        string // the tag filter, or ""
	Tags       []tagLink
	// Items is the list of ideas written out (ideaItems): the template's
	// reflection over 30 items had been most of the page's time.
	Items template.HTML
}

// ideaItems writes the campaign page's list items for the viewer v, with
// every text from people, catalogs or the request escaped.
func ideaItems(v *view, d *campaignData) template.HTML {
	esc := template.HTMLEscapeString
	var w strings.Builder
	for _, i := range d.Ideas {
		id := strconv.FormatInt(i.ID, 10)
		w.WriteString(`<li class="idea-item" id="idea-` + id + `"><div class="idea-main">` +
			`<h3><a href="/ideas/` + id + `">` + esc(i.Title) + `</a></h3>` +
			`<p class="small">` + esc(d.QuestionText(i.QuestionID)) + `</p>` +
			`<p class="small"><span class="badge status-` + esc(i.Status) + `">` + esc(v.T("status."+i.Status)) + `</span>`)
		if i.Moderation != idea.ModVisible {
			w.WriteString(` <span class="badge moderation-` + esc(i.Moderation) + `">` + esc(v.T("moderation.badge."+i.Moderation)) + `</span>`)
		}
		w.WriteString(` ` + esc(v.T("idea.by", "Name", v.Who(i.AuthorName))) +
			` · <a href="/ideas/` + id + `#comments" class="comment-count">` + esc(v.N("idea.comments", i.Comments)) + `</a></p></div>`)
		v.VoteBox(i, d.Open, d.CanVote(), v.Path, false).write(&w)
		w.WriteString(`</li>`)
	}
	return template.HTML(w.String())
}

// QuestionText returns the text of one of the campaign's questions.
func (d *campaignData) QuestionText(id int64) string {
	if q := questionOf(d.Campaign, id); q != nil {
		return q.Text
	}
	return ""
}

// CanVote reports whether a vote button makes sense now.
func (d *campaignData) CanVote() bool { return d.Open && d.VotesLeft != 0 }

// campaignIdeasPage shows a campaign: its brief, its questions, and a page
// of its ideas, filtered and sorted by the query.
func (s *Server) campaignIdeasPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c, err := s.Campaigns.Get(ctx, r.PathValue("slug"))
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	q := r.URL.Query()
	f := idea.Filter{CampaignID: c.ID, Status: q.Get("status"), Sort: q.Get("sort"), Tag: q.Get("tag")}
	if f.QuestionID, err = optionalInt(q, "question"); err != nil {
		s.pageFail(w, r, err)
		return
	}
	if v := q.Get("cursor"); v != "" {
		if f.After, err = idea.ParseCursor(v); err != nil {
			s.pageFail(w, r, err)
			return
		}
	}
	// One more than a page tells whether there is a next one.
	f.Limit = ideasPerPage + 1
	list, err := s.Ideas.List(ctx, f)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	left, err := s.Ideas.VotesLeft(ctx, c)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	tags, err := s.Ideas.Tags(ctx, c.ID)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	d := &campaignData{
		Campaign: c, Ideas: list, Open: s.Ideas.Open(c), VotesLeft: left,
		Statuses: idea.Statuses, QuestionID: f.QuestionID, Status: f.Status, Sort: f.Sort,
	}
	d.Tag = tagFilter(f.Tag)
	if d.Sort == "" {
		d.Sort = idea.SortTrending
	}
	link := func(sort, cursor, tag string) string {
		v := url.Values{}
		if f.QuestionID != 0 {
			v.Set("question", strconv.FormatInt(f.QuestionID, 10))
		}
		if f.Status != "" {
			v.Set("status", f.Status)
		}
		if sort != idea.SortTrending {
			v.Set("sort", sort)
		}
		if tag != "" {
			v.Set("tag", tag)
		}
		if cursor != "" {
			v.Set("cursor", cursor)
		}
		u := "/campaigns/" + url.PathEscape(c.Slug)
		if len(v) > 0 {
			u += "?" + v.Encode()
		}
		return u + "#ideas"
	}
	for _, t := range [][2]string{
		{idea.SortTrending, "campaign.sort_trending"}, {idea.SortTop, "campaign.sort_top"}, {idea.SortNewest, "campaign.sort_newest"},
		{idea.SortStatus, "campaign.sort_status"},
	} {
		d.Sorts = append(d.Sorts, sortTab{Key: t[1], URL: link(t[0], "", f.Tag), Current: t[0] == d.Sort})
	}
	d.Tags = tagLinks(tags, f.Tag, func(tag string) string { return link(d.Sort, "", tag) })
	if len(list) > ideasPerPage {
		d.Ideas = list[:ideasPerPage]
		d.More = link(d.Sort, idea.CursorAfter(d.Sort, d.Ideas[ideasPerPage-1]), f.Tag)
	}
	v := s.view(r, "campaign.title")
	v.Data = d
	d.Items = ideaItems(v, d)
	s.render(w, r, http.StatusOK, "campaign", v)
}

// newIdeaData is what idea_new.html shows.
type newIdeaData struct {
	Campaign *campaign.Campaign
}

func (s *Server) newIdeaView(r *http.Request) (*view, error) {
	c, err := s.Campaigns.Get(r.Context(), r.PathValue("slug"))
	if err != nil {
		return nil, err
	}
	v := s.view(r, "idea.new_title")
	v.Data = &newIdeaData{Campaign: c}
	return v, nil
}

func (s *Server) ideaNewForm(w http.ResponseWriter, r *http.Request) {
	v, err := s.newIdeaView(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	c := v.Data.(*newIdeaData).Campaign
	if !s.Ideas.Open(c) {
		s.pageFail(w, r, &samtal.Error{Code: samtal.ECONFLICT, Message: "error.campaign_closed"})
		return
	}
	v.Form["question_id"] = r.URL.Query().Get("question")
	if v.Form["question_id"] == "" && len(c.Questions) > 0 {
		v.Form["question_id"] = strconv.FormatInt(c.Questions[0].ID, 10)
	}
	s.render(w, r, http.StatusOK, "idea_new", v)
}

func (s *Server) ideaCreate(w http.ResponseWriter, r *http.Request) {
	v, err := s.newIdeaView(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	c := v.Data.(*newIdeaData).Campaign
	for _, k := range []string{"question_id", "title", "body", "tags"} {
		v.Form[k] = r.PostForm.Get(k)
	}
	// The question must be one of this campaign's: the form is the
	// campaign's, whatever number it was sent with; the service checks.
	qid, _ := strconv.ParseInt(v.Form["question_id"], 10, 64)
	in := idea.NewIdea{CampaignID: c.ID, QuestionID: qid, Title: v.Form["title"], Body: v.Form["body"], Tags: strings.Split(v.Form["tags"], ",")}
	if in.Images, err = s.uploadFiles(r, "images", idea.MaxImages, "images"); err != nil {
		s.formError(w, r, "idea_new", v, err)
		return
	}
	i, err := s.Ideas.Create(r.Context(), in)
	if err != nil {
		s.formError(w, r, "idea_new", v, err)
		return
	}
	flash := "flash.idea_posted"
	if i.Moderation == idea.ModHeld {
		flash = "flash.idea_held"
	}
	http.Redirect(w, r, "/ideas/"+strconv.FormatInt(i.ID, 10)+"?flash="+flash, http.StatusSeeOther)
}

// ideaData is what idea.html shows.
type ideaData struct {
	Idea      *idea.Idea
	Campaign  *campaign.Campaign
	Question  string
	History   []idea.StatusChange
	Comments  []commentItem
	Thread    []threadPart // Comments as the page writes them
	Open      bool
	VotesLeft int
	Statuses  []string
	// Merges are the ideas merged into this one (web/merges.go); MergedFrom
	// is the one the visitor came from, if any.
	Merges     []idea.Merge
	MergedFrom *idea.Merge
	// Notes are the staff notes, for staff only (web/notes.go).
	Notes     []idea.Note
	Following bool // whether the viewer follows the idea
	// BodyHTML is the idea's stored, sanitised HTML (see markup).
	BodyHTML template.HTML
	// ReplyTo names the author of the comment the form answers (?reply=).
	ReplyTo string
}

// CanVote reports whether a vote button makes sense now.
func (d *ideaData) CanVote() bool { return d.Open && d.VotesLeft != 0 }

func (s *Server) ideaView(r *http.Request) (*view, error) {
	ctx := r.Context()
	id, err := ideaID(r)
	if err != nil {
		return nil, err
	}
	page, err := s.Ideas.Page(ctx, id)
	if err != nil {
		return nil, err
	}
	i, c, history, comments := page.Idea, page.Campaign, page.History, page.Comments
	merges := page.Merges
	left, err := s.Ideas.VotesLeft(ctx, c)
	if err != nil {
		return nil, err
	}
	// Moderators see the earlier texts of edited comments.
	var edits map[int64][]idea.CommentEdit
	actor := samtal.ActorFrom(ctx)
	if actor.Can(samtal.PermModerate) && slices.ContainsFunc(comments, func(c idea.Comment) bool { return c.Edited }) {
		if edits, err = s.Ideas.IdeaCommentEdits(ctx, id); err != nil {
			return nil, err
		}
	}
	d := &ideaData{Idea: i, Campaign: c, History: history, Merges: merges, Open: s.Ideas.Open(c), VotesLeft: left, Statuses: idea.Statuses}
	// Held, hidden and deleted ideas take no votes and no comments.
	d.Open = d.Open && i.Moderation == idea.ModVisible && !i.Deleted
	lang := stateOf(r).lang
	texts := commentTexts{
		Deleted: s.Catalog.T(lang, "comment.deleted", nil), Hidden: s.Catalog.T(lang, "comment.hidden", nil),
		Edited: s.Catalog.T(lang, "comment.edited", nil),
		Reply:  s.Catalog.T(lang, "comment.reply", nil), Delete: s.Catalog.T(lang, "comment.delete", nil),
		Report: s.Catalog.T(lang, "report.summary", nil),
		Former: s.Catalog.T(lang, "person.former_member", nil),
		CSRF:   stateOf(r).csrf,
		Date:   func(t time.Time) string { return s.Catalog.FormatDate(lang, t) },
	}
	d.Comments = commentItems(actor, comments, edits, texts, i.Moderation == idea.ModVisible && !i.Deleted)
	d.Thread = threadParts(d.Comments)
	// Every reply link leads to the page's one comment form, which then
	// answers that comment: one form instead of one per comment.
	replyTo := r.URL.Query().Get("reply")
	d.BodyHTML = template.HTML(i.BodyHTML)
	if q := questionOf(c, i.QuestionID); q != nil {
		d.Question = q.Text
	}
	if err := s.ideaExtras(r, d); err != nil {
		return nil, err
	}
	if s.Notify != nil {
		if d.Following, err = s.Notify.Following(ctx, id); err != nil {
			return nil, err
		}
	}
	v := s.view(r, "idea.title")
	v.Data = d
	if replyTo != "" {
		for _, c := range d.Comments {
			if strconv.FormatInt(c.ID, 10) == replyTo && c.CanReply {
				v.Form["parent_id"], d.ReplyTo = replyTo, v.Who(c.AuthorName)
			}
		}
	}
	v.Form["status"] = i.Status
	return v, nil
}

func (s *Server) ideaPage(w http.ResponseWriter, r *http.Request) {
	v, err := s.ideaView(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	// A merged idea lives on in the one it was merged into.
	if i := v.Data.(*ideaData).Idea; i.MergedInto != 0 {
		http.Redirect(w, r, mergedRedirect(i), http.StatusSeeOther)
		return
	}
	// A deleted idea's page says so; moderators still see what it was.
	if d := v.Data.(*ideaData); d.Idea.Deleted && !v.Actor.Can(samtal.PermModerate) {
		v.TitleKey = "idea.removed_title"
		v.Data = &ideaRemovedData{CampaignSlug: d.Campaign.Slug, CampaignTitle: d.Campaign.Title}
		s.render(w, r, http.StatusOK, "idea_removed", v)
		return
	}
	s.render(w, r, http.StatusOK, "idea", v)
}

// ideaVote and ideaUnvote answer the small vote forms of the lists and the
// idea page, and lead back to where the form was.
func (s *Server) ideaVote(w http.ResponseWriter, r *http.Request) {
	s.voteForm(w, r, s.Ideas.Vote)
}

func (s *Server) ideaUnvote(w http.ResponseWriter, r *http.Request) {
	s.voteForm(w, r, s.Ideas.Unvote)
}

func (s *Server) voteForm(w http.ResponseWriter, r *http.Request, act func(context.Context, int64) (int, error)) {
	id, err := ideaID(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	if _, err := act(r.Context(), id); err != nil {
		s.pageFail(w, r, err)
		return
	}
	next := "/ideas/" + strconv.FormatInt(id, 10)
	if n := r.PostForm.Get("next"); n != "" {
		next = localPath(n)
		if !strings.Contains(next, "#") {
			next += "#idea-" + strconv.FormatInt(id, 10)
		}
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) ideaStatus(w http.ResponseWriter, r *http.Request) {
	id, err := ideaID(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	status, note := r.PostForm.Get("status"), r.PostForm.Get("note")
	if err := s.Ideas.SetStatus(r.Context(), id, status, note); err != nil {
		// Show the idea again with the form as it was sent, if the idea
		// can be shown at all.
		v, verr := s.ideaView(r)
		if verr != nil || samtal.ErrorCode(err) != samtal.EINVALID {
			s.pageFail(w, r, err)
			return
		}
		v.Form["status"], v.Form["note"] = status, note
		s.formError(w, r, "idea", v, err)
		return
	}
	http.Redirect(w, r, "/ideas/"+strconv.FormatInt(id, 10)+"?flash=flash.status_changed#status", http.StatusSeeOther)
}
