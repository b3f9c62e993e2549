package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/idea"
)

// The comment forms of the idea page: a comment or a reply, and deleting one.
// The service decides who may do what; the routes only ask for a member.

// maxCommentIndent is the deepest indentation the page shows; deeper replies
// stay at this level.
const maxCommentIndent = 5

// commentItem is one comment of the idea page, with everything the
// template asks decided here. It embeds nothing and holds ready-made text:
// html/template looks fields up by reflection, and a promoted field of an
// embedded struct takes its slow path — a thread of 100 comments asked for
// thousands of them (docs/design.md, "Long pages").
type commentItem struct {
	// Head is the comment's opening tag, its meta line and its body (or
	// the line that stands in for a deleted or hidden one), written here
	// with escaping by hand: the template only adds what the viewer may do.
	Head             template.HTML
	ID, IdeaID       int64
	AuthorName       string
	CreatedAt        time.Time
	Body             string // the Markdown source (the author's edit form)
	HTML             template.HTML
	Indent           int
	Deleted, Edited  bool
	Moderation       string
	ModerationReason string
	Edits            []idea.CommentEdit // earlier texts, for moderators
	// Own: the viewer wrote it. Placeholder: someone else's hidden comment
	// that keeps its place without its text. Live: neither deleted nor a
	// placeholder. CanReport: the viewer may report it. Flagged: it needs
	// the moderation partial at all.
	Own, Placeholder, Live, CanReport, CanReply, CanDelete, Flagged bool
}

// commentTexts are the fixed texts of a comment's head in the viewer's
// language, and its date format.
type commentTexts struct {
	Deleted, Hidden, Edited string
	Date                    func(time.Time) string
}

// head writes c's Head. Every text that comes from people or catalogs is
// escaped; the body is the sanitised HTML stored when it was written.
func (c *commentItem) head(t commentTexts) {
	var b strings.Builder
	id := strconv.FormatInt(c.ID, 10)
	b.WriteString(`<li id="comment-` + id + `" class="comment depth-` + strconv.Itoa(c.Indent) + `">`)
	switch {
	case c.Deleted:
		b.WriteString(`<p class="small deleted">` + template.HTMLEscapeString(t.Deleted) + `</p>`)
	case c.Placeholder:
		b.WriteString(`<p class="small deleted">` + template.HTMLEscapeString(t.Hidden) + `</p>`)
	default:
		b.WriteString(`<p class="small"><strong>` + template.HTMLEscapeString(c.AuthorName) + `</strong> · <a href="#comment-` + id + `">` +
			template.HTMLEscapeString(t.Date(c.CreatedAt)) + `</a>`)
		if c.Edited {
			b.WriteString(` · <span class="edited">` + template.HTMLEscapeString(t.Edited) + `</span>`)
		}
		b.WriteString(`</p><div class="comment-body">` + string(c.HTML) + `</div>`)
	}
	c.Head = template.HTML(b.String())
}

// commentItems prepares a thread for the page for the actor a, with texts
// in the viewer's language; edits are the earlier texts by comment (nil
// unless a moderates). canReply is whether the idea takes replies now.
func commentItems(a samtal.Actor, list []idea.Comment, edits map[int64][]idea.CommentEdit, texts commentTexts, canReply bool) []commentItem {
	out := make([]commentItem, len(list))
	mod := a.Can(samtal.PermModerate)
	contribute := a.Can(samtal.PermContribute)
	for k, c := range list {
		own := a.PersonID != 0 && a.PersonID == c.AuthorPersonID
		visible := c.Moderation == idea.ModVisible
		out[k] = commentItem{
			ID: c.ID, IdeaID: c.IdeaID, AuthorName: c.AuthorName, Body: c.Body, HTML: template.HTML(c.BodyHTML),
			Indent: min(c.Depth, maxCommentIndent), Deleted: c.Deleted, Edited: c.Edited,
			Moderation: c.Moderation, ModerationReason: c.ModerationReason, Edits: edits[c.ID],
			Own:         own,
			Placeholder: !visible && !own && !mod,
			CanReport:   !c.Deleted && !own && a.PersonID != 0 && contribute && visible,
			CanReply:    !c.Deleted && contribute && visible && canReply,
			CanDelete:   !c.Deleted && contribute && (mod || own),
		}
		out[k].CreatedAt = c.CreatedAt
		out[k].Live = !c.Deleted && !out[k].Placeholder
		out[k].Flagged = !visible || out[k].CanReport
		out[k].head(texts)
	}
	return out
}

// commentID reads the {id} of a comment path.
func commentID(r *http.Request) (int64, error) { return ideaID(r) }

func (s *Server) commentCreate(w http.ResponseWriter, r *http.Request) {
	id, err := ideaID(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	body, parent := r.PostForm.Get("body"), r.PostForm.Get("parent_id")
	var parentID int64
	if parent != "" {
		if parentID, err = strconv.ParseInt(parent, 10, 64); err != nil || parentID <= 0 {
			parentID = -1 // not a comment of this idea: the service says so
		}
	}
	c, err := s.Ideas.AddComment(r.Context(), id, parentID, body)
	if err != nil {
		// Show the idea again with the comment as it was sent, if the idea
		// can be shown at all.
		v, verr := s.ideaView(r)
		if verr != nil || samtal.ErrorCode(err) != samtal.EINVALID {
			s.pageFail(w, r, err)
			return
		}
		v.Form["body"], v.Form["parent_id"] = body, parent
		s.formError(w, r, "idea", v, err)
		return
	}
	flash := "flash.comment_posted"
	if c.Moderation == idea.ModHeld {
		flash = "flash.comment_held"
	}
	http.Redirect(w, r, "/ideas/"+strconv.FormatInt(id, 10)+"?flash="+flash+"#comment-"+strconv.FormatInt(c.ID, 10), http.StatusSeeOther)
}

func (s *Server) commentDelete(w http.ResponseWriter, r *http.Request) {
	id, err := commentID(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	c, err := s.Ideas.Comment(r.Context(), id)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	if err := s.Ideas.DeleteComment(r.Context(), id); err != nil {
		s.pageFail(w, r, err)
		return
	}
	http.Redirect(w, r, "/ideas/"+strconv.FormatInt(c.IdeaID, 10)+"?flash=flash.comment_deleted#comment-"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}
