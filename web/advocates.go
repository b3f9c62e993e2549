package web

import (
	"html/template"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/advocate"
)

// Advocates and briefings: the staff pages (candidates with why, the group,
// briefings with who got and read them), the advocates' own pages (their
// invitation, the briefings, one briefing, whose opening is their read),
// the unsubscribe link of briefing mails, and the API. The routes ask for
// PermViewPeople to see and PermEditPeople to act; advocate.Service checks
// again.

var errAdvocateNotFound = &samtal.Error{Code: samtal.ENOTFOUND, Message: "error.not_found"}

// pathInt reads the {id} of a path; anything but a positive number is not
// found.
func pathInt(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errAdvocateNotFound
	}
	return id, nil
}

// why is one part of a score in words, in the reader's language.
type why struct {
	Part   string
	Text   string
	Count  int
	Points float64
}

// whyOf tells the parts of a score in lang.
func (s *Server) whyOf(lang string, sc advocate.Score) []why {
	out := make([]why, 0, len(sc.Parts))
	for _, p := range sc.Parts {
		out = append(out, why{Part: p.Name, Count: p.Count, Points: p.Points,
			Text: s.Catalog.N(lang, "advocate.why."+p.Name, p.Count, nil)})
	}
	return out
}

// BriefingHTML is a briefing's body as stored: rendered and sanitised
// once when it was written (markup.Render).
func (v *view) BriefingHTML(b *advocate.Briefing) template.HTML { return template.HTML(b.BodyHTML) }

// roundPoints is a score as people read it: whole points.
func roundPoints(p float64) int { return int(math.Round(p)) }

// candidateItem is a candidate as the page shows them.
type candidateItem struct {
	advocate.Candidate
	Points int
	Why    []why
}

func (s *Server) adminAdvocates(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := s.view(r, "advocates.title")
	cands, next, err := s.Advocates.Candidates(ctx, r.URL.Query().Get("after"), 30)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	items := make([]candidateItem, len(cands))
	for i, c := range cands {
		items[i] = candidateItem{Candidate: c, Points: roundPoints(c.Score.Points), Why: s.whyOf(v.Lang, c.Score)}
	}
	members, _, err := s.Advocates.Members(ctx, nil, "", advocate.MaxLimit)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	former, _, err := s.Advocates.Members(ctx, []string{advocate.StateDeclined, advocate.StateLeft, advocate.StateRemoved}, "", advocate.MaxLimit)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	v.Data = map[string]any{"Candidates": items, "Next": next, "Members": members, "Former": former,
		"CanEdit": v.Actor.Can(advocate.PermEdit), "HalfLifeDays": int(advocate.HalfLife.Hours() / 24)}
	s.render(w, r, http.StatusOK, "admin_advocates", v)
}

func (s *Server) adminAdvocateInvite(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(strings.TrimSpace(r.PostForm.Get("person_id")), 10, 64)
	if err != nil || id <= 0 {
		s.pageFail(w, r, samtal.FieldError("person_id", "error.advocate_person_invalid"))
		return
	}
	if _, err := s.Advocates.Invite(r.Context(), id); err != nil {
		s.pageFail(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/advocates?flash=flash.advocate_invited", http.StatusSeeOther)
}

func (s *Server) adminAdvocateRemove(w http.ResponseWriter, r *http.Request) {
	id, err := pathInt(r)
	if err == nil {
		_, err = s.Advocates.Remove(r.Context(), id)
	}
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/advocates?flash=flash.advocate_removed", http.StatusSeeOther)
}

// briefingsView is the view of the staff's list of briefings, with the
// form for a new one.
func (s *Server) briefingsView(r *http.Request) (*view, error) {
	ctx := r.Context()
	list, next, err := s.Advocates.Briefings(ctx, r.URL.Query().Get("before"), 30)
	if err != nil {
		return nil, err
	}
	mailed, held, err := s.Advocates.Audience(ctx)
	if err != nil {
		return nil, err
	}
	v := s.view(r, "briefings.admin_title")
	v.Data = map[string]any{"Briefings": list, "Next": next, "Mailed": mailed, "HeldBack": held,
		"CanEdit": v.Actor.Can(advocate.PermEdit)}
	return v, nil
}

func (s *Server) adminBriefings(w http.ResponseWriter, r *http.Request) {
	v, err := s.briefingsView(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin_briefings", v)
}

// briefingForm reads the briefing form. An image sent with it is stored
// as an upload and added to the end of the body as Markdown, so that staff
// need not know its address.
func (s *Server) briefingForm(r *http.Request) (advocate.BriefingInput, error) {
	in := advocate.BriefingInput{Title: r.PostForm.Get("title"), Body: r.PostForm.Get("body")}
	u, err := s.uploadFile(r, "image")
	if err != nil {
		if e, ok := err.(*samtal.Error); ok && e.Field == "file" {
			return in, &samtal.Error{Code: e.Code, Message: e.Message, Field: "image"}
		}
		return in, err
	}
	if u != nil {
		alt := strings.NewReplacer("[", "", "]", "", "\n", " ", "\r", "").Replace(strings.TrimSpace(r.PostForm.Get("image_alt")))
		in.Body = strings.TrimRight(in.Body, "\n") + "\n\n![" + alt + "](" + u.URL() + ")"
	}
	return in, nil
}

func (s *Server) adminBriefingCreate(w http.ResponseWriter, r *http.Request) {
	in, err := s.briefingForm(r)
	var b *advocate.Briefing
	if err == nil {
		b, err = s.Advocates.CreateBriefing(r.Context(), in)
	}
	if err != nil {
		v, verr := s.briefingsView(r)
		if verr != nil {
			s.pageFail(w, r, verr)
			return
		}
		v.Form["title"], v.Form["body"], v.Form["image_alt"] = in.Title, in.Body, r.PostForm.Get("image_alt")
		s.formError(w, r, "admin_briefings", v, err)
		return
	}
	http.Redirect(w, r, "/admin/briefings/"+strconv.FormatInt(b.ID, 10)+"?flash=flash.briefing_saved", http.StatusSeeOther)
}

// briefingView is the view of one briefing for staff: the preview, the
// form while it is a draft, what sending would do, and its recipients.
func (s *Server) briefingView(r *http.Request, id int64) (*view, *advocate.Briefing, error) {
	ctx := r.Context()
	b, err := s.Advocates.Briefing(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	v := s.view(r, "briefings.admin_title")
	d := map[string]any{"Briefing": b, "CanEdit": v.Actor.Can(advocate.PermEdit) && b.State == advocate.Draft}
	if b.State == advocate.Draft {
		if d["Mailed"], d["HeldBack"], err = s.Advocates.Audience(ctx); err != nil {
			return nil, nil, err
		}
	} else {
		list, next, err := s.Advocates.Recipients(ctx, id, r.URL.Query().Get("after"), advocate.MaxLimit)
		if err != nil {
			return nil, nil, err
		}
		d["Recipients"], d["Next"] = list, next
	}
	v.Form["title"], v.Form["body"] = b.Title, b.Body
	v.Data = d
	return v, b, nil
}

func (s *Server) adminBriefing(w http.ResponseWriter, r *http.Request) {
	id, err := pathInt(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	v, _, err := s.briefingView(r, id)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin_briefing", v)
}

func (s *Server) adminBriefingUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathInt(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	in, err := s.briefingForm(r)
	if err == nil {
		_, err = s.Advocates.UpdateBriefing(r.Context(), id, in)
	}
	if err != nil {
		if samtal.ErrorCode(err) != samtal.EINVALID {
			s.pageFail(w, r, err)
			return
		}
		v, _, verr := s.briefingView(r, id)
		if verr != nil {
			s.pageFail(w, r, verr)
			return
		}
		v.Form["title"], v.Form["body"], v.Form["image_alt"] = in.Title, in.Body, r.PostForm.Get("image_alt")
		s.formError(w, r, "admin_briefing", v, err)
		return
	}
	http.Redirect(w, r, "/admin/briefings/"+strconv.FormatInt(id, 10)+"?flash=flash.briefing_saved", http.StatusSeeOther)
}

func (s *Server) adminBriefingSend(w http.ResponseWriter, r *http.Request) {
	id, err := pathInt(r)
	if err == nil {
		_, err = s.Advocates.Send(r.Context(), id)
	}
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/briefings/"+strconv.FormatInt(id, 10)+"?flash=flash.briefing_sent", http.StatusSeeOther)
}

// The advocates' own pages.

// briefingsPage shows a signed-in person their invitation (to accept or
// decline), their place in the group, and the briefings they may read.
func (s *Server) briefingsPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	me, err := s.Advocates.Mine(ctx)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	list, next, err := s.Advocates.MyBriefings(ctx, r.URL.Query().Get("before"), 30)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	v := s.view(r, "briefings.title")
	v.Data = map[string]any{"Me": me, "Briefings": list, "Next": next}
	s.render(w, r, http.StatusOK, "briefings", v)
}

// briefingPage shows one briefing; opening it is the reader's read.
func (s *Server) briefingPage(w http.ResponseWriter, r *http.Request) {
	id, err := pathInt(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	b, err := s.Advocates.Read(r.Context(), id)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	v := s.view(r, "briefings.title")
	v.Data = b
	s.render(w, r, http.StatusOK, "briefing", v)
}

// advocateAnswer takes the signed-in person's answer: accept or decline
// their invitation, or leave the group.
func (s *Server) advocateAnswer(w http.ResponseWriter, r *http.Request) {
	answer := r.PostForm.Get("answer")
	if _, err := s.Advocates.Answer(r.Context(), answer); err != nil {
		s.pageFail(w, r, err)
		return
	}
	flash := map[string]string{advocate.AnswerAccept: "flash.advocate_accepted", advocate.AnswerDecline: "flash.advocate_declined",
		advocate.AnswerLeave: "flash.advocate_left"}[answer]
	http.Redirect(w, r, "/briefings?flash="+flash, http.StatusSeeOther)
}

// briefingUnsubscribeForm shows the button; opening the link changes
// nothing, so that mail scanners following links unsubscribe nobody.
func (s *Server) briefingUnsubscribeForm(w http.ResponseWriter, r *http.Request) {
	if err := s.Advocates.CheckUnsubscribe(r.Context(), r.PathValue("token")); err != nil {
		s.pageFail(w, r, err)
		return
	}
	s.confirmPage(w, r, "briefings.unsubscribe_title", "briefings.unsubscribe_message", "briefings.unsubscribe_button")
}

// briefingUnsubscribe withdraws the consent to briefings. It is a page
// route with the CSRF check (the button of our page): briefing mails name
// the page in List-Unsubscribe but offer no RFC 8058 one-click POST, since
// the notification unsubscribe is to stay the one route without the check.
func (s *Server) briefingUnsubscribe(w http.ResponseWriter, r *http.Request) {
	if err := s.Advocates.Unsubscribe(r.Context(), r.PathValue("token")); err != nil {
		s.pageFail(w, r, err)
		return
	}
	v := s.view(r, "briefings.unsubscribe_title")
	v.Data = map[string]any{"Message": "briefings.unsubscribe_done"}
	s.render(w, r, http.StatusOK, "message", v)
}

// The API.

// apiWhy is one part of a score.
type apiWhy struct {
	Part   string  `json:"part"`
	Count  int     `json:"count"`
	Points float64 `json:"points"`
	Text   string  `json:"text"`
}

// apiScore is a person's score as the API shows it.
type apiScore struct {
	PersonID   string   `json:"person_id"`
	Score      float64  `json:"score"`
	Parts      []apiWhy `json:"parts"`
	ComputedAt string   `json:"computed_at"`
}

func (s *Server) toAPIScore(lang string, sc advocate.Score) apiScore {
	out := apiScore{PersonID: apiID(sc.PersonID), Score: round2(sc.Points), Parts: []apiWhy{}, ComputedAt: apiTime(sc.ComputedAt)}
	for _, w := range s.whyOf(lang, sc) {
		out.Parts = append(out.Parts, apiWhy{Part: w.Part, Count: w.Count, Points: round2(w.Points), Text: w.Text})
	}
	return out
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

// apiCandidate is a candidate as the API shows them.
type apiCandidate struct {
	PersonID string   `json:"person_id"`
	Name     string   `json:"name"`
	Locale   string   `json:"locale"`
	Score    float64  `json:"score"`
	Parts    []apiWhy `json:"parts"`
}

func (s *Server) apiAdvocateCandidates(w http.ResponseWriter, r *http.Request) {
	limit, cursor, err := apiPage(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	list, next, err := s.Advocates.Candidates(r.Context(), cursor, limit)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := apiList[apiCandidate]{Items: make([]apiCandidate, 0, len(list)), Next: next}
	for _, c := range list {
		sc := s.toAPIScore(langOf(r), c.Score)
		out.Items = append(out.Items, apiCandidate{PersonID: apiID(c.PersonID), Name: c.Name, Locale: c.Locale, Score: sc.Score, Parts: sc.Parts})
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiAdvocateScore(w http.ResponseWriter, r *http.Request) {
	id, err := pathInt(r)
	var sc *advocate.Score
	if err == nil {
		sc, err = s.Advocates.Score(r.Context(), id)
	}
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.toAPIScore(langOf(r), *sc))
}

func (s *Server) apiRecomputeAdvocateScore(w http.ResponseWriter, r *http.Request) {
	id, err := pathInt(r)
	var sc *advocate.Score
	if err == nil {
		sc, err = s.Advocates.Recompute(r.Context(), id)
	}
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.toAPIScore(langOf(r), *sc))
}

// apiAdvocate is a person's place in the group as the API shows it; an
// advocate's id is their person's.
type apiAdvocate struct {
	PersonID          string `json:"person_id"`
	Name              string `json:"name"`
	State             string `json:"state"`
	InvitedAt         string `json:"invited_at"`
	InvitedByPersonID string `json:"invited_by_person_id"`
	AnsweredAt        string `json:"answered_at"`
	JoinedAt          string `json:"joined_at"`
	RemovedAt         string `json:"removed_at"`
}

func toAPIAdvocate(m *advocate.Member) apiAdvocate {
	return apiAdvocate{PersonID: apiID(m.PersonID), Name: m.Name, State: m.State, InvitedAt: apiTime(m.InvitedAt),
		InvitedByPersonID: apiID(m.InvitedBy), AnsweredAt: apiTime(m.AnsweredAt), JoinedAt: apiTime(m.JoinedAt), RemovedAt: apiTime(m.RemovedAt)}
}

func (s *Server) apiAdvocates(w http.ResponseWriter, r *http.Request) {
	limit, cursor, err := apiPage(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	var states []string
	if v := r.URL.Query().Get("state"); v != "" {
		states = strings.Split(v, ",")
	}
	list, next, err := s.Advocates.Members(r.Context(), states, cursor, limit)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := apiItems(list, toAPIAdvocate)
	out.Next = next
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiInviteAdvocate(w http.ResponseWriter, r *http.Request) {
	var in struct {
		PersonID string `json:"person_id"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	id, err := strconv.ParseInt(in.PersonID, 10, 64)
	if err != nil || id <= 0 {
		s.apiFail(w, r, samtal.FieldError("person_id", "error.advocate_person_invalid"))
		return
	}
	m, err := s.Advocates.Invite(r.Context(), id)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toAPIAdvocate(m))
}

func (s *Server) apiRemoveAdvocate(w http.ResponseWriter, r *http.Request) {
	id, err := pathInt(r)
	var m *advocate.Member
	if err == nil {
		m, err = s.Advocates.Remove(r.Context(), id)
	}
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAPIAdvocate(m))
}

// apiMyAdvocacy is the caller's own place in the group ("none" if they
// never had one).
func (s *Server) apiMyAdvocacy(w http.ResponseWriter, r *http.Request) {
	m, err := s.Advocates.Mine(r.Context())
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	if m == nil {
		writeJSON(w, http.StatusOK, apiAdvocate{PersonID: apiID(stateOf(r).actor.PersonID), State: "none"})
		return
	}
	writeJSON(w, http.StatusOK, toAPIAdvocate(m))
}

func (s *Server) apiAnswerAdvocacy(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Answer string `json:"answer"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	m, err := s.Advocates.Answer(r.Context(), in.Answer)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAPIAdvocate(m))
}

// apiBriefing is a briefing as the API shows it to staff.
type apiBriefing struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Body     string `json:"body"`
	BodyHTML string `json:"body_html"`
	State    string `json:"state"`
	Created  string `json:"created_at"`
	Updated  string `json:"updated_at"`
	SentAt   string `json:"sent_at"`
	SentBy   string `json:"sent_by_person_id"`
	Mailed   int    `json:"mailed"`
	HeldBack int    `json:"held_back"`
	Read     int    `json:"read"`
}

func toAPIBriefing(b *advocate.Briefing) apiBriefing {
	return apiBriefing{ID: apiID(b.ID), Title: b.Title, Body: b.Body, BodyHTML: b.BodyHTML, State: b.State,
		Created: apiTime(b.CreatedAt), Updated: apiTime(b.UpdatedAt), SentAt: apiTime(b.SentAt), SentBy: apiID(b.SentBy),
		Mailed: b.Mailed, HeldBack: b.HeldBack, Read: b.Read}
}

func (s *Server) apiBriefings(w http.ResponseWriter, r *http.Request) {
	limit, cursor, err := apiPage(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	list, next, err := s.Advocates.Briefings(r.Context(), cursor, limit)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := apiItems(list, toAPIBriefing)
	out.Next = next
	writeJSON(w, http.StatusOK, out)
}

// briefingIn is the body of a new or changed briefing.
type briefingIn struct {
	Title *string `json:"title"`
	Body  *string `json:"body"`
}

func (s *Server) apiCreateBriefing(w http.ResponseWriter, r *http.Request) {
	var in briefingIn
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	b, err := s.Advocates.CreateBriefing(r.Context(), advocate.BriefingInput{Title: deref(in.Title), Body: deref(in.Body)})
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/briefings/"+apiID(b.ID))
	writeJSON(w, http.StatusCreated, toAPIBriefing(b))
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func (s *Server) apiBriefing(w http.ResponseWriter, r *http.Request) {
	id, err := pathInt(r)
	var b *advocate.Briefing
	if err == nil {
		b, err = s.Advocates.Briefing(r.Context(), id)
	}
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAPIBriefing(b))
}

// apiUpdateBriefing changes a draft; fields left out stay.
func (s *Server) apiUpdateBriefing(w http.ResponseWriter, r *http.Request) {
	id, err := pathInt(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	var in briefingIn
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	b, err := s.Advocates.Briefing(r.Context(), id)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	patch := advocate.BriefingInput{Title: b.Title, Body: b.Body}
	if in.Title != nil {
		patch.Title = *in.Title
	}
	if in.Body != nil {
		patch.Body = *in.Body
	}
	if b, err = s.Advocates.UpdateBriefing(r.Context(), id, patch); err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAPIBriefing(b))
}

func (s *Server) apiSendBriefing(w http.ResponseWriter, r *http.Request) {
	id, err := pathInt(r)
	var b *advocate.Briefing
	if err == nil {
		b, err = s.Advocates.Send(r.Context(), id)
	}
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAPIBriefing(b))
}

// apiRecipient is one recipient of a briefing.
type apiRecipient struct {
	PersonID  string `json:"person_id"`
	Name      string `json:"name"`
	MailState string `json:"mail_state"`
	QueuedAt  string `json:"queued_at"`
	SentAt    string `json:"sent_at"`
	ReadAt    string `json:"read_at"`
}

func toAPIRecipient(rc *advocate.Recipient) apiRecipient {
	return apiRecipient{PersonID: apiID(rc.PersonID), Name: rc.Name, MailState: rc.MailState,
		QueuedAt: apiTime(rc.QueuedAt), SentAt: apiTime(rc.SentAt), ReadAt: apiTime(rc.ReadAt)}
}

func (s *Server) apiBriefingRecipients(w http.ResponseWriter, r *http.Request) {
	id, err := pathInt(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	limit, cursor, err := apiPage(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	list, next, err := s.Advocates.Recipients(r.Context(), id, cursor, limit)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := apiItems(list, toAPIRecipient)
	out.Next = next
	writeJSON(w, http.StatusOK, out)
}
