package listening_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/internal/listengen"
	"github.com/samtal-dev/samtal/internal/testdb"
	"github.com/samtal-dev/samtal/listening"
	"github.com/samtal-dev/samtal/listening/raw"
	"github.com/samtal-dev/samtal/person"
	"github.com/samtal-dev/samtal/sqlstore"
)

// BenchmarkIngest stores batches of 500 new mentions on SQLite with the
// whole ingest (enrichment, matching, duplicate probes, authors, insert)
// against 0, 10, 100 and 1,000 topics. ns/op is per mention.
func BenchmarkIngest(b *testing.B) {
	for _, topics := range []int{0, 10, 100, 1000} {
		b.Run(fmt.Sprintf("topics=%d", topics), func(b *testing.B) {
			db := testdb.Open(b, sqlstore.SQLite)
			persons := sqlstore.NewPersons(db)
			svc := &listening.Service{Store: sqlstore.NewListening(db), Resolver: &person.Resolver{Store: persons, Candidates: persons}}
			admin := samtal.WithActor(context.Background(), samtal.Actor{Role: samtal.RoleAdmin, Via: "cli"})
			src := &listening.Source{Kind: listening.KindWebhook, Name: "Bench"}
			if err := svc.CreateSource(admin, src); err != nil {
				b.Fatal(err)
			}
			for i, q := range listengen.Topics(topics) {
				if err := svc.CreateTopic(admin, &listening.Topic{Name: fmt.Sprint(i), Query: q}); err != nil {
					b.Fatal(err)
				}
			}
			r := rand.New(rand.NewPCG(1, 2))
			n := 0
			b.ResetTimer()
			for b.Loop() {
				items := make([]raw.Item, 500)
				for i := range items {
					items[i] = listengen.Item(r, n, time.Now())
					n++
				}
				if _, err := svc.Ingest(context.Background(), src, items); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/mention")
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "mentions/s")
		})
	}
}
