package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/idea"
	"github.com/samtal-dev/samtal/person"
)

// Merges of duplicate ideas: the merge form and undo button on the idea
// page, and the API's POST /ideas/{id}/merge and POST /merges/{id}/undo.

// ideaMergePrefix marks a merge id as an idea merge: /merges/{id}/undo
// undoes person merges too (person-N, person.MergeKey), each kind with its
// own prefix.
const ideaMergePrefix = "idea-"

// mergeAPIID is an idea merge's id as the API and pages show it.
func mergeAPIID(id int64) string { return ideaMergePrefix + strconv.FormatInt(id, 10) }

// errMergeNotFound answers a merge id of no kind we know.
var errMergeNotFound = &samtal.Error{Code: samtal.ENOTFOUND, Message: "error.not_found"}

// ideaMergeID reads an idea merge's id from the path; ok is false for an id
// of another kind (or none), which callers answer with 404.
func ideaMergeID(r *http.Request) (int64, bool) {
	rest, found := strings.CutPrefix(r.PathValue("id"), ideaMergePrefix)
	if !found {
		return 0, false
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	return id, err == nil && id > 0
}

// mergeTarget reads the idea to merge into from a form or JSON field: its
// number, "#number" or a link to its page.
func mergeTarget(v string) int64 {
	v = strings.TrimSpace(v)
	if i := strings.LastIndex(v, "/ideas/"); i >= 0 {
		v = v[i+len("/ideas/"):]
	}
	v = strings.TrimPrefix(v, "#")
	if i := strings.IndexAny(v, "?#/"); i >= 0 {
		v = v[:i]
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return -1 // not an idea: the service says so on the field
	}
	return id
}

// mergedRedirect is where a merged idea's page leads.
func mergedRedirect(i *idea.Idea) string {
	return "/ideas/" + strconv.FormatInt(i.MergedInto, 10) + "?merged_from=" + strconv.FormatInt(i.ID, 10)
}

// ideaExtras adds the merges into the idea and, for staff, its notes.
func (s *Server) ideaExtras(r *http.Request, d *ideaData) error {
	ctx := r.Context()
	var err error
	// The notice names the idea the visitor came from only if it really
	// was merged into this one, so that a link cannot put text here.
	if from, _ := strconv.ParseInt(r.URL.Query().Get("merged_from"), 10, 64); from > 0 {
		for k := range d.Merges {
			if d.Merges[k].IdeaID == from {
				d.MergedFrom = &d.Merges[k]
			}
		}
	}
	if samtal.ActorFrom(ctx).Can(idea.PermStaffNotes) {
		if d.Notes, err = s.Ideas.Notes(ctx, d.Idea.ID); err != nil {
			return err
		}
	}
	return nil
}

// ideaMerge answers the merge form of an idea page.
func (s *Server) ideaMerge(w http.ResponseWriter, r *http.Request) {
	id, err := ideaID(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	into := r.PostForm.Get("into")
	m, err := s.Ideas.MergeIdeas(r.Context(), id, mergeTarget(into))
	if err != nil {
		v, verr := s.ideaView(r)
		if verr != nil || samtal.ErrorCode(err) != samtal.EINVALID {
			s.pageFail(w, r, err)
			return
		}
		v.Form["into"] = into
		s.formError(w, r, "idea", v, err)
		return
	}
	http.Redirect(w, r, "/ideas/"+strconv.FormatInt(m.IntoID, 10)+"?flash=flash.merged#merges", http.StatusSeeOther)
}

// mergeUndo answers the undo button of a merge. The route lets in the
// roles that may undo either kind of merge; each kind's service asks for its
// own permission (person merges PermEditPeople, idea merges PermModerate).
func (s *Server) mergeUndo(w http.ResponseWriter, r *http.Request) {
	if pid, ok := person.ParseMergeKey(r.PathValue("id")); ok {
		m, err := s.People.Unmerge(r.Context(), pid)
		if err != nil {
			s.pageFail(w, r, err)
			return
		}
		http.Redirect(w, r, "/admin/people/"+strconv.FormatInt(m.PersonID, 10)+"?flash=flash.person_unmerged", http.StatusSeeOther)
		return
	}
	id, ok := ideaMergeID(r)
	if !ok {
		s.pageFail(w, r, errMergeNotFound)
		return
	}
	m, err := s.Ideas.UndoMerge(r.Context(), id)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	http.Redirect(w, r, "/ideas/"+strconv.FormatInt(m.IdeaID, 10)+"?flash=flash.unmerged", http.StatusSeeOther)
}

// decodeInto reads a merge's body, {"into": ID}: the id of what to merge
// into. A body that does not parse is EMALFORMED; an id that is not one is
// EINVALID on "into" with message.
func decodeInto(r *http.Request, message string) (int64, error) {
	var in struct {
		Into string `json:"into"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return 0, err
	}
	into, err := strconv.ParseInt(in.Into, 10, 64)
	if err != nil || into <= 0 {
		return 0, samtal.FieldError("into", message)
	}
	return into, nil
}

// apiMergeResult is the answer to a merge and to its undo.
type apiMergeResult struct {
	MergeID string  `json:"merge_id"`
	Idea    apiIdea `json:"idea"`
}

func (s *Server) apiMergeIdea(w http.ResponseWriter, r *http.Request) {
	id, err := ideaID(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	into, err := decodeInto(r, "error.merge_target_unknown")
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	m, err := s.Ideas.MergeIdeas(r.Context(), id, into)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	s.apiMergeAnswer(w, r, m.ID, m.IntoID)
}

// apiUndoMerge undoes a merge by its prefixed id (person-N, idea-N); any
// other id is unknown. Like mergeUndo, each kind's service checks its own
// permission.
func (s *Server) apiUndoMerge(w http.ResponseWriter, r *http.Request) {
	if pid, ok := person.ParseMergeKey(r.PathValue("id")); ok {
		m, err := s.People.Unmerge(r.Context(), pid)
		if err != nil {
			s.apiFail(w, r, err)
			return
		}
		s.apiPersonMergeAnswer(w, r, m.ID, m.PersonID)
		return
	}
	id, ok := ideaMergeID(r)
	if !ok {
		s.apiFail(w, r, errMergeNotFound)
		return
	}
	m, err := s.Ideas.UndoMerge(r.Context(), id)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	s.apiMergeAnswer(w, r, m.ID, m.IdeaID)
}

// apiMergeAnswer answers a merge or undo with the idea that now holds the
// votes (merge: the target; undo: the idea that came back).
func (s *Server) apiMergeAnswer(w http.ResponseWriter, r *http.Request, mergeID, ideaID int64) {
	i, err := s.Ideas.Get(r.Context(), ideaID)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, apiMergeResult{MergeID: mergeAPIID(mergeID), Idea: toAPIIdea(i)})
}
