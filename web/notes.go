package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/idea"
)

// Staff notes on ideas: a staff-only block on the idea page and
// GET/POST /api/v1/ideas/{id}/notes. The route table and the service both
// ask for idea.PermStaffNotes.

// apiNote is a staff note as the API shows it.
type apiNote struct {
	ID             string `json:"id"`
	IdeaID         string `json:"idea_id"`
	Body           string `json:"body"`
	AuthorPersonID string `json:"author_person_id"`
	AuthorName     string `json:"author_name"`
	CreatedAt      string `json:"created_at"`
}

func toAPINote(n *idea.Note) apiNote {
	return apiNote{ID: apiID(n.ID), IdeaID: apiID(n.IdeaID), Body: n.Body, AuthorPersonID: apiID(n.AuthorPersonID),
		AuthorName: n.AuthorName, CreatedAt: n.CreatedAt.UTC().Format(time.RFC3339)}
}

func (s *Server) apiNotes(w http.ResponseWriter, r *http.Request) {
	id, err := ideaID(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	list, err := s.Ideas.Notes(r.Context(), id)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	// An idea has few notes: one page holds them all.
	writeJSON(w, http.StatusOK, apiItems(list, toAPINote))
}

func (s *Server) apiCreateNote(w http.ResponseWriter, r *http.Request) {
	id, err := ideaID(r)
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
	n, err := s.Ideas.AddNote(r.Context(), id, in.Body)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toAPINote(n))
}

// ideaNote answers the staff note form of an idea page.
func (s *Server) ideaNote(w http.ResponseWriter, r *http.Request) {
	id, err := ideaID(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	body := r.PostForm.Get("note_body")
	if _, err := s.Ideas.AddNote(r.Context(), id, body); err != nil {
		v, verr := s.ideaView(r)
		if verr != nil || samtal.ErrorCode(err) != samtal.EINVALID {
			s.pageFail(w, r, err)
			return
		}
		v.Form["note_body"] = body
		s.formError(w, r, "idea", v, samtal.FieldError("note_body", samtal.ErrorMessage(err)))
		return
	}
	http.Redirect(w, r, "/ideas/"+strconv.FormatInt(id, 10)+"?flash=flash.note_added#notes", http.StatusSeeOther)
}
