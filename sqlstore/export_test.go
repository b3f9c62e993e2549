package sqlstore

import (
	"context"
	"strings"
)

// ExecForTest runs a raw statement, for tests that check what the database
// itself refuses.
func ExecForTest(ctx context.Context, db *DB, q string) error {
	_, err := db.write.ExecContext(ctx, q)
	return err
}

// FoldForTest returns text as the engine's search index sees it: the terms
// FTS5 makes of it on SQLite, samtal_search_text's words on PostgreSQL,
// joined by spaces, so that a test can compare both with search.Fold.
func FoldForTest(ctx context.Context, db *DB, text string) (string, error) {
	if db.Engine == Postgres {
		var out string
		err := db.read.QueryRowContext(ctx, `SELECT trim(samtal_search_text($1))`, text).Scan(&out)
		return out, err
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return "", err
	}
	defer tx.Rollback()
	for _, q := range []string{
		`CREATE VIRTUAL TABLE temp.fold_test USING fts5(x, tokenize='unicode61 remove_diacritics 2')`,
		`CREATE VIRTUAL TABLE temp.fold_test_vocab USING fts5vocab(temp, fold_test, 'instance')`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return "", err
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO temp.fold_test (x) VALUES ($1)`, text); err != nil {
		return "", err
	}
	rows, err := tx.QueryContext(ctx, `SELECT term FROM temp.fold_test_vocab ORDER BY offset`)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var terms []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return "", err
		}
		terms = append(terms, t)
	}
	return strings.Join(terms, " "), rows.Err()
}
