package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/listening"
)

// PollInterval is how often the queue looks for sources due a fetch; each
// source's own interval says when it is due.
const PollInterval = time.Minute

// PollSources fetches the sources that are due.
type PollSources struct{}

// Kind implements river.JobArgs.
func (PollSources) Kind() string { return "poll_sources" }

// InsertOpts keeps one poll at a time: a slow feed must not pile polls up.
func (PollSources) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 1, UniqueOpts: uniqueWhileWaiting()}
}

// TopicHistory runs new and edited topics over the stored mentions.
type TopicHistory struct{}

// Kind implements river.JobArgs.
func (TopicHistory) Kind() string { return "topic_history" }

// InsertOpts keeps one run at a time; the run takes every pending topic.
func (TopicHistory) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 5, UniqueOpts: uniqueWhileWaiting()}
}

// RunImport reads one uploaded review export into its source.
type RunImport struct {
	ImportID int64 `json:"import_id"`
}

// Kind implements river.JobArgs.
func (RunImport) Kind() string { return "run_import" }

// InsertOpts: an import that stopped (a crash, a restart) is retried and
// goes on where it was.
func (RunImport) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 10, UniqueOpts: uniqueWhileWaiting()}
}

// uniqueWhileWaiting makes a job unique by its arguments while one is
// waiting or running.
func uniqueWhileWaiting() river.UniqueOpts {
	return river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRetryable,
		rivertype.JobStateRunning, rivertype.JobStateScheduled,
	}}
}

// listeningWorkers are registered whether or not this node listens, so
// that a job another node scheduled completes instead of failing as an
// unknown kind.
type pollWorker struct {
	river.WorkerDefaults[PollSources]
	listening *listening.Service
}

func (w *pollWorker) Work(ctx context.Context, _ *river.Job[PollSources]) error {
	if w.listening == nil {
		return nil
	}
	_, err := w.listening.Poll(systemCtx(ctx))
	return err
}

// Timeout: a poll fetches at most listening.PollBatch sources, each
// bounded by the fetch client's own timeout.
func (w *pollWorker) Timeout(*river.Job[PollSources]) time.Duration { return 15 * time.Minute }

type historyWorker struct {
	river.WorkerDefaults[TopicHistory]
	listening *listening.Service
}

func (w *historyWorker) Work(ctx context.Context, _ *river.Job[TopicHistory]) error {
	if w.listening == nil {
		return nil
	}
	return w.listening.RunHistory(systemCtx(ctx))
}

// Timeout: a run over a million mentions takes minutes; its progress is
// kept, so a timeout only pauses it.
func (w *historyWorker) Timeout(*river.Job[TopicHistory]) time.Duration { return 30 * time.Minute }

type importWorker struct {
	river.WorkerDefaults[RunImport]
	listening *listening.Service
}

func (w *importWorker) Work(ctx context.Context, job *river.Job[RunImport]) error {
	if w.listening == nil {
		return nil
	}
	_, err := w.listening.RunImport(systemCtx(ctx), job.Args.ImportID, nil)
	if samtal.ErrorCode(err) == samtal.ENOTFOUND {
		return river.JobCancel(err)
	}
	return err
}

func (w *importWorker) Timeout(*river.Job[RunImport]) time.Duration { return time.Hour }

// systemCtx marks work the queue does on its own.
func systemCtx(ctx context.Context) context.Context {
	return samtal.WithActor(ctx, samtal.Actor{Via: "job"})
}

func (q *riverQueue[TTx]) EnqueueImport(ctx context.Context, importID int64) error {
	if _, err := q.client.Insert(ctx, RunImport{ImportID: importID}, nil); err != nil {
		return fmt.Errorf("jobs: enqueue import %d: %w", importID, err)
	}
	return nil
}

func (q *riverQueue[TTx]) EnqueueTopicHistory(ctx context.Context) error {
	if _, err := q.client.Insert(ctx, TopicHistory{}, nil); err != nil {
		return fmt.Errorf("jobs: enqueue topic history: %w", err)
	}
	return nil
}
