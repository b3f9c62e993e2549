package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/idea"
	"github.com/samtal-dev/samtal/markup"
	"github.com/samtal-dev/samtal/moderation"
)

// The moderation pages: the report forms of the idea page, the moderators'
// queue with its hide and approve forms, the author's request for another
// look, and editing and deleting ideas (and hidden comments).

// queuePerPage is how many items the queue page lists.
const queuePerPage = 30

// ideaModBox is what the "idea-moderation" partial shows.
type ideaModBox struct {
	V         *view
	Idea      *idea.Idea
	Own       bool // the viewer wrote it
	Mod       bool // the viewer moderates
	CanEdit   bool
	CanReport bool
}

// IdeaMod bundles what the idea page's moderation partial needs.
func (v *view) IdeaMod(d *ideaData) ideaModBox {
	a, i := v.Actor, d.Idea
	own := a.PersonID != 0 && a.PersonID == i.AuthorPersonID
	mod := a.Can(samtal.PermModerate)
	return ideaModBox{
		V: v, Idea: i, Own: own, Mod: mod,
		CanEdit:   !i.Deleted && a.Can(samtal.PermContribute) && (own || mod),
		CanReport: !i.Deleted && !own && a.PersonID != 0 && a.Can(samtal.PermContribute) && i.Moderation == idea.ModVisible,
	}
}

// reportBox is what the "report-form" partial shows.
type reportBox struct {
	V       *view
	Target  string
	Reasons []string
}

// ReportBox bundles what a report form needs.
func (v *view) ReportBox(target string) reportBox {
	return reportBox{V: v, Target: target, Reasons: moderation.Reasons}
}

// commentModBox is what the "comment-moderation" partial shows.
type commentModBox struct {
	V *view
	C *commentItem
}

// CommentMod bundles what a comment's moderation partial needs.
func (v *view) CommentMod(c *commentItem) commentModBox { return commentModBox{V: v, C: c} }

// Visible is the visible state, for comparisons in templates.
func (v *view) Visible() string { return idea.ModVisible }

// queueData is what moderation.html shows.
type queueData struct {
	Items     []moderation.Item
	Templates []string
	More      string
}

func (s *Server) queueView(r *http.Request) (*view, error) {
	offset := 0
	if o := r.URL.Query().Get("offset"); o != "" {
		var err error
		if offset, err = strconv.Atoi(o); err != nil || offset < 0 {
			return nil, samtal.FieldError("offset", "error.number_invalid")
		}
	}
	list, err := s.Moderation.Queue(r.Context(), queuePerPage+1, offset)
	if err != nil {
		return nil, err
	}
	d := &queueData{Items: list, Templates: moderation.HideTemplates}
	if len(list) > queuePerPage {
		d.Items = list[:queuePerPage]
		d.More = "/moderation?offset=" + strconv.Itoa(offset+queuePerPage)
	}
	v := s.view(r, "moderation.title")
	v.Data = d
	return v, nil
}

func (s *Server) moderationPage(w http.ResponseWriter, r *http.Request) {
	v, err := s.queueView(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "moderation", v)
}

// moderationHide hides a target with the chosen template (in the
// moderator's language) and the moderator's own words, together.
func (s *Server) moderationHide(w http.ResponseWriter, r *http.Request) {
	target := r.PathValue("target")
	tmpl, text := r.PostForm.Get("template"), strings.TrimSpace(r.PostForm.Get("reason"))
	var parts []string
	for _, k := range moderation.HideTemplates {
		if k == tmpl {
			parts = append(parts, s.Catalog.T(stateOf(r).lang, k, nil))
		}
	}
	if text != "" {
		parts = append(parts, text)
	}
	if err := s.Moderation.Hide(r.Context(), target, strings.Join(parts, "\n\n")); err != nil {
		s.queueFormError(w, r, target, err)
		return
	}
	http.Redirect(w, r, "/moderation?flash=flash.hidden", http.StatusSeeOther)
}

func (s *Server) moderationApprove(w http.ResponseWriter, r *http.Request) {
	target := r.PathValue("target")
	if err := s.Moderation.Approve(r.Context(), target, r.PostForm.Get("reason")); err != nil {
		s.queueFormError(w, r, target, err)
		return
	}
	http.Redirect(w, r, "/moderation?flash=flash.approved", http.StatusSeeOther)
}

// queueFormError shows the queue again with the error at the target's
// form, if the queue can be shown at all.
func (s *Server) queueFormError(w http.ResponseWriter, r *http.Request, target string, err error) {
	if samtal.ErrorCode(err) != samtal.EINVALID {
		s.pageFail(w, r, err)
		return
	}
	v, verr := s.queueView(r)
	if verr != nil {
		s.pageFail(w, r, err)
		return
	}
	v.Form["target"] = target
	v.Form["reason"] = r.PostForm.Get("reason")
	s.formError(w, r, "moderation", v, err)
}

// ideaOfTarget returns the idea page a target lives on.
func (s *Server) ideaOfTarget(r *http.Request, target string) string {
	t, err := moderation.ParseTarget(target)
	if err != nil {
		return "/"
	}
	if t.Kind == moderation.KindIdea {
		return "/ideas/" + strconv.FormatInt(t.ID, 10)
	}
	c, err := s.Ideas.Comment(r.Context(), t.ID)
	if err != nil {
		return "/"
	}
	return "/ideas/" + strconv.FormatInt(c.IdeaID, 10) + "#comment-" + strconv.FormatInt(t.ID, 10)
}

// moderationAskAgain is the author's "ask for another look".
func (s *Server) moderationAskAgain(w http.ResponseWriter, r *http.Request) {
	target := r.PathValue("target")
	if err := s.Moderation.AskAgain(r.Context(), target); err != nil {
		s.pageFail(w, r, err)
		return
	}
	http.Redirect(w, r, withFlash(s.ideaOfTarget(r, target), "flash.asked_again"), http.StatusSeeOther)
}

// withFlash puts ?flash= before a path's fragment.
func withFlash(path, flash string) string {
	p, frag, _ := strings.Cut(path, "#")
	p += "?flash=" + url.QueryEscape(flash)
	if frag != "" {
		p += "#" + frag
	}
	return p
}

// reportCreate takes the report form of an idea or a comment.
func (s *Server) reportCreate(w http.ResponseWriter, r *http.Request) {
	target := r.PostForm.Get("target")
	if _, err := s.Moderation.Report(r.Context(), target, r.PostForm.Get("reason"), r.PostForm.Get("text")); err != nil {
		s.pageFail(w, r, err)
		return
	}
	http.Redirect(w, r, withFlash(s.ideaOfTarget(r, target), "flash.reported"), http.StatusSeeOther)
}

// reportNewData is what report_new.html shows.
type reportNewData struct {
	Box     reportBox
	Back    string
	Excerpt string
}

// reportForm shows the report form for one comment or idea on a page of
// its own: the idea page links to it instead of carrying a form for every
// comment.
func (s *Server) reportForm(w http.ResponseWriter, r *http.Request) {
	t, err := moderation.ParseTarget(r.URL.Query().Get("target"))
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	d := &reportNewData{}
	switch t.Kind {
	case moderation.KindIdea:
		i, err := s.Ideas.Get(r.Context(), t.ID)
		if err != nil {
			s.pageFail(w, r, err)
			return
		}
		d.Excerpt = i.Title
	default:
		c, err := s.Ideas.Comment(r.Context(), t.ID)
		if err != nil {
			s.pageFail(w, r, err)
			return
		}
		d.Excerpt = markup.Excerpt(c.Body, 280)
	}
	v := s.view(r, "report.title")
	d.Box, d.Back = v.ReportBox(t.String()), s.ideaOfTarget(r, t.String())
	v.Data = d
	s.render(w, r, http.StatusOK, "report_new", v)
}

// ideaEditData is what idea_edit.html shows.
type ideaEditData struct {
	Idea *idea.Idea
}

func (s *Server) ideaEditView(r *http.Request) (*view, *idea.Idea, error) {
	id, err := ideaID(r)
	if err != nil {
		return nil, nil, err
	}
	i, err := s.Ideas.Get(r.Context(), id)
	if err != nil {
		return nil, nil, err
	}
	a := samtal.ActorFrom(r.Context())
	if i.Deleted {
		return nil, nil, errIdeaNotFound
	}
	if !(a.PersonID != 0 && a.PersonID == i.AuthorPersonID) && !a.Can(samtal.PermModerate) {
		return nil, nil, &samtal.Error{Code: samtal.EFORBIDDEN, Message: "error.forbidden"}
	}
	v := s.view(r, "idea.edit_title")
	v.Data = &ideaEditData{Idea: i}
	return v, i, nil
}

func (s *Server) ideaEditForm(w http.ResponseWriter, r *http.Request) {
	v, i, err := s.ideaEditView(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	v.Form["title"], v.Form["body"], v.Form["tags"] = i.Title, i.Body, strings.Join(i.Tags, ", ")
	s.render(w, r, http.StatusOK, "idea_edit", v)
}

func (s *Server) ideaEdit(w http.ResponseWriter, r *http.Request) {
	v, i, err := s.ideaEditView(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	for _, k := range []string{"title", "body", "tags"} {
		v.Form[k] = r.PostForm.Get(k)
	}
	tags := strings.Split(v.Form["tags"], ",")
	if _, err := s.Ideas.Update(r.Context(), i.ID, idea.IdeaChanges{Title: ptr(v.Form["title"]), Body: ptr(v.Form["body"]), Tags: &tags}); err != nil {
		s.formError(w, r, "idea_edit", v, err)
		return
	}
	http.Redirect(w, r, "/ideas/"+strconv.FormatInt(i.ID, 10)+"?flash=flash.idea_saved", http.StatusSeeOther)
}

func ptr[T any](v T) *T { return &v }

func (s *Server) ideaDelete(w http.ResponseWriter, r *http.Request) {
	id, err := ideaID(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	if err := s.Ideas.Delete(r.Context(), id); err != nil {
		s.pageFail(w, r, err)
		return
	}
	http.Redirect(w, r, "/ideas/"+strconv.FormatInt(id, 10)+"?flash=flash.idea_deleted", http.StatusSeeOther)
}

// commentEdit takes the edit form of one's own (hidden) comment.
func (s *Server) commentEdit(w http.ResponseWriter, r *http.Request) {
	id, err := commentID(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	c, err := s.Ideas.EditComment(r.Context(), id, r.PostForm.Get("body"))
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	http.Redirect(w, r, "/ideas/"+strconv.FormatInt(c.IdeaID, 10)+"?flash=flash.comment_saved#comment-"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// ideaRemovedData is what idea_removed.html shows.
type ideaRemovedData struct {
	CampaignSlug, CampaignTitle string
}
