package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/person"
)

// AddSuggestion implements person.Store: one statement, so that two
// resolutions proposing the same pair at once keep the stronger reason. A
// pair on the do-not-merge list, decided already, or with a person merged
// away or erased is not proposed.
func (s *Persons) AddSuggestion(ctx context.Context, sg person.Suggestion) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error { return addSuggestion(ctx, s.db, tx, sg) })
}

func addSuggestion(ctx context.Context, db *DB, tx *sql.Tx, sg person.Suggestion) error {
	_, err := db.txExec(ctx, tx,
		`INSERT INTO merge_suggestions (person_a, person_b, reason, detail, score, state, created_at)
		 SELECT $1, $2, $3, $4, $5, 'open', $6
		 WHERE NOT EXISTS (SELECT 1 FROM merge_blocks WHERE person_a = $1 AND person_b = $2)
		   AND NOT EXISTS (SELECT 1 FROM persons WHERE id IN ($1, $2) AND (merged_into IS NOT NULL OR erased_at IS NOT NULL))
		 ON CONFLICT (person_a, person_b) DO UPDATE SET reason = excluded.reason, detail = excluded.detail, score = excluded.score
		 WHERE merge_suggestions.state = 'open' AND excluded.score > merge_suggestions.score`,
		sg.PersonA, sg.PersonB, sg.Reason, sg.Detail, sg.Score, ms(time.Now()))
	if err != nil {
		return fmt.Errorf("add suggestion: %w", err)
	}
	return nil
}

const suggestionColumns = `s.id, s.person_a, s.person_b, s.reason, s.detail, s.score, s.state, s.created_at, pa.name, pb.name`

func scanSuggestion(row interface{ Scan(...any) error }) (*person.Suggestion, error) {
	var sg person.Suggestion
	var at int64
	if err := row.Scan(&sg.ID, &sg.PersonA, &sg.PersonB, &sg.Reason, &sg.Detail, &sg.Score, &sg.State, &at, &sg.NameA, &sg.NameB); err != nil {
		if err == sql.ErrNoRows {
			return nil, errNotFound
		}
		return nil, err
	}
	sg.CreatedAt = fromMS(at)
	return &sg, nil
}

// Suggestions implements person.Store: strongest first. Open suggestions
// whose persons were merged away or erased since are left out.
func (s *Persons) Suggestions(ctx context.Context, f person.SuggestionFilter) ([]person.Suggestion, error) {
	var w filter
	w.where("s.state = %s", f.State)
	if f.State == "open" {
		w.conds = append(w.conds, "pa.merged_into IS NULL", "pb.merged_into IS NULL", "pa.erased_at IS NULL", "pb.erased_at IS NULL")
	}
	if f.PersonID != 0 {
		w.where("(s.person_a = %s OR s.person_b = %s)", f.PersonID, f.PersonID)
	}
	if f.AfterID != 0 {
		w.where("(s.score < %s OR (s.score = %s AND s.id < %s))", f.AfterScore, f.AfterScore, f.AfterID)
	}
	rows, err := s.db.readRows(ctx, `SELECT `+suggestionColumns+` FROM merge_suggestions s
		JOIN persons pa ON pa.id = s.person_a JOIN persons pb ON pb.id = s.person_b`+w.sql()+
		` ORDER BY s.score DESC, s.id DESC LIMIT `+strconv.Itoa(f.Limit), w.args...)
	if err != nil {
		return nil, fmt.Errorf("list suggestions: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (person.Suggestion, error) {
		sg, err := scanSuggestion(r)
		if err != nil {
			return person.Suggestion{}, err
		}
		return *sg, nil
	})
}

// SuggestionByID implements person.Store.
func (s *Persons) SuggestionByID(ctx context.Context, id int64) (*person.Suggestion, error) {
	row, err := s.db.readRow(ctx, `SELECT `+suggestionColumns+` FROM merge_suggestions s
		JOIN persons pa ON pa.id = s.person_a JOIN persons pb ON pb.id = s.person_b WHERE s.id = $1`, id)
	if err != nil {
		return nil, err
	}
	return scanSuggestion(row)
}

// RejectSuggestion implements person.Store.
func (s *Persons) RejectSuggestion(ctx context.Context, id, actorPersonID int64, at time.Time, e audit.Entry) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		var a, b int64
		err := tx.QueryRowContext(ctx, `UPDATE merge_suggestions SET state = 'rejected', decided_at = $1, decided_by_person_id = $2
			WHERE id = $3 AND state = 'open' RETURNING person_a, person_b`, ms(at), nullID(actorPersonID), id).Scan(&a, &b)
		if err == sql.ErrNoRows {
			return &samtal.Error{Code: samtal.ECONFLICT, Message: "error.suggestion_decided"}
		} else if err != nil {
			return fmt.Errorf("reject suggestion: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO merge_blocks (person_a, person_b, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
			a, b, ms(at)); err != nil {
			return fmt.Errorf("block pair: %w", err)
		}
		_, err = appendAudit(ctx, tx, e)
		return err
	})
}
