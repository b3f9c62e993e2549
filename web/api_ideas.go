package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/idea"
)

// The ideas of the JSON API (see shared/API.md).

// API list sizes.
const (
	apiDefaultLimit = 30
	apiMaxLimit     = 100
)

// apiIdea is an idea as the API shows it.
type apiIdea struct {
	ID             string   `json:"id"`
	QuestionID     string   `json:"question_id"`
	CampaignID     string   `json:"campaign_id"`
	Title          string   `json:"title"`
	Body           string   `json:"body"`
	Tags           []string `json:"tags"`
	Status         string   `json:"status"`
	Votes          int      `json:"votes"`
	Comments       int      `json:"comments"`
	AuthorPersonID string   `json:"author_person_id"`
	MergedInto     string   `json:"merged_into"`
	Voted          bool     `json:"voted"`
	BodyHTML       string   `json:"body_html"`
	Images         []string `json:"images"`
	CreatedAt      string   `json:"created_at"`
	UpdatedAt      string   `json:"updated_at"`
	// Moderation is visible, held or hidden; only the author and
	// moderators ever get one that is not visible, with its reason.
	Moderation       string `json:"moderation"`
	ModerationReason string `json:"moderation_reason"`
	Deleted          bool   `json:"deleted"`
}

// apiID writes an id the API way: a string, "" for none.
func apiID(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

func toAPIIdea(i *idea.Idea) apiIdea {
	tags := i.Tags
	if tags == nil {
		tags = []string{}
	}
	return apiIdea{
		ID: apiID(i.ID), QuestionID: apiID(i.QuestionID), CampaignID: apiID(i.CampaignID),
		Title: i.Title, Body: i.Body, Tags: tags, Status: i.Status, Votes: i.Votes, Comments: i.Comments,
		AuthorPersonID: apiID(i.AuthorPersonID), MergedInto: apiID(i.MergedInto), Voted: i.Voted,
		CreatedAt: i.CreatedAt.UTC().Format(time.RFC3339), UpdatedAt: i.UpdatedAt.UTC().Format(time.RFC3339),
		Moderation: i.Moderation, ModerationReason: i.ModerationReason, Deleted: i.Deleted,
		BodyHTML: i.BodyHTML, Images: apiImages(i.Images),
	}
}

// apiImages is the list of an idea's image ids (never null).
func apiImages(keys []string) []string {
	if keys == nil {
		return []string{}
	}
	return keys
}

// apiList is the one shape of every list.
type apiList[T any] struct {
	Items []T    `json:"items"`
	Next  string `json:"next"`
}

// apiItems turns a whole list into an API list (no next page).
func apiItems[T, U any](list []T, to func(*T) U) apiList[U] {
	out := apiList[U]{Items: make([]U, 0, len(list))}
	for k := range list {
		out.Items = append(out.Items, to(&list[k]))
	}
	return out
}

// apiQueryID reads an id filter: empty is 0, anything but a positive number
// is an invalid field.
func apiQueryID(r *http.Request, field string) (int64, error) {
	return optionalInt(r.URL.Query(), field)
}

// apiPage reads ?limit= and ?cursor=. The cursor is opaque: clients pass
// back the "next" they were given.
func apiPage(r *http.Request) (limit int, cursor string, err error) {
	q := r.URL.Query()
	limit = apiDefaultLimit
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > apiMaxLimit {
			return 0, "", samtal.FieldError("limit", "error.limit_invalid")
		}
	}
	return limit, q.Get("cursor"), nil
}

// apiOffsetPage is apiPage for short lists that page by position (the
// moderators' queue, a member's contributions): the cursor is the offset
// as a decimal number.
func apiOffsetPage(r *http.Request) (limit, offset int, err error) {
	limit, cursor, err := apiPage(r)
	if err != nil || cursor == "" {
		return limit, 0, err
	}
	if offset, err = strconv.Atoi(cursor); err != nil || offset < 0 || offset > 100000 {
		return 0, 0, samtal.FieldError("cursor", "error.cursor_invalid")
	}
	return limit, offset, nil
}

func (s *Server) apiIdeas(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := idea.Filter{Status: q.Get("status"), Sort: q.Get("sort"), Tag: q.Get("tag"), Q: q.Get("q")}
	var err error
	if f.CampaignID, err = apiQueryID(r, "campaign_id"); err != nil {
		s.apiFail(w, r, err)
		return
	}
	if f.QuestionID, err = apiQueryID(r, "question_id"); err != nil {
		s.apiFail(w, r, err)
		return
	}
	var cursor string
	if f.Limit, cursor, err = apiPage(r); err != nil {
		s.apiFail(w, r, err)
		return
	}
	if cursor != "" {
		if f.After, err = idea.ParseCursor(cursor); err != nil {
			s.apiFail(w, r, err)
			return
		}
	}
	list, err := s.Ideas.List(r.Context(), f)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := apiList[apiIdea]{Items: make([]apiIdea, 0, len(list))}
	for _, i := range list {
		out.Items = append(out.Items, toAPIIdea(i))
	}
	// A full page may have a next one; the last page is the first that is
	// not full. A list by relevance (q) is one page.
	if len(list) == f.Limit && f.Q == "" {
		out.Next = idea.CursorAfter(f.Sort, list[len(list)-1])
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiCreateIdea(w http.ResponseWriter, r *http.Request) {
	var in struct {
		QuestionID string   `json:"question_id"`
		Title      string   `json:"title"`
		Body       string   `json:"body"`
		Tags       []string `json:"tags"`
		Images     []string `json:"images"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	qid, err := strconv.ParseInt(in.QuestionID, 10, 64)
	if err != nil || qid <= 0 {
		s.apiFail(w, r, samtal.FieldError("question_id", "error.question_unknown"))
		return
	}
	i, err := s.Ideas.Create(r.Context(), idea.NewIdea{QuestionID: qid, Title: in.Title, Body: in.Body, Tags: in.Tags, Images: in.Images})
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/ideas/"+apiID(i.ID))
	writeJSON(w, http.StatusCreated, toAPIIdea(i))
}

func (s *Server) apiIdea(w http.ResponseWriter, r *http.Request) {
	id, err := ideaID(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	i, err := s.Ideas.Get(r.Context(), id)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAPIIdea(i))
}

// apiVoteResult is the answer to a vote and to taking it back.
type apiVoteResult struct {
	Votes int  `json:"votes"`
	Voted bool `json:"voted"`
}

func (s *Server) apiVote(w http.ResponseWriter, r *http.Request) {
	s.apiChangeVote(w, r, s.Ideas.Vote, true)
}

func (s *Server) apiUnvote(w http.ResponseWriter, r *http.Request) {
	s.apiChangeVote(w, r, s.Ideas.Unvote, false)
}

// apiChangeVote casts or takes back the caller's vote with change and
// answers the new count.
func (s *Server) apiChangeVote(w http.ResponseWriter, r *http.Request, change func(context.Context, int64) (int, error), voted bool) {
	id, err := ideaID(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	n, err := change(r.Context(), id)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, apiVoteResult{Votes: n, Voted: voted})
}

func (s *Server) apiIdeaStatus(w http.ResponseWriter, r *http.Request) {
	id, err := ideaID(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	var in struct {
		Status string `json:"status"`
		Note   string `json:"note"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	if err := s.Ideas.SetStatus(r.Context(), id, in.Status, in.Note); err != nil {
		s.apiFail(w, r, err)
		return
	}
	i, err := s.Ideas.Get(r.Context(), id)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAPIIdea(i))
}
