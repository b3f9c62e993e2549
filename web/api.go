package web

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/account"
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

func toAPIAccount(acc *account.Account) apiAccount {
	return apiAccount{
		ID: strconv.FormatInt(acc.ID, 10), Email: acc.Email, Name: acc.Name, Role: string(acc.Role),
		PersonID: strconv.FormatInt(acc.PersonID, 10), Locale: acc.Locale, Verified: acc.Verified(),
		Created: acc.CreatedAt.UTC().Format(time.RFC3339),
	}
}

// decodeJSON reads a JSON body into v: one object, no unknown fields, within
// the body limit. Returns EMALFORMED (400) or ETOOLARGE (413).
func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		var ute *json.UnmarshalTypeError
		switch {
		case errors.As(err, &mbe):
			return errBodyTooLarge
		case errors.As(err, &ute):
			return &samtal.Error{Code: samtal.EINVALID, Message: "error.json_type", Field: ute.Field}
		}
		return &samtal.Error{Code: samtal.EMALFORMED, Message: "error.json_malformed"}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return &samtal.Error{Code: samtal.EMALFORMED, Message: "error.json_malformed"}
	}
	return nil
}

// apiUpdateMe changes the caller's name and language: fields left out stay.
func (s *Server) apiUpdateMe(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name   *string `json:"name"`
		Locale *string `json:"locale"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	acc := stateOf(r).account
	name, locale := acc.Name, acc.Locale
	if in.Name != nil {
		name = *in.Name
	}
	if in.Locale != nil {
		locale = *in.Locale
	}
	if err := s.Accounts.UpdateProfile(r.Context(), name, locale); err != nil {
		s.apiFail(w, r, err)
		return
	}
	acc, err := s.Accounts.Me(r.Context())
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAPIAccount(acc))
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
	writeJSON(w, http.StatusOK, toAPIAccount(acc))
}
