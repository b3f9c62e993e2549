package web

import (
	"bytes"
	"errors"
	"github.com/samtal-dev/samtal/listening"
	"mime"
	"mime/multipart"
	"net/http"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/idea"
	"github.com/samtal-dev/samtal/upload"
)

// Uploads: POST /api/v1/uploads takes one image, GET /uploads/{key} serves
// it. The idea form and the campaign form take files directly.

// multipartMemory is how much of a multipart form is kept in memory; the
// rest of its files go to temporary files, removed after the request.
const multipartMemory = 1 << 20

// bodyLimit is the body cap of a route: 1 MiB, except where images come in.
func bodyLimit(rt route) int64 {
	switch rt.Method + " " + rt.Path {
	case "POST /api/v1/uploads":
		return upload.MaxBytes + 64<<10 // the image and a multipart envelope
	case "POST /campaigns/{slug}/ideas":
		return idea.MaxImages*upload.MaxBytes + maxBody
	case "POST /admin/campaigns", "POST /admin/campaigns/{id}", "POST /admin/briefings", "POST /admin/briefings/{id}":
		return upload.MaxBytes + maxBody
	case "POST /api/v1/sources/{id}/hook":
		return listening.MaxWebhookBody
	case "POST /api/v1/sources/{id}/imports", "POST /listening/sources/{id}/imports":
		return listening.MaxImportSize + maxBody
	}
	return maxBody
}

// parseForm reads a page form: multipart where the route takes files,
// else URL-encoded.
func parseForm(r *http.Request) error {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var err error
	if ct == "multipart/form-data" {
		err = r.ParseMultipartForm(multipartMemory)
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errBodyTooLarge
		}
		return &samtal.Error{Code: samtal.EMALFORMED, Message: "error.malformed"}
	}
	return nil
}

// apiUpload is an upload as the API shows it.
type apiUpload struct {
	ID     string `json:"id"`
	URL    string `json:"url"`
	Mime   string `json:"mime"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
}

// apiCreateUpload takes one image: the raw body, or the "file" field of a
// multipart form. What it is, is decided by decoding, not by its name or
// Content-Type.
func (s *Server) apiCreateUpload(w http.ResponseWriter, r *http.Request) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var u *upload.Upload
	var err error
	if ct == "multipart/form-data" {
		if err = parseForm(r); err == nil {
			u, err = s.uploadFile(r, "file")
		}
	} else {
		u, err = s.Uploads.Create(r.Context(), r.Body)
	}
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	if u == nil {
		s.apiFail(w, r, samtal.FieldError("file", "error.upload_not_image"))
		return
	}
	w.Header().Set("Location", u.URL())
	writeJSON(w, http.StatusCreated, apiUpload{ID: u.Key, URL: u.URL(), Mime: u.Mime, Width: u.Width, Height: u.Height})
}

// uploadFile stores the file of a form field, or returns nil when the
// field is empty.
func (s *Server) uploadFile(r *http.Request, field string) (*upload.Upload, error) {
	if r.MultipartForm == nil || len(r.MultipartForm.File[field]) == 0 {
		return nil, nil
	}
	fh := r.MultipartForm.File[field][0]
	if fh.Size == 0 {
		return nil, nil
	}
	return s.openUpload(r, fh)
}

func (s *Server) openUpload(r *http.Request, fh *multipart.FileHeader) (*upload.Upload, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return s.Uploads.Create(r.Context(), f)
}

// uploadFiles stores up to max files of a form field, in order.
func (s *Server) uploadFiles(r *http.Request, field string, limit int, errField string) ([]string, error) {
	if r.MultipartForm == nil {
		return nil, nil
	}
	var files []*multipart.FileHeader
	for _, fh := range r.MultipartForm.File[field] {
		if fh.Size > 0 {
			files = append(files, fh)
		}
	}
	if len(files) > limit {
		return nil, samtal.FieldError(errField, "error.too_many_images")
	}
	var keys []string
	for _, fh := range files {
		u, err := s.openUpload(r, fh)
		if err != nil {
			if e, ok := err.(*samtal.Error); ok && e.Field == "file" {
				return nil, &samtal.Error{Code: e.Code, Message: e.Message, Field: errField}
			}
			return nil, err
		}
		keys = append(keys, u.Key)
	}
	return keys, nil
}

// uploadServe serves an image. The key is the capability: anyone with the
// URL may see the image, so the answer is the same for everyone and may be
// cached for good (an upload never changes).
func (s *Server) uploadServe(w http.ResponseWriter, r *http.Request) {
	u, err := s.Uploads.Get(r.Context(), r.PathValue("key"))
	if err != nil {
		if samtal.ErrorCode(err) == samtal.ENOTFOUND {
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
		s.Log.Error("upload", "request_id", requestID(r), "err", err)
		http.Error(w, "internal error, request id "+requestID(r), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", u.Mime)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("Content-Disposition", "inline")
	h.Set("Cross-Origin-Resource-Policy", "same-site")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, "", u.CreatedAt, bytes.NewReader(u.Bytes))
}
