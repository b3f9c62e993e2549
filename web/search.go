package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/samtal-dev/samtal/idea"
	"github.com/samtal-dev/samtal/search"
)

// The search page, the search API, and the "is yours one of these?" list
// of the new-idea form.

// searchHit is a hit as the page shows it: its title and snippet as HTML
// made by search.HTML, which escapes every part and marks the matches.
type searchHit struct {
	search.Hit
	URL       string
	TitleHTML template.HTML
	Snippet   template.HTML
}

// searchData is what search.html shows.
type searchData struct {
	Q     string
	Kind  string
	Hits  []searchHit
	More  string
	Empty bool // a query was asked and found nothing
}

func toSearchHit(h search.Hit) searchHit {
	u := "/ideas/" + strconv.FormatInt(h.IdeaID, 10)
	switch h.Kind {
	case search.KindComment:
		u += "#comment-" + strconv.FormatInt(h.ID, 10)
	case search.KindPerson:
		u = "/admin/people/" + strconv.FormatInt(h.ID, 10)
	case search.KindMention:
		u = "/listening/mentions/" + strconv.FormatInt(h.ID, 10)
	}
	return searchHit{Hit: h, URL: u,
		TitleHTML: template.HTML(search.HTML(h.TitleParts)), Snippet: template.HTML(search.HTML(h.Snippet))}
}

func (s *Server) searchPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d := &searchData{Q: q.Get("q"), Kind: q.Get("kind")}
	in := search.Input{Q: d.Q, Cursor: q.Get("cursor"), Limit: 20}
	if d.Kind != "" {
		in.Kinds = []string{d.Kind}
	}
	v := s.view(r, "search.title")
	v.Data = d
	if strings.TrimSpace(d.Q) != "" {
		res, err := s.Search.Search(r.Context(), in)
		if err != nil {
			s.pageFail(w, r, err)
			return
		}
		for _, h := range res.Hits {
			d.Hits = append(d.Hits, toSearchHit(h))
		}
		d.Empty = len(d.Hits) == 0
		if res.Next != "" {
			u := url.Values{"q": {d.Q}, "cursor": {res.Next}}
			if d.Kind != "" {
				u.Set("kind", d.Kind)
			}
			d.More = "/search?" + u.Encode()
		}
	}
	s.render(w, r, http.StatusOK, "search", v)
}

// apiSearchHit is a hit as the API shows it.
type apiSearchHit struct {
	Kind       string   `json:"kind"`
	ID         string   `json:"id"`
	IdeaID     string   `json:"idea_id"`
	CampaignID string   `json:"campaign_id"`
	Title      string   `json:"title"`
	TitleHTML  string   `json:"title_html"`
	Snippet    string   `json:"snippet"`
	Tags       []string `json:"tags"`
	AuthorName string   `json:"author_name"`
	Status     string   `json:"status"`
	Votes      int      `json:"votes"`
	CreatedAt  string   `json:"created_at"`
}

func (s *Server) apiSearch(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, cursor, err := apiPage(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	in := search.Input{Q: q.Get("q"), Cursor: cursor, Limit: limit}
	if k := q.Get("kind"); k != "" {
		in.Kinds = strings.Split(k, ",")
	}
	res, err := s.Search.Search(r.Context(), in)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := apiList[apiSearchHit]{Items: make([]apiSearchHit, 0, len(res.Hits)), Next: res.Next}
	for _, h := range res.Hits {
		tags := h.Tags
		if tags == nil {
			tags = []string{}
		}
		out.Items = append(out.Items, apiSearchHit{
			Kind: h.Kind, ID: apiID(h.ID), IdeaID: apiID(h.IdeaID), CampaignID: apiID(h.CampaignID),
			Title: h.Title, TitleHTML: search.HTML(h.TitleParts), Snippet: search.HTML(h.Snippet), Tags: tags,
			AuthorName: h.AuthorName, Status: h.Status, Votes: h.Votes, CreatedAt: h.CreatedAt.UTC().Format(time.RFC3339),
		})
	}
	writeJSON(w, http.StatusOK, out)
}

// similarLimit is how many similar ideas the new-idea form shows.
const similarLimit = 5

// similarIdeas answers the new-idea form's script with a piece of HTML: up
// to five ideas of the campaign that share words with the title typed so
// far. A page route rather than the API, because the API takes tokens and
// the form's member is signed in with a session.
func (s *Server) similarIdeas(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c, err := s.Campaigns.Get(ctx, r.PathValue("slug"))
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	q := r.URL.Query().Get("q")
	var list []*idea.Idea
	if strings.TrimSpace(q) != "" {
		if list, err = s.Ideas.List(ctx, idea.Filter{CampaignID: c.ID, Q: q, Limit: similarLimit}); err != nil {
			s.pageFail(w, r, err)
			return
		}
	}
	v := s.view(r, "idea.new_title")
	v.Data = list
	s.renderFragment(w, r, "similar", v)
}

// renderFragment executes only the "content" of a page: a piece of HTML
// for a script to put into a page it already has.
func (s *Server) renderFragment(w http.ResponseWriter, r *http.Request, name string, v *view) {
	t := s.pages[name].byLang[v.Lang]
	var buf strings.Builder
	if err := t.ExecuteTemplate(&buf, "content", v); err != nil {
		s.Log.Error("render", "template", name, "request_id", requestID(r), "err", err)
		http.Error(w, "internal error, request id "+requestID(r), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Language", v.Lang)
	w.Write([]byte(buf.String()))
}
