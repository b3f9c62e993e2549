package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/samtal-dev/samtal/idea"
	"github.com/samtal-dev/samtal/sqlstore"
)

// This file is the only one that knows River's engine-specific client
// types. River's Schema is never set: the connection's search_path decides
// on PostgreSQL, which is also how tests keep to their own schema.

// On SQLite, River polls instead of listening: riversqlite emulates
// LISTEN/NOTIFY by querying a table every 50 ms, which would keep the one
// connection River has busy on an idle server.
const (
	sqliteFetchPollInterval = 500 * time.Millisecond
	sqliteFetchCooldown     = 200 * time.Millisecond
	sqliteWorkers           = 2
	pgWorkers               = 10
)

// migrateLockKey is the PostgreSQL advisory lock that keeps nodes starting
// together from running River's migrations at the same time (rivermigrate
// takes no lock of its own). Any constant works; this one spells "samtalRv".
const migrateLockKey int64 = 0x73616d74616c5276

// riverQueue is a Queue on a River client of either engine.
type riverQueue[TTx any] struct {
	client *river.Client[TTx]
}

func (q *riverQueue[TTx]) Start(ctx context.Context) error {
	if err := q.client.Start(ctx); err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	return nil
}

func (q *riverQueue[TTx]) Stop(ctx context.Context) error {
	if err := q.client.Stop(ctx); err != nil {
		return fmt.Errorf("jobs: stop: %w", err)
	}
	return nil
}

func (q *riverQueue[TTx]) EnqueueDelivery(ctx context.Context, mailID int64) error {
	if _, err := q.client.Insert(ctx, DeliverMail{MailID: mailID}, nil); err != nil {
		return fmt.Errorf("jobs: enqueue delivery of mail %d: %w", mailID, err)
	}
	return nil
}

func (q *riverQueue[TTx]) EnqueueFanout(ctx context.Context, e idea.Event) error {
	if _, err := q.client.Insert(ctx, Fanout{Event: e}, nil); err != nil {
		return fmt.Errorf("jobs: enqueue fan-out of %s on idea %d: %w", e.Kind, e.IdeaID, err)
	}
	return nil
}

// jobList lists River's jobs, for tests on either engine.
func (q *riverQueue[TTx]) jobList(ctx context.Context, params *river.JobListParams) (*river.JobListResult, error) {
	return q.client.JobList(ctx, params)
}

// newSQLiteQueue returns a queue on the store's own one-connection pool
// for River.
func newSQLiteQueue(db *sqlstore.DB, cfg Config) (Queue, error) {
	rc, err := riverConfig(cfg, sqliteWorkers)
	if err != nil {
		return nil, err
	}
	rc.PollOnly = true
	rc.FetchPollInterval = sqliteFetchPollInterval
	rc.FetchCooldown = sqliteFetchCooldown
	client, err := river.NewClient(riversqlite.New(db.JobsDB), rc)
	if err != nil {
		return nil, fmt.Errorf("jobs: river on sqlite: %w", err)
	}
	return &riverQueue[*sql.Tx]{client: client}, nil
}

// newPgxQueue returns a queue on the store's pgx pool. River elects one
// leader among the nodes for periodic jobs and maintenance, so every node
// may run the same configuration.
func newPgxQueue(db *sqlstore.DB, cfg Config) (Queue, error) {
	rc, err := riverConfig(cfg, pgWorkers)
	if err != nil {
		return nil, err
	}
	client, err := river.NewClient(riverpgxv5.New(db.PgPool), rc)
	if err != nil {
		return nil, fmt.Errorf("jobs: river on postgres: %w", err)
	}
	return &riverQueue[pgx.Tx]{client: client}, nil
}

func migrateSQLite(ctx context.Context, db *sqlstore.DB) error {
	return migrate(ctx, riversqlite.New(db.JobsDB))
}

func migratePgx(ctx context.Context, db *sqlstore.DB) error {
	conn, err := db.PgPool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", migrateLockKey); err != nil {
		return fmt.Errorf("jobs: migrate: lock: %w", err)
	}
	defer func() {
		if _, uerr := conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrateLockKey); uerr != nil {
			// A connection that may still hold the lock must not go back
			// to the pool; closing it releases the lock.
			conn.Conn().Close(context.WithoutCancel(ctx))
		}
	}()
	return migrate(ctx, riverpgxv5.New(db.PgPool))
}

func migrate[TTx any](ctx context.Context, driver riverdriver.Driver[TTx]) error {
	m, err := rivermigrate.New(driver, nil)
	if err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	return nil
}
