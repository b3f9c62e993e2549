package listening_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/samtal-dev/samtal/internal/testdb"
	"github.com/samtal-dev/samtal/listening"
	"github.com/samtal-dev/samtal/listening/classify"
	"github.com/samtal-dev/samtal/listening/raw"
	"github.com/samtal-dev/samtal/sqlstore"
)

// TestSentimentModelReadsItsLanguages: a team's model, served over HTTP in
// the text-classification format, reads the mentions in the languages it
// is set for; the lexicons read the rest. A model that fails costs no
// mention: the lexicons' reading is stored, and the model is left alone
// for a while.
func TestSentimentModelReadsItsLanguages(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		var mu sync.Mutex
		var asked [][]string
		failing := false
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var in struct {
				Inputs []string `json:"inputs"`
			}
			json.NewDecoder(r.Body).Decode(&in)
			mu.Lock()
			asked = append(asked, in.Inputs)
			fail := failing
			mu.Unlock()
			if fail {
				http.Error(w, `{"error":"Service Unavailable"}`, http.StatusServiceUnavailable)
				return
			}
			// A model that finds every text mildly positive, so that its
			// reading cannot be mistaken for the lexicons'.
			out := make([][]map[string]any, len(in.Inputs))
			for i := range out {
				out[i] = []map[string]any{{"label": "positive", "score": 0.6}, {"label": "neutral", "score": 0.3}, {"label": "negative", "score": 0.1}}
			}
			json.NewEncoder(w).Encode(out)
		}))
		defer srv.Close()

		w := newWorld(t, db)
		w.svc.SentimentModel = &classify.Client{URL: srv.URL, Langs: []string{"da"}, Now: func() time.Time { return w.now }}
		src := w.source(t, listening.KindWebhook, "Reviews")
		res, err := w.svc.Ingest(w.system, src, reviews)
		if err != nil {
			t.Fatal(err)
		}
		if res.ModelRead != 1 || len(res.IDs) != 3 {
			t.Fatalf("delivery: %+v, want 3 stored and 1 read by the model", res)
		}
		if len(asked) != 1 || len(asked[0]) != 1 || asked[0][0] != reviews[2].Text {
			t.Fatalf("the model was asked %q, want only the Danish review", asked)
		}
		want := []struct {
			label string
			score float64 // checked for the model's reading only
		}{{"positive", 0}, {"negative", 0}, {"positive", 0.5}}
		for i, id := range res.IDs {
			m, err := w.svc.Mention(w.agent, id)
			if err != nil {
				t.Fatal(err)
			}
			if m.SentimentLabel != want[i].label || (want[i].score != 0 && m.Sentiment != want[i].score) {
				t.Errorf("mention %d (%s): %s %.2f, want %s", i, m.Lang, m.SentimentLabel, m.Sentiment, want[i].label)
			}
		}

		// The model fails: the delivery is stored with the lexicons' reading.
		mu.Lock()
		failing = true
		mu.Unlock()
		dk := raw.Item{ExternalID: "r5", Author: "Mette K.", Published: w.now,
			Text: "Stolen er ikke god. Den knirker og ryggen er allerede løs. Jeg er meget skuffet over kvaliteten."}
		res, err = w.svc.Ingest(w.system, src, []raw.Item{dk})
		if err != nil || len(res.IDs) != 1 || res.ModelRead != 0 {
			t.Fatalf("delivery while the model fails: %+v %v", res, err)
		}
		if m, _ := w.svc.Mention(w.agent, res.IDs[0]); m.SentimentLabel != "negative" {
			t.Errorf("while the model fails: %s %.2f, want the lexicons' negative", m.SentimentLabel, m.Sentiment)
		}
		// Right after the failure the model is not asked; later it is.
		dk.ExternalID, dk.Text = "r6", "Endnu en stol med løs ryg. Meget skuffet."
		if _, err := w.svc.Ingest(w.system, src, []raw.Item{dk}); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		n := len(asked)
		mu.Unlock()
		if n != 2 {
			t.Errorf("the model was asked %d times, want 2 (not again while it rests)", n)
		}
		mu.Lock()
		failing = false
		mu.Unlock()
		w.now = w.now.Add(classify.DefaultPause + time.Second)
		dk.ExternalID, dk.Text = "r7", "Den nye stol er kommet, og ryggen sidder fast. Vi har haft den i en uge nu, og den er god at sidde på."
		if res, err := w.svc.Ingest(w.system, src, []raw.Item{dk}); err != nil || res.ModelRead != 1 {
			t.Errorf("after the pause: %+v %v, want the model to read it", res, err)
		}
	})
}
