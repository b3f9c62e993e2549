package listening_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/internal/testdb"
	"github.com/samtal-dev/samtal/listening"
	"github.com/samtal-dev/samtal/listening/fetch"
	"github.com/samtal-dev/samtal/sqlstore"
)

// rssFeed is a small RSS 2.0 feed of n items, in the real format.
func rssFeed(n int) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Wohnblog</title><link>https://blog.example.de/</link>`)
	posts := []string{
		"Unser neues Sofa ist wirklich bequem und die Lieferung kam pünktlich. Wir sind sehr zufrieden mit der Qualität des Stoffes.",
		"Der Esstisch wackelt seit der ersten Woche, und der Kundenservice antwortet nicht auf unsere E-Mails. Schade um das schöne Holz.",
		"Heute haben wir im Möbelhaus drei Lampen für das Kinderzimmer ausgesucht; die Beratung war freundlich, aber der Parkplatz voll.",
		"Nach dem Umzug brauchten wir ein Regal für die Bücher. Der Aufbau dauerte zwei Stunden, die Anleitung war verständlich.",
		"Die Matratze ist zu weich für meinen Rücken. Die Rückgabe innerhalb von hundert Tagen lief aber ohne Diskussion und schnell.",
	}
	for i := range n {
		fmt.Fprintf(&b, `<item><guid>post-%d</guid><link>https://blog.example.de/p/%d</link><title>Beitrag %d</title>
<description>&lt;p&gt;%s&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;</description>
<author>anna@example.de (Anna)</author><pubDate>Mon, 16 Nov 2026 10:0%d:00 +0000</pubDate></item>`, i, i, i, posts[i%len(posts)], i%10)
	}
	b.WriteString(`</channel></rss>`)
	return b.String()
}

// feedServer serves a feed with an ETag and counts the requests, the
// conditional ones among them; status, if set, is answered instead.
type feedServer struct {
	*httptest.Server
	body        atomic.Value // string
	status      atomic.Int32
	requests    atomic.Int32
	conditional atomic.Int32
}

func newFeedServer(t *testing.T, body string) *feedServer {
	fs := &feedServer{}
	fs.body.Store(body)
	fs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fs.requests.Add(1)
		if s := fs.status.Load(); s != 0 {
			w.Header().Set("Retry-After", "7200")
			w.WriteHeader(int(s))
			return
		}
		body := fs.body.Load().(string)
		etag := fmt.Sprintf(`"%d"`, len(body))
		if r.Header.Get("If-None-Match") != "" {
			fs.conditional.Add(1)
			if r.Header.Get("If-None-Match") == etag {
				w.WriteHeader(http.StatusNotModified)
				return
			}
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, body)
	}))
	t.Cleanup(fs.Close)
	return fs
}

// TestFeedPolling: a due feed is fetched, its items stored as plain text;
// the next poll asks conditionally and stores nothing new; a failing feed
// backs off (doubling, and never sooner than Retry-After) and shows why,
// then recovers.
func TestFeedPolling(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newWorld(t, db)
		// No politeness wait: the fetch package tests it.
		w.svc.Readers = listening.NewReaders(fetch.Options{AllowPrivate: true, PerHostInterval: -1})
		fs := newFeedServer(t, rssFeed(3))
		src := &listening.Source{Kind: listening.KindFeed, Name: "Wohnblog", URL: fs.URL + "/feed.xml"}
		if err := w.svc.CreateSource(w.admin, src); err != nil {
			t.Fatal(err)
		}
		if n, err := w.svc.Poll(w.system); err != nil || n != 1 {
			t.Fatalf("first poll: %d sources, %v", n, err)
		}
		list, _ := w.svc.Mentions(w.agent, listening.MentionFilter{SourceID: src.ID})
		if len(list) != 3 {
			t.Fatalf("stored %d mentions, want 3", len(list))
		}
		for _, m := range list {
			if strings.Contains(m.Text, "<") || strings.Contains(m.Text, "alert") || m.Lang != "de" || m.URL == "" {
				t.Errorf("mention %+v", m)
			}
		}
		got, _ := w.svc.Source(w.agent, src.ID)
		if got.State != listening.SourceActive || got.Items != 3 || got.LastError != "" || got.NextFetchAt == nil ||
			!got.NextFetchAt.Equal(w.now.Add(listening.DefaultEvery)) {
			t.Fatalf("after a fetch: %+v", got)
		}
		// Not due yet: nothing is fetched.
		if n, _ := w.svc.Poll(w.system); n != 0 {
			t.Errorf("a source not due was fetched")
		}
		w.now = w.now.Add(listening.DefaultEvery)
		if n, _ := w.svc.Poll(w.system); n != 1 || fs.conditional.Load() != 1 {
			t.Errorf("second poll: %d sources, %d conditional requests", n, fs.conditional.Load())
		}
		if list, _ := w.svc.Mentions(w.agent, listening.MentionFilter{SourceID: src.ID}); len(list) != 3 {
			t.Errorf("a 304 stored something: %d", len(list))
		}

		// Failures back off and say why.
		fs.status.Store(http.StatusServiceUnavailable)
		w.now = w.now.Add(listening.DefaultEvery)
		w.svc.Poll(w.system)
		got, _ = w.svc.Source(w.agent, src.ID)
		if got.State != listening.SourceFailing || got.Failures != 1 || got.LastError == "" {
			t.Fatalf("after a failure: %+v", got)
		}
		if strings.Contains(got.LastError, "http.") || strings.Contains(got.LastError, "dial") {
			t.Errorf("the error shows internals: %q", got.LastError)
		}
		if want := w.now.Add(2 * time.Hour); !got.NextFetchAt.Equal(want) {
			t.Errorf("next fetch %v, want %v (Retry-After over the interval)", got.NextFetchAt, want)
		}
		fs.status.Store(http.StatusInternalServerError)
		for i, want := range []time.Duration{30 * time.Minute, time.Hour, 2 * time.Hour} {
			w.now = *got.NextFetchAt
			w.svc.Poll(w.system)
			got, _ = w.svc.Source(w.agent, src.ID)
			if d := got.NextFetchAt.Sub(w.now); d != want {
				t.Errorf("failure %d: waits %v, want %v", i+2, d, want)
			}
		}
		fs.status.Store(0)
		fs.body.Store(rssFeed(5))
		w.now = *got.NextFetchAt
		w.svc.Poll(w.system)
		got, _ = w.svc.Source(w.agent, src.ID)
		if got.State != listening.SourceActive || got.Failures != 0 || got.LastError != "" || got.Items != 5 {
			t.Errorf("after recovering: %+v", got)
		}

		// Paused sources are not fetched.
		paused := listening.SourcePaused
		if _, err := w.svc.UpdateSource(w.admin, src.ID, listening.SourcePatch{State: &paused}); err != nil {
			t.Fatal(err)
		}
		w.now = w.now.Add(48 * time.Hour)
		before := fs.requests.Load()
		w.svc.Poll(w.system)
		if fs.requests.Load() != before {
			t.Error("a paused source was fetched")
		}
	})
}

// TestSourcesMayNotPointInside: without the setting, a source on a
// loopback address fails with a plain reason and stores nothing, also when
// an outside address redirects there.
func TestSourcesMayNotPointInside(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newWorld(t, db)
		w.svc.Readers = listening.NewReaders(fetch.Options{PerHostInterval: -1})
		fs := newFeedServer(t, rssFeed(2))
		src := &listening.Source{Kind: listening.KindFeed, Name: "Inside", URL: fs.URL + "/feed.xml"}
		if err := w.svc.CreateSource(w.admin, src); err != nil {
			t.Fatal(err)
		}
		got, err := w.svc.FetchNow(w.admin, src.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != listening.SourceFailing || !strings.Contains(got.LastError, "127.0.0.1") || fs.requests.Load() != 0 {
			t.Errorf("loopback source: state %s, error %q, %d requests reached the server", got.State, got.LastError, fs.requests.Load())
		}
		if list, _ := w.svc.Mentions(w.agent, listening.MentionFilter{}); len(list) != 0 {
			t.Errorf("stored %d mentions from inside", len(list))
		}
		for _, bad := range []string{"file:///etc/passwd", "gopher://x", "ftp://example.com/feed", "http://", "feed.xml"} {
			s := &listening.Source{Kind: listening.KindFeed, Name: "Bad", URL: bad}
			if err := w.svc.CreateSource(w.admin, s); samtal.ErrorCode(err) != samtal.EINVALID {
				t.Errorf("source %q: %v, want EINVALID", bad, err)
			}
		}
		if _, err := w.svc.FetchNow(w.agent, src.ID); samtal.ErrorCode(err) != samtal.EFORBIDDEN {
			t.Errorf("an agent fetched: %v", err)
		}
		_ = context.Background()
	})
}
