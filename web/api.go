package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// The ops endpoints and the JSON API.

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	migrated, err := s.Ready.Ready(ctx)
	body := map[string]string{"database": s.Ready.EngineName(), "migrations": "current"}
	switch {
	case err != nil:
		s.Log.Warn("not ready", "err", err)
		body["migrations"] = "unknown"
		body["error"] = "database unreachable"
		writeJSON(w, http.StatusServiceUnavailable, body)
	case !migrated:
		body["migrations"] = "pending"
		writeJSON(w, http.StatusServiceUnavailable, body)
	default:
		writeJSON(w, http.StatusOK, body)
	}
}

func (s *Server) metrics(w http.ResponseWriter, r *http.Request) {
	promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{}).ServeHTTP(w, r)
}

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	b, err := assets.ReadFile("static/openapi.json")
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(b)
}

// apiAccount is an account as the API shows it (see shared/API.md).
type apiAccount struct {
	ID       string `json:"id"`
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	PersonID string `json:"person_id"`
	Locale   string `json:"locale"`
	Verified bool   `json:"email_verified"`
	Created  string `json:"created_at"`
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) {
	// The middleware loaded the caller's account with the token; reading it
	// again would double the cost of the most frequent API call.
	acc := stateOf(r).account
	if acc == nil {
		var err error
		if acc, err = s.Accounts.Me(r.Context()); err != nil {
			s.apiFail(w, r, err)
			return
		}
	}
	writeJSON(w, http.StatusOK, apiAccount{
		ID: strconv.FormatInt(acc.ID, 10), Email: acc.Email, Name: acc.Name, Role: string(acc.Role),
		PersonID: strconv.FormatInt(acc.PersonID, 10), Locale: acc.Locale, Verified: acc.Verified(),
		Created: acc.CreatedAt.UTC().Format(time.RFC3339),
	})
}
