package sqlstore_test

import (
	"archive/zip"
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/account"
	"github.com/samtal-dev/samtal/internal/testdb"
	"github.com/samtal-dev/samtal/person"
	"github.com/samtal-dev/samtal/privacy"
	"github.com/samtal-dev/samtal/sqlstore"
)

// The archive of a person with 100,000 events streams: the heap stays
// bounded while the archive is many times larger than it.

const (
	streamComments = 60000
	streamVotes    = 40000
)

// seedHeavy makes a member with streamComments comments and streamVotes
// votes, written with SQL in a few statements, and returns their actor.
func seedHeavy(tb testing.TB, db *sqlstore.DB) context.Context {
	tb.Helper()
	ctx := context.Background()
	acc, err := sqlstore.NewAccounts(db).CreateAccount(ctx, account.NewAccount{Email: "heavy@example.org", Name: "Heavy User",
		Role: samtal.RoleMember, Identity: person.Identity{Kind: person.KindEmail, Value: "heavy@example.org"}}, nil)
	if err != nil {
		tb.Fatal(err)
	}
	other, err := sqlstore.NewAccounts(db).CreateAccount(ctx, account.NewAccount{Email: "author@example.org", Name: "Author",
		Role: samtal.RoleMember, Identity: person.Identity{Kind: person.KindEmail, Value: "author@example.org"}}, nil)
	if err != nil {
		tb.Fatal(err)
	}
	now := time.Now().UnixMilli()
	series := func(n int) string {
		return fmt.Sprintf(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d) `, n)
	}
	// PostgreSQL's triggers (search vectors, thread versions) would make
	// the seed take most of a minute; the archive reads neither.
	if db.Engine == sqlstore.Postgres {
		for _, q := range []string{`ALTER TABLE ideas DISABLE TRIGGER USER`, `ALTER TABLE comments DISABLE TRIGGER USER`} {
			if err := sqlstore.ExecForTest(ctx, db, q); err != nil {
				tb.Fatal(err)
			}
		}
	}
	for _, q := range []string{
		fmt.Sprintf(`INSERT INTO campaigns (id, slug, title, visibility, created_at) VALUES (1, 'heavy', 'Heavy', 'public', %d)`, now),
		`INSERT INTO questions (id, campaign_id, position, text) VALUES (1, 1, 1, 'Anything?')`,
		series(streamVotes) + fmt.Sprintf(`INSERT INTO ideas (campaign_id, question_id, author_person_id, title, body, trending, created_at, updated_at)
			SELECT 1, 1, %d, 'Idea number ' || i, 'A body of some length for idea ' || i, 0, %d, %d FROM n`, other.PersonID, now, now),
		series(streamVotes) + fmt.Sprintf(`INSERT INTO votes (idea_id, person_id, campaign_id, weight, created_at)
			SELECT i, %d, 1, 1.0, %d FROM n`, acc.PersonID, now),
		series(streamComments) + fmt.Sprintf(`INSERT INTO comments (idea_id, author_person_id, body, created_at, updated_at)
			SELECT 1 + i %% 100, %d, 'Comment number ' || i || ': I would like this sofa in a darker green, with a longer seat.', %d, %d FROM n`,
			acc.PersonID, now, now),
	} {
		if err := sqlstore.ExecForTest(ctx, db, q); err != nil {
			tb.Fatalf("seed: %v\n%s", err, q)
		}
	}
	return samtal.WithActor(ctx, samtal.Actor{AccountID: acc.ID, PersonID: acc.PersonID, Role: samtal.RoleMember, Via: "test"})
}

// exportPeak writes the archive of the actor in ctx to w and returns the
// most live heap seen above the level before it: every few milliseconds a
// sampler collects garbage and reads HeapAlloc, so what it sees is what the
// export holds, not what the collector had not come to yet.
func exportPeak(tb testing.TB, svc *privacy.Service, ctx context.Context, w io.Writer) uint64 {
	tb.Helper()
	live := func() uint64 {
		// Twice: the first collection only moves pooled values aside.
		runtime.GC()
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	base := live()
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if h := live(); h > base && h-base > peak.Load() {
					peak.Store(h - base)
				}
			}
		}
	}()
	a, err := svc.Export(ctx, samtal.ActorFrom(ctx).PersonID)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := a.WriteTo(w); err != nil {
		tb.Fatal(err)
	}
	close(stop)
	wg.Wait()
	return peak.Load()
}

func TestExportStreamsWithBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds 100,000 events")
	}
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := seedHeavy(t, db)
		svc := &privacy.Service{Store: sqlstore.NewPrivacy(db)}
		path := filepath.Join(t.TempDir(), "archive.zip")
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		peak := exportPeak(t, svc, ctx, f)
		f.Close()

		// The archive is whole: every event is a line.
		zr, err := zip.OpenReader(path)
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		var uncompressed uint64
		count := map[string]int{}
		for _, zf := range zr.File {
			uncompressed += zf.UncompressedSize64
			rc, err := zf.Open()
			if err != nil {
				t.Fatal(err)
			}
			sc := bufio.NewScanner(rc)
			for sc.Scan() {
				count[zf.Name]++
			}
			rc.Close()
		}
		if count["comments.jsonl"] != streamComments || count["votes.jsonl"] != streamVotes {
			t.Fatalf("archive lines: %v", count)
		}
		t.Logf("%d events, archive %.1f MB uncompressed, live heap at most %.2f MB above the start",
			streamComments+streamVotes, float64(uncompressed)/1e6, float64(peak)/1e6)
		// Collected into memory, the records alone would take more than
		// their JSON. Streaming holds one batch of 500 records and the
		// zip's compressor.
		if peak > uncompressed/4 || peak > 8<<20 {
			t.Errorf("heap grew by %d bytes while writing an archive of %d bytes: not streamed", peak, uncompressed)
		}
	})
}

// BenchmarkExport writes the archive of a person with 100,000 events and
// reports the bytes allocated per event and the heap's peak above the start.
// The allocations scale with the events (each is read and encoded once);
// the peak must not.
func BenchmarkExport(b *testing.B) {
	db := testdb.Open(b, sqlstore.SQLite)
	ctx := seedHeavy(b, db)
	svc := &privacy.Service{Store: sqlstore.NewPrivacy(db)}
	var peak uint64
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for range b.N {
		peak = max(peak, exportPeak(b, svc, ctx, io.Discard))
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	events := float64(streamComments + streamVotes)
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/events, "B/event")
	b.ReportMetric(float64(peak)/1e6, "MB-peak")
}
