package listening_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/account"
	"github.com/samtal-dev/samtal/internal/testdb"
	"github.com/samtal-dev/samtal/listening"
	"github.com/samtal-dev/samtal/listening/raw"
	"github.com/samtal-dev/samtal/person"
	"github.com/samtal-dev/samtal/sqlstore"
)

// world is a listening service on a real store, and the contexts of the
// roles that act on it.
type world struct {
	svc                           *listening.Service
	db                            *sqlstore.DB
	admin, analyst, agent, member context.Context
	system                        context.Context
	now                           time.Time
}

func newWorld(t *testing.T, db *sqlstore.DB) *world {
	t.Helper()
	persons := sqlstore.NewPersons(db)
	w := &world{db: db, now: time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)}
	w.svc = &listening.Service{Store: sqlstore.NewListening(db), Resolver: &person.Resolver{Store: persons, Candidates: persons},
		Now: func() time.Time { return w.now }}
	ctx := context.Background()
	w.admin = samtal.WithActor(ctx, samtal.Actor{Role: samtal.RoleAdmin, Via: "cli"})
	w.analyst = samtal.WithActor(ctx, samtal.Actor{AccountID: 90001, Role: samtal.RoleAnalyst, Via: "test"})
	w.agent = samtal.WithActor(ctx, samtal.Actor{AccountID: 90002, Role: samtal.RoleAgent, Via: "test"})
	w.member = samtal.WithActor(ctx, samtal.Actor{AccountID: 90003, Role: samtal.RoleMember, Via: "test"})
	w.system = samtal.WithActor(ctx, samtal.Actor{Via: "job"})
	return w
}

func (w *world) source(t *testing.T, kind, name string) *listening.Source {
	t.Helper()
	src := &listening.Source{Kind: kind, Name: name}
	switch kind {
	case listening.KindFeed:
		src.URL = "https://blog.example.com/feed.xml"
	case listening.KindImport:
		src.Config.Mapping = []byte(`{"text":"text","author":"author","rating":"stars","date":"date","url":"url","rating_scale":"1-5","network":"trustpilot"}`)
	}
	if err := w.svc.CreateSource(w.admin, src); err != nil {
		t.Fatalf("create %s source: %v", kind, err)
	}
	return src
}

func (w *world) topic(t *testing.T, name, q string) *listening.Topic {
	t.Helper()
	tp := &listening.Topic{Name: name, Query: q}
	if err := w.svc.CreateTopic(w.admin, tp); err != nil {
		t.Fatalf("create topic %q: %v", q, err)
	}
	return tp
}

func rating(v float64) *float64 { return &v }

var reviews = []raw.Item{
	{ExternalID: "r1", URL: "https://www.trustpilot.com/reviews/1", Author: "Grace O.", Title: "Great sofa",
		Text:   "The green sofa arrived on time and it is wonderful. Very comfortable, and the delivery team was friendly and careful.",
		Rating: rating(1), Published: time.Date(2026, 11, 18, 9, 0, 0, 0, time.UTC)},
	{ExternalID: "r2", URL: "https://www.trustpilot.com/reviews/2", Author: "Jonas B.",
		Text:   "Das Sofa ist leider nicht gut. Die Lieferung kam zwei Wochen zu spät und der Kundenservice hat nie geantwortet. Nie wieder.",
		Rating: rating(0.25), Published: time.Date(2026, 11, 19, 9, 0, 0, 0, time.UTC)},
	{ExternalID: "r3", URL: "https://www.trustpilot.com/reviews/3", Author: "Mette K.",
		Text:   "Bordet er ikke godt. Det vakler og en skrue manglede i pakken. Jeg er meget skuffet over kvaliteten denne gang.",
		Rating: rating(0.25), Published: time.Date(2026, 11, 19, 10, 0, 0, 0, time.UTC)},
}

// TestIngestEnrichesMatchesAndStoresOnce: each new item becomes a mention
// with its language, sentiment, topics and person; delivering the same items
// again stores nothing.
func TestIngestEnrichesMatchesAndStoresOnce(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newWorld(t, db)
		src := w.source(t, listening.KindWebhook, "Reviews")
		sofa := w.topic(t, "Sofas", `sofa*`)
		table := w.topic(t, "Tables", `bord* OR tisch* OR table*`)
		res, err := w.svc.Ingest(w.system, src, reviews)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.IDs) != 3 || res.Known != 0 {
			t.Fatalf("first delivery: %+v, want 3 stored", res)
		}
		want := []struct {
			lang, label string
			topic       int64
		}{{"en", "positive", sofa.ID}, {"de", "negative", sofa.ID}, {"da", "negative", table.ID}}
		for i, id := range res.IDs {
			m, err := w.svc.Mention(w.agent, id)
			if err != nil {
				t.Fatal(err)
			}
			if m.Lang != want[i].lang || m.SentimentLabel != want[i].label {
				t.Errorf("mention %d: lang %q sentiment %q (%.2f), want %q %q", i, m.Lang, m.SentimentLabel, m.Sentiment, want[i].lang, want[i].label)
			}
			if len(m.Topics) != 1 || m.Topics[0] != want[i].topic {
				t.Errorf("mention %d: topics %v, want [%d]", i, m.Topics, want[i].topic)
			}
			if m.PersonID == 0 || m.Site != "trustpilot.com" || m.State != listening.StateNew {
				t.Errorf("mention %d: person %d site %q state %q", i, m.PersonID, m.Site, m.State)
			}
		}
		again, err := w.svc.Ingest(w.system, src, reviews)
		if err != nil {
			t.Fatal(err)
		}
		if len(again.IDs) != 0 || again.Known != 3 {
			t.Fatalf("second delivery: %+v, want all known", again)
		}
		// An id as long as a source likes is stored once, by its hash.
		long := raw.Item{ExternalID: strings.Repeat("x", 5000), Text: "A post with a very long id about the lamp in the hall.", Published: w.now}
		first5k, err := w.svc.Ingest(w.system, src, []raw.Item{long})
		if err != nil || len(first5k.IDs) != 1 {
			t.Fatalf("long id: %+v %v", first5k, err)
		}
		if again, _ := w.svc.Ingest(w.system, src, []raw.Item{long}); again.Known != 1 {
			t.Errorf("the long id again: %+v", again)
		}
		// The same reviewer on the same site is one person.
		more := raw.Item{ExternalID: "r4", URL: "https://www.trustpilot.com/reviews/4", Author: "Grace O.", Text: "Second review by Grace about the lamp.",
			Published: time.Date(2026, 11, 19, 11, 0, 0, 0, time.UTC)}
		r4, err := w.svc.Ingest(w.system, src, []raw.Item{more})
		if err != nil {
			t.Fatal(err)
		}
		first, _ := w.svc.Mention(w.agent, res.IDs[0])
		fourth, _ := w.svc.Mention(w.agent, r4.IDs[0])
		if first.PersonID != fourth.PersonID {
			t.Errorf("Grace O. is persons %d and %d", first.PersonID, fourth.PersonID)
		}
		s, _ := w.svc.Source(w.agent, src.ID)
		if s.Items != 5 {
			t.Errorf("source items %d, want 5", s.Items)
		}
	})
}

// TestNearDuplicatesCountOnce: a review syndicated to another site, with a
// tail added, joins the first one's cluster: it is kept and linked but not
// listed or counted again.
func TestNearDuplicatesCountOnce(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newWorld(t, db)
		a := w.source(t, listening.KindWebhook, "Trustpilot")
		b := w.source(t, listening.KindWebhook, "Syndication")
		tp := w.topic(t, "Sofas", `sofa`)
		first, err := w.svc.Ingest(w.system, a, reviews[:1])
		if err != nil {
			t.Fatal(err)
		}
		copyItem := reviews[0]
		copyItem.ExternalID, copyItem.URL = "copy-1", "https://reviews.example.org/copy/1"
		copyItem.Text = strings.ToUpper(copyItem.Text[:1]) + copyItem.Text[1:] + "  Read more on trustpilot.com"
		second, err := w.svc.Ingest(w.system, b, []raw.Item{copyItem})
		if err != nil {
			t.Fatal(err)
		}
		if second.Duplicates != 1 || len(second.IDs) != 1 {
			t.Fatalf("copy: %+v, want one stored duplicate", second)
		}
		dup, _ := w.svc.Mention(w.agent, second.IDs[0])
		if dup.DuplicateOf != first.IDs[0] {
			t.Errorf("duplicate_of %d, want %d", dup.DuplicateOf, first.IDs[0])
		}
		list, err := w.svc.Mentions(w.agent, listening.MentionFilter{TopicID: tp.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].ID != first.IDs[0] || list[0].Duplicates != 1 {
			t.Fatalf("topic list %+v, want the head with 1 duplicate", list)
		}
		all, _ := w.svc.Mentions(w.agent, listening.MentionFilter{})
		if len(all) != 1 {
			t.Errorf("inbox lists %d mentions, want the head only", len(all))
		}
		cluster, _ := w.svc.Mentions(w.agent, listening.MentionFilter{DuplicatesOf: first.IDs[0]})
		if len(cluster) != 1 || cluster[0].ID != dup.ID {
			t.Errorf("cluster %+v", cluster)
		}
		days, err := w.svc.TopicDays(w.agent, tp.ID, 7)
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		for _, d := range days {
			total += d.N
		}
		if total != 1 || len(days) != 7 {
			t.Errorf("days %v: total %d, want 1 over 7 days", days, total)
		}
		if totals, err := w.svc.TopicTotals(w.agent, 7); err != nil || totals[tp.ID] != (listening.TopicTotal{Period: 1}) {
			t.Errorf("totals %v %v, want 1 in the week and none today", totals, err)
		}
		// A different review of the same product is no duplicate.
		other := raw.Item{ExternalID: "o1", Text: "The green sofa is too soft for me and the cushions lost their shape after a month of use at home.",
			Published: w.now}
		res, _ := w.svc.Ingest(w.system, a, []raw.Item{other})
		if res.Duplicates != 0 {
			t.Errorf("a different review was taken for a duplicate")
		}
		// Short texts: the same words by the same author are one post;
		// the same "Thanks!" by two people are two.
		short := []raw.Item{
			{ExternalID: "s1", Author: "Anna", Text: "Thanks, great sofa!", Published: w.now},
			{ExternalID: "s2", Author: "Bo", Text: "Thanks, great sofa!", Published: w.now},
		}
		if res, _ := w.svc.Ingest(w.system, a, short); res.Duplicates != 0 || len(res.IDs) != 2 {
			t.Errorf("two people's thanks: %+v", res)
		}
		again := []raw.Item{{ExternalID: "s3", Author: "anna", Text: "thanks great sofa", Published: w.now}}
		if res, _ := w.svc.Ingest(w.system, b, again); res.Duplicates != 1 {
			t.Errorf("Anna's thanks re-posted: %+v", res)
		}
	})
}

// TestTopicRefusalsChangeNothing: a query that does not parse says where;
// an example that does not behave says which; neither saves anything.
func TestTopicRefusalsChangeNothing(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newWorld(t, db)
		cases := []struct {
			name  string
			topic listening.Topic
			field string
			key   string         // the message's catalog key
			data  map[string]any // and its values
		}{
			{"unclosed", listening.Topic{Name: "x", Query: `ikea AND (sofa OR bed`}, "query", "error.query.unclosed_paren", map[string]any{"Pos": 22, "Open": 10}},
			{"leading wildcard", listening.Topic{Name: "x", Query: `*fa`}, "query", "error.query.wildcard_start", map[string]any{"Pos": 1}},
			{"empty name", listening.Topic{Name: " ", Query: `ikea`}, "name", "error.name_invalid", nil},
			{"must match fails", listening.Topic{Name: "x", Query: `ikea AND sofa`, MustMatch: []string{"ikea lamp"}}, "must_match[0]",
				"error.example_must_match", map[string]any{"Number": 1, "Example": "ikea lamp"}},
			{"must not match matches", listening.Topic{Name: "x", Query: `ikea NOT job`, MustNotMatch: []string{"ikea sofa"}}, "must_not_match[0]",
				"error.example_must_not_match", map[string]any{"Number": 1, "Example": "ikea sofa"}},
		}
		for _, c := range cases {
			tp := c.topic
			err := w.svc.CreateTopic(w.admin, &tp)
			var se *samtal.Error
			if !errors.As(err, &se) || se.Code != samtal.EINVALID || se.Field != c.field || se.Message != c.key || !maps.Equal(se.Data, c.data) {
				t.Errorf("%s: %v, want EINVALID on %s: %s %v", c.name, err, c.field, c.key, c.data)
			}
		}
		if list, _ := w.svc.Topics(w.agent); len(list) != 0 {
			t.Errorf("refused topics were saved: %+v", list)
		}
		if err := w.svc.CreateTopic(w.agent, &listening.Topic{Name: "x", Query: "ikea"}); samtal.ErrorCode(err) != samtal.EFORBIDDEN {
			t.Errorf("an agent made a topic: %v", err)
		}
		good := w.topic(t, "Good", `ikea NOT job`)
		bad := `ikea (`
		if _, err := w.svc.UpdateTopic(w.admin, good.ID, listening.TopicPatch{Query: &bad}); samtal.ErrorCode(err) != samtal.EINVALID {
			t.Errorf("bad edit: %v", err)
		}
		got, _ := w.svc.Topic(w.agent, good.ID)
		if got.Query != `ikea NOT job` || got.Version != 1 {
			t.Errorf("a refused edit changed the topic: %+v", got)
		}
	})
}

// TestTopicsRunOverHistory: a topic made after mentions arrived finds them
// in the background run; an edit drops what the old query matched and runs
// the new one.
func TestTopicsRunOverHistory(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newWorld(t, db)
		src := w.source(t, listening.KindWebhook, "Reviews")
		var items []raw.Item
		r := rand.New(rand.NewPCG(1, 2))
		for i := range 2500 {
			word := "sofa"
			if i%5 == 0 {
				word = "lamp"
			}
			// Distinct words, so that no two reviews are near-duplicates.
			var b strings.Builder
			for range 30 {
				fmt.Fprintf(&b, "w%d ", r.IntN(100000))
			}
			items = append(items, raw.Item{ExternalID: strconv.Itoa(i),
				Text:      fmt.Sprintf("The %s from store %d: %s", word, i%10, b.String()),
				Published: w.now.Add(-time.Duration(i) * time.Minute)})
		}
		if _, err := w.svc.Ingest(w.system, src, items); err != nil {
			t.Fatal(err)
		}
		tp := w.topic(t, "Lamps", `lamp`)
		if !tp.Rerunning {
			t.Error("a new topic does not say it is running over history")
		}
		if err := w.svc.RunHistory(w.system); err != nil {
			t.Fatal(err)
		}
		count := func() int {
			n, cursor := 0, listening.MentionFilter{TopicID: tp.ID, Limit: 100}
			for {
				page, err := w.svc.Mentions(w.agent, cursor)
				if err != nil {
					t.Fatal(err)
				}
				n += len(page)
				if len(page) < 100 {
					return n
				}
				cursor.AfterAt, cursor.AfterID = page[len(page)-1].PublishedAt, page[len(page)-1].ID
			}
		}
		if n := count(); n != 500 {
			t.Errorf("lamps after the run: %d, want 500", n)
		}
		got, _ := w.svc.Topic(w.agent, tp.ID)
		if got.Rerunning {
			t.Error("the run is done but the topic still says it is running")
		}
		q := `sofa`
		if _, err := w.svc.UpdateTopic(w.admin, tp.ID, listening.TopicPatch{Query: &q}); err != nil {
			t.Fatal(err)
		}
		if n := count(); n != 0 {
			t.Errorf("after the edit, before the run: %d matches of the old query remain", n)
		}
		if err := w.svc.RunHistory(w.system); err != nil {
			t.Fatal(err)
		}
		if n := count(); n != 2000 {
			t.Errorf("sofas after the run: %d, want 2000", n)
		}
		days, _ := w.svc.TopicDays(w.agent, tp.ID, 7)
		total := 0
		for _, d := range days {
			total += d.N
		}
		if total != 2000 {
			t.Errorf("days count %d, want 2000", total)
		}
		// A topic's mentions searched by words: the same on both engines.
		page, err := w.svc.Mentions(w.agent, listening.MentionFilter{TopicID: tp.ID, Words: []string{"stor", "from"}, Limit: 40})
		if err != nil || len(page) != 40 {
			t.Fatalf("topic and words: %d, %v", len(page), err)
		}
		for _, m := range page {
			if !strings.Contains(m.Text, "sofa from store") || len(m.Topics) != 1 {
				t.Errorf("topic and words found %q", m.Text)
			}
		}
		if page, _ := w.svc.Mentions(w.agent, listening.MentionFilter{TopicID: tp.ID, Words: []string{"lamp"}}); len(page) != 0 {
			t.Errorf("the sofa topic has %d lamps", len(page))
		}
		p, err := w.svc.Preview(w.analyst, `lamp AND "store 5"`)
		if err != nil {
			t.Fatal(err)
		}
		if p.Checked != 2500 || p.Matched != 250 || len(p.Mentions) != listening.PreviewMatches {
			t.Errorf("preview checked %d, matched %d, showed %d", p.Checked, p.Matched, len(p.Mentions))
		}
		for _, m := range p.Mentions {
			if !strings.Contains(m.Text, "lamp") {
				t.Errorf("preview shows %q", m.Text)
			}
		}
	})
}

// TestWebhookSignatures: a signed call stores its items; an old or future
// timestamp, a wrong signature and a replay are refused and store nothing;
// one invalid item refuses the whole call.
func TestWebhookSignatures(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newWorld(t, db)
		src := w.source(t, listening.KindWebhook, "Hook")
		if len(src.Secret) < 32 {
			t.Fatalf("secret %q", src.Secret)
		}
		ts := strconv.FormatInt(w.now.Unix(), 10)
		body := []byte(`{"items":[{"url":"https://forum.example.com/t/1","title":"Sofa","text":"Our new sofa is lovely.","author":"anna","published_at":"2026-11-20T10:00:00Z","rating":0.8}]}`)
		ids, err := w.svc.Hook(context.Background(), src.ID, ts, listening.Sign(src.Secret, ts, body), body)
		if err != nil || len(ids) != 1 {
			t.Fatalf("signed call: %v %v", ids, err)
		}
		old := strconv.FormatInt(w.now.Add(-6*time.Minute).Unix(), 10)
		future := strconv.FormatInt(w.now.Add(6*time.Minute).Unix(), 10)
		body2 := []byte(`{"items":[{"text":"Another post about the sofa."}]}`)
		bad := []struct {
			name, ts, sig string
			body          []byte
			code          string
		}{
			{"replay", ts, listening.Sign(src.Secret, ts, body), body, samtal.EUNAUTHORIZED},
			{"old", old, listening.Sign(src.Secret, old, body2), body2, samtal.EUNAUTHORIZED},
			{"future", future, listening.Sign(src.Secret, future, body2), body2, samtal.EUNAUTHORIZED},
			{"wrong key", ts, listening.Sign("not the secret", ts, body2), body2, samtal.EUNAUTHORIZED},
			{"no signature", ts, "", body2, samtal.EUNAUTHORIZED},
			{"signature of another body", ts, listening.Sign(src.Secret, ts, body), body2, samtal.EUNAUTHORIZED},
			{"malformed", ts, listening.Sign(src.Secret, ts, []byte(`{"items":[`)), []byte(`{"items":[`), samtal.EMALFORMED},
			{"bad url", ts, listening.Sign(src.Secret, ts, []byte(`{"items":[{"text":"ok"},{"text":"x","url":"javascript:alert(1)"}]}`)),
				[]byte(`{"items":[{"text":"ok"},{"text":"x","url":"javascript:alert(1)"}]}`), samtal.EINVALID},
			{"no text", ts, listening.Sign(src.Secret, ts, []byte(`{"items":[{"url":"https://a.example/"}]}`)), []byte(`{"items":[{"url":"https://a.example/"}]}`), samtal.EINVALID},
			{"rating out of range", ts, listening.Sign(src.Secret, ts, []byte(`{"items":[{"text":"t","rating":4}]}`)), []byte(`{"items":[{"text":"t","rating":4}]}`), samtal.EINVALID},
		}
		for _, c := range bad {
			_, err := w.svc.Hook(context.Background(), src.ID, c.ts, c.sig, c.body)
			if samtal.ErrorCode(err) != c.code {
				t.Errorf("%s: %v, want %s", c.name, err, c.code)
			}
		}
		list, _ := w.svc.Mentions(w.agent, listening.MentionFilter{})
		if len(list) != 1 {
			t.Errorf("refused calls stored mentions: %d in the inbox", len(list))
		}
		feed := w.source(t, listening.KindFeed, "Blog")
		if _, err := w.svc.Hook(context.Background(), feed.ID, ts, listening.Sign("", ts, body2), body2); samtal.ErrorCode(err) != samtal.ENOTFOUND {
			t.Errorf("a feed source took a webhook call: %v", err)
		}
	})
}

// TestInboxFiltersAndTriage: the inbox narrows by each filter and by words
// on both engines; staff change state, assignee and tags, one at a time or
// in bulk, and a refused change changes nothing; members see nothing.
func TestInboxFiltersAndTriage(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newWorld(t, db)
		src := w.source(t, listening.KindWebhook, "Reviews")
		other := w.source(t, listening.KindWebhook, "Other")
		res, err := w.svc.Ingest(w.system, src, reviews)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Ingest(w.system, other, []raw.Item{{Text: "Ein Beitrag über Lampen, sachlich und ohne Meinung zu irgendetwas.", Published: w.now}}); err != nil {
			t.Fatal(err)
		}
		ids := func(f listening.MentionFilter) []int64 {
			t.Helper()
			list, err := w.svc.Mentions(w.agent, f)
			if err != nil {
				t.Fatalf("%+v: %v", f, err)
			}
			var out []int64
			for _, m := range list {
				out = append(out, m.ID)
			}
			return out
		}
		filters := []struct {
			name string
			f    listening.MentionFilter
			want []int64
		}{
			{"lang", listening.MentionFilter{Lang: "da"}, []int64{res.IDs[2]}},
			{"sentiment", listening.MentionFilter{Sentiment: "positive"}, []int64{res.IDs[0]}},
			{"source", listening.MentionFilter{SourceID: src.ID}, []int64{res.IDs[2], res.IDs[1], res.IDs[0]}},
			{"rating", listening.MentionFilter{MinRating: rating(0.5)}, []int64{res.IDs[0]}},
			{"since", listening.MentionFilter{Since: time.Date(2026, 11, 19, 0, 0, 0, 0, time.UTC), SourceID: src.ID}, []int64{res.IDs[2], res.IDs[1]}},
			{"until", listening.MentionFilter{Until: time.Date(2026, 11, 19, 0, 0, 0, 0, time.UTC)}, []int64{res.IDs[0]}},
			{"words", listening.MentionFilter{Words: []string{"lieferung"}}, []int64{res.IDs[1]}},
			{"word beginning, folded", listening.MentionFilter{Words: []string{"skuf"}}, []int64{res.IDs[2]}},
			{"words and filter", listening.MentionFilter{Words: []string{"sofa"}, Lang: "en"}, []int64{res.IDs[0]}},
		}
		for _, c := range filters {
			if got := ids(c.f); fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("%s: %v, want %v", c.name, got, c.want)
			}
		}
		page1 := ids(listening.MentionFilter{SourceID: src.ID, Limit: 2})
		m2, _ := w.svc.Mention(w.agent, page1[1])
		page2 := ids(listening.MentionFilter{SourceID: src.ID, Limit: 2, AfterAt: m2.PublishedAt, AfterID: m2.ID})
		if fmt.Sprint(append(page1, page2...)) != fmt.Sprint([]int64{res.IDs[2], res.IDs[1], res.IDs[0]}) {
			t.Errorf("pages %v %v", page1, page2)
		}

		// Triage.
		accounts := sqlstore.NewAccounts(db)
		agentAcc := newAccount(t, accounts, "agent@example.com", samtal.RoleAgent)
		memberAcc := newAccount(t, accounts, "member@example.com", samtal.RoleMember)
		as, err := w.svc.Assignees(w.agent)
		if err != nil || len(as) != 1 || as[0].ID != agentAcc || as[0].Name != "Name of agent@example.com" {
			t.Errorf("assignees %+v %v, want the agent only", as, err)
		}
		state := listening.StateNeedsReply
		if n, err := w.svc.ChangeMentions(w.agent, res.IDs[:2], listening.MentionChange{State: &state, Assignee: &agentAcc, AddTags: []string{"Delivery", "delivery"}}); err != nil || n != 2 {
			t.Fatalf("bulk change: %d %v", n, err)
		}
		m, _ := w.svc.Mention(w.agent, res.IDs[1])
		if m.State != state || m.AssigneeID != agentAcc || fmt.Sprint(m.Tags) != "[delivery]" {
			t.Errorf("changed mention %+v", m)
		}
		if got := ids(listening.MentionFilter{State: state}); len(got) != 2 {
			t.Errorf("state filter %v", got)
		}
		if got := ids(listening.MentionFilter{Tag: "delivery", Assignee: agentAcc}); len(got) != 2 {
			t.Errorf("tag and assignee filter %v", got)
		}
		done := listening.StateDone
		bogus := "archived"
		refusals := []struct {
			name string
			ctx  context.Context
			ids  []int64
			c    listening.MentionChange
			code string
		}{
			{"member", w.member, res.IDs[:1], listening.MentionChange{State: &done}, samtal.EFORBIDDEN},
			{"analyst", w.analyst, res.IDs[:1], listening.MentionChange{State: &done}, samtal.EFORBIDDEN},
			{"unknown state", w.agent, res.IDs[:1], listening.MentionChange{State: &bogus}, samtal.EINVALID},
			{"one id unknown", w.agent, []int64{res.IDs[0], 999999}, listening.MentionChange{State: &done}, samtal.ENOTFOUND},
			{"member as assignee", w.agent, res.IDs[:1], listening.MentionChange{Assignee: &memberAcc}, samtal.EINVALID},
			{"empty change", w.agent, res.IDs[:1], listening.MentionChange{}, samtal.EINVALID},
			{"no ids", w.agent, nil, listening.MentionChange{State: &done}, samtal.EINVALID},
			{"bad tag", w.agent, res.IDs[:1], listening.MentionChange{AddTags: []string{strings.Repeat("x", 41)}}, samtal.EINVALID},
		}
		for _, c := range refusals {
			if _, err := w.svc.ChangeMentions(c.ctx, c.ids, c.c); samtal.ErrorCode(err) != c.code {
				t.Errorf("%s: %v, want %s", c.name, err, c.code)
			}
		}
		m, _ = w.svc.Mention(w.agent, res.IDs[0])
		if m.State != state {
			t.Errorf("a refused change changed the state to %q", m.State)
		}
		for name, call := range map[string]func() error{
			"mentions": func() error { _, err := w.svc.Mentions(w.member, listening.MentionFilter{}); return err },
			"mention":  func() error { _, err := w.svc.Mention(w.member, res.IDs[0]); return err },
			"sources":  func() error { _, err := w.svc.Sources(w.member); return err },
			"topics":   func() error { _, err := w.svc.Topics(w.member); return err },
		} {
			if err := call(); samtal.ErrorCode(err) != samtal.EFORBIDDEN {
				t.Errorf("member reads %s: %v", name, err)
			}
		}
	})
}

func newAccount(t *testing.T, s *sqlstore.Accounts, email string, role samtal.Role) int64 {
	t.Helper()
	a, err := s.CreateAccount(context.Background(), account.NewAccount{
		Email: email, Name: "Name of " + email, Role: role, PasswordHash: "h:" + email,
		Identity: person.Identity{Kind: person.KindEmail, Value: email},
	}, nil)
	if err != nil {
		t.Fatalf("create account %s: %v", email, err)
	}
	return a.ID
}
