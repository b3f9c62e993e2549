// Package sqlstore is the only package that speaks SQL. Open picks the engine
// from the URL: a postgres:// URL selects PostgreSQL through pgx, anything else
// is a path to an embedded SQLite file. SQL is written once with $N
// placeholders, which both drivers understand; engine-specific code lives only
// where the engines really differ.
package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"net/url"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// The engines.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

//go:embed migrations
var migrations embed.FS

// DB is an open store. Reads go to a pool of connections; on SQLite, writes go
// to a single connection so that writers queue in Go instead of failing with
// SQLITE_BUSY.
type DB struct {
	Engine string

	read  *sql.DB
	write *sql.DB

	// PostgreSQL: the pgx pool behind read/write, which River uses directly.
	PgPool *pgxpool.Pool
	// SQLite: the file, and a third one-connection pool that River owns.
	Path   string
	JobsDB *sql.DB

	goose *goose.Provider

	// stmts caches prepared read statements by query text: parsing a query
	// costs more than running it on SQLite, and the hot paths (session and
	// token lookups) run on every request.
	stmts sync.Map
	// writeStmts caches write statements prepared on SQLite's one writer
	// connection, for the hot writes (see inTx).
	writeStmts sync.Map
	toPrepare  sync.Map // write statements to prepare once the writer is free
	// reads counts the statements run through readRow and readRows, which
	// every page's reads use, so that a test can see a query per item.
	reads atomic.Int64
}

// Reads returns how many read statements the store ran so far.
func (db *DB) Reads() int64 { return db.reads.Load() }

// IsPostgresURL reports whether u names a PostgreSQL database.
func IsPostgresURL(u string) bool {
	return strings.HasPrefix(u, "postgres://") || strings.HasPrefix(u, "postgresql://")
}

// Open opens the store at dsn: a postgres:// URL, or the path of an SQLite
// file (created if missing). It does not migrate; call Migrate.
func Open(ctx context.Context, dsn string) (*DB, error) {
	if IsPostgresURL(dsn) {
		return openPostgres(ctx, dsn)
	}
	return openSQLite(ctx, dsn)
}

func openSQLite(ctx context.Context, path string) (*DB, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite path %q: %w", path, err)
	}
	// The audit log's trigger calls samtal_masked (privacy.go).
	if err := registerSQLiteFunctions(); err != nil {
		return nil, fmt.Errorf("sqlite functions: %w", err)
	}
	pragmas := "_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"
	base := "file:" + (&url.URL{Path: abs}).EscapedPath() + "?" + pragmas
	// The writer takes its lock at BEGIN so that a transaction never has to
	// upgrade a read lock, which is where SQLITE_BUSY deadlocks come from.
	write, err := sql.Open("sqlite", base+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", abs, err)
	}
	read, err := sql.Open("sqlite", base+"&_pragma=query_only(1)&_pragma=mmap_size(1073741824)")
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	n := max(8, runtime.NumCPU()*4)
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	jobs, err := sql.Open("sqlite", base+"&_txlock=immediate")
	if err != nil {
		write.Close()
		read.Close()
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	// riversqlite runs its maintenance concurrently; one connection keeps it
	// from tripping over itself.
	jobs.SetMaxOpenConns(1)
	db := &DB{Engine: SQLite, read: read, write: write, Path: abs, JobsDB: jobs}
	sub, _ := fs.Sub(migrations, "migrations/sqlite")
	db.goose, err = goose.NewProvider(goose.DialectSQLite3, write, sub, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return db, nil
}

func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres url: %w", err)
	}
	if cfg.MaxConns < 8 {
		cfg.MaxConns = 8
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	sqldb := stdlib.OpenDBFromPool(pool)
	// Keep database/sql's idle connections as many as the pool's: with its
	// default of two, busy servers close and reopen connections and lose
	// their prepared statements each time.
	sqldb.SetMaxOpenConns(int(cfg.MaxConns))
	sqldb.SetMaxIdleConns(int(cfg.MaxConns))
	db := &DB{Engine: Postgres, read: sqldb, write: sqldb, PgPool: pool}
	// The migration lock is per schema, so that stores in other schemas of
	// the same database (tests, a second instance) do not wait for it.
	var schema string
	if err := pool.QueryRow(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: current schema: %w", err)
	}
	h := fnv.New64a()
	h.Write([]byte("samtal-migrations:" + schema))
	locker, err := lock.NewPostgresSessionLocker(
		lock.WithLockID(int64(h.Sum64()>>1)), lock.WithLockTimeout(1, 300))
	if err != nil {
		db.Close()
		return nil, err
	}
	sub, _ := fs.Sub(migrations, "migrations/postgres")
	// The session lock keeps two nodes that start together from migrating twice.
	db.goose, err = goose.NewProvider(goose.DialectPostgres, sqldb, sub,
		goose.WithDisableGlobalRegistry(true), goose.WithSessionLocker(locker))
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return db, nil
}

// Close closes every pool.
func (db *DB) Close() error {
	var errs []error
	for _, m := range []*sync.Map{&db.stmts, &db.writeStmts} {
		m.Range(func(_, v any) bool {
			v.(*sql.Stmt).Close()
			return true
		})
	}
	for _, d := range []*sql.DB{db.read, db.write, db.JobsDB} {
		if d != nil {
			errs = append(errs, d.Close())
		}
		if d == db.write && db.read == db.write {
			break
		}
	}
	if db.PgPool != nil {
		db.PgPool.Close()
	}
	return errors.Join(errs...)
}

// Migrate applies every pending migration.
func (db *DB) Migrate(ctx context.Context) error {
	if _, err := db.goose.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// Ready reports whether the store answers and has no pending migration.
func (db *DB) Ready(ctx context.Context) (migrated bool, err error) {
	pending, err := db.goose.HasPending(ctx)
	if err != nil {
		return false, err
	}
	return !pending, nil
}

// Backup writes a consistent copy of an SQLite store to path while it stays
// online. PostgreSQL has pg_dump for that.
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.Engine != SQLite {
		return errors.New("backup: this store is on PostgreSQL; use pg_dump (for example: pg_dump --format=custom --file=samtal.dump \"$SAMTAL_DATABASE_URL\")")
	}
	// VACUUM INTO reads one snapshot, so writers may go on meanwhile. The
	// read pool is query-only, so the copy gets a connection of its own.
	conn, err := sql.Open("sqlite", "file:"+(&url.URL{Path: db.Path}).EscapedPath()+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "VACUUM INTO $1", path); err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}

// Settle brings the statistics and free space up to date after a bulk
// load, as PostgreSQL's autovacuum does in time (VACUUM ANALYZE). SQLite
// keeps no statistics unless asked, and samtal never asks, so it is left
// as it is.
func (db *DB) Settle(ctx context.Context) error {
	if db.Engine != Postgres {
		return nil
	}
	if _, err := db.write.ExecContext(ctx, "VACUUM ANALYZE"); err != nil {
		return fmt.Errorf("vacuum analyze: %w", err)
	}
	return nil
}

// readRow runs a one-row read through a statement prepared once.
func (db *DB) readRow(ctx context.Context, q string, args ...any) (*sql.Row, error) {
	st, err := db.prepared(ctx, q)
	if err != nil {
		return nil, err
	}
	db.reads.Add(1)
	return st.QueryRowContext(ctx, args...), nil
}

// readRows runs a read of many rows through a statement prepared once. Only
// for queries whose text is fixed (or has a few shapes): each text is kept.
func (db *DB) readRows(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	st, err := db.prepared(ctx, q)
	if err != nil {
		return nil, err
	}
	db.reads.Add(1)
	return st.QueryContext(ctx, args...)
}

// readID runs a one-row read of one integer (an id); ENOTFOUND without a row.
func (db *DB) readID(ctx context.Context, q string, args ...any) (int64, error) {
	row, err := db.readRow(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	var id int64
	if err := row.Scan(&id); errors.Is(err, sql.ErrNoRows) {
		return 0, errNotFound
	} else if err != nil {
		return 0, err
	}
	return id, nil
}

// readOnce runs a read whose text varies (an IN list of a page's ids), so
// it is not worth preparing and keeping.
func (db *DB) readOnce(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	db.reads.Add(1)
	return db.read.QueryContext(ctx, q, args...)
}

// prepared returns the read pool's prepared statement for q.
func (db *DB) prepared(ctx context.Context, q string) (*sql.Stmt, error) {
	if st, ok := db.stmts.Load(q); ok {
		return st.(*sql.Stmt), nil
	}
	return keepPrepared(ctx, &db.stmts, db.read, q)
}

// keepPrepared prepares q on pool and keeps it in cache by its text; when
// another goroutine kept one first, that one is returned and ours closed.
func keepPrepared(ctx context.Context, cache *sync.Map, pool *sql.DB, q string) (*sql.Stmt, error) {
	st, err := pool.PrepareContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	if prev, loaded := cache.LoadOrStore(q, st); loaded {
		st.Close()
		return prev.(*sql.Stmt), nil
	}
	return st, nil
}

// txExec and txQueryRow run the write statement q in tx, for writes that
// run many times a second (a vote). On SQLite q is prepared once on the
// one writer connection and every transaction reuses it: parsing a vote's
// statements cost as much as running them. On PostgreSQL pgx keeps
// prepared statements per connection already, so q runs as it is.
func (db *DB) txExec(ctx context.Context, tx *sql.Tx, q string, args ...any) (sql.Result, error) {
	st := db.writeStmt(ctx, tx, q)
	if st == nil {
		return tx.ExecContext(ctx, q, args...)
	}
	return st.ExecContext(ctx, args...)
}

func (db *DB) txQueryRow(ctx context.Context, tx *sql.Tx, q string, args ...any) *sql.Row {
	st := db.writeStmt(ctx, tx, q)
	if st == nil {
		return tx.QueryRowContext(ctx, q, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// writeStmt returns q prepared on SQLite's writer connection as a
// statement of tx, or nil on PostgreSQL and the first time q is asked for:
// preparing needs the writer connection, which tx holds, so q is only
// noted then and prepared by tx's caller once tx is over (prepareNoted).
func (db *DB) writeStmt(ctx context.Context, tx *sql.Tx, q string) *sql.Stmt {
	if db.Engine != SQLite {
		return nil
	}
	st, ok := db.writeStmts.Load(q)
	if !ok {
		db.toPrepare.Store(q, true)
		return nil
	}
	return tx.StmtContext(ctx, st.(*sql.Stmt))
}

// prepareNoted prepares the write statements noted by writeStmt, while no
// transaction holds the writer connection. A statement that does not
// prepare is left out: running it unprepared reports why.
func (db *DB) prepareNoted(ctx context.Context) {
	db.toPrepare.Range(func(k, _ any) bool {
		q := k.(string)
		db.toPrepare.Delete(q)
		if _, ok := db.writeStmts.Load(q); !ok {
			keepPrepared(ctx, &db.writeStmts, db.write, q) // an error shows when q runs unprepared
		}
		return true
	})
}

// tx runs fn in one write transaction, committed if fn returns nil.
func (db *DB) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	db.prepareNoted(ctx)
	return nil
}

// collect reads every row with scan, closes rows and returns the values:
// the loop every list read would otherwise repeat.
func collect[T any](rows *sql.Rows, scan func(*sql.Rows) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// values writes the VALUES rows of a bulk insert: rows tuples of cols
// placeholders. SQLite gets plain "?": it resolves "$N" through a list it
// searches from the start for every parameter, which made an insert of 500
// rows of eight columns spend 90% of its time finding parameter names.
// PostgreSQL needs "$N".
func (db *DB) values(q *strings.Builder, rows, cols int) {
	n := 0
	for r := range rows {
		if r > 0 {
			q.WriteString(", ")
		}
		q.WriteByte('(')
		for c := range cols {
			if c > 0 {
				q.WriteString(", ")
			}
			n++
			if db.Engine == Postgres {
				q.WriteString("$" + strconv.Itoa(n))
			} else {
				q.WriteByte('?')
			}
		}
		q.WriteByte(')')
	}
}

// isUniqueViolation reports whether err is a unique-constraint violation.
func isUniqueViolation(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	return false
}

// filter builds the WHERE clause of a listing from optional conditions, with
// numbered placeholders that both engines understand.
type filter struct {
	conds []string
	args  []any
}

// arg adds a value and returns its placeholder.
func (f *filter) arg(v any) string {
	f.args = append(f.args, v)
	return "$" + strconv.Itoa(len(f.args))
}

// where adds a condition; each %s in cond is replaced by the placeholder of
// the next value.
func (f *filter) where(cond string, values ...any) {
	ph := make([]any, len(values))
	for i, v := range values {
		ph[i] = f.arg(v)
	}
	f.conds = append(f.conds, fmt.Sprintf(cond, ph...))
}

// sql returns " WHERE … AND …", or "" without conditions.
func (f *filter) sql() string {
	if len(f.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(f.conds, " AND ")
}

// ms converts a time to the Unix milliseconds the tables store.
func ms(t time.Time) int64 { return t.UnixMilli() }

// fromMS converts stored Unix milliseconds back to a UTC time.
func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

// fromNullMS converts a nullable stored time; NULL becomes the zero time.
func fromNullMS(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return fromMS(v.Int64)
}

// nullMS stores the zero time as NULL.
func nullMS(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: ms(t), Valid: true}
}
