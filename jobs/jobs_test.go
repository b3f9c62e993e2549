package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/samtal-dev/samtal/internal/testdb"
	"github.com/samtal-dev/samtal/mail"
	"github.com/samtal-dev/samtal/mail/smtptest"
	"github.com/samtal-dev/samtal/outbox"
	"github.com/samtal-dev/samtal/sqlstore"
)

// waitTimeout bounds every wait for the running queue; a delivery takes
// well under a second on either engine.
const waitTimeout = 10 * time.Second

func testLogger(t *testing.T) *slog.Logger {
	t.Helper()
	return slog.New(slog.NewTextHandler(t.Output(), nil))
}

// jobLister is what tests need beyond Queue: both engines' queues have it.
type jobLister interface {
	jobList(ctx context.Context, params *river.JobListParams) (*river.JobListResult, error)
}

// newQueue returns a stopped queue on db that is stopped again when the
// test ends, before the store closes.
func newQueue(t *testing.T, db *sqlstore.DB, ob *outbox.Service) Queue {
	t.Helper()
	q, err := New(db, Config{Outbox: ob, Log: testLogger(t)})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
		defer cancel()
		if err := q.Stop(ctx); err != nil {
			t.Errorf("Stop at cleanup: %v", err)
		}
	})
	return q
}

func migrated(t *testing.T, db *sqlstore.DB) {
	t.Helper()
	if err := Migrate(t.Context(), db); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
}

func listJobs(t *testing.T, q Queue, kind string) []*rivertype.JobRow {
	t.Helper()
	res, err := q.(jobLister).jobList(t.Context(), river.NewJobListParams().Kinds(kind).First(100))
	if err != nil {
		t.Fatalf("JobList(%s): %v", kind, err)
	}
	return res.Jobs
}

// eventually polls cond until it holds, failing the test with the last
// state cond described once timeout passes.
func eventually(t *testing.T, timeout time.Duration, cond func() (ok bool, state string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, state := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("gave up after %v: %s", timeout, state)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestMigrateIsIdempotent(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		q := newQueue(t, db, &outbox.Service{Store: sqlstore.NewOutbox(db), Log: testLogger(t)})
		if _, err := q.(jobLister).jobList(t.Context(), river.NewJobListParams()); err == nil {
			t.Fatal("JobList before Migrate: no error, want one for the missing river_job table")
		}
		for i := range 2 {
			if err := Migrate(t.Context(), db); err != nil {
				t.Fatalf("Migrate #%d: %v", i+1, err)
			}
		}
		if jobs := listJobs(t, q, DeliverMail{}.Kind()); len(jobs) != 0 {
			t.Errorf("jobs after Migrate = %d, want 0", len(jobs))
		}
	})
}

func TestQueuedMailIsDelivered(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		migrated(t, db)
		srv := smtptest.Start(t)
		sender, err := mail.NewSMTP(mail.SMTPConfig{URL: srv.URL(), From: "samtal <noreply@example.org>"})
		if err != nil {
			t.Fatalf("NewSMTP: %v", err)
		}
		store := sqlstore.NewOutbox(db)
		ob := &outbox.Service{Store: store, Sender: sender, Log: testLogger(t)}
		q := newQueue(t, db, ob)
		ob.Jobs = q
		if err := q.Start(context.Background()); err != nil {
			t.Fatalf("Start: %v", err)
		}

		if err := ob.Queue(t.Context(), "ada@example.org", "Welcome", "Hello Ada"); err != nil {
			t.Fatalf("Queue: %v", err)
		}

		msgs := srv.WaitFor(t, 1, waitTimeout)
		if got := msgs[0]; got.Subject != "Welcome" || !slices.Contains(got.To, "ada@example.org") || strings.TrimSpace(got.Body) != "Hello Ada" {
			t.Errorf("received subject %q to %v body %q, want \"Welcome\" to ada@example.org body \"Hello Ada\"", got.Subject, got.To, got.Body)
		}
		all, err := store.ListMail(t.Context(), outbox.Filter{Limit: 10})
		if err != nil || len(all) != 1 {
			t.Fatalf("ListMail = %d mails, %v; want 1", len(all), err)
		}
		id := all[0].ID
		eventually(t, waitTimeout, func() (bool, string) {
			m, err := store.MailByID(t.Context(), id)
			if err != nil {
				return false, "MailByID: " + err.Error()
			}
			return m.State == outbox.StateSent, "mail state " + m.State
		})
		eventually(t, waitTimeout, func() (bool, string) {
			jobs := listJobs(t, q, DeliverMail{}.Kind())
			if len(jobs) != 1 {
				return false, fmt.Sprintf("%d delivery jobs, want 1", len(jobs))
			}
			return jobs[0].State == rivertype.JobStateCompleted, "delivery job " + string(jobs[0].State)
		})
		if n := len(srv.Messages()); n != 1 {
			t.Errorf("server received %d messages, want 1", n)
		}
	})
}

func TestEnqueueDeliveryIsUniquePerMail(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		migrated(t, db)
		q := newQueue(t, db, &outbox.Service{Store: sqlstore.NewOutbox(db), Log: testLogger(t)})
		for _, id := range []int64{7, 7, 8} {
			if err := q.EnqueueDelivery(t.Context(), id); err != nil {
				t.Fatalf("EnqueueDelivery(%d): %v", id, err)
			}
		}
		perMail := map[int64]int{}
		for _, job := range listJobs(t, q, DeliverMail{}.Kind()) {
			var args DeliverMail
			if err := json.Unmarshal(job.EncodedArgs, &args); err != nil {
				t.Fatalf("job %d args %s: %v", job.ID, job.EncodedArgs, err)
			}
			perMail[args.MailID]++
			if job.State != rivertype.JobStateAvailable {
				t.Errorf("job for mail %d is %s, want available", args.MailID, job.State)
			}
			if job.MaxAttempts != outbox.MaxAttempts {
				t.Errorf("job for mail %d has MaxAttempts %d, want outbox.MaxAttempts = %d", args.MailID, job.MaxAttempts, outbox.MaxAttempts)
			}
		}
		if perMail[7] != 1 || perMail[8] != 1 || len(perMail) != 2 {
			t.Errorf("jobs per mail = %v, want map[7:1 8:1]", perMail)
		}
	})
}

func TestStop(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		migrated(t, db)
		q := newQueue(t, db, &outbox.Service{Store: sqlstore.NewOutbox(db), Log: testLogger(t)})
		ctx, cancel := context.WithTimeout(t.Context(), waitTimeout)
		defer cancel()
		if err := q.Stop(ctx); err != nil {
			t.Errorf("Stop before Start: %v", err)
		}
		if err := q.Start(context.Background()); err != nil {
			t.Fatalf("Start: %v", err)
		}
		if err := q.Stop(ctx); err != nil {
			t.Errorf("Stop: %v", err)
		}
		if err := q.Stop(ctx); err != nil {
			t.Errorf("second Stop: %v", err)
		}
		// A stopped queue starts again, as after a configuration reload.
		if err := q.Start(context.Background()); err != nil {
			t.Fatalf("Start after Stop: %v", err)
		}
		if err := q.Stop(ctx); err != nil {
			t.Errorf("Stop after restart: %v", err)
		}
	})
}
