// Package classify reads the sentiment of texts from a classification
// model that a team serves over HTTP, for the languages where samtal's own
// lexicons are not good enough for them.
//
// It speaks the request and answer of Hugging Face's text-classification
// task, which the transformers pipeline, Inference Endpoints and most
// self-hosted model servers offer:
//
//	POST {URL}   {"inputs": ["text 1", "text 2"]}
//	200          [{"label": "positive", "score": 0.93}, …]                one label per text
//	         or  [[{"label": "negative", "score": 0.81}, {…}, {…}], …]    every label per text
//
// Labels are read as positive, neutral or negative (also pos/neu/neg and
// mixed, which counts as neutral) or as "1 star" to "5 stars", the two
// kinds of multilingual sentiment models in common use. A model whose
// labels are LABEL_0, LABEL_1 … says nothing about what they mean, so its
// answer is refused rather than guessed.
package classify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/sync/errgroup"
)

// The labels a Reading carries, the same as the lexicons'.
const (
	Positive = "positive"
	Neutral  = "neutral"
	Negative = "negative"
)

const (
	// DefaultBatch is how many texts go in one request: enough to keep a
	// model server's batching busy, few enough that one slow answer does
	// not hold a whole delivery.
	DefaultBatch = 32
	// DefaultParallel is how many requests are under way at once: a
	// model server batches across requests, and a delivery of 500 texts
	// should not wait for 16 round trips one after another.
	DefaultParallel = 4
	// DefaultTimeout bounds one request.
	DefaultTimeout = 10 * time.Second
	// DefaultPause is how long a client stops asking after a failure, so
	// that a model server that is down does not make every delivery wait
	// for its timeout.
	DefaultPause = 30 * time.Second
	// MaxTextRunes caps what is sent of one text. Models read about 512
	// word pieces and refuse or silently cut longer input; the opening of
	// a review carries its tone well enough.
	MaxTextRunes = 1000
	// maxAnswerBytes caps the answer read for one batch.
	maxAnswerBytes = 1 << 20
)

// ErrPaused is returned while the client rests after a failure.
var ErrPaused = errors.New("classify: the model failed recently and is not asked for a while")

// Reading is the tone of one text.
type Reading struct {
	Score float64 // -1 (negative) … 1 (positive)
	Label string  // Positive, Neutral or Negative
}

// Client asks one model. The zero value of each optional field picks the
// default; a Client is safe for concurrent use.
type Client struct {
	URL string
	// Token, if set, is sent as a bearer token.
	Token string
	// Langs are the ISO 639-1 codes the model is used for; empty: all,
	// including texts whose language is unknown.
	Langs []string
	// HTTP sends the requests; nil: a client with DefaultTimeout.
	HTTP  *http.Client
	Batch int
	// Parallel is how many batches are asked at once.
	Parallel int
	Pause    time.Duration
	Now      func() time.Time

	mu          sync.Mutex
	pausedUntil time.Time
}

// Covers reports whether the model is used for texts in lang.
func (c *Client) Covers(lang string) bool {
	if len(c.Langs) == 0 {
		return true
	}
	for _, l := range c.Langs {
		if strings.EqualFold(l, lang) {
			return true
		}
	}
	return false
}

// Classify reads the tone of each text, in order. It sends the texts in
// batches, Parallel at a time, and fails as a whole: on any error (the server, the network, an
// answer it cannot read) nothing is returned, and the client pauses for
// Pause before it asks again (ErrPaused until then).
func (c *Client) Classify(ctx context.Context, texts []string) ([]Reading, error) {
	if err := c.paused(); err != nil {
		return nil, err
	}
	batch := c.Batch
	if batch <= 0 {
		batch = DefaultBatch
	}
	parallel := c.Parallel
	if parallel <= 0 {
		parallel = DefaultParallel
	}
	out := make([]Reading, len(texts))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(parallel)
	for start := 0; start < len(texts); start += batch {
		end := min(start+batch, len(texts))
		g.Go(func() error {
			rs, err := c.ask(gctx, texts[start:end])
			if err != nil {
				return err
			}
			copy(out[start:end], rs)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		if ctx.Err() == nil {
			c.pause()
		}
		return nil, err
	}
	return out, nil
}

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Client) paused() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.now().Before(c.pausedUntil) {
		return ErrPaused
	}
	return nil
}

func (c *Client) pause() {
	d := c.Pause
	if d <= 0 {
		d = DefaultPause
	}
	c.mu.Lock()
	c.pausedUntil = c.now().Add(d)
	c.mu.Unlock()
}

// ask sends one batch.
func (c *Client) ask(ctx context.Context, texts []string) ([]Reading, error) {
	inputs := make([]string, len(texts))
	for i, t := range texts {
		inputs[i] = cut(t, MaxTextRunes)
	}
	body, err := json.Marshal(struct {
		Inputs []string `json:"inputs"`
	}{inputs})
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("classify: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: DefaultTimeout}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("classify: %w", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes+1))
	if err != nil {
		return nil, fmt.Errorf("classify: reading the answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("classify: the model answered %s: %s", resp.Status, cut(strings.TrimSpace(string(data)), 200))
	}
	if len(data) > maxAnswerBytes {
		return nil, fmt.Errorf("classify: the answer is over %d bytes", maxAnswerBytes)
	}
	return readAnswer(data, len(texts))
}

// scored is one label of a model's answer.
type scored struct {
	Label string   `json:"label"`
	Score *float64 `json:"score"`
}

// readAnswer reads one reading per text from a model's answer: for each
// text either its top label or a list of labels.
func readAnswer(data []byte, n int) ([]Reading, error) {
	var items []json.RawMessage
	if err := json.Unmarshal(data, &items); err != nil {
		return nil, fmt.Errorf("classify: the answer is not a JSON list: %w", err)
	}
	if len(items) != n {
		return nil, fmt.Errorf("classify: %d answers for %d texts", len(items), n)
	}
	out := make([]Reading, n)
	for i, raw := range items {
		var labels []scored
		if t := bytes.TrimSpace(raw); len(t) > 0 && t[0] == '[' {
			if err := json.Unmarshal(t, &labels); err != nil {
				return nil, fmt.Errorf("classify: answer %d: %w", i+1, err)
			}
		} else {
			var one scored
			if err := json.Unmarshal(t, &one); err != nil {
				return nil, fmt.Errorf("classify: answer %d: %w", i+1, err)
			}
			labels = []scored{one}
		}
		r, err := reading(labels)
		if err != nil {
			return nil, fmt.Errorf("classify: answer %d: %w", i+1, err)
		}
		out[i] = r
	}
	return out, nil
}

// reading turns one text's labels into a Reading. The label is the most
// likely one's; the score weighs every label given by its chance: that of
// positive less that of negative, or the expected stars mapped onto -1..1.
func reading(labels []scored) (Reading, error) {
	if len(labels) == 0 {
		return Reading{}, errors.New("no label")
	}
	var top, sum, weighted float64
	r := Reading{}
	for _, l := range labels {
		if l.Score == nil || math.IsNaN(*l.Score) || *l.Score < 0 || *l.Score > 1 {
			return Reading{}, fmt.Errorf("label %q has no score between 0 and 1", l.Label)
		}
		tone, label, err := toneOf(l.Label)
		if err != nil {
			return Reading{}, err
		}
		p := *l.Score
		if p > top || r.Label == "" {
			top, r.Label = p, label
		}
		sum += p
		weighted += p * tone
	}
	// A full set of labels sums to 1; a lone top label keeps its doubt.
	r.Score = weighted / math.Max(sum, 1)
	return r, nil
}

// toneOf reads a model's label: its tone from -1 to 1 and its label.
func toneOf(label string) (float64, string, error) {
	l := strings.ToLower(strings.TrimSpace(label))
	switch l {
	case "positive", "pos":
		return 1, Positive, nil
	case "negative", "neg":
		return -1, Negative, nil
	case "neutral", "neu", "mixed":
		return 0, Neutral, nil
	}
	if n, ok := stars(l); ok {
		tone := float64(n-3) / 2
		switch {
		case n <= 2:
			return tone, Negative, nil
		case n == 3:
			return tone, Neutral, nil
		default:
			return tone, Positive, nil
		}
	}
	return 0, "", fmt.Errorf("label %q is not positive, neutral, negative or 1 to 5 stars", label)
}

// stars reads "1 star" … "5 stars".
func stars(l string) (int, bool) {
	num, unit, ok := strings.Cut(l, " ")
	if !ok || (unit != "star" && unit != "stars") {
		return 0, false
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 1 || n > 5 {
		return 0, false
	}
	return n, true
}

// cut returns s up to max runes.
func cut(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	i, n := 0, 0
	for i = range s {
		if n == max {
			break
		}
		n++
	}
	return s[:i]
}
