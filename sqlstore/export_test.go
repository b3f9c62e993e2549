package sqlstore

import "context"

// ExecForTest runs a raw statement, for tests that check what the database
// itself refuses.
func ExecForTest(ctx context.Context, db *DB, q string) error {
	_, err := db.write.ExecContext(ctx, q)
	return err
}
