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
// html/template looks fields up by reflection and passes every output
// through an escaper called by reflection, so a thread of 100 comments
// asked thousands of them (docs/design.md, "Long pages").
type commentItem struct {
	// Head is the comment's opening tag, its meta line and its body (or
	// the line that stands in for a deleted or hidden one); Tail is its
	// report link, its reply and delete actions and its closing tag. Both
	// are written here with escaping by hand.
	Head, Tail       template.HTML
	ID               int64
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
	// placeholder. CanReport: the viewer may report it. Special: the
	// template shows more of it than Head and Tail (a moderation notice,
	// earlier versions).
	Own, Placeholder, Live, CanReport, CanReply, CanDelete, Special bool
}

// threadPart is a run of comments that need nothing from the template but
// their Head and Tail, written out as one piece (Plain), or one comment
// that does (Item). A visitor's thread is one part.
type threadPart struct {
	Plain template.HTML
	Item  *commentItem
}

// commentTexts are the fixed texts of a comment in the viewer's language,
// its date format and the viewer's form token.
type commentTexts struct {
	Deleted, Hidden, Edited string
	Former                  string // the name of an erased author
	Reply, Delete, Report   string
	CSRF                    string
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
		name := c.AuthorName
		if name == "" {
			name = t.Former
		}
		b.WriteString(`<p class="small"><strong>` + template.HTMLEscapeString(name) + `</strong> · <a href="#comment-` + id + `">` +
			template.HTMLEscapeString(t.Date(c.CreatedAt)) + `</a>`)
		if c.Edited {
			b.WriteString(` · <span class="edited">` + template.HTMLEscapeString(t.Edited) + `</span>`)
		}
		b.WriteString(`</p><div class="comment-body">` + string(c.HTML) + `</div>`)
	}
	c.Head = template.HTML(b.String())
}

// tail writes c's Tail: what the viewer may do with a live comment, then
// the closing tag.
func (c *commentItem) tail(t commentTexts) {
	var b strings.Builder
	id := strconv.FormatInt(c.ID, 10)
	if c.Live && c.CanReport {
		b.WriteString(`<a class="small report-link" href="/reports/new?target=comment-` + id + `">` + template.HTMLEscapeString(t.Report) + `</a>`)
	}
	if c.Live && (c.CanReply || c.CanDelete) {
		b.WriteString(`<div class="comment-actions">`)
		if c.CanReply {
			b.WriteString(`<a class="reply-link" href="?reply=` + id + `#comment-form">` + template.HTMLEscapeString(t.Reply) + `</a>`)
		}
		if c.CanDelete {
			b.WriteString(`<form method="post" action="/comments/` + id + `/delete" class="inline">` +
				`<input type="hidden" name="csrf" value="` + template.HTMLEscapeString(t.CSRF) + `">` +
				`<button type="submit" class="secondary">` + template.HTMLEscapeString(t.Delete) + `</button></form>`)
		}
		b.WriteString(`</div>`)
	}
	b.WriteString(`</li>`)
	c.Tail = template.HTML(b.String())
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
		it := &out[k]
		*it = commentItem{
			ID: c.ID, AuthorName: c.AuthorName, Body: c.Body, HTML: template.HTML(c.BodyHTML),
			Indent: min(c.Depth, maxCommentIndent), Deleted: c.Deleted, Edited: c.Edited,
			Moderation: c.Moderation, ModerationReason: c.ModerationReason, Edits: edits[c.ID],
			CreatedAt:   c.CreatedAt,
			Own:         own,
			Placeholder: !visible && !own && !mod,
			CanReport:   !c.Deleted && !own && a.PersonID != 0 && contribute && visible,
			CanReply:    !c.Deleted && contribute && visible && canReply,
			CanDelete:   !c.Deleted && contribute && (mod || own),
		}
		it.Live = !c.Deleted && !it.Placeholder
		it.Special = it.Live && (!visible || len(it.Edits) > 0)
		it.head(texts)
		it.tail(texts)
	}
	return out
}

// threadParts groups items into the parts the page writes.
func threadParts(items []commentItem) []threadPart {
	var out []threadPart
	var plain strings.Builder
	flush := func() {
		if plain.Len() > 0 {
			out = append(out, threadPart{Plain: template.HTML(plain.String())})
			plain.Reset()
		}
	}
	for k := range items {
		it := &items[k]
		if it.Special {
			flush()
			out = append(out, threadPart{Item: it})
			continue
		}
		plain.WriteString(string(it.Head))
		plain.WriteString(string(it.Tail))
	}
	flush()
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
