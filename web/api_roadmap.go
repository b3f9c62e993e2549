package web

import (
	"net/http"
	"strconv"
	"time"
)

// The roadmap and "what became of my ideas and votes" in the API, with the
// same rules as their pages (idea.Service decides what the caller sees).

type apiRoadmapIdea struct {
	ID         string `json:"id"`
	CampaignID string `json:"campaign_id"`
	Title      string `json:"title"`
	Status     string `json:"status"`
	Votes      int    `json:"votes"`
	Comments   int    `json:"comments"`
	Note       string `json:"note"`
	NoteAt     string `json:"note_at"`
}

type apiRoadmapColumn struct {
	Status string           `json:"status"`
	Ideas  []apiRoadmapIdea `json:"ideas"`
}

// apiRoadmap answers GET /api/v1/roadmap[?campaign_id=]: one item per
// status in roadmap order, each with its ideas, most votes first.
func (s *Server) apiRoadmap(w http.ResponseWriter, r *http.Request) {
	cid, err := apiQueryID(r, "campaign_id")
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	cols, err := s.Ideas.Roadmap(r.Context(), cid)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := apiList[apiRoadmapColumn]{Items: make([]apiRoadmapColumn, len(cols))}
	for k, c := range cols {
		out.Items[k] = apiRoadmapColumn{Status: c.Status, Ideas: make([]apiRoadmapIdea, len(c.Items))}
		for j, it := range c.Items {
			out.Items[k].Ideas[j] = apiRoadmapIdea{
				ID: apiID(it.ID), CampaignID: apiID(it.CampaignID), Title: it.Title, Status: it.Status,
				Votes: it.Votes, Comments: it.Comments, Note: it.Note, NoteAt: apiTime(it.NoteAt),
			}
		}
	}
	writeJSON(w, http.StatusOK, out)
}

type apiStatusChange struct {
	Status string `json:"status"`
	Note   string `json:"note"`
	At     string `json:"at"`
}

type apiContribution struct {
	IdeaID     string            `json:"idea_id"`
	Title      string            `json:"title"`
	Status     string            `json:"status"`
	Votes      int               `json:"votes"`
	Comments   int               `json:"comments"`
	MergedInto string            `json:"merged_into"`
	Posted     bool              `json:"posted"`
	Voted      bool              `json:"voted"`
	Commented  bool              `json:"commented"`
	Since      string            `json:"since"`
	Changes    []apiStatusChange `json:"changes"`
}

// apiContributions answers GET /api/v1/me/contributions: the ideas the
// caller posted, voted for or commented on, with their status changes since.
func (s *Server) apiContributions(w http.ResponseWriter, r *http.Request) {
	limit, offset, err := apiOffsetPage(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	// One more than asked tells whether there is a next page.
	list, err := s.Ideas.Contributions(r.Context(), offset, limit+1)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := apiList[apiContribution]{Items: []apiContribution{}}
	if len(list) > limit {
		list = list[:limit]
		out.Next = strconv.Itoa(offset + limit)
	}
	for _, c := range list {
		item := apiContribution{
			IdeaID: apiID(c.IdeaID), Title: c.Title, Status: c.Status, Votes: c.Votes, Comments: c.Comments,
			MergedInto: apiID(c.MergedInto), Posted: c.Posted, Voted: c.Voted, Commented: c.Commented,
			Since: apiTime(c.Since), Changes: make([]apiStatusChange, len(c.Changes)),
		}
		for k, ch := range c.Changes {
			item.Changes[k] = apiStatusChange{Status: ch.Status, Note: ch.Note, At: ch.At.UTC().Format(time.RFC3339)}
		}
		out.Items = append(out.Items, item)
	}
	writeJSON(w, http.StatusOK, out)
}
