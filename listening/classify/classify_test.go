package classify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// model is a local model server answering in the text-classification
// task's format. answer gets the texts of one request and writes the body.
type model struct {
	mu       sync.Mutex
	requests [][]string
	auth     []string
	status   int
	answer   func(texts []string) any
}

func (m *model) serve(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
			http.Error(w, `{"error":"POST JSON"}`, http.StatusBadRequest)
			return
		}
		var in struct {
			Inputs []string `json:"inputs"`
		}
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			http.Error(w, `{"error":"bad JSON"}`, http.StatusBadRequest)
			return
		}
		m.mu.Lock()
		m.requests = append(m.requests, in.Inputs)
		m.auth = append(m.auth, r.Header.Get("Authorization"))
		status := m.status
		m.mu.Unlock()
		if status != 0 {
			http.Error(w, `{"error":"Model is currently loading","estimated_time":20.0}`, status)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(m.answer(in.Inputs))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// threeWay answers like a three-class sentiment model asked for every
// label: a list of labels per text, most likely first.
func threeWay(texts []string) any {
	out := make([][]map[string]any, len(texts))
	for i, t := range texts {
		switch {
		case strings.Contains(t, "elsker"):
			out[i] = []map[string]any{{"label": "positive", "score": 0.9}, {"label": "neutral", "score": 0.07}, {"label": "negative", "score": 0.03}}
		case strings.Contains(t, "aldrig"):
			out[i] = []map[string]any{{"label": "negative", "score": 0.8}, {"label": "neutral", "score": 0.15}, {"label": "positive", "score": 0.05}}
		default:
			out[i] = []map[string]any{{"label": "neutral", "score": 0.6}, {"label": "positive", "score": 0.3}, {"label": "negative", "score": 0.1}}
		}
	}
	return out
}

func TestClassifyReadsEveryLabel(t *testing.T) {
	m := &model{answer: threeWay}
	srv := m.serve(t)
	c := &Client{URL: srv.URL, Token: "s3cret"}
	got, err := c.Classify(context.Background(), []string{"Vi elsker sofaen", "Pakken kom aldrig", "Åbent til 18"})
	if err != nil {
		t.Fatal(err)
	}
	want := []Reading{{0.87, Positive}, {-0.75, Negative}, {0.2, Neutral}}
	for i := range want {
		if got[i].Label != want[i].Label || math.Abs(got[i].Score-want[i].Score) > 1e-9 {
			t.Errorf("text %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
	if len(m.auth) != 1 || m.auth[0] != "Bearer s3cret" {
		t.Errorf("authorization sent: %q", m.auth)
	}
}

// A model asked for its top label answers one object per text; a star
// model labels "1 star" to "5 stars".
func TestClassifyReadsTopLabelsAndStars(t *testing.T) {
	m := &model{answer: func(texts []string) any {
		out := make([]map[string]any, len(texts))
		for i, t := range texts {
			out[i] = map[string]any{"label": t, "score": 0.5}
		}
		return out
	}}
	srv := m.serve(t)
	c := &Client{URL: srv.URL}
	got, err := c.Classify(context.Background(), []string{"1 star", "3 stars", "5 stars", "NEGATIVE", "Mixed"})
	if err != nil {
		t.Fatal(err)
	}
	want := []Reading{{-0.5, Negative}, {0, Neutral}, {0.5, Positive}, {-0.5, Negative}, {0, Neutral}}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("text %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
	if m.auth[0] != "" {
		t.Errorf("an authorization was sent without a token: %q", m.auth[0])
	}
}

func TestClassifySendsBatchesInOrder(t *testing.T) {
	m := &model{answer: threeWay}
	srv := m.serve(t)
	c := &Client{URL: srv.URL, Batch: 32}
	texts := make([]string, 70)
	for i := range texts {
		texts[i] = fmt.Sprintf("tekst %d", i)
		if i%7 == 0 {
			texts[i] += " elsker"
		}
	}
	texts[69] = strings.Repeat("lang ", 500) // 2,500 characters
	got, err := c.Classify(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 70 {
		t.Fatalf("%d readings for 70 texts", len(got))
	}
	for i, r := range got {
		if want := i%7 == 0; (r.Label == Positive) != want {
			t.Errorf("text %d %q read as %s", i, texts[i], r.Label)
		}
	}
	// Batches go out in parallel, so the server sees them in any order.
	var sizes []int
	longest := 0
	for _, req := range m.requests {
		sizes = append(sizes, len(req))
		for _, text := range req {
			longest = max(longest, utf8.RuneCountInString(text))
		}
	}
	slices.Sort(sizes)
	if !slices.Equal(sizes, []int{6, 32, 32}) {
		t.Errorf("request sizes %v; want 32, 32 and 6", sizes)
	}
	if longest != MaxTextRunes {
		t.Errorf("a 2,500-character text was sent with %d characters, want %d", longest, MaxTextRunes)
	}
}

// Every answer the client cannot trust fails the whole call, and the
// client rests before it asks again.
func TestClassifyRefusesAnswersItCannotRead(t *testing.T) {
	list := func(v any) func([]string) any { return func([]string) any { return v } }
	for _, tc := range []struct {
		name   string
		status int
		answer func([]string) any
		want   string
	}{
		{"server error", http.StatusServiceUnavailable, nil, "503"},
		{"too few answers", 0, list([]any{map[string]any{"label": "positive", "score": 0.9}}), "1 answers for 2 texts"},
		{"labels without meaning", 0, list([]any{map[string]any{"label": "LABEL_2", "score": 0.9}, map[string]any{"label": "LABEL_0", "score": 0.9}}), `label "LABEL_2"`},
		{"no score", 0, list([]any{map[string]any{"label": "positive"}, map[string]any{"label": "positive"}}), "no score"},
		{"score over 1", 0, list([]any{map[string]any{"label": "positive", "score": 3}, map[string]any{"label": "positive", "score": 1}}), "no score"},
		{"not a list", 0, list(map[string]any{"error": "oops"}), "not a JSON list"},
		{"empty labels", 0, list([]any{[]any{}, []any{}}), "no label"},
		{"huge", 0, list([]any{strings.Repeat("x", maxAnswerBytes), "y"}), "over"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := &model{status: tc.status, answer: tc.answer}
			srv := m.serve(t)
			now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
			c := &Client{URL: srv.URL, Pause: time.Minute, Now: func() time.Time { return now }}
			got, err := c.Classify(context.Background(), []string{"a", "b"})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, %v; want an error with %q", got, err, tc.want)
			}
			if got != nil {
				t.Errorf("readings returned with the error: %v", got)
			}
			if _, err := c.Classify(context.Background(), []string{"a", "b"}); !errors.Is(err, ErrPaused) {
				t.Errorf("right after a failure: %v, want ErrPaused", err)
			}
			if len(m.requests) != 1 {
				t.Errorf("the paused client sent %d requests, want 1", len(m.requests))
			}
			now = now.Add(time.Minute + time.Second)
			c.Classify(context.Background(), []string{"a", "b"})
			if len(m.requests) != 2 {
				t.Errorf("after the pause the client sent %d requests in all, want 2", len(m.requests))
			}
		})
	}
}

func TestClassifyGivesUpAtTheTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		<-release
	}))
	defer srv.Close()
	defer close(release)
	c := &Client{URL: srv.URL, HTTP: &http.Client{Timeout: 50 * time.Millisecond}}
	if _, err := c.Classify(context.Background(), []string{"a"}); err == nil {
		t.Fatal("a model that never answers gave no error")
	}
}

func TestCovers(t *testing.T) {
	all := &Client{}
	some := &Client{Langs: []string{"da", "de"}}
	for _, tc := range []struct {
		c    *Client
		lang string
		want bool
	}{
		{all, "da", true}, {all, "unknown", true},
		{some, "da", true}, {some, "DE", true}, {some, "en", false}, {some, "unknown", false},
	} {
		if got := tc.c.Covers(tc.lang); got != tc.want {
			t.Errorf("Langs %v covers %q: %v, want %v", tc.c.Langs, tc.lang, got, tc.want)
		}
	}
}

// TestClassifyAsksInParallel: batches are under way Parallel at a time,
// never more.
func TestClassifyAsksInParallel(t *testing.T) {
	var mu sync.Mutex
	inflight, most := 0, 0
	both := make(chan struct{})
	var once sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Inputs []string `json:"inputs"`
		}
		json.NewDecoder(r.Body).Decode(&in)
		mu.Lock()
		inflight++
		most = max(most, inflight)
		if inflight == 2 {
			once.Do(func() { close(both) })
		}
		mu.Unlock()
		select { // the first request waits for a second to arrive
		case <-both:
		case <-time.After(5 * time.Second):
		}
		mu.Lock()
		inflight--
		mu.Unlock()
		json.NewEncoder(w).Encode(threeWay(in.Inputs))
	}))
	defer srv.Close()
	c := &Client{URL: srv.URL, Batch: 2, Parallel: 2}
	got, err := c.Classify(context.Background(), []string{"a", "b", "c elsker", "d", "e", "f", "g", "h"})
	if err != nil {
		t.Fatal(err)
	}
	if got[2].Label != Positive || got[3].Label != Neutral {
		t.Errorf("readings out of order: %v", got)
	}
	if most != 2 {
		t.Errorf("at most %d requests were under way at once, want 2", most)
	}
}
