package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/idea"
)

// The comments of the JSON API (see shared/API.md).

// apiComment is a comment as the API shows it.
type apiComment struct {
	ID             string `json:"id"`
	IdeaID         string `json:"idea_id"`
	ParentID       string `json:"parent_id"`
	Body           string `json:"body"`
	AuthorPersonID string `json:"author_person_id"`
	AuthorName     string `json:"author_name"`
	Depth          int    `json:"depth"`
	Deleted        bool   `json:"deleted"`
	Edited         bool   `json:"edited"`
	CreatedAt      string `json:"created_at"`
	UpdatedAt      string `json:"updated_at"`
	// Moderation is visible, held or hidden; others than the author and
	// moderators get a hidden comment without body and reason.
	Moderation       string `json:"moderation"`
	ModerationReason string `json:"moderation_reason"`
	BodyHTML         string `json:"body_html"`
}

func toAPIComment(c *idea.Comment) apiComment {
	return apiComment{
		ID: apiID(c.ID), IdeaID: apiID(c.IdeaID), ParentID: apiID(c.ParentID), Body: c.Body,
		AuthorPersonID: apiID(c.AuthorPersonID), AuthorName: c.AuthorName, Depth: c.Depth,
		Deleted: c.Deleted, Edited: c.Edited,
		CreatedAt: c.CreatedAt.UTC().Format(time.RFC3339), UpdatedAt: c.UpdatedAt.UTC().Format(time.RFC3339),
		Moderation: c.Moderation, ModerationReason: c.ModerationReason,
		BodyHTML: c.BodyHTML,
	}
}

// apiComments lists all comments of an idea in thread order: threads are
// read whole, so there is never a next page.
func (s *Server) apiComments(w http.ResponseWriter, r *http.Request) {
	id, err := ideaID(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	list, err := s.Ideas.Comments(r.Context(), id)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, apiItems(list, toAPIComment))
}

// apiCreateComment comments on an idea, or replies with parent_id.
func (s *Server) apiCreateComment(w http.ResponseWriter, r *http.Request) {
	id, err := ideaID(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	var in struct {
		Body     string `json:"body"`
		ParentID string `json:"parent_id"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	var parent int64
	if in.ParentID != "" {
		if parent, err = strconv.ParseInt(in.ParentID, 10, 64); err != nil || parent <= 0 {
			s.apiFail(w, r, samtal.FieldError("parent_id", "error.parent_invalid"))
			return
		}
	}
	s.apiAddComment(w, r, id, parent, in.Body)
}

func (s *Server) apiAddComment(w http.ResponseWriter, r *http.Request, ideaID, parentID int64, body string) {
	c, err := s.Ideas.AddComment(r.Context(), ideaID, parentID, body)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/comments/"+apiID(c.ID))
	writeJSON(w, http.StatusCreated, toAPIComment(c))
}

// commentAndBody reads the comment id of the path and a {"body": …} JSON.
func commentAndBody(r *http.Request) (int64, string, error) {
	id, err := commentID(r)
	if err != nil {
		return 0, "", err
	}
	var in struct {
		Body string `json:"body"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return 0, "", err
	}
	return id, in.Body, nil
}

// apiReply answers a comment: the reply goes to the comment's idea.
func (s *Server) apiReply(w http.ResponseWriter, r *http.Request) {
	id, body, err := commentAndBody(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	parent, err := s.Ideas.Comment(r.Context(), id)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	s.apiAddComment(w, r, parent.IdeaID, parent.ID, body)
}

func (s *Server) apiComment(w http.ResponseWriter, r *http.Request) {
	id, err := commentID(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	c, err := s.Ideas.Comment(r.Context(), id)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAPIComment(c))
}

func (s *Server) apiEditComment(w http.ResponseWriter, r *http.Request) {
	id, body, err := commentAndBody(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	c, err := s.Ideas.EditComment(r.Context(), id, body)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAPIComment(c))
}

func (s *Server) apiDeleteComment(w http.ResponseWriter, r *http.Request) {
	id, err := commentID(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	if err := s.Ideas.DeleteComment(r.Context(), id); err != nil {
		s.apiFail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
