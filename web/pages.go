package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/account"
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/outbox"
)

// The home page, campaigns, settings and the staff pages.

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	err := &samtal.Error{Code: samtal.ENOTFOUND, Message: "error.not_found"}
	if _, pattern := s.probe.Handler(r); pattern != "" {
		w.Header().Set("Allow", strings.Join(s.allow[pattern], ", "))
		err = &samtal.Error{Code: samtal.EMETHOD, Message: "error.method"}
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		s.apiFail(w, r, err)
		return
	}
	s.pageFail(w, r, err)
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	list, err := s.Campaigns.List(r.Context())
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	v := s.view(r, "home.title")
	v.Data = list
	s.render(w, r, http.StatusOK, "home", v)
}

type settingsData struct {
	Tokens   []*account.APIToken
	NewToken string
	// Consent is the member's consent per purpose and its history.
	Consent *consentSettings
}

func (s *Server) settingsView(r *http.Request) (*view, error) {
	tokens, err := s.Accounts.Tokens(r.Context())
	if err != nil {
		return nil, err
	}
	v := s.view(r, "settings.title")
	v.Form["name"], v.Form["locale"] = v.Account.Name, v.Account.Locale
	data := &settingsData{Tokens: tokens}
	if s.Consents != nil && v.Account.PersonID != 0 {
		if data.Consent, err = s.consentSettingsFor(r.Context(), v.Account, v.Lang); err != nil {
			return nil, err
		}
		// Mail about ideas goes only with consent: without it the choice
		// shows what happens, no mail.
		if data.Consent.MailWaits {
			v.Form["notify_email"] = account.NotifyOff
		}
	}
	v.Data = data
	return v, nil
}

func (s *Server) settings(w http.ResponseWriter, r *http.Request) {
	v, err := s.settingsView(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "settings", v)
}

// settingsResult re-renders settings with err on its field, or redirects
// with a flash on success.
func (s *Server) settingsResult(w http.ResponseWriter, r *http.Request, err error, flash string) {
	if err == nil {
		http.Redirect(w, r, "/settings?flash="+flash, http.StatusSeeOther)
		return
	}
	v, verr := s.settingsView(r)
	if verr != nil {
		s.pageFail(w, r, verr)
		return
	}
	for k := range r.PostForm {
		if k != "csrf" && k != "password" && k != "current_password" && k != "new_password" {
			v.Form[k] = r.PostForm.Get(k)
		}
	}
	s.formError(w, r, "settings", v, err)
}

func (s *Server) settingsProfile(w http.ResponseWriter, r *http.Request) {
	err := s.Accounts.UpdateProfile(r.Context(), r.PostForm.Get("name"), r.PostForm.Get("locale"))
	if err == nil {
		lang := r.PostForm.Get("locale")
		if lang == "" {
			s.clearCookie(w, langCookie)
		} else {
			http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
				HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
		}
	}
	s.settingsResult(w, r, err, "flash.saved")
}

func (s *Server) settingsPassword(w http.ResponseWriter, r *http.Request) {
	err := s.Accounts.ChangePassword(r.Context(), r.PostForm.Get("current_password"), r.PostForm.Get("new_password"), stateOf(r).session.Hash)
	s.settingsResult(w, r, err, "flash.password_changed")
}

func (s *Server) settingsTokenCreate(w http.ResponseWriter, r *http.Request) {
	tok, err := s.Accounts.CreateToken(r.Context(), r.PostForm.Get("token_name"))
	if err != nil {
		s.settingsResult(w, r, err, "")
		return
	}
	// The secret is shown on this one page and never again.
	v, err := s.settingsView(r)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	v.Data.(*settingsData).NewToken = tok.Secret
	s.render(w, r, http.StatusCreated, "settings", v)
}

func (s *Server) settingsTokenRevoke(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.pageFail(w, r, &samtal.Error{Code: samtal.ENOTFOUND, Message: "error.not_found"})
		return
	}
	if err := s.Accounts.RevokeToken(r.Context(), id); err != nil {
		s.pageFail(w, r, err)
		return
	}
	http.Redirect(w, r, "/settings?flash=flash.token_revoked", http.StatusSeeOther)
}

func (s *Server) adminHome(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "admin", s.view(r, "admin.title"))
}

func (s *Server) adminAccounts(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	list, err := s.Accounts.ListAccounts(r.Context(), account.Filter{Role: samtal.Role(q.Get("role")), Query: q.Get("q"), AfterID: after, Limit: 50})
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	v := s.view(r, "admin.accounts")
	v.Form["role"], v.Form["q"] = q.Get("role"), q.Get("q")
	next := nextCursor(list, 50, func(a *account.Account) int64 { return a.ID })
	v.Data = map[string]any{"Accounts": list, "Roles": samtal.Roles, "Next": next}
	s.render(w, r, http.StatusOK, "admin_accounts", v)
}

func (s *Server) adminAccountRole(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.pageFail(w, r, &samtal.Error{Code: samtal.ENOTFOUND, Message: "error.not_found"})
		return
	}
	if err := s.Accounts.ChangeRole(r.Context(), id, samtal.Role(r.PostForm.Get("role"))); err != nil {
		s.pageFail(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/accounts?flash=flash.saved", http.StatusSeeOther)
}

func (s *Server) adminAudit(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := audit.Filter{Action: q.Get("action"), TargetKind: q.Get("target_kind"), TargetID: q.Get("target_id"), Limit: 50}
	f.BeforeID, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	var err error
	if f.ActorID, err = optionalInt(q, "actor"); err != nil {
		s.pageFail(w, r, err)
		return
	}
	if f.Since, err = optionalDate(q, "since"); err != nil {
		s.pageFail(w, r, err)
		return
	}
	if f.Until, err = optionalDate(q, "until"); err != nil {
		s.pageFail(w, r, err)
		return
	}
	if !f.Until.IsZero() {
		f.Until = f.Until.AddDate(0, 0, 1) // until the end of that day
	}
	list, err := s.Audit.List(r.Context(), f)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	v := s.view(r, "admin.audit")
	for _, k := range []string{"action", "actor", "target_kind", "target_id", "since", "until"} {
		v.Form[k] = q.Get(k)
	}
	v.Data = map[string]any{"Entries": list, "Next": nextCursor(list, f.Limit, func(e audit.Entry) int64 { return e.ID })}
	s.render(w, r, http.StatusOK, "admin_audit", v)
}

func (s *Server) adminOutbox(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	before, _ := strconv.ParseInt(q.Get("before"), 10, 64)
	list, err := s.Outbox.List(r.Context(), outbox.Filter{State: q.Get("state"), To: q.Get("to"), BeforeID: before, Limit: 30})
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	v := s.view(r, "admin.outbox")
	v.Form["state"], v.Form["to"] = q.Get("state"), q.Get("to")
	next := nextCursor(list, 30, func(m *outbox.Mail) int64 { return m.ID })
	v.Data = map[string]any{"Mails": list, "Next": next, "Delivering": s.Outbox.Sender != nil,
		"States": []string{outbox.StateKept, outbox.StateQueued, outbox.StateSent, outbox.StateFailed}}
	s.render(w, r, http.StatusOK, "admin_outbox", v)
}

// nextCursor returns the id a listing continues after when the page came
// back full, or "" when it was the last page.
func nextCursor[T any](list []T, limit int, id func(T) int64) string {
	if len(list) == 0 || len(list) < limit {
		return ""
	}
	return strconv.FormatInt(id(list[len(list)-1]), 10)
}

// optionalDate reads a YYYY-MM-DD filter; empty is the zero time.
func optionalDate(q url.Values, field string) (time.Time, error) {
	v := q.Get(field)
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse("2006-01-02", v)
	if err != nil {
		return time.Time{}, samtal.FieldError(field, "error.date_invalid")
	}
	return t, nil
}

// optionalInt reads a numeric id filter; empty is 0.
func optionalInt(q url.Values, field string) (int64, error) {
	v := q.Get(field)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, samtal.FieldError(field, "error.number_invalid")
	}
	return n, nil
}
