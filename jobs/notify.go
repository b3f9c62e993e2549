package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/samtal-dev/samtal/idea"
	"github.com/samtal-dev/samtal/notify"
)

// DigestInterval is how often the digest job looks for members due a
// digest; each member gets at most one a day (notify.DigestEvery).
const DigestInterval = time.Hour

// Fanout tells the people concerned about one event of an idea. It runs in
// the background so that a comment on an idea with thousands of followers
// answers at once.
type Fanout struct {
	Event idea.Event `json:"event"`
}

// Kind implements river.JobArgs.
func (Fanout) Kind() string { return "notify_fanout" }

// InsertOpts retries a few times; a retry adds nobody twice (event keys).
func (Fanout) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 5} }

// Digest mails the daily digests that are due.
type Digest struct{}

// Kind implements river.JobArgs.
func (Digest) Kind() string { return "notify_digest" }

// InsertOpts gives the digest few attempts: it runs again within the hour.
func (Digest) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 3} }

// fanoutWorker works Fanout. Without a notify service (a node configured
// without one) the job completes doing nothing rather than failing.
type fanoutWorker struct {
	river.WorkerDefaults[Fanout]
	notify *notify.Service
}

func (w *fanoutWorker) Work(ctx context.Context, job *river.Job[Fanout]) error {
	if w.notify == nil {
		return nil
	}
	return w.notify.Fanout(ctx, job.Args.Event)
}

// digestWorker works Digest.
type digestWorker struct {
	river.WorkerDefaults[Digest]
	notify *notify.Service
}

func (w *digestWorker) Work(ctx context.Context, _ *river.Job[Digest]) error {
	if w.notify == nil {
		return nil
	}
	_, err := w.notify.SendDigests(ctx)
	return err
}
