package web

import (
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/campaign"
)

// The campaigns of the JSON API (see shared/API.md).

// apiQuestion is a question as the API shows it.
type apiQuestion struct {
	ID         string `json:"id"`
	CampaignID string `json:"campaign_id"`
	Position   int    `json:"position"`
	Text       string `json:"text"`
	Help       string `json:"help"`
}

// apiCampaign is a campaign as the API shows it: brief is the Markdown
// source, brief_html what pages show.
type apiCampaign struct {
	ID         string   `json:"id"`
	Slug       string   `json:"slug"`
	Title      string   `json:"title"`
	Brief      string   `json:"brief"`
	BriefHTML  string   `json:"brief_html"`
	Visibility string   `json:"visibility"`
	StartsAt   string   `json:"starts_at"`
	EndsAt     string   `json:"ends_at"`
	VoteBudget int      `json:"vote_budget"`
	Languages  []string `json:"languages"`
	Cover      string   `json:"cover"`
	CoverURL   string   `json:"cover_url"`
	// HoldFirstPosts: newcomers' first ideas and comments wait for a
	// moderator.
	HoldFirstPosts bool          `json:"hold_first_posts"`
	Questions      []apiQuestion `json:"questions"`
	CreatedAt      string        `json:"created_at"`
}

func apiTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func toAPIQuestion(q *campaign.Question) apiQuestion {
	return apiQuestion{ID: apiID(q.ID), CampaignID: apiID(q.CampaignID), Position: q.Position, Text: q.Text, Help: q.Help}
}

func toAPICampaign(c *campaign.Campaign) apiCampaign {
	out := apiCampaign{
		ID: apiID(c.ID), Slug: c.Slug, Title: c.Title, Brief: c.Brief, BriefHTML: c.BriefHTML, Visibility: c.Visibility,
		StartsAt: apiTime(c.StartsAt), EndsAt: apiTime(c.EndsAt), VoteBudget: c.VoteBudget, Languages: c.Languages,
		Cover: c.CoverKey, CoverURL: c.CoverURL(), HoldFirstPosts: c.HoldFirstPosts, Questions: make([]apiQuestion, len(c.Questions)), CreatedAt: apiTime(c.CreatedAt),
	}
	if out.Languages == nil {
		out.Languages = []string{}
	}
	for i := range c.Questions {
		out.Questions[i] = toAPIQuestion(&c.Questions[i])
	}
	return out
}

// apiCampaignIn is the body of a create or a change: fields left out stay
// as they are (PATCH) or take their zero value (POST). A new setting is one
// more field here and one line in patch.
type apiCampaignIn struct {
	Slug           *string   `json:"slug"`
	Title          *string   `json:"title"`
	Brief          *string   `json:"brief"`
	Visibility     *string   `json:"visibility"`
	StartsAt       *string   `json:"starts_at"`
	EndsAt         *string   `json:"ends_at"`
	VoteBudget     *int      `json:"vote_budget"`
	Languages      *[]string `json:"languages"`
	Cover          *string   `json:"cover"`
	HoldFirstPosts *bool     `json:"hold_first_posts"`
	Questions      []apiQIn  `json:"questions"`
}

type apiQIn struct {
	Text string `json:"text"`
	Help string `json:"help"`
}

// apiTimeIn reads an RFC 3339 time; "" is no time.
func apiTimeIn(v *string, field string) (*time.Time, error) {
	if v == nil {
		return nil, nil
	}
	var t time.Time
	if *v != "" {
		var err error
		if t, err = time.Parse(time.RFC3339, *v); err != nil {
			return nil, samtal.FieldError(field, "error.date_invalid")
		}
	}
	return &t, nil
}

// patch turns the body into a campaign.Patch.
func (in *apiCampaignIn) patch() (campaign.Patch, error) {
	p := campaign.Patch{Title: in.Title, Slug: in.Slug, Brief: in.Brief, Visibility: in.Visibility,
		Languages: in.Languages, VoteBudget: in.VoteBudget, CoverKey: in.Cover, HoldFirstPosts: in.HoldFirstPosts}
	var err error
	if p.StartsAt, err = apiTimeIn(in.StartsAt, "starts_at"); err != nil {
		return p, err
	}
	if p.EndsAt, err = apiTimeIn(in.EndsAt, "ends_at"); err != nil {
		return p, err
	}
	return p, nil
}

// campaignID reads the {id} of a campaign path.
func campaignID(r *http.Request) (int64, error) { return ideaID(r) }

func (s *Server) apiCampaigns(w http.ResponseWriter, r *http.Request) {
	list, err := s.Campaigns.List(r.Context())
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := apiList[apiCampaign]{Items: make([]apiCampaign, 0, len(list))}
	for _, c := range list {
		out.Items = append(out.Items, toAPICampaign(c))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiCreateCampaign(w http.ResponseWriter, r *http.Request) {
	var in apiCampaignIn
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	p, err := in.patch()
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	c := &campaign.Campaign{}
	// A new campaign is a change to an empty one; nothing set is public.
	if in.Visibility == nil {
		c.Visibility = campaign.Public
	}
	c = p.Apply(*c)
	for _, q := range in.Questions {
		c.Questions = append(c.Questions, campaign.Question{Text: q.Text, Help: q.Help})
	}
	if err := s.Campaigns.Create(r.Context(), c); err != nil {
		s.apiFail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/campaigns/"+apiID(c.ID))
	writeJSON(w, http.StatusCreated, toAPICampaign(c))
}

func (s *Server) apiCampaign(w http.ResponseWriter, r *http.Request) {
	id, err := campaignID(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	c, err := s.Campaigns.GetByID(r.Context(), id)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAPICampaign(c))
}

func (s *Server) apiUpdateCampaign(w http.ResponseWriter, r *http.Request) {
	id, err := campaignID(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	var in apiCampaignIn
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	if in.Questions != nil {
		s.apiFail(w, r, samtal.FieldError("questions", "error.questions_separately"))
		return
	}
	p, err := in.patch()
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	c, err := s.Campaigns.Update(r.Context(), id, p)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAPICampaign(c))
}

func (s *Server) apiQuestions(w http.ResponseWriter, r *http.Request) {
	id, err := campaignID(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	c, err := s.Campaigns.GetByID(r.Context(), id)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := apiList[apiQuestion]{Items: make([]apiQuestion, 0, len(c.Questions))}
	for i := range c.Questions {
		out.Items = append(out.Items, toAPIQuestion(&c.Questions[i]))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiAddQuestion(w http.ResponseWriter, r *http.Request) {
	id, err := campaignID(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	var in apiQIn
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	q, err := s.Campaigns.AddQuestion(r.Context(), id, in.Text, in.Help)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toAPIQuestion(q))
}

// splitLanguages reads "en, de" or a list of checkboxes.
func splitLanguages(vals []string) []string {
	var out []string
	for _, v := range vals {
		for _, l := range strings.Split(v, ",") {
			if l = strings.TrimSpace(l); l != "" {
				out = append(out, l)
			}
		}
	}
	return out
}

// BriefHTML returns a campaign's stored, sanitised brief for a template;
// only that column is ever trusted as HTML.
func (v *view) BriefHTML(c *campaign.Campaign) template.HTML { return template.HTML(c.BriefHTML) }
