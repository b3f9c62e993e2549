package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"path"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/account"
	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/i18n"
)

// Cookie names.
const (
	sessionCookie = "samtal_session"
	csrfCookie    = "samtal_csrf" // for forms before sign-in
	langCookie    = "samtal_lang"
)

// maxBody caps request bodies; later upload routes raise it for themselves.
const maxBody = 1 << 20

var errBodyTooLarge = errors.New("request body too large")

// reqState is what the middleware learns about a request.
type reqState struct {
	id      string
	lang    string
	actor   samtal.Actor
	account *account.Account
	session *account.Session
	csrf    string // the token forms must carry
}

type stateKey struct{}

func stateOf(r *http.Request) *reqState {
	if st, ok := r.Context().Value(stateKey{}).(*reqState); ok {
		return st
	}
	return &reqState{lang: "en"}
}

func requestID(r *http.Request) string { return stateOf(r).id }
func langOf(r *http.Request) string    { return stateOf(r).lang }

// newID returns a request id. It only has to be unlikely to repeat, not
// unguessable, so it does not need a system call per request.
func newID() string {
	return strconv.FormatUint(mrand.Uint64(), 16)
}

// recoverPanics turns a panic into a 500 with a request id, logged with the
// stack, and keeps the server serving.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := &reqState{id: newID(), lang: "en"}
		r = r.WithContext(context.WithValue(r.Context(), stateKey{}, st))
		w.Header().Set("X-Request-Id", st.id)
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.panics.Inc()
				s.Log.Error("panic in handler", "request_id", st.id, "method", r.Method, "path", r.URL.Path,
					"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				err := fmt.Errorf("panic: %v", v)
				if strings.HasPrefix(r.URL.Path, "/api/") {
					s.apiFail(w, r, err)
				} else {
					s.pageFail(w, r, err)
				}
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// The headers of every page. The policy allows no inline script and no
// other host. Keys are in canonical form so they can be assigned directly.
var pageHeaders = [][2]string{
	{"Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"},
	{"X-Frame-Options", "DENY"},
	{"Referrer-Policy", "same-origin"},
	{"Permissions-Policy", "camera=(), microphone=(), geolocation=()"},
	{"Cross-Origin-Opener-Policy", "same-origin"},
}

// securityHeaders sets the security headers. JSON and probes need only
// nosniff: the page headers guard documents that a browser renders.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h["X-Content-Type-Options"] = []string{"nosniff"}
		if !strings.HasPrefix(r.URL.Path, "/api/") && r.URL.Path != "/healthz" && r.URL.Path != "/readyz" && r.URL.Path != "/metrics" {
			for _, kv := range pageHeaders {
				h[kv[0]] = []string{kv[1]}
			}
		}
		if s.secure {
			h["Strict-Transport-Security"] = []string{"max-age=31536000; includeSubDomains"}
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) crossOriginDenied(w http.ResponseWriter, r *http.Request) {
	err := &samtal.Error{Code: samtal.EFORBIDDEN, Message: "error.cross_origin"}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		s.apiFail(w, r, err)
		return
	}
	s.pageFail(w, r, err)
}

// clientIP is the address a request came from.
func (s *Server) clientIP(r *http.Request) string {
	if s.TrustProxy {
		// The proxy appends the address it saw; everything before it came
		// from the client and proves nothing.
		if f := r.Header.Values("X-Forwarded-For"); len(f) > 0 {
			last := f[len(f)-1]
			if i := strings.LastIndexByte(last, ','); i >= 0 {
				last = last[i+1:]
			}
			if ip := strings.TrimSpace(last); ip != "" {
				return ip
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// statusWriter remembers the status for metrics.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// wrap gives a route its metrics, body limit, authentication, language,
// permission check and CSRF check, in that order.
func (s *Server) wrap(rt route) http.Handler {
	label := rt.Method + " " + rt.Path
	duration := s.durations.WithLabelValues(label)
	ok := s.requests.WithLabelValues(label, "200")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			switch sw.status {
			case 0, http.StatusOK:
				ok.Inc()
			default:
				s.requests.WithLabelValues(label, strconv.Itoa(sw.status)).Inc()
			}
			duration.Observe(time.Since(start).Seconds())
		}()
		w = sw
		if rt.Kind == opsRoute {
			rt.Handler(w, r)
			return
		}
		limit := bodyLimit(rt)
		if r.ContentLength > limit {
			s.fail(rt, w, r, errBodyTooLarge)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)

		st := stateOf(r)
		if err := s.authenticate(rt, w, r, st); err != nil {
			s.fail(rt, w, r, err)
			return
		}
		ctx := samtal.WithActor(r.Context(), st.actor)
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			// A request that only reads looks each campaign up once.
			ctx = campaign.WithReadCache(ctx)
		}
		r = r.WithContext(ctx)
		if rt.Perm != "" {
			if err := st.actor.Require(rt.Perm); err != nil {
				s.fail(rt, w, r, err)
				return
			}
		}
		// oneClickRoute (the mail unsubscribe) is the one POST without it.
		if rt.Kind == pageRoute && rt.Method == http.MethodPost {
			if err := s.checkCSRF(r, st); err != nil {
				s.fail(rt, w, r, err)
				return
			}
		}
		if rt.Kind == apiRoute && rt.Method == http.MethodPost {
			s.idempotent(w, r, rt.Handler)
			return
		}
		rt.Handler(w, r)
		// r is a copy of the server's request: its multipart files are ours
		// to remove.
		if r.MultipartForm != nil {
			r.MultipartForm.RemoveAll()
		}
	})
}

// authenticate finds the actor: a bearer token on API routes, the session
// cookie on pages. A bad token is an error; a stale cookie is just a visitor.
func (s *Server) authenticate(rt route, w http.ResponseWriter, r *http.Request, st *reqState) error {
	ctx := r.Context()
	ip := s.clientIP(r)
	st.actor = samtal.Actor{IP: ip}
	if rt.Kind == apiRoute {
		h := r.Header.Get("Authorization")
		if h == "" {
			st.lang = s.Catalog.Match(r.Header.Get("Accept-Language"))
			return nil
		}
		scheme, tok, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return &samtal.Error{Code: samtal.EUNAUTHORIZED, Message: "error.token_invalid"}
		}
		actor, acc, err := s.Accounts.AuthenticateToken(ctx, strings.TrimSpace(tok), ip)
		if err != nil {
			return err
		}
		st.actor, st.account = actor, acc
		st.lang = s.langFor(r, acc)
		return nil
	}
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		actor, sess, acc, err := s.Accounts.Authenticate(ctx, c.Value, ip)
		switch samtal.ErrorCode(err) {
		case "":
			st.actor, st.session, st.account, st.csrf = actor, sess, acc, sess.CSRFToken
			if sess.Refreshed {
				sess.Token = c.Value
				s.setSessionCookie(w, sess)
			}
		case samtal.EUNAUTHORIZED:
			s.clearCookie(w, sessionCookie)
		default:
			return err
		}
	}
	st.lang = s.langFor(r, st.account)
	if st.csrf == "" {
		st.csrf = s.anonymousCSRF(w, r)
	}
	return nil
}

// langFor picks the UI language: the account's, else the visitor's choice,
// else the browser's.
func (s *Server) langFor(r *http.Request, acc *account.Account) string {
	if acc != nil && i18n.Supported(acc.Locale) {
		return acc.Locale
	}
	if c, err := r.Cookie(langCookie); err == nil && i18n.Supported(c.Value) {
		return c.Value
	}
	return s.Catalog.Match(r.Header.Get("Accept-Language"))
}

// anonymousCSRF returns the double-submit token of a visitor, setting the
// cookie when there is none yet.
func (s *Server) anonymousCSRF(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 32 {
		return c.Value
	}
	b := make([]byte, 24)
	rand.Read(b)
	v := base64.RawURLEncoding.EncodeToString(b)
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: v, Path: "/", HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
	// The same request may render a form now; it must see the new value.
	r.AddCookie(&http.Cookie{Name: csrfCookie, Value: v})
	return v
}

// checkCSRF compares the form's token with the session's (or the visitor's
// cookie). Cross-origin protection already refused foreign browsers; this
// also covers browsers that send neither Origin nor Sec-Fetch-Site.
func (s *Server) checkCSRF(r *http.Request, st *reqState) error {
	if err := parseForm(r); err != nil {
		return err
	}
	got := r.PostForm.Get("csrf")
	if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(st.csrf)) != 1 {
		return &samtal.Error{Code: samtal.EFORBIDDEN, Message: "error.csrf"}
	}
	return nil
}

// fail answers an error the way the route's kind answers: JSON for the API; for
// pages, a visitor who must sign in is sent to the sign-in page.
func (s *Server) fail(rt route, w http.ResponseWriter, r *http.Request, err error) {
	if rt.Kind == apiRoute {
		s.apiFail(w, r, err)
		return
	}
	if samtal.ErrorCode(err) == samtal.EUNAUTHORIZED && !stateOf(r).actor.SignedIn() && r.Method == http.MethodGet {
		http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	s.pageFail(w, r, err)
}

func (s *Server) setSessionCookie(w http.ResponseWriter, sess *account.Session) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: sess.Token, Path: "/", Expires: sess.ExpiresAt,
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode,
	})
}

func (s *Server) clearCookie(w http.ResponseWriter, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
}

// localPath returns next if it is a path on this site, else "/": redirects
// after sign-in must not lead elsewhere.
func localPath(next string) string {
	// Browsers read a backslash as a slash, and http.Redirect cleans the
	// path, so "/./\evil" would become "/\evil": refuse both shapes.
	if next == "" || !strings.HasPrefix(next, "/") || strings.ContainsAny(next, "\\\r\n\t") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Host != "" || u.Scheme != "" || strings.Contains(u.Path, "//") || strings.HasPrefix(path.Clean(u.Path), "//") {
		return "/"
	}
	return next
}
