package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/internal/listengen"
	"github.com/samtal-dev/samtal/listening"
	"github.com/samtal-dev/samtal/listening/classify"
	"github.com/samtal-dev/samtal/listening/raw"
	"github.com/samtal-dev/samtal/person"
	"github.com/samtal-dev/samtal/sqlstore"
)

// benchTopics is how many topics the seeded store follows.
const benchTopics = 1000

// seedListening fills the store with sz.mentions mentions and benchTopics
// topics. Each mention is enriched and matched by the service's own code
// (Service.Enriched); only the person resolution and the near-duplicate
// probes of a live ingest are left out (every generated text is distinct),
// and the rows go in through the store's own insert.
func seedListening(ctx context.Context, db *sqlstore.DB, sz size, seed *seeded) error {
	if sz.mentions == 0 {
		return nil
	}
	store := sqlstore.NewListening(db)
	svc := &listening.Service{Store: store, Now: func() time.Time { return benchNow }}
	admin := samtal.WithActor(ctx, samtal.Actor{Role: samtal.RoleAdmin, Via: "cli"})
	src := &listening.Source{Kind: listening.KindWebhook, Name: "Bench hook"}
	if err := svc.CreateSource(admin, src); err != nil {
		return fmt.Errorf("seed: source: %w", err)
	}
	seed.HookSource, seed.HookSecret = src.ID, src.Secret
	for i, q := range listengen.Topics(benchTopics) {
		t := &listening.Topic{Name: fmt.Sprintf("Topic %d", i), Query: q}
		if err := svc.CreateTopic(admin, t); err != nil {
			return fmt.Errorf("seed: topic %q: %w", q, err)
		}
		seed.TopicIDs = append(seed.TopicIDs, t.ID)
	}
	r := rand.New(rand.NewPCG(11, 13))
	const batch = 2000
	for start := 0; start < sz.mentions; start += batch {
		items := make([]raw.Item, 0, batch)
		for n := start; n < min(start+batch, sz.mentions); n++ {
			items = append(items, listengen.Item(r, n, benchNow))
		}
		var res listening.Ingested
		ms, err := svc.Enriched(ctx, src, items, &res)
		if err != nil {
			return fmt.Errorf("seed: enrich mentions: %w", err)
		}
		if _, err := store.InsertMentions(ctx, src.ID, ms); err != nil {
			return fmt.Errorf("seed: insert mentions: %w", err)
		}
	}
	// The topics matched every mention as it went in: their runs over the
	// history have nothing left to do.
	for _, id := range seed.TopicIDs {
		if err := store.MatchHistory(ctx, id, 1, nil, 0, true); err != nil {
			return fmt.Errorf("seed: topic runs: %w", err)
		}
	}
	seed.Mentions = sz.mentions
	return nil
}

// benchNow is the seed's "now": mentions spread over the year before it.
var benchNow = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

// mentionWords are searched in the mention scenarios: product words of the
// three languages, common and rare, and a word no mention has.
var mentionWords = []string{"sofa", "lieferung", "levering", "kundenservice", "comfortable", "zufrieden", "skrue", "wardrobe", "lampe", "zzqxv"}

// listeningScenarios read the mention inbox through the API as staff do:
// a topic's mentions of the last 90 days, with and without words. Four
// clients, as for search: the target is one reader's wait.
func listeningScenarios(fx *fixture) []scenario {
	if len(fx.seed.TopicIDs) == 0 {
		return nil
	}
	auth := http.Header{"Authorization": {"Bearer " + fx.seed.AdminToken}}
	since := benchNow.AddDate(0, 0, -90).Format(time.DateOnly)
	topic := func(client, n int) string {
		return strconv.FormatInt(fx.seed.TopicIDs[(client*7919+n*31)%len(fx.seed.TopicIDs)], 10)
	}
	return []scenario{
		{name: "mention-topic-search", clients: 4, want: http.StatusOK,
			request: get("/api/v1/mentions?topic="+topic(0, 0)+"&since="+since+"&q=sofa", auth),
			vary: func(req *http.Request, client, n int) {
				req.URL.RawQuery = url.Values{"topic": {topic(client, n)}, "since": {since},
					"q": {mentionWords[(client+n)%len(mentionWords)]}}.Encode()
			}},
		{name: "mention-topic-list", clients: 4, want: http.StatusOK,
			request: get("/api/v1/mentions?topic="+topic(0, 0)+"&since="+since, auth),
			vary: func(req *http.Request, client, n int) {
				req.URL.RawQuery = url.Values{"topic": {topic(client, n)}, "since": {since}}.Encode()
			}},
		{name: "mention-search", clients: 4, want: http.StatusOK,
			request: get("/api/v1/mentions?q=sofa", auth),
			vary: func(req *http.Request, client, n int) {
				req.URL.RawQuery = url.Values{"q": {mentionWords[(client+n)%len(mentionWords)]}, "since": {since}}.Encode()
			}},
	}
}

// ingestRuns is how many mentions each in-process ingest timing stores.
const ingestRuns = 20000

// measureIngest times Service.Ingest in-process on a fresh SQLite store per
// topic count (0, 10, 100, 1,000): enrichment, matching, near-duplicate
// probes, author resolution and the insert, in batches of 500 as a feed or
// an import delivers them. With 0 topics it is the baseline that shows what
// matching costs.
//
// A last run has 1,000 topics and a sentiment model (listening/classify)
// that reads every mention: a local server answering at once in the
// text-classification format, so that the run shows what the client costs
// (JSON both ways and a loopback round trip per 32 texts), not a model.
func measureIngest(ctx context.Context, tmp string) ([]timing, error) {
	var out []timing
	for _, topics := range []int{0, 10, 100, 1000} {
		name := fmt.Sprintf("ingest-%d-topics", topics)
		t, err := ingestWith(ctx, filepath.Join(tmp, name+".db"), name, topics, nil)
		if err != nil {
			return out, err
		}
		out = append(out, t)
	}
	model := httptest.NewServer(http.HandlerFunc(instantModel))
	defer model.Close()
	t, err := ingestWith(ctx, filepath.Join(tmp, "ingest-model.db"), "ingest-1000-topics-model", 1000, &classify.Client{URL: model.URL})
	if err != nil {
		return out, err
	}
	return append(out, t), nil
}

// instantModel answers like a three-way sentiment model asked for every
// label, without reading the texts.
func instantModel(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Inputs []string `json:"inputs"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	type label struct {
		Label string  `json:"label"`
		Score float64 `json:"score"`
	}
	out := make([][]label, len(in.Inputs))
	for i := range out {
		out[i] = []label{{"neutral", 0.5}, {"positive", 0.3}, {"negative", 0.2}}
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(out)
}

func ingestWith(ctx context.Context, dsn, name string, topics int, model listening.SentimentModel) (timing, error) {
	db, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		return timing{Name: name}, err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return timing{Name: name}, err
	}
	persons := sqlstore.NewPersons(db)
	svc := &listening.Service{Store: sqlstore.NewListening(db), Resolver: &person.Resolver{Store: persons, Candidates: persons},
		SentimentModel: model}
	admin := samtal.WithActor(ctx, samtal.Actor{Role: samtal.RoleAdmin, Via: "cli"})
	src := &listening.Source{Kind: listening.KindWebhook, Name: "Ingest"}
	if err := svc.CreateSource(admin, src); err != nil {
		return timing{Name: name}, err
	}
	for i, q := range listengen.Topics(topics) {
		if err := svc.CreateTopic(admin, &listening.Topic{Name: fmt.Sprintf("Topic %d", i), Query: q}); err != nil {
			return timing{Name: name}, err
		}
	}
	r := rand.New(rand.NewPCG(5, 7))
	const batch = 500
	var per []time.Duration
	start := time.Now()
	stored := 0
	for n := 0; n < ingestRuns; n += batch {
		items := make([]raw.Item, batch)
		for i := range items {
			items[i] = listengen.Item(r, n+i, time.Now())
		}
		t0 := time.Now()
		res, err := svc.Ingest(ctx, src, items)
		if err != nil {
			return timing{Name: name}, err
		}
		if model != nil && res.ModelRead != len(res.IDs) {
			return timing{Name: name}, fmt.Errorf("the model read %d of %d mentions", res.ModelRead, len(res.IDs))
		}
		per = append(per, time.Since(t0))
		stored += len(res.IDs)
	}
	took := time.Since(start)
	t := newTiming(name, per)
	t.Comment = fmt.Sprintf("%.0f mentions/s (%d stored in %s, batches of %d; times are per batch)",
		float64(stored)/took.Seconds(), stored, took.Round(time.Millisecond), batch)
	t.PerSecond = float64(stored) / took.Seconds()
	return t, nil
}

// listeningTargets are the listening issue's targets: ingest with full
// enrichment and 1,000 topics at 3,000 mentions/s or more on SQLite, with
// the matching cost growing far slower than the topics (reported against
// the run with no topics), and a topic's mentions in a date range, searched
// by words over the seeded mentions, under 50 ms at p95 on both engines.
func listeningTargets(e *engineResult) []target {
	var out []target
	var base float64
	for _, t := range e.Timings {
		switch t.Name {
		case "ingest-0-topics":
			base = t.PerSecond
		case "ingest-1000-topics-model":
			g := target{Name: t.Name + " (vs 1,000 topics without it; no target)", Engine: e.Engine, Got: "failed: " + t.Failed}
			if t.Failed == "" {
				g.Got = fmt.Sprintf("%.0f mentions/s, %.2f of the run without the model", t.PerSecond, t.PerSecond/max(perSecond(e, "ingest-1000-topics"), 1))
				g.Met = true
			}
			out = append(out, g)
		case "ingest-10-topics", "ingest-100-topics", "ingest-1000-topics":
			g := target{Name: t.Name + " (vs 0 topics)", Engine: e.Engine, Got: "failed: " + t.Failed}
			if t.Failed == "" {
				g.Got = fmt.Sprintf("%.0f mentions/s, %.2f of the run without topics", t.PerSecond, t.PerSecond/max(base, 1))
				g.Met = true
				if t.Name == "ingest-1000-topics" {
					g.Name = "ingest with 1,000 topics >= 3,000 mentions/s"
					g.Met = t.PerSecond >= 3000
				}
			}
			out = append(out, g)
		}
	}
	if s := e.scenario("mention-topic-search"); s != nil {
		g := target{Name: "mention search with topic and date p95 < 50 ms", Engine: e.Engine, Got: "failed: " + s.Failed}
		if s.Failed == "" {
			g.Got = fmt.Sprintf("p95 %.1f ms at %.0f/s", s.P95MS, s.PerSecond)
			g.Met = s.P95MS < 50 && s.Errors == 0
		}
		out = append(out, g)
	}
	return out
}

// perSecond is the rate of the named timing, 0 when it did not run.
func perSecond(e *engineResult, name string) float64 {
	for _, t := range e.Timings {
		if t.Name == name && t.Failed == "" {
			return t.PerSecond
		}
	}
	return 0
}
