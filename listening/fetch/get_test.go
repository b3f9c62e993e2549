package fetch

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestConditionalGet(t *testing.T) {
	const etag = `"v1"`
	const modified = "Mon, 02 Nov 2026 10:00:00 GMT"
	var seen []http.Header
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.Header.Clone())
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", modified)
		w.Write([]byte("<rss/>"))
	}))
	defer ts.Close()
	c := testClient(Options{AllowPrivate: true})

	first, err := c.Get(context.Background(), ts.URL, Conditional{})
	if err != nil {
		t.Fatal(err)
	}
	if first.NotModified || string(first.Body) != "<rss/>" || first.ETag != etag || first.LastModified != modified || first.Status != 200 {
		t.Fatalf("first = %+v", first)
	}

	second, err := c.Get(context.Background(), ts.URL, Conditional{ETag: first.ETag, LastModified: first.LastModified})
	if err != nil {
		t.Fatal(err)
	}
	if !second.NotModified || second.Status != 304 || len(second.Body) != 0 {
		t.Errorf("second = %+v, want not modified", second)
	}
	// The server sent no validators with its 304; the caller keeps its own.
	if second.ETag != etag || second.LastModified != modified {
		t.Errorf("validators after 304 = %q, %q", second.ETag, second.LastModified)
	}

	if got := seen[1].Get("If-None-Match"); got != etag {
		t.Errorf("If-None-Match = %q", got)
	}
	if got := seen[1].Get("If-Modified-Since"); got != modified {
		t.Errorf("If-Modified-Since = %q", got)
	}
	if got := seen[0].Get("If-None-Match"); got != "" {
		t.Errorf("first request sent If-None-Match %q", got)
	}
	if got := seen[0].Get("User-Agent"); got != DefaultUserAgent {
		t.Errorf("User-Agent = %q", got)
	}
}

func TestExtraHeaders(t *testing.T) {
	var auth, ua string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth, ua = r.Header.Get("Authorization"), r.Header.Get("User-Agent")
	}))
	defer ts.Close()
	c := testClient(Options{AllowPrivate: true, UserAgent: "test/1"})
	_, err := c.Do(context.Background(), Request{URL: ts.URL, Header: http.Header{"Authorization": {"Bearer t0ken"}}})
	if err != nil {
		t.Fatal(err)
	}
	if auth != "Bearer t0ken" || ua != "test/1" {
		t.Errorf("Authorization %q, User-Agent %q", auth, ua)
	}
}

func gzipped(t *testing.T, size int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	chunk := make([]byte, 64<<10)
	for written := 0; written < size; written += len(chunk) {
		zw.Write(chunk)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSizeCap(t *testing.T) {
	const max = 1 << 20
	bomb := gzipped(t, 64<<20)
	small := gzipped(t, 256<<10)
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    int // body length; -1 for ErrTooLarge
	}{
		{"exactly the cap", func(w http.ResponseWriter, r *http.Request) {
			w.Write(make([]byte, max))
		}, max},
		{"one byte over, with length", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", strconv.Itoa(max+1))
			w.Write(make([]byte, max+1))
		}, -1},
		{"over, chunked", func(w http.ResponseWriter, r *http.Request) {
			for range 20 {
				w.Write(make([]byte, 64<<10))
				w.(http.Flusher).Flush()
			}
		}, -1},
		{"gzip bomb", func(w http.ResponseWriter, r *http.Request) {
			if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
				t.Error("client did not offer gzip")
			}
			w.Header().Set("Content-Encoding", "gzip")
			w.Header().Set("Content-Length", strconv.Itoa(len(bomb)))
			w.Write(bomb)
		}, -1},
		{"small gzip is unpacked", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(small)
		}, 256 << 10},
	}
	if len(bomb) >= max {
		t.Fatalf("the bomb is %d bytes compressed; it must be under the cap to test the decompressed size", len(bomb))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := httptest.NewServer(tt.handler)
			defer ts.Close()
			resp, err := testClient(Options{AllowPrivate: true, MaxBytes: max}).Get(context.Background(), ts.URL, Conditional{})
			if tt.want < 0 {
				e := wantKind(t, err, KindTooLarge)
				if !errors.Is(err, ErrTooLarge) || !strings.Contains(e.Msg, "larger than 1 MiB") {
					t.Errorf("error = %q", e.Msg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(resp.Body) != tt.want {
				t.Errorf("body is %d bytes, want %d", len(resp.Body), tt.want)
			}
		})
	}
}

func TestTimeout(t *testing.T) {
	// The server never answers; it lets go when the client hangs up.
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	defer ts.Close()

	t.Run("caller's deadline", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		_, err := testClient(Options{AllowPrivate: true}).Get(ctx, ts.URL, Conditional{})
		wantKind(t, err, KindTimeout)
		if !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("error %v is not a timeout", err)
		}
	})
	t.Run("client's timeout", func(t *testing.T) {
		c := testClient(Options{AllowPrivate: true, Timeout: 50 * time.Millisecond})
		_, err := c.Get(context.Background(), ts.URL, Conditional{})
		e := wantKind(t, err, KindTimeout)
		if !strings.Contains(e.Msg, "did not answer within 50ms") {
			t.Errorf("message = %q", e.Msg)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := testClient(Options{AllowPrivate: true}).Get(ctx, ts.URL, Conditional{})
		wantKind(t, err, KindCanceled)
	})
}

func TestStatusErrors(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)}
	tests := []struct {
		name       string
		status     int
		retryAfter string
		wantMsg    string
		wantWait   time.Duration
	}{
		{"not found", 404, "", "has nothing at this address (404 Not Found)", 0},
		{"gone", 410, "", "(410 Gone)", 0},
		{"server error", 500, "", "had a server error (500 Internal Server Error)", 0},
		{"forbidden", 403, "", "refuses access (403 Forbidden)", 0},
		{"slow down, seconds", 429, "120", "asks samtal to slow down (429 Too Many Requests); try again in 2m0s", 2 * time.Minute},
		{"slow down, date", 429, "Mon, 02 Nov 2026 10:01:30 GMT", "try again in 1m30s", 90 * time.Second},
		{"slow down, past date", 429, "Mon, 02 Nov 2026 09:00:00 GMT", "(429 Too Many Requests)", 0},
		{"slow down, nonsense", 429, "soon", "(429 Too Many Requests)", 0},
		{"unavailable", 503, "30", "is unavailable for now (503 Service Unavailable); try again in 30s", 30 * time.Second},
		{"retry-after ignored on 404", 404, "30", "(404 Not Found)", 0},
		{"absurd wait is capped", 429, "99999999999", "try again in 24h0m0s", 24 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.retryAfter != "" {
					w.Header().Set("Retry-After", tt.retryAfter)
				}
				w.Header().Set("X-Service", "kept")
				w.WriteHeader(tt.status)
				io.WriteString(w, `{"error":"nope"}`)
			}))
			defer ts.Close()
			c := testClient(Options{AllowPrivate: true, Now: clock.Now})
			resp, err := c.Get(context.Background(), ts.URL, Conditional{})
			e := wantKind(t, err, KindStatus)
			if !errors.Is(err, ErrStatus) || e.Status != tt.status || e.RetryAfter != tt.wantWait {
				t.Errorf("error = %+v", e)
			}
			if !strings.HasSuffix(e.Msg, tt.wantMsg) {
				t.Errorf("message = %q, want it to end %q", e.Msg, tt.wantMsg)
			}
			if resp == nil || resp.Status != tt.status || string(resp.Body) != `{"error":"nope"}` || resp.Header.Get("X-Service") != "kept" || resp.RetryAfter != tt.wantWait {
				t.Errorf("response = %+v", resp)
			}
		})
	}
}
