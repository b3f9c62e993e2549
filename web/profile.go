package web

import (
	"net/http"
	"net/url"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/person"
)

// The people pages of members: the public profile of another member
// (/people/{id}: name, avatar, since when, counts of what they may see
// themselves) and the member's own record (/me/profile: identities,
// figures, timeline, and a form to link a handle or a blog). Like
// /me/contributions, the own page has no person id in its path that could
// be swapped for someone else's.

// publicPage is what person_public.html shows.
type publicPage struct {
	Person *person.Person
	Stats  person.Stats
	Own    bool // the viewer's own profile
	Staff  bool // the viewer may open the staff profile
}

func (s *Server) publicProfile(w http.ResponseWriter, r *http.Request) {
	id, err := personID(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	prof, err := s.People.Get(r.Context(), id)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	a := samtal.ActorFrom(r.Context())
	v := s.view(r, "profile.public_title")
	// Whoever asks, the page shows only the public part; staff and the
	// person themselves get a link to more.
	v.Data = &publicPage{Person: prof.Person, Stats: prof.Stats, Own: a.PersonID == id, Staff: a.Can(samtal.PermViewPeople)}
	s.render(w, r, http.StatusOK, "person_public", v)
}

// myProfilePage is what me_profile.html shows.
type myProfilePage struct {
	Person   *person.Person
	Stats    person.Stats
	Timeline *person.TimelinePage
	More     string
	Kinds    []string // what a member may link
}

func (s *Server) myProfileView(r *http.Request) (*view, error) {
	ctx := r.Context()
	id := samtal.ActorFrom(ctx).PersonID
	prof, err := s.People.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	d := &myProfilePage{Person: prof.Person, Stats: prof.Stats, Kinds: memberIdentityKinds}
	f := person.TimelineFilter{Limit: timelinePerPage}
	d.Timeline, err = s.People.Timeline(ctx, id, s.Campaigns, f, r.URL.Query().Get("cursor"))
	if samtal.ErrorCode(err) == samtal.EINVALID {
		d.Timeline, err = s.People.Timeline(ctx, id, s.Campaigns, f, "")
	}
	if err != nil {
		return nil, err
	}
	if d.Timeline.Next != "" {
		d.More = "/me/profile?" + url.Values{"cursor": {d.Timeline.Next}}.Encode() + "#timeline"
	}
	v := s.view(r, "profile.title")
	v.Data = d
	return v, nil
}

func (s *Server) myProfile(w http.ResponseWriter, r *http.Request) {
	v, err := s.myProfileView(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "me_profile", v)
}

// myProfileIdentity links a handle, a blog or a review name to the member.
// It is stored as their claim, unverified; staff see it as such.
func (s *Server) myProfileIdentity(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f := r.PostForm
	_, err := s.People.AddIdentity(ctx, samtal.ActorFrom(ctx).PersonID,
		person.Identity{Kind: f.Get("kind"), Network: f.Get("network"), Value: f.Get("value")})
	if err == nil {
		http.Redirect(w, r, "/me/profile?flash=flash.identity_linked#identities", http.StatusSeeOther)
		return
	}
	if c := samtal.ErrorCode(err); c != samtal.EINVALID && c != samtal.ECONFLICT {
		s.pageFail(w, r, err)
		return
	}
	v, verr := s.myProfileView(r)
	if verr != nil {
		s.pageFail(w, r, verr)
		return
	}
	for _, k := range []string{"kind", "network", "value"} {
		v.Form[k] = f.Get(k)
	}
	s.formError(w, r, "me_profile", v, err)
}
