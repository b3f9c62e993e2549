// Package jobs runs samtal's background work on River: mail delivery, the
// outbox sweep and hourly maintenance. The rest of the program sees only
// Queue; which River driver sits behind it (riversqlite or riverpgxv5)
// follows the store's engine and is decided in one place, river.go.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/idea"
	"github.com/samtal-dev/samtal/listening"
	"github.com/samtal-dev/samtal/notify"
	"github.com/samtal-dev/samtal/outbox"
	"github.com/samtal-dev/samtal/sqlstore"
)

// The schedule of the periodic jobs.
const (
	SweepInterval       = 5 * time.Minute
	MaintenanceInterval = time.Hour
)

// softStopTimeout bounds a graceful stop. It is longer than one SMTP
// delivery may take (15 s), so a mail in flight still finishes.
const softStopTimeout = 20 * time.Second

// DeliverMail delivers one mail of the outbox.
type DeliverMail struct {
	MailID int64 `json:"mail_id"`
}

// Kind implements river.JobArgs.
func (DeliverMail) Kind() string { return "deliver_mail" }

// InsertOpts makes a delivery unique per mail while one is waiting, running
// or retrying, so that the outbox sweep cannot double a delivery. River
// requires running among the states; completed is left out so that a mail
// queued again later can be delivered again.
func (DeliverMail) InsertOpts() river.InsertOpts {
	return river.InsertOpts{
		MaxAttempts: outbox.MaxAttempts,
		UniqueOpts: river.UniqueOpts{
			ByArgs: true,
			ByState: []rivertype.JobState{
				rivertype.JobStateAvailable,
				rivertype.JobStatePending,
				rivertype.JobStateRetryable,
				rivertype.JobStateRunning,
				rivertype.JobStateScheduled,
			},
		},
	}
}

// SweepOutbox schedules delivery of mail that was queued but never scheduled.
type SweepOutbox struct{}

// Kind implements river.JobArgs.
func (SweepOutbox) Kind() string { return "sweep_outbox" }

// InsertOpts gives the sweep few attempts: the next one comes soon anyway.
func (SweepOutbox) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 3} }

// Maintenance removes data that can no longer matter (expired sessions and
// the like).
type Maintenance struct{}

// Kind implements river.JobArgs.
func (Maintenance) Kind() string { return "maintenance" }

// InsertOpts gives maintenance few attempts: it runs again within the hour.
func (Maintenance) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 3} }

// Config is what the workers need.
type Config struct {
	// Outbox delivers and sweeps mail. Required.
	Outbox *outbox.Service
	// Maintenance runs every hour; nil: no maintenance job is scheduled.
	Maintenance func(ctx context.Context, now time.Time) error
	// Notify fans out notifications and mails digests; nil: no digest job
	// is scheduled.
	Notify *notify.Service
	// Listening polls sources, runs topics over history and reads
	// imports; nil: those jobs do nothing on this node.
	Listening *listening.Service
	// Log receives River's warnings and errors; nil: slog.Default().
	Log *slog.Logger
	// Workers is how many jobs run at once on this node; 0 picks a default
	// per engine (2 on SQLite, 10 on PostgreSQL).
	Workers int
}

// Queue is the job queue as the rest of the program sees it.
type Queue interface {
	// Start starts working jobs in the background and returns. Cancelling
	// ctx stops the queue hard; Stop stops it gracefully.
	Start(ctx context.Context) error
	// Stop waits for running jobs to finish (cancelling them after a while)
	// and returns ctx's error if ctx ends first. Stopping a queue that is
	// not running does nothing.
	Stop(ctx context.Context) error
	// EnqueueDelivery schedules delivery of an outbox mail; it implements
	// outbox.Jobs. A delivery already waiting for the same mail is kept and
	// no second one is added.
	EnqueueDelivery(ctx context.Context, mailID int64) error
	// EnqueueFanout schedules the notifications of an event; it
	// implements notify.Queue.
	EnqueueFanout(ctx context.Context, e idea.Event) error
	// EnqueueImport schedules reading an uploaded review export.
	EnqueueImport(ctx context.Context, importID int64) error
	// EnqueueTopicHistory schedules the run of new and edited topics over
	// the stored mentions.
	EnqueueTopicHistory(ctx context.Context) error
}

// New returns a stopped queue on db's engine. River's tables must exist:
// see Migrate.
func New(db *sqlstore.DB, cfg Config) (Queue, error) {
	if cfg.Outbox == nil {
		return nil, errors.New("jobs: Config.Outbox is required")
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	switch db.Engine {
	case sqlstore.SQLite:
		return newSQLiteQueue(db, cfg)
	case sqlstore.Postgres:
		return newPgxQueue(db, cfg)
	}
	return nil, fmt.Errorf("jobs: unknown engine %q", db.Engine)
}

// Migrate creates or updates River's own tables in db. It is safe to call
// on every start, and on PostgreSQL from several nodes at once.
func Migrate(ctx context.Context, db *sqlstore.DB) error {
	switch db.Engine {
	case sqlstore.SQLite:
		return migrateSQLite(ctx, db)
	case sqlstore.Postgres:
		return migratePgx(ctx, db)
	}
	return fmt.Errorf("jobs: unknown engine %q", db.Engine)
}

// riverConfig is the engine-neutral part of River's configuration; the
// engine-specific constructors adjust fetching and the worker count.
func riverConfig(cfg Config, workers int) (*river.Config, error) {
	ws := river.NewWorkers()
	if err := errors.Join(
		river.AddWorkerSafely(ws, &deliverWorker{outbox: cfg.Outbox}),
		river.AddWorkerSafely(ws, &sweepWorker{outbox: cfg.Outbox}),
		river.AddWorkerSafely(ws, &maintenanceWorker{run: cfg.Maintenance}),
		river.AddWorkerSafely(ws, &fanoutWorker{notify: cfg.Notify}),
		river.AddWorkerSafely(ws, &digestWorker{notify: cfg.Notify}),
		river.AddWorkerSafely(ws, &pollWorker{listening: cfg.Listening}),
		river.AddWorkerSafely(ws, &historyWorker{listening: cfg.Listening}),
		river.AddWorkerSafely(ws, &importWorker{listening: cfg.Listening}),
	); err != nil {
		return nil, fmt.Errorf("jobs: workers: %w", err)
	}
	if cfg.Workers > 0 {
		workers = cfg.Workers
	}
	// Periodic jobs carry no ID: with one, River opens a transaction to
	// record the schedule that only River Pro keeps.
	periodic := []*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(SweepInterval),
			func() (river.JobArgs, *river.InsertOpts) { return SweepOutbox{}, nil }, nil),
	}
	if cfg.Maintenance != nil {
		periodic = append(periodic, river.NewPeriodicJob(river.PeriodicInterval(MaintenanceInterval),
			func() (river.JobArgs, *river.InsertOpts) { return Maintenance{}, nil }, nil))
	}
	if cfg.Listening != nil {
		periodic = append(periodic,
			river.NewPeriodicJob(river.PeriodicInterval(PollInterval),
				func() (river.JobArgs, *river.InsertOpts) { return PollSources{}, nil }, nil),
			// Also periodic, so that a run a restart cut short goes on.
			river.NewPeriodicJob(river.PeriodicInterval(PollInterval),
				func() (river.JobArgs, *river.InsertOpts) { return TopicHistory{}, nil }, nil))
	}
	if cfg.Notify != nil {
		periodic = append(periodic, river.NewPeriodicJob(river.PeriodicInterval(DigestInterval),
			func() (river.JobArgs, *river.InsertOpts) { return Digest{}, nil }, nil))
	}
	return &river.Config{
		Logger:          riverLogger(cfg.Log),
		Workers:         ws,
		Queues:          map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: workers}},
		PeriodicJobs:    periodic,
		SoftStopTimeout: softStopTimeout,
	}, nil
}

// riverLogger passes on only River's warnings and errors, so that an idle
// server's log is not filled with leadership and maintenance notes.
func riverLogger(log *slog.Logger) *slog.Logger {
	return slog.New(minLevel{Handler: log.Handler(), min: slog.LevelWarn}).With("component", "river")
}

// minLevel drops records below min.
type minLevel struct {
	slog.Handler
	min slog.Level
}

func (h minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h minLevel) WithAttrs(attrs []slog.Attr) slog.Handler {
	return minLevel{Handler: h.Handler.WithAttrs(attrs), min: h.min}
}

func (h minLevel) WithGroup(name string) slog.Handler {
	return minLevel{Handler: h.Handler.WithGroup(name), min: h.min}
}

// deliverWorker works DeliverMail.
type deliverWorker struct {
	river.WorkerDefaults[DeliverMail]
	outbox *outbox.Service
}

func (w *deliverWorker) Work(ctx context.Context, job *river.Job[DeliverMail]) error {
	err := w.outbox.Deliver(ctx, job.Args.MailID)
	if samtal.ErrorCode(err) == samtal.ENOTFOUND {
		// The mail is gone; retrying cannot bring it back.
		return river.JobCancel(err)
	}
	return err
}

// sweepWorker works SweepOutbox.
type sweepWorker struct {
	river.WorkerDefaults[SweepOutbox]
	outbox *outbox.Service
}

func (w *sweepWorker) Work(ctx context.Context, _ *river.Job[SweepOutbox]) error {
	return w.outbox.Sweep(ctx)
}

// maintenanceWorker works Maintenance. It is registered even when run is
// nil, so that a job scheduled by another node's configuration completes
// instead of failing as an unknown kind.
type maintenanceWorker struct {
	river.WorkerDefaults[Maintenance]
	run func(ctx context.Context, now time.Time) error
}

func (w *maintenanceWorker) Work(ctx context.Context, _ *river.Job[Maintenance]) error {
	if w.run == nil {
		return nil
	}
	return w.run(ctx, time.Now().UTC())
}
