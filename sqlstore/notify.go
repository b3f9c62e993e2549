package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/notify"
)

// Notifications stores follows and notifications.
type Notifications struct{ db *DB }

// NewNotifications returns the notification store of db.
func NewNotifications(db *DB) *Notifications { return &Notifications{db: db} }

var _ notify.Store = (*Notifications)(nil)

// recipientColumns are read by scanRecipients; a is accounts, p persons.
const recipientColumns = `a.person_id, a.id, a.role, a.email, p.name, a.locale, a.notify_email`

func scanRecipients(rows *sql.Rows, err error) ([]notify.Recipient, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []notify.Recipient
	for rows.Next() {
		var r notify.Recipient
		if err := rows.Scan(&r.PersonID, &r.AccountID, &r.Role, &r.Email, &r.Name, &r.Locale, &r.EmailChoice); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// SetFollow implements notify.Store.
func (s *Notifications) SetFollow(ctx context.Context, ideaID, personID int64, following bool, at time.Time) error {
	_, err := s.db.write.ExecContext(ctx,
		`INSERT INTO idea_follows (idea_id, person_id, following, at) VALUES ($1, $2, $3, $4)
		 ON CONFLICT (idea_id, person_id) DO UPDATE SET following = excluded.following, at = excluded.at`,
		ideaID, personID, following, ms(at))
	if err != nil {
		return fmt.Errorf("set follow: %w", err)
	}
	return nil
}

// Following implements notify.Store: an explicit choice wins, else the
// implicit reasons, in one query.
func (s *Notifications) Following(ctx context.Context, ideaID, personID int64) (bool, error) {
	row, err := s.db.readRow(ctx, `SELECT COALESCE(
		(SELECT following FROM idea_follows WHERE idea_id = $1 AND person_id = $2),
		EXISTS (SELECT 1 FROM ideas WHERE id = $1 AND author_person_id = $2)
		OR EXISTS (SELECT 1 FROM votes WHERE idea_id = $1 AND person_id = $2)
		OR EXISTS (SELECT 1 FROM comments WHERE idea_id = $1 AND author_person_id = $2))`, ideaID, personID)
	if err != nil {
		return false, err
	}
	var f bool
	err = row.Scan(&f)
	return f, err
}

// Followers implements notify.Store: author ∪ voters ∪ commenters ∪
// explicit follows, minus explicit unfollows, in one query.
func (s *Notifications) Followers(ctx context.Context, ideaID int64) ([]notify.Recipient, error) {
	return scanRecipients(s.db.readRows(ctx, `WITH f (person_id) AS (
			SELECT author_person_id FROM ideas WHERE id = $1
			UNION SELECT person_id FROM votes WHERE idea_id = $1
			UNION SELECT author_person_id FROM comments WHERE idea_id = $1
			UNION SELECT person_id FROM idea_follows WHERE idea_id = $1 AND following
		)
		SELECT `+recipientColumns+` FROM f
		JOIN accounts a ON a.person_id = f.person_id JOIN persons p ON p.id = a.person_id
		WHERE NOT EXISTS (SELECT 1 FROM idea_follows x WHERE x.idea_id = $1 AND x.person_id = f.person_id AND NOT x.following)
		ORDER BY a.person_id`, ideaID))
}

// MergeVoters implements notify.Store: the voters of the merged idea as the
// merge found them (moved and dropped votes alike), wherever the votes are now.
func (s *Notifications) MergeVoters(ctx context.Context, mergeID int64) ([]notify.Recipient, error) {
	return scanRecipients(s.db.readRows(ctx, `SELECT `+recipientColumns+` FROM idea_merge_votes v
		JOIN accounts a ON a.person_id = v.person_id JOIN persons p ON p.id = a.person_id
		WHERE v.merge_id = $1 ORDER BY a.person_id`, mergeID))
}

// Voters implements notify.Store.
func (s *Notifications) Voters(ctx context.Context, ideaID int64) ([]notify.Recipient, error) {
	return scanRecipients(s.db.readRows(ctx, `SELECT `+recipientColumns+` FROM votes v
		JOIN accounts a ON a.person_id = v.person_id JOIN persons p ON p.id = a.person_id
		WHERE v.idea_id = $1 ORDER BY a.person_id`, ideaID))
}

// placeholders returns "$k, $k+1, …" for n values after k-1 others.
func placeholders(k, n int) string {
	ph := make([]string, n)
	for i := range ph {
		ph[i] = "$" + strconv.Itoa(k+i)
	}
	return strings.Join(ph, ", ")
}

// Recipients implements notify.Store.
func (s *Notifications) Recipients(ctx context.Context, personIDs []int64) ([]notify.Recipient, error) {
	if len(personIDs) == 0 {
		return nil, nil
	}
	args := make([]any, len(personIDs))
	for i, id := range personIDs {
		args[i] = id
	}
	return scanRecipients(s.db.readOnce(ctx, `SELECT `+recipientColumns+` FROM accounts a
		JOIN persons p ON p.id = a.person_id WHERE a.person_id IN (`+placeholders(1, len(args))+`) ORDER BY a.person_id`, args...))
}

// RecipientsByHandle implements notify.Store.
func (s *Notifications) RecipientsByHandle(ctx context.Context, handles []string) ([]notify.Recipient, error) {
	if len(handles) == 0 {
		return nil, nil
	}
	args := make([]any, len(handles))
	for i, h := range handles {
		args[i] = h
	}
	return scanRecipients(s.db.readOnce(ctx, `SELECT `+recipientColumns+` FROM accounts a
		JOIN persons p ON p.id = a.person_id WHERE a.handle IN (`+placeholders(1, len(args))+`) ORDER BY a.person_id`, args...))
}

// AddNotifications implements notify.Store.
func (s *Notifications) AddNotifications(ctx context.Context, list []*notify.Notification) ([]*notify.Notification, error) {
	var added []*notify.Notification
	err := s.db.tx(ctx, func(tx *sql.Tx) error {
		added = added[:0]
		for _, n := range list {
			data, err := json.Marshal(n.Data)
			if err != nil {
				return err
			}
			err = tx.QueryRowContext(ctx,
				`INSERT INTO notifications (person_id, kind, idea_id, comment_id, actor_person_id, data, event_key, created_at, email_state)
				 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
				 ON CONFLICT (person_id, event_key) DO NOTHING RETURNING id`,
				n.PersonID, n.Kind, nullID(n.IdeaID), nullID(n.CommentID), nullID(n.ActorPersonID), string(data),
				n.EventKey, ms(n.CreatedAt), n.EmailState).Scan(&n.ID)
			if errors.Is(err, sql.ErrNoRows) {
				continue // told already, by an earlier try of the same fan-out
			} else if err != nil {
				return fmt.Errorf("insert notification: %w", err)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE accounts SET notify_unread = notify_unread + 1 WHERE person_id = $1`, n.PersonID); err != nil {
				return fmt.Errorf("count notification: %w", err)
			}
			added = append(added, n)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return added, nil
}

// nullID stores 0 as NULL.
func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

const notificationColumns = `id, person_id, kind, COALESCE(idea_id, 0), COALESCE(comment_id, 0),
	COALESCE(actor_person_id, 0), data, event_key, created_at, read_at, email_state`

func scanNotifications(rows *sql.Rows, err error) ([]*notify.Notification, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*notify.Notification
	for rows.Next() {
		var n notify.Notification
		var data string
		var created int64
		var read sql.NullInt64
		if err := rows.Scan(&n.ID, &n.PersonID, &n.Kind, &n.IdeaID, &n.CommentID, &n.ActorPersonID, &data,
			&n.EventKey, &created, &read, &n.EmailState); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(data), &n.Data); err != nil {
			return nil, fmt.Errorf("notification %d: %w", n.ID, err)
		}
		n.CreatedAt, n.ReadAt = fromMS(created), fromNullMS(read)
		out = append(out, &n)
	}
	return out, rows.Err()
}

// Notifications implements notify.Store.
// A notification about an idea whose campaign the person may no longer see
// (it became invited-only, their invitation went) is left out: its text
// names the idea.
func (s *Notifications) Notifications(ctx context.Context, personID int64, scope campaign.Scope, before int64, limit int) ([]*notify.Notification, error) {
	if before <= 0 {
		before = 1<<63 - 1
	}
	w := filter{args: []any{personID, before}}
	inScope(&w, scope)
	return scanNotifications(s.db.readRows(ctx, `SELECT `+notificationColumns+` FROM notifications
		WHERE person_id = $1 AND id < $2 AND (idea_id IS NULL OR EXISTS (
			SELECT 1 FROM ideas i JOIN campaigns c ON c.id = i.campaign_id
			WHERE i.id = notifications.idea_id AND `+strings.Join(w.conds, " AND ")+`))
		ORDER BY id DESC LIMIT `+w.arg(limit), w.args...))
}

// MarkRead implements notify.Store. The count goes down by the rows this
// statement marked, in its transaction, so that it stays exact while new
// notifications arrive.
func (s *Notifications) MarkRead(ctx context.Context, personID int64, ids []int64, at time.Time) (int, error) {
	var n int64
	err := s.db.tx(ctx, func(tx *sql.Tx) error {
		q := `UPDATE notifications SET read_at = $1 WHERE person_id = $2 AND read_at IS NULL`
		args := []any{ms(at), personID}
		if ids != nil {
			if len(ids) == 0 {
				return nil
			}
			q += ` AND id IN (` + placeholders(3, len(ids)) + `)`
			for _, id := range ids {
				args = append(args, id)
			}
		}
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("mark read: %w", err)
		}
		if n, err = res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE accounts SET notify_unread = notify_unread - $1 WHERE person_id = $2`, n, personID)
		return err
	})
	return int(n), err
}

// Unread implements notify.Store.
func (s *Notifications) Unread(ctx context.Context, personID int64) (int, error) {
	row, err := s.db.readRow(ctx, `SELECT notify_unread FROM accounts WHERE person_id = $1`, personID)
	if err != nil {
		return 0, err
	}
	var n int
	if err := row.Scan(&n); errors.Is(err, sql.ErrNoRows) {
		return 0, errNotFound
	} else if err != nil {
		return 0, err
	}
	return n, nil
}

// SetEmailState implements notify.Store.
func (s *Notifications) SetEmailState(ctx context.Context, personID int64, ids []int64, state string, at time.Time, digest bool) error {
	if len(ids) == 0 && !digest {
		return nil
	}
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		if len(ids) > 0 {
			var emailed sql.NullInt64
			if state == notify.EmailSent {
				emailed = sql.NullInt64{Int64: ms(at), Valid: true}
			}
			args := []any{state, emailed, personID}
			for _, id := range ids {
				args = append(args, id)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE notifications SET email_state = $1, emailed_at = $2
				WHERE person_id = $3 AND id IN (`+placeholders(4, len(ids))+`)`, args...); err != nil {
				return fmt.Errorf("set email state: %w", err)
			}
		}
		if digest {
			if _, err := tx.ExecContext(ctx, `UPDATE accounts SET notify_digest_at = $1 WHERE person_id = $2`, ms(at), personID); err != nil {
				return fmt.Errorf("record digest: %w", err)
			}
		}
		return nil
	})
}

// DigestDue implements notify.Store.
func (s *Notifications) DigestDue(ctx context.Context, lastBefore, staleBefore time.Time, limit int) ([]notify.Recipient, error) {
	return scanRecipients(s.db.readRows(ctx, `SELECT `+recipientColumns+` FROM accounts a JOIN persons p ON p.id = a.person_id
		WHERE (a.notify_digest_at IS NULL OR a.notify_digest_at <= $1)
		AND EXISTS (SELECT 1 FROM notifications n WHERE n.person_id = a.person_id AND n.email_state = 'pending'
			AND (a.notify_email = 'daily' OR n.created_at < $2))
		ORDER BY a.person_id LIMIT $3`, ms(lastBefore), ms(staleBefore), limit))
}

// PendingMail implements notify.Store.
func (s *Notifications) PendingMail(ctx context.Context, personID int64, limit int) ([]*notify.Notification, error) {
	return scanNotifications(s.db.readRows(ctx, `SELECT `+notificationColumns+` FROM notifications
		WHERE person_id = $1 AND email_state = 'pending' ORDER BY id LIMIT $2`, personID, limit))
}

// UnsubscribeToken implements notify.Store.
func (s *Notifications) UnsubscribeToken(ctx context.Context, accountID int64, fresh string) (string, error) {
	var tok string
	err := s.db.write.QueryRowContext(ctx,
		`UPDATE accounts SET unsubscribe_token = COALESCE(unsubscribe_token, $1) WHERE id = $2 RETURNING unsubscribe_token`,
		fresh, accountID).Scan(&tok)
	if errors.Is(err, sql.ErrNoRows) {
		return "", errNotFound
	}
	return tok, err
}

// AccountByUnsubscribeToken implements notify.Store.
func (s *Notifications) AccountByUnsubscribeToken(ctx context.Context, token string) (int64, error) {
	var id int64
	err := s.db.read.QueryRowContext(ctx, `SELECT id FROM accounts WHERE unsubscribe_token = $1`, token).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, errNotFound
	}
	return id, err
}

// Unsubscribe implements notify.Store.
func (s *Notifications) Unsubscribe(ctx context.Context, token string) error {
	res, err := s.db.write.ExecContext(ctx, `UPDATE accounts SET notify_email = 'off' WHERE unsubscribe_token = $1`, token)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errNotFound
	}
	return nil
}
