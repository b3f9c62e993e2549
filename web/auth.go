package web

import (
	"net/http"
	"net/url"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/account"
	"github.com/samtal-dev/samtal/consent"
)

// The sign-up, sign-in, verification, reset and sign-out pages.

func (s *Server) signInForm(w http.ResponseWriter, r *http.Request) {
	v := s.view(r, "signin.title")
	v.Form["next"] = localPath(r.URL.Query().Get("next"))
	s.render(w, r, http.StatusOK, "signin", v)
}

func (s *Server) signIn(w http.ResponseWriter, r *http.Request) {
	v := s.view(r, "signin.title")
	v.Form["email"] = r.PostForm.Get("email")
	v.Form["next"] = localPath(r.PostForm.Get("next"))
	sess, _, err := s.Accounts.SignIn(r.Context(), account.SignInInput{
		Email: r.PostForm.Get("email"), Password: r.PostForm.Get("password"),
		IP: s.clientIP(r), UserAgent: r.UserAgent(),
	})
	if err != nil {
		s.formError(w, r, "signin", v, err)
		return
	}
	s.setSessionCookie(w, sess)
	http.Redirect(w, r, v.Form["next"], http.StatusSeeOther)
}

// signUpData is what the sign-up form shows besides its fields: the
// consent to mails about ideas, with its text.
type signUpData struct {
	ConsentText *consent.Text
}

func (s *Server) signUpForm(w http.ResponseWriter, r *http.Request) {
	v := s.view(r, "signup.title")
	v.Data = &signUpData{ConsentText: s.signUpConsent(r)}
	s.render(w, r, http.StatusOK, "signup", v)
}

func (s *Server) signUp(w http.ResponseWriter, r *http.Request) {
	v := s.view(r, "signup.title")
	f := r.PostForm
	v.Form["email"], v.Form["name"] = f.Get("email"), f.Get("name")
	v.Data = &signUpData{ConsentText: s.signUpConsent(r)}
	if len(f["consent"]) > 0 {
		v.Form["consent"] = "on"
	}
	consents, err := signUpConsentTexts(r)
	if err == nil {
		err = s.Accounts.SignUp(r.Context(), account.SignUpInput{
			Email: f.Get("email"), Name: f.Get("name"), Password: f.Get("password"), Locale: v.Lang, IP: s.clientIP(r),
			ConsentTexts: consents,
		})
	}
	if err != nil {
		s.formError(w, r, "signup", v, err)
		return
	}
	// The same answer whether or not the email had an account already.
	v = s.view(r, "signup.title")
	v.Data = map[string]any{"Message": "signup.check_mail"}
	s.render(w, r, http.StatusOK, "message", v)
}

func (s *Server) signOut(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.Accounts.SignOut(r.Context(), c.Value); err != nil {
			s.pageFail(w, r, err)
			return
		}
	}
	s.clearCookie(w, sessionCookie)
	http.Redirect(w, r, "/?flash=flash.signed_out", http.StatusSeeOther)
}

// The links in mails show a page with a button, and act on POST only: mail
// scanners that follow links must not use them up.

func (s *Server) confirmPage(w http.ResponseWriter, r *http.Request, title, message, button string) {
	v := s.view(r, title)
	v.Data = map[string]any{"Message": message, "Button": button, "Action": r.URL.EscapedPath()}
	s.render(w, r, http.StatusOK, "confirm", v)
}

func (s *Server) verifyForm(w http.ResponseWriter, r *http.Request) {
	s.confirmPage(w, r, "verify.title", "verify.message", "verify.button")
}

func (s *Server) verify(w http.ResponseWriter, r *http.Request) {
	acc, err := s.Accounts.Verify(r.Context(), r.PathValue("token"))
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	s.signInAndGo(w, r, acc, "/?flash=flash.verified")
}

func (s *Server) linkForm(w http.ResponseWriter, r *http.Request) {
	s.confirmPage(w, r, "link.title", "link.message", "link.button")
}

func (s *Server) linkSignIn(w http.ResponseWriter, r *http.Request) {
	acc, err := s.Accounts.SignInWithLink(r.Context(), r.PathValue("token"))
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	s.signInAndGo(w, r, acc, "/settings?flash=flash.set_password")
}

// signInAndGo starts a fresh session for acc (ending the one the browser had)
// and redirects.
func (s *Server) signInAndGo(w http.ResponseWriter, r *http.Request, acc *account.Account, to string) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		s.Accounts.SignOut(r.Context(), c.Value)
	}
	sess, err := s.Accounts.StartSession(r.Context(), acc, s.clientIP(r), r.UserAgent())
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	s.setSessionCookie(w, sess)
	http.Redirect(w, r, to, http.StatusSeeOther)
}

func (s *Server) resetRequestForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "reset_request", s.view(r, "reset.title"))
}

func (s *Server) resetRequest(w http.ResponseWriter, r *http.Request) {
	v := s.view(r, "reset.title")
	v.Form["email"] = r.PostForm.Get("email")
	if err := s.Accounts.RequestReset(r.Context(), r.PostForm.Get("email"), s.clientIP(r)); err != nil {
		s.formError(w, r, "reset_request", v, err)
		return
	}
	v.Data = map[string]any{"Message": "reset.check_mail"}
	s.render(w, r, http.StatusOK, "message", v)
}

func (s *Server) resetForm(w http.ResponseWriter, r *http.Request) {
	v := s.view(r, "reset.title")
	v.Data = map[string]any{"Action": r.URL.EscapedPath()}
	s.render(w, r, http.StatusOK, "reset", v)
}

func (s *Server) reset(w http.ResponseWriter, r *http.Request) {
	acc, err := s.Accounts.ResetPassword(r.Context(), r.PathValue("token"), r.PostForm.Get("password"))
	if samtal.ErrorCode(err) == samtal.EINVALID {
		v := s.view(r, "reset.title")
		v.Data = map[string]any{"Action": r.URL.EscapedPath()}
		s.formError(w, r, "reset", v, err)
		return
	}
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	s.signInAndGo(w, r, acc, "/?flash=flash.password_changed")
}

func (s *Server) switchLanguage(w http.ResponseWriter, r *http.Request) {
	lang := r.PostForm.Get("lang")
	if err := account.CheckLocale(lang); err != nil || lang == "" {
		s.pageFail(w, r, samtal.FieldError("lang", "error.locale_invalid"))
		return
	}
	st := stateOf(r)
	if st.account != nil {
		if err := s.Accounts.UpdateProfile(r.Context(), st.account.Name, lang); err != nil {
			s.pageFail(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
	next := localPath(r.PostForm.Get("next"))
	// Drop a one-time flash from the page the switch came from.
	if u, err := url.Parse(next); err == nil && u.Query().Has("flash") {
		q := u.Query()
		q.Del("flash")
		u.RawQuery = q.Encode()
		next = u.String()
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}
