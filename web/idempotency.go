package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/samtal-dev/samtal"
)

// IdempotencyStore keeps the answers to API POSTs sent with an
// Idempotency-Key, per account (sqlstore.Idempotency).
type IdempotencyStore interface {
	// Begin returns status 0 when the caller owns the key, or the saved
	// answer of the earlier request with the same fingerprint; ECONFLICT
	// while that one still runs, EINVALID for a key used for another request.
	Begin(ctx context.Context, accountID int64, key, fingerprint string, now time.Time) (status int, contentType, body string, err error)
	Finish(ctx context.Context, accountID int64, key string, status int, contentType, body string) error
	Abandon(ctx context.Context, accountID int64, key string) error
}

// maxKeptAnswer bounds what is kept for a replay; larger answers are not
// kept, and a retry runs again.
const maxKeptAnswer = 256 << 10

// validIdempotencyKey accepts what clients send in practice (UUIDs, random
// strings): 1 to 255 visible ASCII characters.
func validIdempotencyKey(k string) bool {
	if k == "" || len(k) > 255 {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x21 || k[i] > 0x7e {
			return false
		}
	}
	return true
}

// idempotent runs an API POST at most once per account and key: a retry
// with the same method, path and body gets the first answer again. Server
// errors are not kept, so a retry after one runs for real.
func (s *Server) idempotent(w http.ResponseWriter, r *http.Request, next http.HandlerFunc) {
	key := r.Header.Get("Idempotency-Key")
	st := stateOf(r)
	if key == "" || st.account == nil || s.Idempotency == nil {
		next(w, r)
		return
	}
	if !validIdempotencyKey(key) {
		s.apiFail(w, r, samtal.FieldError("Idempotency-Key", "error.idempotency_key_invalid"))
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			err = errBodyTooLarge
		}
		s.apiFail(w, r, err)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	sum := sha256.New()
	io.WriteString(sum, r.Method+" "+r.URL.RequestURI()+"\n")
	sum.Write(body)
	fingerprint := hex.EncodeToString(sum.Sum(nil))

	ctx := r.Context()
	accountID := st.account.ID
	status, contentType, saved, err := s.Idempotency.Begin(ctx, accountID, key, fingerprint, time.Now())
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	if status != 0 {
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Idempotent-Replayed", "true")
		w.WriteHeader(status)
		io.WriteString(w, saved)
		return
	}
	rec := &recordingWriter{ResponseWriter: w}
	defer func() {
		// Keep the answer even if the client went away: that is when it
		// retries. A panic or server error frees the key instead, and so
		// does an answer marked no-store (a person's archive): it must not
		// be kept anywhere.
		ctx := context.WithoutCancel(ctx)
		if rec.status == 0 || rec.status >= 500 || rec.overflow || rec.Header().Get("Cache-Control") == "no-store" {
			if err := s.Idempotency.Abandon(ctx, accountID, key); err != nil {
				s.Log.Error("idempotency key", "request_id", st.id, "err", err)
			}
			return
		}
		if err := s.Idempotency.Finish(ctx, accountID, key, rec.status, rec.Header().Get("Content-Type"), rec.buf.String()); err != nil {
			s.Log.Error("idempotency key", "request_id", st.id, "err", err)
		}
	}()
	next(rec, r)
}

// recordingWriter passes an answer through and keeps a copy of it.
type recordingWriter struct {
	http.ResponseWriter
	status   int
	buf      bytes.Buffer
	overflow bool
}

func (w *recordingWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recordingWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if !w.overflow && w.Header().Get("Cache-Control") == "no-store" {
		w.overflow = true
	}
	if !w.overflow {
		if w.buf.Len()+len(b) > maxKeptAnswer {
			w.overflow = true
			w.buf.Reset()
		} else {
			w.buf.Write(b)
		}
	}
	return w.ResponseWriter.Write(b)
}
