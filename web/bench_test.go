package web

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/samtal-dev/samtal"
)

// Benchmarks of the hot paths through the whole handler stack, without the
// network. The load benchmark (cmd/samtal-bench) measures them over loopback.

func benchHarness(b *testing.B) (*harness, string) {
	h := newHarness(b, "sqlite")
	h.addUser("bench@example.org", samtal.RoleMember)
	return h, h.token("bench@example.org")
}

func BenchmarkHealthz(b *testing.B) {
	h, _ := benchHarness(b)
	req := httptest.NewRequest("GET", "/healthz", nil)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			rec := httptest.NewRecorder()
			h.srv.ServeHTTP(rec, req)
		}
	})
}

func BenchmarkAPIMe(b *testing.B) {
	h, tok := benchHarness(b)
	b.ReportAllocs()
	b.SetParallelism(16) // like the load benchmark's 32 clients on 2 cores
	b.RunParallel(func(pb *testing.PB) {
		req := httptest.NewRequest("GET", "/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		for pb.Next() {
			rec := httptest.NewRecorder()
			h.srv.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("status %d", rec.Code)
			}
		}
	})
}

func BenchmarkSignInPage(b *testing.B) {
	h, _ := benchHarness(b)
	b.ReportAllocs()
	b.SetParallelism(16)
	b.RunParallel(func(pb *testing.PB) {
		req := httptest.NewRequest("GET", "/signin", nil)
		req.Header.Set("Accept-Language", "de-DE,de;q=0.9,en;q=0.8")
		for pb.Next() {
			rec := httptest.NewRecorder()
			h.srv.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("status %d", rec.Code)
			}
		}
	})
}

func BenchmarkSettingsPage(b *testing.B) {
	h, _ := benchHarness(b)
	c := h.client()
	c.signIn("bench@example.org")
	var cookie string
	for _, k := range c.http.Jar.Cookies(mustURL(h.ts.URL)) {
		if k.Name == sessionCookie {
			cookie = k.Name + "=" + k.Value
		}
	}
	b.ReportAllocs()
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		req := httptest.NewRequest("GET", "/settings", nil)
		req.Header.Set("Cookie", cookie)
		for pb.Next() {
			rec := httptest.NewRecorder()
			h.srv.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("status %d", rec.Code)
			}
		}
	})
}
