package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/samtal-dev/samtal"
)

// statusOf is the one mapping from error codes to HTTP statuses.
func statusOf(code string) int {
	switch code {
	case samtal.EMALFORMED:
		return http.StatusBadRequest
	case samtal.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case samtal.EFORBIDDEN:
		return http.StatusForbidden
	case samtal.ENOTFOUND:
		return http.StatusNotFound
	case samtal.EMETHOD:
		return http.StatusMethodNotAllowed
	case samtal.ECONFLICT:
		return http.StatusConflict
	case samtal.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case samtal.EINVALID:
		return http.StatusUnprocessableEntity
	case samtal.ERATELIMITED:
		return http.StatusTooManyRequests
	case samtal.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// apiError is the one shape of every API error.
type apiError struct {
	Error apiErrorBody `json:"error"`
}

type apiErrorBody struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	Field     string `json:"field"`
	RequestID string `json:"request_id,omitempty"`
}

// describe returns the status, code, translated message and field of err.
// Internal errors are logged with the request id and shown without detail.
func (s *Server) describe(r *http.Request, err error) (status int, code, message, field string) {
	var e *samtal.Error
	if errors.Is(err, errBodyTooLarge) {
		e = &samtal.Error{Code: samtal.ETOOLARGE, Message: "error.too_large"}
	} else if !errors.As(err, &e) {
		s.Log.Error("request failed", "request_id", requestID(r), "method", r.Method, "path", r.URL.Path, "err", err)
		e = &samtal.Error{Code: samtal.EINTERNAL, Message: "error.internal"}
	}
	lang := langOf(r)
	return statusOf(e.Code), e.Code, s.Catalog.T(lang, e.Message, e.Data), e.Field
}

func setRetryAfter(w http.ResponseWriter, err error) {
	var e *samtal.Error
	if errors.As(err, &e) && e.Code == samtal.ERATELIMITED && e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(e.RetryAfter))
	}
}

// apiFail writes err as JSON in the one API error shape.
func (s *Server) apiFail(w http.ResponseWriter, r *http.Request, err error) {
	status, code, msg, field := s.describe(r, err)
	setRetryAfter(w, err)
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="samtal"`)
	}
	body := apiError{Error: apiErrorBody{Code: code, Message: msg, Field: field}}
	if status >= 500 {
		body.Error.RequestID = requestID(r)
	}
	writeJSON(w, status, body)
}

// pageFail renders err as an error page.
func (s *Server) pageFail(w http.ResponseWriter, r *http.Request, err error) {
	status, _, msg, _ := s.describe(r, err)
	setRetryAfter(w, err)
	v := s.view(r, "error.title")
	v.Data = map[string]any{"Status": status, "Message": msg, "RequestID": requestID(r)}
	s.render(w, r, status, "error", v)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	enc.Encode(v)
}
