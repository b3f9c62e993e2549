package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/samtal-dev/samtal/outbox"
)

// Outbox stores mails waiting for delivery or kept for admins.
type Outbox struct{ db *DB }

// NewOutbox returns the outbox store of db.
func NewOutbox(db *DB) *Outbox { return &Outbox{db: db} }

// InsertMail implements outbox.Store.
func (s *Outbox) InsertMail(ctx context.Context, m *outbox.Mail) error {
	headers := ""
	if len(m.Headers) > 0 {
		b, err := json.Marshal(m.Headers)
		if err != nil {
			return err
		}
		headers = string(b)
	}
	return s.db.write.QueryRowContext(ctx,
		`INSERT INTO outbox (to_addr, subject, text_body, html_body, state, created_at, headers) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		m.To, m.Subject, m.Text, m.HTML, m.State, ms(m.CreatedAt), headers).Scan(&m.ID)
}

const mailColumns = `id, to_addr, subject, text_body, html_body, state, attempts, last_error, created_at, sent_at, headers`

func scanMail(row interface{ Scan(...any) error }) (*outbox.Mail, error) {
	var m outbox.Mail
	var created int64
	var sent sql.NullInt64
	var headers string
	if err := row.Scan(&m.ID, &m.To, &m.Subject, &m.Text, &m.HTML, &m.State, &m.Attempts, &m.LastError, &created, &sent, &headers); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, errNotFound
		}
		return nil, err
	}
	if headers != "" {
		if err := json.Unmarshal([]byte(headers), &m.Headers); err != nil {
			return nil, fmt.Errorf("mail %d headers: %w", m.ID, err)
		}
	}
	m.CreatedAt, m.SentAt = fromMS(created), fromNullMS(sent)
	return &m, nil
}

// MailByID implements outbox.Store.
func (s *Outbox) MailByID(ctx context.Context, id int64) (*outbox.Mail, error) {
	return scanMail(s.db.read.QueryRowContext(ctx, `SELECT `+mailColumns+` FROM outbox WHERE id = $1`, id))
}

// ListMail implements outbox.Store.
func (s *Outbox) ListMail(ctx context.Context, f outbox.Filter) ([]*outbox.Mail, error) {
	var w filter
	if f.State != "" {
		w.where("state = %s", f.State)
	}
	if f.To != "" {
		w.where("to_addr = %s", strings.ToLower(f.To))
	}
	if f.BeforeID != 0 {
		w.where("id < %s", f.BeforeID)
	}
	q := `SELECT ` + mailColumns + ` FROM outbox` + w.sql() + " ORDER BY id DESC LIMIT " + w.arg(f.Limit)
	args := w.args
	rows, err := s.db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*outbox.Mail
	for rows.Next() {
		m, err := scanMail(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// MarkMailAttempt implements outbox.Store.
func (s *Outbox) MarkMailAttempt(ctx context.Context, id int64, state, errText string, at time.Time) error {
	var sent sql.NullInt64
	if state == outbox.StateSent {
		sent = sql.NullInt64{Int64: ms(at), Valid: true}
	}
	_, err := s.db.write.ExecContext(ctx,
		`UPDATE outbox SET state = $1, last_error = $2, attempts = attempts + 1, sent_at = $3 WHERE id = $4`,
		state, errText, sent, id)
	return err
}

// StaleQueuedMail implements outbox.Store.
func (s *Outbox) StaleQueuedMail(ctx context.Context, before time.Time, limit int) ([]int64, error) {
	rows, err := s.db.read.QueryContext(ctx,
		`SELECT id FROM outbox WHERE state = 'queued' AND created_at < $1 ORDER BY id LIMIT $2`, ms(before), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
