package web

import (
	"net/http"
	"strconv"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/idea"
)

// The roadmap pages (one campaign, or every campaign the viewer may see) and
// "what became of my ideas and votes".

// roadmapData is what roadmap.html shows.
type roadmapData struct {
	Campaign *campaign.Campaign // nil across campaigns
	Columns  []idea.RoadmapColumn
	Empty    bool
}

func (s *Server) roadmapPage(w http.ResponseWriter, r *http.Request, c *campaign.Campaign) {
	var cid int64
	if c != nil {
		cid = c.ID
	}
	cols, err := s.Ideas.Roadmap(r.Context(), cid)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	d := &roadmapData{Campaign: c, Columns: cols, Empty: true}
	for _, col := range cols {
		if len(col.Items) > 0 {
			d.Empty = false
		}
	}
	v := s.view(r, "roadmap.title")
	v.Data = d
	s.render(w, r, http.StatusOK, "roadmap", v)
}

// roadmap shows the roadmap across the campaigns the viewer may see.
func (s *Server) roadmap(w http.ResponseWriter, r *http.Request) { s.roadmapPage(w, r, nil) }

// campaignRoadmap shows one campaign's roadmap; 404 for a hidden campaign.
func (s *Server) campaignRoadmap(w http.ResponseWriter, r *http.Request) {
	c, err := s.Campaigns.Get(r.Context(), r.PathValue("slug"))
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	s.roadmapPage(w, r, c)
}

// contributionsPerPage is how many ideas /me/contributions lists at once.
const contributionsPerPage = 20

// contributionsData is what contributions.html shows.
type contributionsData struct {
	Items []idea.Contribution
	More  string
}

// myContributions lists what became of the ideas the signed-in person
// posted, voted for or commented on. It lives under /me like the API's
// caller resource: it is about the caller and nobody else, so it takes no
// person in its path that could be changed to someone else's.
func (s *Server) myContributions(w http.ResponseWriter, r *http.Request) {
	offset := 0
	if v := r.URL.Query().Get("offset"); v != "" {
		var err error
		if offset, err = strconv.Atoi(v); err != nil || offset < 0 {
			s.pageFail(w, r, samtal.FieldError("offset", "error.number_invalid"))
			return
		}
	}
	// One more than a page tells whether there is a next one.
	list, err := s.Ideas.Contributions(r.Context(), offset, contributionsPerPage+1)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	d := &contributionsData{Items: list}
	if len(list) > contributionsPerPage {
		d.Items = list[:contributionsPerPage]
		d.More = "/me/contributions?offset=" + strconv.Itoa(offset+contributionsPerPage)
	}
	v := s.view(r, "contrib.title")
	v.Data = d
	s.render(w, r, http.StatusOK, "contributions", v)
}

// roadmapEntry is what the "roadmap_item" template shows for one idea.
type roadmapEntry struct {
	V    *view
	Item idea.RoadmapItem
}

// RoadmapEntry bundles a roadmap idea with the view for its template.
func (v *view) RoadmapEntry(it idea.RoadmapItem) roadmapEntry { return roadmapEntry{V: v, Item: it} }

// InCampaign reports whether the page is one campaign's roadmap (its
// ideas then need no campaign link).
func (v *view) InCampaign() bool {
	d, ok := v.Data.(*roadmapData)
	return ok && d.Campaign != nil
}
