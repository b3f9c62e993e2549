package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/samtal-dev/samtal/audit"
)

// Audit stores the audit log: it appends and reads, nothing else.
type Audit struct{ db *DB }

// NewAudit returns the audit store of db.
func NewAudit(db *DB) *Audit { return &Audit{db: db} }

// rowQuerier is a pool or a transaction.
type rowQuerier interface {
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// appendAudit appends e through ex, which may be a transaction, so that an
// action and its audit entry are written together or not at all.
func appendAudit(ctx context.Context, ex rowQuerier, e audit.Entry) (int64, error) {
	actor := sql.NullInt64{Int64: e.ActorID, Valid: e.ActorID != 0}
	label := e.Via
	if label == "" {
		label = "system"
	}
	var id int64
	err := ex.QueryRowContext(ctx,
		`INSERT INTO audit_log (at, actor_id, actor_label, action, target_kind, target_id, before_json, after_json, ip, via)
		 VALUES ($1, $2, COALESCE((SELECT email FROM accounts WHERE id = $2), $3), $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		ms(e.At), actor, label, e.Action, e.TargetKind, e.TargetID, e.Before, e.After, e.IP, e.Via).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("append audit entry: %w", err)
	}
	return id, nil
}

// AppendAudit implements audit.Store.
func (s *Audit) AppendAudit(ctx context.Context, e audit.Entry) (int64, error) {
	return appendAudit(ctx, s.db.write, e)
}

// ListAudit implements audit.Store.
func (s *Audit) ListAudit(ctx context.Context, f audit.Filter) ([]audit.Entry, error) {
	var w filter
	if f.Action != "" {
		w.where("action = %s", f.Action)
	}
	if f.ActorID != 0 {
		w.where("actor_id = %s", f.ActorID)
	}
	if f.TargetKind != "" {
		w.where("target_kind = %s", f.TargetKind)
	}
	if f.TargetID != "" {
		w.where("target_id = %s", f.TargetID)
	}
	if !f.Since.IsZero() {
		w.where("at >= %s", ms(f.Since))
	}
	if !f.Until.IsZero() {
		w.where("at < %s", ms(f.Until))
	}
	if f.BeforeID != 0 {
		w.where("id < %s", f.BeforeID)
	}
	q := `SELECT id, at, COALESCE(actor_id, 0), actor_label, action, target_kind, target_id, before_json, after_json, ip, via FROM audit_log` +
		w.sql() + " ORDER BY id DESC LIMIT " + w.arg(f.Limit)
	args := w.args
	rows, err := s.db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list audit: %w", err)
	}
	defer rows.Close()
	var out []audit.Entry
	for rows.Next() {
		var e audit.Entry
		var at int64
		if err := rows.Scan(&e.ID, &at, &e.ActorID, &e.ActorLabel, &e.Action, &e.TargetKind, &e.TargetID, &e.Before, &e.After, &e.IP, &e.Via); err != nil {
			return nil, err
		}
		e.At = fromMS(at)
		out = append(out, e)
	}
	return out, rows.Err()
}
