package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/campaign"
)

// The staff pages of campaigns: the list, the form to create one, and the
// page to edit one with its questions and invitations. The service checks
// every rule; the routes ask for PermManageCampaigns.

// adminCampaignData is what admin_campaign.html shows.
type adminCampaignData struct {
	Campaign     *campaign.Campaign // nil on the new-campaign form
	Invites      []campaign.Invite
	Visibilities []string
	Languages    []string
	// Langs are the languages checked in the form.
	Langs map[string]bool
}

// dateIn reads a form date (2026-11-22) as the start of that day in UTC;
// endOfDay moves it to the start of the next day, so that a campaign that
// ends on a date runs through it.
func dateIn(v, field string, endOfDay bool) (*time.Time, error) {
	var t time.Time
	if v = strings.TrimSpace(v); v != "" {
		var err error
		if t, err = time.Parse("2006-01-02", v); err != nil {
			return nil, samtal.FieldError(field, "error.date_invalid")
		}
		if endOfDay {
			t = t.Add(24 * time.Hour)
		}
	}
	return &t, nil
}

// dateOut is dateIn backwards, for refilling the form.
func dateOut(t time.Time, endOfDay bool) string {
	if t.IsZero() {
		return ""
	}
	if endOfDay {
		t = t.Add(-time.Millisecond)
	}
	return t.UTC().Format("2006-01-02")
}

// campaignFormFields are the fields of the campaign form; a new setting is
// one more name here and one line in formPatch.
var campaignFormFields = []string{"title", "slug", "brief", "visibility", "starts_at", "ends_at", "vote_budget", "hold_first_posts", "questions"}

// formPatch reads the campaign form into a patch. The cover comes as a
// file; an empty file field keeps the cover.
func (s *Server) formPatch(r *http.Request) (campaign.Patch, error) {
	f := r.PostForm
	title, slug, brief, vis := f.Get("title"), f.Get("slug"), f.Get("brief"), f.Get("visibility")
	langs := splitLanguages(f["languages"])
	p := campaign.Patch{Title: &title, Slug: &slug, Brief: &brief, Visibility: &vis, Languages: &langs}
	budget := 0
	if v := strings.TrimSpace(f.Get("vote_budget")); v != "" {
		var err error
		if budget, err = strconv.Atoi(v); err != nil {
			return p, samtal.FieldError("vote_budget", "error.number_invalid")
		}
	}
	p.VoteBudget = &budget
	hold := f.Get("hold_first_posts") == "on"
	p.HoldFirstPosts = &hold
	var err error
	if p.StartsAt, err = dateIn(f.Get("starts_at"), "starts_at", false); err != nil {
		return p, err
	}
	if p.EndsAt, err = dateIn(f.Get("ends_at"), "ends_at", true); err != nil {
		return p, err
	}
	u, err := s.uploadFile(r, "cover")
	if err != nil {
		if e, ok := err.(*samtal.Error); ok && e.Field == "file" {
			return p, &samtal.Error{Code: e.Code, Message: e.Message, Field: "cover"}
		}
		return p, err
	}
	if u != nil {
		p.CoverKey = &u.Key
	}
	return p, nil
}

func (s *Server) adminCampaigns(w http.ResponseWriter, r *http.Request) {
	list, err := s.Campaigns.List(r.Context())
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	v := s.view(r, "admin.campaigns")
	v.Data = list
	s.render(w, r, http.StatusOK, "admin_campaigns", v)
}

// campaignFormView is the view of the campaign form, filled from c (nil
// for a new campaign).
func (s *Server) campaignFormView(r *http.Request, c *campaign.Campaign) (*view, error) {
	d := &adminCampaignData{Campaign: c, Visibilities: campaign.Visibilities, Languages: campaign.Languages, Langs: map[string]bool{}}
	title := "admin.campaign_new"
	v := s.view(r, title)
	if c == nil {
		v.Form["visibility"] = campaign.Public
		v.Form["vote_budget"] = "0"
		for _, l := range campaign.Languages {
			d.Langs[l] = true
		}
	} else {
		v.TitleKey = "admin.campaign_edit"
		v.Form["title"], v.Form["slug"], v.Form["brief"], v.Form["visibility"] = c.Title, c.Slug, c.Brief, c.Visibility
		v.Form["starts_at"], v.Form["ends_at"] = dateOut(c.StartsAt, false), dateOut(c.EndsAt, true)
		v.Form["vote_budget"] = strconv.Itoa(c.VoteBudget)
		if c.HoldFirstPosts {
			v.Form["hold_first_posts"] = "on"
		}
		for _, l := range c.Languages {
			d.Langs[l] = true
		}
		var err error
		if d.Invites, err = s.Campaigns.Invites(r.Context(), c.ID); err != nil {
			return nil, err
		}
	}
	v.Data = d
	return v, nil
}

// refill puts the form as it was sent back into v.
func refill(v *view, r *http.Request) {
	for _, k := range campaignFormFields {
		v.Form[k] = r.PostForm.Get(k)
	}
	d := v.Data.(*adminCampaignData)
	d.Langs = map[string]bool{}
	for _, l := range splitLanguages(r.PostForm["languages"]) {
		d.Langs[l] = true
	}
}

func (s *Server) adminCampaignNew(w http.ResponseWriter, r *http.Request) {
	v, _ := s.campaignFormView(r, nil)
	s.render(w, r, http.StatusOK, "admin_campaign", v)
}

func (s *Server) adminCampaignCreate(w http.ResponseWriter, r *http.Request) {
	v, _ := s.campaignFormView(r, nil)
	refill(v, r)
	p, err := s.formPatch(r)
	if err != nil {
		s.formError(w, r, "admin_campaign", v, err)
		return
	}
	c := p.Apply(campaign.Campaign{})
	for _, line := range strings.Split(r.PostForm.Get("questions"), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			c.Questions = append(c.Questions, campaign.Question{Text: line})
		}
	}
	if err := s.Campaigns.Create(r.Context(), c); err != nil {
		s.formError(w, r, "admin_campaign", v, err)
		return
	}
	http.Redirect(w, r, "/admin/campaigns/"+apiID(c.ID)+"?flash=flash.campaign_saved", http.StatusSeeOther)
}

// managedCampaign reads the {id} of the path and returns that campaign.
func (s *Server) managedCampaign(r *http.Request) (*campaign.Campaign, error) {
	id, err := campaignID(r)
	if err != nil {
		return nil, err
	}
	return s.Campaigns.GetByID(r.Context(), id)
}

func (s *Server) adminCampaignEdit(w http.ResponseWriter, r *http.Request) {
	c, err := s.managedCampaign(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	v, err := s.campaignFormView(r, c)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin_campaign", v)
}

func (s *Server) adminCampaignUpdate(w http.ResponseWriter, r *http.Request) {
	c, err := s.managedCampaign(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	v, err := s.campaignFormView(r, c)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	refill(v, r)
	p, err := s.formPatch(r)
	if err == nil {
		_, err = s.Campaigns.Update(r.Context(), c.ID, p)
	}
	if err != nil {
		s.formError(w, r, "admin_campaign", v, err)
		return
	}
	http.Redirect(w, r, "/admin/campaigns/"+apiID(c.ID)+"?flash=flash.campaign_saved", http.StatusSeeOther)
}

// adminCampaignAfter re-renders the edit page with err, or goes back to it
// with a flash.
func (s *Server) adminCampaignAfter(w http.ResponseWriter, r *http.Request, c *campaign.Campaign, err error, flash, anchor string) {
	if err != nil {
		if samtal.ErrorCode(err) != samtal.EINVALID && samtal.ErrorCode(err) != samtal.ECONFLICT {
			s.pageFail(w, r, err)
			return
		}
		c, gerr := s.managedCampaign(r)
		if gerr != nil {
			s.pageFail(w, r, gerr)
			return
		}
		v, verr := s.campaignFormView(r, c)
		if verr != nil {
			s.pageFail(w, r, verr)
			return
		}
		s.formError(w, r, "admin_campaign", v, err)
		return
	}
	http.Redirect(w, r, "/admin/campaigns/"+apiID(c.ID)+"?flash="+url.QueryEscape(flash)+anchor, http.StatusSeeOther)
}

func (s *Server) adminQuestionAdd(w http.ResponseWriter, r *http.Request) {
	c, err := s.managedCampaign(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	_, err = s.Campaigns.AddQuestion(r.Context(), c.ID, r.PostForm.Get("text"), r.PostForm.Get("help"))
	s.adminCampaignAfter(w, r, c, err, "flash.campaign_saved", "#questions")
}

// adminQuestion saves, moves or removes a question, by the button pressed.
func (s *Server) adminQuestion(w http.ResponseWriter, r *http.Request) {
	c, err := s.managedCampaign(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	qid, err := strconv.ParseInt(r.PathValue("qid"), 10, 64)
	if err != nil {
		s.pageFail(w, r, errIdeaNotFound)
		return
	}
	ctx := r.Context()
	switch r.PostForm.Get("action") {
	case "up":
		err = s.Campaigns.MoveQuestion(ctx, c.ID, qid, -1)
	case "down":
		err = s.Campaigns.MoveQuestion(ctx, c.ID, qid, 1)
	case "remove":
		err = s.Campaigns.RemoveQuestion(ctx, c.ID, qid)
	default:
		_, err = s.Campaigns.UpdateQuestion(ctx, c.ID, qid, r.PostForm.Get("text"), r.PostForm.Get("help"))
	}
	s.adminCampaignAfter(w, r, c, err, "flash.campaign_saved", "#questions")
}

func (s *Server) adminInvite(w http.ResponseWriter, r *http.Request) {
	c, err := s.managedCampaign(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	_, err = s.Campaigns.Invite(r.Context(), c.ID, r.PostForm.Get("email"))
	s.adminCampaignAfter(w, r, c, err, "flash.invited", "#invites")
}

func (s *Server) adminUninvite(w http.ResponseWriter, r *http.Request) {
	c, err := s.managedCampaign(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	pid, perr := strconv.ParseInt(r.PostForm.Get("person_id"), 10, 64)
	if perr != nil {
		s.pageFail(w, r, errIdeaNotFound)
		return
	}
	err = s.Campaigns.Uninvite(r.Context(), c.ID, pid)
	s.adminCampaignAfter(w, r, c, err, "flash.uninvited", "#invites")
}
