// Package testdb opens real stores for tests: SQLite in a temporary folder
// always, and PostgreSQL in a fresh schema when SAMTAL_TEST_POSTGRES names a
// server. With SAMTAL_TEST_STRICT=1, a test that would skip for want of
// PostgreSQL or a browser fails instead, so CI cannot pass by skipping.
package testdb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/samtal-dev/samtal/sqlstore"
)

// SkipOrFail skips the test with reason, or fails it under SAMTAL_TEST_STRICT=1.
func SkipOrFail(tb testing.TB, reason string) {
	tb.Helper()
	if os.Getenv("SAMTAL_TEST_STRICT") == "1" {
		tb.Fatalf("SAMTAL_TEST_STRICT=1 and %s", reason)
	}
	tb.Skip(reason)
}

// Engines lists the engines to test on: sqlite always, postgres when
// SAMTAL_TEST_POSTGRES is set.
func Engines() []string {
	return []string{sqlstore.SQLite, sqlstore.Postgres}
}

// Each runs fn as a subtest on every engine, each with a new migrated store.
func Each(t *testing.T, fn func(t *testing.T, db *sqlstore.DB)) {
	t.Helper()
	for _, engine := range Engines() {
		t.Run(engine, func(t *testing.T) {
			fn(t, Open(t, engine))
		})
	}
}

// URL returns a database URL for a new, empty store on engine: an SQLite path
// in a temporary folder, or a PostgreSQL URL whose search_path is a new
// schema that is dropped when the test ends.
func URL(tb testing.TB, engine string) string {
	tb.Helper()
	if engine == sqlstore.SQLite {
		return filepath.Join(tb.TempDir(), "samtal.db")
	}
	base := os.Getenv("SAMTAL_TEST_POSTGRES")
	if base == "" {
		SkipOrFail(tb, "SAMTAL_TEST_POSTGRES is not set: PostgreSQL tests skipped")
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		tb.Fatalf("connect to SAMTAL_TEST_POSTGRES: %v", err)
	}
	defer conn.Close(ctx)
	b := make([]byte, 6)
	rand.Read(b)
	schema := "samtal_test_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), base)
		if err != nil {
			return
		}
		defer c.Close(context.Background())
		c.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("SAMTAL_TEST_POSTGRES: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Open returns a new migrated store on engine, closed when the test ends.
func Open(tb testing.TB, engine string) *sqlstore.DB {
	tb.Helper()
	db, err := sqlstore.Open(context.Background(), URL(tb, engine))
	if err != nil {
		tb.Fatalf("open %s store: %v", engine, err)
	}
	tb.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		tb.Fatalf("migrate %s store: %v", engine, err)
	}
	return db
}
