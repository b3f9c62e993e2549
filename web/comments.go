package web

import (
	"html/template"
	"net/http"
	"strconv"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/idea"
)

// The comment forms of the idea page: a comment or a reply, and deleting one.
// The service decides who may do what; the routes only ask for a member.

// maxCommentIndent is the deepest indentation the page shows; deeper replies
// stay at this level.
const maxCommentIndent = 5

// commentItem is one comment of the idea page.
type commentItem struct {
	idea.Comment
	Indent    int
	CanDelete bool
	Edits     []idea.CommentEdit // earlier texts, for moderators
	// Own: the viewer wrote it. Placeholder: someone else's hidden comment
	// that keeps its place without its text. CanReport: the viewer may
	// report it.
	Own, Placeholder, CanReport bool
	// HTML is the comment's stored, sanitised HTML (see markup).
	HTML template.HTML
}

// commentItems prepares a thread for the page for the actor a; edits are
// the earlier texts by comment (nil unless a moderates).
func commentItems(a samtal.Actor, list []idea.Comment, edits map[int64][]idea.CommentEdit) []commentItem {
	out := make([]commentItem, len(list))
	mod := a.Can(samtal.PermModerate)
	for k, c := range list {
		out[k] = commentItem{Comment: c, Indent: min(c.Depth, maxCommentIndent), Edits: edits[c.ID], HTML: template.HTML(c.BodyHTML)}
		out[k].CanDelete = !c.Deleted && a.Can(samtal.PermContribute) && (mod || (a.PersonID != 0 && a.PersonID == c.AuthorPersonID))
		out[k].Own = a.PersonID != 0 && a.PersonID == c.AuthorPersonID
		out[k].Placeholder = c.Moderation != idea.ModVisible && !out[k].Own && !mod
		out[k].CanReport = !c.Deleted && !out[k].Own && a.PersonID != 0 && a.Can(samtal.PermContribute) && c.Moderation == idea.ModVisible
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
