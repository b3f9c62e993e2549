package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/account"
	"github.com/samtal-dev/samtal/consent"
)

// Consent: the API of a person's consents, the member's settings section,
// the sign-up checkbox, and the admins' page of consent texts.

// apiConsentText is a consent text version as the API shows it.
type apiConsentText struct {
	ID          string `json:"id"`
	Purpose     string `json:"purpose"`
	Lang        string `json:"lang"`
	Version     int    `json:"version"`
	Body        string `json:"body"`
	SHA256      string `json:"sha256"`
	Published   bool   `json:"published"`
	PublishedAt string `json:"published_at"`
	CreatedAt   string `json:"created_at"`
}

func toAPIConsentText(t *consent.Text) *apiConsentText {
	if t == nil {
		return nil
	}
	out := &apiConsentText{ID: apiID(t.ID), Purpose: t.Purpose, Lang: t.Lang, Version: t.Version, Body: t.Body, SHA256: t.SHA256,
		Published: t.Published(), CreatedAt: t.CreatedAt.UTC().Format(time.RFC3339)}
	if t.Published() {
		out.PublishedAt = t.PublishedAt.UTC().Format(time.RFC3339)
	}
	return out
}

// apiConsent is one consent record as the API shows it.
type apiConsent struct {
	ID            string          `json:"id"`
	PersonID      string          `json:"person_id"`
	Purpose       string          `json:"purpose"`
	Given         bool            `json:"given"`
	Channel       string          `json:"channel"`
	IdentityID    string          `json:"identity_id"`
	ActorPersonID string          `json:"actor_person_id"`
	CreatedAt     string          `json:"created_at"`
	Text          *apiConsentText `json:"text"`
}

func toAPIConsent(r *consent.Record) apiConsent {
	return apiConsent{ID: apiID(r.ID), PersonID: apiID(r.PersonID), Purpose: r.Purpose, Given: r.Given, Channel: r.Channel,
		IdentityID: apiID(r.IdentityID), ActorPersonID: apiID(r.ActorPersonID), CreatedAt: r.CreatedAt.UTC().Format(time.RFC3339),
		Text: toAPIConsentText(r.Text)}
}

// apiConsentStatus is a person's current consent for one purpose.
type apiConsentStatus struct {
	Purpose  string `json:"purpose"`
	Given    bool   `json:"given"`
	Since    string `json:"since"`
	RecordID string `json:"record_id"`
}

// apiConsentList is the history, a page of it, with the current consent
// for every purpose beside it.
type apiConsentList struct {
	Items   []apiConsent       `json:"items"`
	Next    string             `json:"next"`
	Current []apiConsentStatus `json:"current"`
}

func (s *Server) apiConsents(w http.ResponseWriter, r *http.Request) {
	id, err := personID(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	limit, cursor, err := apiPage(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	list, next, err := s.Consents.History(r.Context(), id, cursor, limit)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	cur, err := s.Consents.Current(r.Context(), id)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := apiConsentList{Items: make([]apiConsent, 0, len(list)), Next: next, Current: make([]apiConsentStatus, 0, len(cur))}
	for k := range list {
		out.Items = append(out.Items, toAPIConsent(&list[k]))
	}
	for _, st := range cur {
		cs := apiConsentStatus{Purpose: st.Purpose, Given: st.Given}
		if st.Record != nil {
			cs.Since, cs.RecordID = st.Record.CreatedAt.UTC().Format(time.RFC3339), apiID(st.Record.ID)
		}
		out.Current = append(out.Current, cs)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiRecordConsent(w http.ResponseWriter, r *http.Request) {
	id, err := personID(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	var in struct {
		Purpose    string `json:"purpose"`
		Given      *bool  `json:"given"`
		Text       string `json:"text"`
		TextID     string `json:"text_id"`
		Lang       string `json:"lang"`
		Channel    string `json:"channel"`
		IdentityID string `json:"identity_id"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	if in.Given == nil {
		s.apiFail(w, r, samtal.FieldError("given", "error.consent_given_required"))
		return
	}
	textID, err := optionalID(in.TextID, "text_id")
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	identityID, err := optionalID(in.IdentityID, "identity_id")
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	rec, err := s.Consents.Record(r.Context(), id, consent.Input{Purpose: in.Purpose, Given: *in.Given, Text: in.Text, TextID: textID,
		Lang: in.Lang, Channel: in.Channel, IdentityID: identityID})
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toAPIConsent(rec))
}

// optionalID reads an id given as a string in a body: "" is none.
func optionalID(v, field string) (int64, error) {
	if v == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, samtal.FieldError(field, "error.id_invalid")
	}
	return id, nil
}

// consentItem is one purpose in the settings: the checkbox, the text it
// shows, and since when the current choice holds.
type consentItem struct {
	Purpose string
	Given   bool
	Since   time.Time
	Text    *consent.Text // the current text in the reader's language
	// Seen is the text of the record that decides, when it is not Text
	// (an older version, or one gathered elsewhere).
	Seen *consent.Text
}

// consentSettings is the consent part of the settings page.
type consentSettings struct {
	Items   []consentItem
	History []consent.Record
	// MailText is the idea_emails text shown beside the mail choice.
	MailText *consent.Text
	// MailWaits is set when the member's mail setting asks for mail but
	// they have not consented (an account from before consent records).
	MailWaits bool
}

// consentSettingsFor reads the member's consent for the settings page.
func (s *Server) consentSettingsFor(ctx context.Context, acc *account.Account, lang string) (*consentSettings, error) {
	cur, err := s.Consents.Current(ctx, acc.PersonID)
	if err != nil {
		return nil, err
	}
	hist, _, err := s.Consents.History(ctx, acc.PersonID, "", consent.MaxLimit)
	if err != nil {
		return nil, err
	}
	out := &consentSettings{History: hist}
	for _, st := range cur {
		t, err := s.Consents.Shown(ctx, st.Purpose, lang)
		if err != nil {
			return nil, err
		}
		if t == nil && !st.Given {
			continue // nothing to agree to, nothing to take back
		}
		it := consentItem{Purpose: st.Purpose, Given: st.Given, Text: t}
		if st.Record != nil {
			it.Since = st.Record.CreatedAt
			if st.Record.Text != nil && (t == nil || st.Record.Text.ID != t.ID) {
				it.Seen = st.Record.Text
			}
		}
		out.Items = append(out.Items, it)
		if st.Purpose == consent.IdeaEmails {
			out.MailText = t
			out.MailWaits = !st.Given && acc.NotifyEmail != account.NotifyOff
		}
	}
	return out, nil
}

// settingsConsents saves the member's consent checkboxes: one per purpose
// the page showed, each with the text version it showed.
func (s *Server) settingsConsents(w http.ResponseWriter, r *http.Request) {
	acc := stateOf(r).account
	f := r.PostForm
	var choices []consent.Input
	for _, p := range f["shown"] {
		if !consent.ValidPurpose(p) {
			s.settingsResult(w, r, samtal.FieldError("purpose", "error.consent_purpose_invalid"), "")
			return
		}
		textID, err := optionalID(f.Get("text_"+p), "text_id")
		if err != nil {
			s.settingsResult(w, r, err, "")
			return
		}
		choices = append(choices, consent.Input{Purpose: p, Given: slices.Contains(f["given"], p), TextID: textID,
			Lang: langOf(r), Channel: consent.ChannelSettings})
	}
	_, err := s.Consents.Apply(r.Context(), acc.PersonID, choices)
	s.settingsResult(w, r, err, "flash.consent_saved")
}

// signUpConsent is the idea_emails text the sign-up form offers, or nil
// when none is published.
func (s *Server) signUpConsent(r *http.Request) *consent.Text {
	if s.Consents == nil {
		return nil
	}
	t, err := s.Consents.Shown(r.Context(), consent.IdeaEmails, langOf(r))
	if err != nil {
		s.Log.Warn("consent text for the sign-up form", "request_id", requestID(r), "err", err)
		return nil
	}
	return t
}

// signUpConsentTexts reads the texts ticked on the sign-up form.
func signUpConsentTexts(r *http.Request) ([]int64, error) {
	var ids []int64
	for _, v := range r.PostForm["consent"] {
		id, err := optionalID(v, "consent")
		if err != nil {
			return nil, err
		}
		if id != 0 {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// consentTextsPage is the admins' page: the current text of every purpose
// in every language, all versions, and the form that publishes a new one.
type consentTextsPage struct {
	Purposes  []string
	Languages []string
	Current   map[string]*consent.Text // purpose + "/" + lang
	Texts     []consent.Text
}

// CurrentText returns the text shown for purpose in lang, or nil.
func (p *consentTextsPage) CurrentText(purpose, lang string) *consent.Text {
	return p.Current[purpose+"/"+lang]
}

func (s *Server) consentTextsView(r *http.Request) (*view, error) {
	texts, err := s.Consents.Texts(r.Context())
	if err != nil {
		return nil, err
	}
	v := s.view(r, "admin.consent_texts")
	page := &consentTextsPage{Purposes: consent.Purposes, Languages: v.Languages(), Current: map[string]*consent.Text{}, Texts: texts}
	for k := range texts {
		t := &texts[k]
		key := t.Purpose + "/" + t.Lang
		if t.Published() && (page.Current[key] == nil || t.PublishedAt.After(page.Current[key].PublishedAt)) {
			page.Current[key] = t
		}
	}
	v.Data = page
	return v, nil
}

func (s *Server) adminConsentTexts(w http.ResponseWriter, r *http.Request) {
	v, err := s.consentTextsView(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	v.Form["purpose"], v.Form["lang"] = r.URL.Query().Get("purpose"), r.URL.Query().Get("lang")
	s.render(w, r, http.StatusOK, "admin_consent_texts", v)
}

func (s *Server) adminConsentTextPublish(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	t, err := s.Consents.Publish(r.Context(), f.Get("purpose"), f.Get("lang"), f.Get("body"))
	if err != nil {
		v, verr := s.consentTextsView(r)
		if verr != nil {
			s.pageFail(w, r, verr)
			return
		}
		v.Form["purpose"], v.Form["lang"], v.Form["body"] = f.Get("purpose"), f.Get("lang"), f.Get("body")
		s.formError(w, r, "admin_consent_texts", v, err)
		return
	}
	http.Redirect(w, r, "/admin/consent-texts?flash=flash.consent_text_published&purpose="+t.Purpose+"&lang="+t.Lang, http.StatusSeeOther)
}

// ConsentLabel is the reader's name of a purpose.
func (v *view) ConsentLabel(purpose string) string { return v.T("consent.purpose." + purpose) }

// ConsentChannel is the reader's name of a channel.
func (v *view) ConsentChannel(channel string) string {
	if strings.ContainsAny(channel, " ./") {
		return channel
	}
	return v.T("consent.channel." + channel)
}
