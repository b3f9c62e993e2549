package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/listening"
)

// TestTopicWordsAsksTheIndexForBigTopics: on SQLite a topic's words are
// checked in Go while walking the topic; past topicWalkLimit the index is
// asked instead. Both give the same pages.
func TestTopicWordsAsksTheIndexForBigTopics(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir()+"/samtal.db")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	s := NewListening(db)
	now := time.Now().UTC().Truncate(time.Millisecond)
	e := audit.Entry{At: now, Action: "test", TargetKind: "test", Via: "test"}
	src := &listening.Source{Kind: listening.KindWebhook, Name: "w", State: listening.SourceActive, Interval: 900, CreatedAt: now, UpdatedAt: now}
	if err := s.CreateSource(ctx, src, e); err != nil {
		t.Fatal(err)
	}
	tp := &listening.Topic{Name: "t", Query: "sofa", CreatedAt: now, UpdatedAt: now}
	if err := s.CreateTopic(ctx, tp, e); err != nil {
		t.Fatal(err)
	}
	var ms []*listening.Mention
	for i := range 1200 {
		text := fmt.Sprintf("Sofa review number %d", i)
		if i%40 == 0 {
			text += " with a Rårewörd inside"
		}
		ms = append(ms, &listening.Mention{Key: fmt.Sprint(i), Text: text, Lang: "en", SentimentLabel: "neutral",
			PublishedAt: now.Add(-time.Duration(i) * time.Minute), CreatedAt: now, Topics: []int64{tp.ID}})
	}
	if _, err := s.InsertMentions(ctx, src.ID, ms); err != nil {
		t.Fatal(err)
	}
	ids := func(limit int) []int64 {
		t.Helper()
		list, err := s.Mentions(ctx, listening.MentionFilter{TopicID: tp.ID, Words: []string{"rarew"}, Limit: limit})
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, m := range list {
			out = append(out, m.ID)
		}
		return out
	}
	defer func(v int) { topicWalkLimit = v }(topicWalkLimit)
	topicWalkLimit = 1 << 20
	walked := ids(20)
	topicWalkLimit = topicWalkBatch
	asked := ids(20)
	if len(walked) != 20 || !slices.Equal(walked, asked) {
		t.Errorf("walking found %v, the index %v", walked, asked)
	}
	if walked[0] != ms[0].ID || walked[1] != ms[40].ID {
		t.Errorf("not newest first: %v", walked[:2])
	}
}
