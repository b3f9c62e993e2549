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

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/advocate"
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/outbox"
	"github.com/samtal-dev/samtal/person"
)

// Advocates stores engagement scores, the advocate group and briefings.
type Advocates struct{ db *DB }

// NewAdvocates returns the advocate store of db.
func NewAdvocates(db *DB) *Advocates { return &Advocates{db: db} }

var _ advocate.Store = (*Advocates)(nil)

var (
	errAdvocateChanged = &samtal.Error{Code: samtal.ECONFLICT, Message: "error.advocate_changed"}
	errBriefingSent    = &samtal.Error{Code: samtal.ECONFLICT, Message: "error.briefing_sent"}
)

// advocateScoreFilter is the people list's advocate-score condition
// (person.ListFilter.MinScore): a score of at least MinScore now, which is
// one range of the stored rank key (advocate.RankKey).
func advocateScoreFilter(f person.ListFilter) (string, []any) {
	if f.MinScore <= 0 {
		return "", nil
	}
	return "EXISTS (SELECT 1 FROM advocate_scores sc WHERE sc.person_id = p.id AND sc.rank_key >= %s)",
		[]any{advocate.RankKey(f.MinScore, time.Now())}
}

// Subject implements advocate.Store.
func (s *Advocates) Subject(ctx context.Context, personID int64) (*advocate.Subject, error) {
	row, err := s.db.readRow(ctx, `SELECT p.id, p.name, COALESCE(NULLIF(a.locale, ''), p.locale), p.bot, COALESCE(p.merged_into, 0),
		p.erased_at IS NOT NULL, COALESCE(a.id, 0), COALESCE(a.identity_id, 0), COALESCE(a.email, ''), COALESCE(a.role, '')
		FROM persons p LEFT JOIN accounts a ON a.person_id = p.id WHERE p.id = $1`, personID)
	if err != nil {
		return nil, err
	}
	var p advocate.Subject
	var role string
	if err := row.Scan(&p.PersonID, &p.Name, &p.Locale, &p.Bot, &p.MergedInto, &p.Erased, &p.AccountID, &p.IdentityID, &p.Email, &role); errors.Is(err, sql.ErrNoRows) {
		return nil, errNotFound
	} else if err != nil {
		return nil, err
	}
	p.Role = samtal.Role(role)
	return &p, nil
}

// Scores

// scoreMarks say up to where the score job looked for news: the highest
// ids of ideas, comments and status changes it saw, and when it ran.
type scoreMarks struct {
	Idea    int64 `json:"idea"`
	Comment int64 `json:"comment"`
	Status  int64 `json:"status"`
	At      int64 `json:"at"` // Unix ms
}

const scoreMarksKey = "advocate.score_marks"

// How far back each run looks again, so that a row written in a
// transaction that committed after the last run read its marks (a lower id
// or an earlier time than the mark) is not missed. Scoring someone twice
// costs little.
const (
	scoreLookbackIDs = 1000
	scoreLookback    = 10 * time.Minute
	staleBatch       = 5000
)

// MarkScoresDue implements advocate.Store. Ideas, comments and status
// changes are found by id ranges of their primary keys; votes, follows
// and merges by time (votes have no id: that part reads the whole votes
// table, see docs/design.md).
func (s *Advocates) MarkScoresDue(ctx context.Context, now, staleBefore time.Time) (int, error) {
	var n int64
	err := s.db.tx(ctx, func(tx *sql.Tx) error {
		var m scoreMarks
		var raw string
		switch err := tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, scoreMarksKey).Scan(&raw); {
		case errors.Is(err, sql.ErrNoRows):
			// The first run looks at the whole window.
			m.At = ms(now.Add(-advocate.Window))
		case err != nil:
			return err
		default:
			if err := json.Unmarshal([]byte(raw), &m); err != nil {
				return fmt.Errorf("score marks: %w", err)
			}
		}
		var next scoreMarks
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE((SELECT MAX(id) FROM ideas), 0), COALESCE((SELECT MAX(id) FROM comments), 0),
			COALESCE((SELECT MAX(id) FROM idea_status_changes), 0)`).Scan(&next.Idea, &next.Comment, &next.Status); err != nil {
			return err
		}
		next.At = ms(now)
		back := func(id int64) int64 { return max(id-scoreLookbackIDs, 0) }
		res, err := tx.ExecContext(ctx, `INSERT INTO advocate_score_due (person_id)
			SELECT person_id FROM (
				SELECT author_person_id AS person_id FROM ideas WHERE id > $1 AND id <= $2
				UNION SELECT author_person_id FROM comments WHERE id > $3 AND id <= $4
				UNION SELECT i.author_person_id FROM idea_status_changes sc JOIN ideas i ON i.id = sc.idea_id WHERE sc.id > $5 AND sc.id <= $6
				UNION SELECT i.author_person_id FROM idea_follows f JOIN ideas i ON i.id = f.idea_id WHERE f.at > $7
				UNION SELECT person_id FROM votes WHERE created_at > $7
				UNION SELECT person_id FROM person_merges WHERE created_at > $7 OR undone_at > $7
				UNION SELECT into_id FROM person_merges WHERE created_at > $7 OR undone_at > $7
				UNION SELECT person_id FROM (SELECT person_id FROM advocate_scores WHERE computed_at < $8 ORDER BY computed_at LIMIT `+strconv.Itoa(staleBatch)+`) stale
			) news WHERE true ON CONFLICT (person_id) DO NOTHING`,
			back(m.Idea), next.Idea, back(m.Comment), next.Comment, back(m.Status), next.Status,
			m.At-scoreLookback.Milliseconds(), ms(staleBefore))
		if err != nil {
			return fmt.Errorf("mark scores due: %w", err)
		}
		n, _ = res.RowsAffected()
		b, _ := json.Marshal(next)
		_, err = tx.ExecContext(ctx,
			`INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, scoreMarksKey, string(b))
		return err
	})
	return int(n), err
}

// DueScores implements advocate.Store.
func (s *Advocates) DueScores(ctx context.Context, limit int) ([]int64, error) {
	rows, err := s.db.readRows(ctx, `SELECT person_id FROM advocate_score_due ORDER BY person_id LIMIT `+strconv.Itoa(limit))
	if err != nil {
		return nil, err
	}
	return scanIDs(rows)
}

// Activities implements advocate.Store: one query over the five kinds of
// scored things, each by its index on the person ($2… are the ids, used in
// every branch). Hidden, held, deleted and merged ideas and comments do
// not count; follows by bots do not count.
func (s *Advocates) Activities(ctx context.Context, personIDs []int64, since time.Time) ([]advocate.Activity, map[int64]bool, error) {
	if len(personIDs) == 0 {
		return nil, map[int64]bool{}, nil
	}
	in, args := inList(personIDs, 1)
	args = append([]any{ms(since)}, args...)
	q := `SELECT author_person_id, 'ideas', created_at FROM ideas
			WHERE author_person_id IN ` + in + ` AND created_at >= $1 AND deleted_at IS NULL AND merged_into IS NULL AND moderation = 'visible'
		UNION ALL
		SELECT c.author_person_id, CASE WHEN i.author_person_id = c.author_person_id THEN 'conversation' ELSE 'helping' END, c.created_at
			FROM comments c JOIN ideas i ON i.id = c.idea_id
			WHERE c.author_person_id IN ` + in + ` AND c.created_at >= $1 AND c.deleted_at IS NULL AND c.moderation = 'visible'
		UNION ALL
		SELECT i.author_person_id, 'planned', COALESCE((SELECT MAX(sc.at) FROM idea_status_changes sc
				WHERE sc.idea_id = i.id AND sc.status IN ('planned', 'in_progress', 'done')), i.updated_at)
			FROM ideas i WHERE i.author_person_id IN ` + in + ` AND i.status IN ('planned', 'in_progress', 'done')
			AND i.deleted_at IS NULL AND i.merged_into IS NULL
		UNION ALL
		SELECT i.author_person_id, 'followed', f.at FROM ideas i JOIN idea_follows f ON f.idea_id = i.id JOIN persons fp ON fp.id = f.person_id
			WHERE i.author_person_id IN ` + in + ` AND f.following AND f.person_id <> i.author_person_id AND NOT fp.bot
			AND f.at >= $1 AND i.deleted_at IS NULL
		UNION ALL
		SELECT person_id, 'votes', created_at FROM votes WHERE person_id IN ` + in + ` AND created_at >= $1`
	rows, err := s.db.readOnce(ctx, q, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("activities: %w", err)
	}
	defer rows.Close()
	var acts []advocate.Activity
	for rows.Next() {
		var a advocate.Activity
		var at int64
		if err := rows.Scan(&a.PersonID, &a.Part, &at); err != nil {
			return nil, nil, err
		}
		a.At = fromMS(at)
		acts = append(acts, a)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	in, args = inList(personIDs, 0)
	rows, err = s.db.readOnce(ctx, `SELECT id FROM persons WHERE id IN `+in+` AND NOT bot AND merged_into IS NULL AND erased_at IS NULL`, args...)
	if err != nil {
		return nil, nil, err
	}
	ids, err := scanIDs(rows)
	if err != nil {
		return nil, nil, err
	}
	scorable := make(map[int64]bool, len(ids))
	for _, id := range ids {
		scorable[id] = true
	}
	return acts, scorable, nil
}

// SaveScores implements advocate.Store.
func (s *Advocates) SaveScores(ctx context.Context, scores []advocate.Score, drop, done []int64) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		if len(scores) > 0 {
			st, err := tx.PrepareContext(ctx, `INSERT INTO advocate_scores (person_id, score, rank_key, parts, computed_at) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (person_id) DO UPDATE SET score = excluded.score, rank_key = excluded.rank_key, parts = excluded.parts, computed_at = excluded.computed_at`)
			if err != nil {
				return err
			}
			defer st.Close()
			for _, sc := range scores {
				parts, err := json.Marshal(sc.Parts)
				if err != nil {
					return err
				}
				if _, err := st.ExecContext(ctx, sc.PersonID, sc.Points, advocate.RankKey(sc.Points, sc.ComputedAt), string(parts), ms(sc.ComputedAt)); err != nil {
					return fmt.Errorf("save score: %w", err)
				}
			}
		}
		for _, q := range []struct {
			table string
			ids   []int64
		}{{"advocate_scores", drop}, {"advocate_score_due", done}} {
			if len(q.ids) == 0 {
				continue
			}
			in, args := inList(q.ids, 0)
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+q.table+` WHERE person_id IN `+in, args...); err != nil {
				return err
			}
		}
		return nil
	})
}

func scanScore(personID int64, points float64, parts string, at int64) (*advocate.Score, error) {
	sc := &advocate.Score{PersonID: personID, Points: points, ComputedAt: fromMS(at)}
	if err := json.Unmarshal([]byte(parts), &sc.Parts); err != nil {
		return nil, fmt.Errorf("score parts of %d: %w", personID, err)
	}
	return sc, nil
}

// ScoreOf implements advocate.Store.
func (s *Advocates) ScoreOf(ctx context.Context, personID int64) (*advocate.Score, error) {
	row, err := s.db.readRow(ctx, `SELECT score, parts, computed_at FROM advocate_scores WHERE person_id = $1`, personID)
	if err != nil {
		return nil, err
	}
	var points float64
	var parts string
	var at int64
	if err := row.Scan(&points, &parts, &at); errors.Is(err, sql.ErrNoRows) {
		return nil, errNotFound
	} else if err != nil {
		return nil, err
	}
	return scanScore(personID, points, parts, at)
}

// Candidates implements advocate.Store: a walk down the rank index that
// skips staff, persons without an account and anyone who ever had a place
// in the group.
func (s *Advocates) Candidates(ctx context.Context, minRank float64, after *advocate.CandidateCursor, limit int) ([]advocate.Candidate, error) {
	var w filter
	w.where("sc.rank_key >= %s", minRank)
	w.conds = append(w.conds, "NOT p.bot", "p.merged_into IS NULL", "p.erased_at IS NULL", "a.role = 'member'",
		"NOT EXISTS (SELECT 1 FROM advocates g WHERE g.person_id = sc.person_id)")
	if after != nil {
		w.where("(sc.rank_key < %s OR (sc.rank_key = %s AND sc.person_id < %s))", after.Rank, after.Rank, after.PersonID)
	}
	rows, err := s.db.readRows(ctx, `SELECT sc.person_id, p.name, COALESCE(NULLIF(a.locale, ''), p.locale), sc.score, sc.parts, sc.computed_at, sc.rank_key
		FROM advocate_scores sc JOIN persons p ON p.id = sc.person_id JOIN accounts a ON a.person_id = p.id`+w.sql()+
		` ORDER BY sc.rank_key DESC, sc.person_id DESC LIMIT `+strconv.Itoa(limit), w.args...)
	if err != nil {
		return nil, fmt.Errorf("candidates: %w", err)
	}
	defer rows.Close()
	var out []advocate.Candidate
	for rows.Next() {
		var c advocate.Candidate
		var points float64
		var parts string
		var at int64
		if err := rows.Scan(&c.PersonID, &c.Name, &c.Locale, &points, &parts, &at, &c.Rank); err != nil {
			return nil, err
		}
		sc, err := scanScore(c.PersonID, points, parts, at)
		if err != nil {
			return nil, err
		}
		c.Score = *sc
		out = append(out, c)
	}
	return out, rows.Err()
}

// The group

const memberColumns = `g.person_id, p.name, COALESCE(NULLIF(a.locale, ''), p.locale), g.state, g.invited_at, COALESCE(g.invited_by_person_id, 0),
	g.answered_at, g.joined_at, g.removed_at, COALESCE(g.removed_by_person_id, 0)`

const memberFrom = ` FROM advocates g JOIN persons p ON p.id = g.person_id LEFT JOIN accounts a ON a.person_id = p.id`

func scanMember(row interface{ Scan(...any) error }) (*advocate.Member, error) {
	var m advocate.Member
	var invited int64
	var answered, joined, removed sql.NullInt64
	if err := row.Scan(&m.PersonID, &m.Name, &m.Locale, &m.State, &invited, &m.InvitedBy, &answered, &joined, &removed, &m.RemovedBy); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, errNotFound
		}
		return nil, err
	}
	m.InvitedAt, m.AnsweredAt, m.JoinedAt, m.RemovedAt = fromMS(invited), fromNullMS(answered), fromNullMS(joined), fromNullMS(removed)
	return &m, nil
}

// Member implements advocate.Store.
func (s *Advocates) Member(ctx context.Context, personID int64) (*advocate.Member, error) {
	row, err := s.db.readRow(ctx, `SELECT `+memberColumns+memberFrom+` WHERE g.person_id = $1`, personID)
	if err != nil {
		return nil, err
	}
	return scanMember(row)
}

// Members implements advocate.Store.
func (s *Advocates) Members(ctx context.Context, states []string, afterID int64, limit int) ([]advocate.Member, error) {
	var w filter
	ph := make([]string, len(states))
	for i, st := range states {
		ph[i] = w.arg(st)
	}
	w.conds = append(w.conds, "g.state IN ("+strings.Join(ph, ", ")+")")
	if afterID > 0 {
		w.where("g.person_id < %s", afterID)
	}
	rows, err := s.db.readOnce(ctx, `SELECT `+memberColumns+memberFrom+w.sql()+` ORDER BY g.person_id DESC LIMIT `+strconv.Itoa(limit), w.args...)
	if err != nil {
		return nil, fmt.Errorf("members: %w", err)
	}
	defer rows.Close()
	var out []advocate.Member
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *m)
	}
	return out, rows.Err()
}

// Invite implements advocate.Store.
func (s *Advocates) Invite(ctx context.Context, m *advocate.Member, prev string, invitation *outbox.Mail, e audit.Entry) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		var err error
		var n int64 = 1
		if prev == "" {
			_, err = tx.ExecContext(ctx, `INSERT INTO advocates (person_id, state, invited_at, invited_by_person_id) VALUES ($1, $2, $3, $4)`,
				m.PersonID, m.State, ms(m.InvitedAt), nullID(m.InvitedBy))
			if isUniqueViolation(err) {
				return errAdvocateChanged
			}
		} else {
			var res sql.Result
			res, err = tx.ExecContext(ctx, `UPDATE advocates SET state = $1, invited_at = $2, invited_by_person_id = $3,
				answered_at = NULL, joined_at = NULL, removed_at = NULL, removed_by_person_id = NULL WHERE person_id = $4 AND state = $5`,
				m.State, ms(m.InvitedAt), nullID(m.InvitedBy), m.PersonID, prev)
			if err == nil {
				n, _ = res.RowsAffected()
			}
		}
		if err != nil {
			return fmt.Errorf("invite: %w", err)
		}
		if n == 0 {
			return errAdvocateChanged
		}
		if invitation != nil {
			if err := insertMailTx(ctx, tx, invitation); err != nil {
				return err
			}
		}
		_, err = appendAudit(ctx, tx, e)
		return err
	})
}

// SetState implements advocate.Store.
func (s *Advocates) SetState(ctx context.Context, m *advocate.Member, from string, e audit.Entry) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE advocates SET state = $1, answered_at = $2, joined_at = $3, removed_at = $4, removed_by_person_id = $5
			WHERE person_id = $6 AND state = $7`,
			m.State, nullMS(m.AnsweredAt), nullMS(m.JoinedAt), nullMS(m.RemovedAt), nullID(m.RemovedBy), m.PersonID, from)
		if err != nil {
			return fmt.Errorf("advocate state: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errAdvocateChanged
		}
		_, err = appendAudit(ctx, tx, e)
		return err
	})
}

const activeAdvocates = ` FROM advocates g JOIN persons p ON p.id = g.person_id
	WHERE g.state = 'active' AND NOT p.bot AND p.merged_into IS NULL AND p.erased_at IS NULL`

// Addressees implements advocate.Store: only confirmed account emails.
func (s *Advocates) Addressees(ctx context.Context) ([]advocate.Subject, error) {
	rows, err := s.db.readRows(ctx, `SELECT p.id, p.name, COALESCE(NULLIF(a.locale, ''), p.locale), a.id, COALESCE(a.identity_id, 0), a.email, a.role
		FROM advocates g JOIN persons p ON p.id = g.person_id JOIN accounts a ON a.person_id = p.id
		WHERE g.state = 'active' AND NOT p.bot AND p.merged_into IS NULL AND p.erased_at IS NULL AND a.email_verified_at IS NOT NULL
		ORDER BY p.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []advocate.Subject
	for rows.Next() {
		var p advocate.Subject
		var role string
		if err := rows.Scan(&p.PersonID, &p.Name, &p.Locale, &p.AccountID, &p.IdentityID, &p.Email, &role); err != nil {
			return nil, err
		}
		p.Role = samtal.Role(role)
		out = append(out, p)
	}
	return out, rows.Err()
}

// ActiveCount implements advocate.Store.
func (s *Advocates) ActiveCount(ctx context.Context) (int, error) {
	row, err := s.db.readRow(ctx, `SELECT COUNT(*)`+activeAdvocates)
	if err != nil {
		return 0, err
	}
	var n int
	return n, row.Scan(&n)
}

// Briefings

const briefingColumns = `b.id, b.title, b.body, b.body_html, b.state, COALESCE(b.created_by_person_id, 0), b.created_at, b.updated_at,
	b.sent_at, COALESCE(b.sent_by_person_id, 0), b.mailed, b.held_back,
	(SELECT COUNT(*) FROM briefing_recipients r WHERE r.briefing_id = b.id AND r.read_at IS NOT NULL)`

func scanBriefing(row interface{ Scan(...any) error }) (*advocate.Briefing, error) {
	var b advocate.Briefing
	var created, updated int64
	var sent sql.NullInt64
	if err := row.Scan(&b.ID, &b.Title, &b.Body, &b.BodyHTML, &b.State, &b.CreatedBy, &created, &updated, &sent, &b.SentBy,
		&b.Mailed, &b.HeldBack, &b.Read); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, errNotFound
		}
		return nil, err
	}
	b.CreatedAt, b.UpdatedAt, b.SentAt = fromMS(created), fromMS(updated), fromNullMS(sent)
	return &b, nil
}

// CreateBriefing implements advocate.Store; the audit entry gets the new id.
func (s *Advocates) CreateBriefing(ctx context.Context, b *advocate.Briefing, e audit.Entry) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO briefings (title, body, body_html, state, created_by_person_id, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			b.Title, b.Body, b.BodyHTML, b.State, nullID(b.CreatedBy), ms(b.CreatedAt), ms(b.UpdatedAt)).Scan(&b.ID); err != nil {
			return fmt.Errorf("create briefing: %w", err)
		}
		e.TargetID = strconv.FormatInt(b.ID, 10)
		_, err := appendAudit(ctx, tx, e)
		return err
	})
}

// UpdateBriefing implements advocate.Store.
func (s *Advocates) UpdateBriefing(ctx context.Context, b *advocate.Briefing, e audit.Entry) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE briefings SET title = $1, body = $2, body_html = $3, updated_at = $4 WHERE id = $5 AND state = 'draft'`,
			b.Title, b.Body, b.BodyHTML, ms(b.UpdatedAt), b.ID)
		if err != nil {
			return fmt.Errorf("update briefing: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return briefingGone(ctx, tx, b.ID)
		}
		_, err = appendAudit(ctx, tx, e)
		return err
	})
}

// briefingGone tells why a briefing did not change: sent, or not there.
func briefingGone(ctx context.Context, tx *sql.Tx, id int64) error {
	var exists bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM briefings WHERE id = $1)`, id).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return errBriefingSent
	}
	return errNotFound
}

// BriefingByID implements advocate.Store.
func (s *Advocates) BriefingByID(ctx context.Context, id int64) (*advocate.Briefing, error) {
	row, err := s.db.readRow(ctx, `SELECT `+briefingColumns+` FROM briefings b WHERE b.id = $1`, id)
	if err != nil {
		return nil, err
	}
	return scanBriefing(row)
}

// Briefings implements advocate.Store.
func (s *Advocates) Briefings(ctx context.Context, sentOnly bool, forPerson, beforeID int64, limit int) ([]advocate.Briefing, error) {
	var w filter
	if sentOnly {
		w.conds = append(w.conds, "b.state = 'sent'")
	}
	if forPerson != 0 {
		w.where("b.id IN (SELECT r.briefing_id FROM briefing_recipients r WHERE r.person_id = %s AND r.mail_id IS NOT NULL)", forPerson)
	}
	if beforeID > 0 {
		w.where("b.id < %s", beforeID)
	}
	rows, err := s.db.readOnce(ctx, `SELECT `+briefingColumns+` FROM briefings b`+w.sql()+` ORDER BY b.id DESC LIMIT `+strconv.Itoa(limit), w.args...)
	if err != nil {
		return nil, fmt.Errorf("briefings: %w", err)
	}
	defer rows.Close()
	var out []advocate.Briefing
	for rows.Next() {
		b, err := scanBriefing(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *b)
	}
	return out, rows.Err()
}

// SendBriefing implements advocate.Store.
func (s *Advocates) SendBriefing(ctx context.Context, b *advocate.Briefing, deliveries []advocate.Delivery, e audit.Entry) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE briefings SET state = 'sent', sent_at = $1, sent_by_person_id = $2, mailed = $3, held_back = $4, updated_at = $1
			WHERE id = $5 AND state = 'draft'`, ms(b.SentAt), nullID(b.SentBy), b.Mailed, b.HeldBack, b.ID)
		if err != nil {
			return fmt.Errorf("send briefing: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return briefingGone(ctx, tx, b.ID)
		}
		if len(deliveries) > 0 {
			st, err := tx.PrepareContext(ctx, `INSERT INTO briefing_recipients (briefing_id, person_id, mail_id, queued_at, unsubscribe_hash)
				VALUES ($1, $2, $3, $4, $5) ON CONFLICT (briefing_id, person_id)
				DO UPDATE SET mail_id = excluded.mail_id, queued_at = excluded.queued_at, unsubscribe_hash = excluded.unsubscribe_hash`)
			if err != nil {
				return err
			}
			defer st.Close()
			for _, d := range deliveries {
				if err := insertMailTx(ctx, tx, d.Mail); err != nil {
					return err
				}
				if _, err := st.ExecContext(ctx, b.ID, d.PersonID, d.Mail.ID, ms(d.Mail.CreatedAt), d.UnsubscribeHash); err != nil {
					return fmt.Errorf("delivery: %w", err)
				}
			}
		}
		_, err = appendAudit(ctx, tx, e)
		return err
	})
}

// insertMailTx stores an outbox mail in tx, as Outbox.InsertMail does
// outside one.
func insertMailTx(ctx context.Context, tx *sql.Tx, m *outbox.Mail) error {
	headers := ""
	if len(m.Headers) > 0 {
		b, err := json.Marshal(m.Headers)
		if err != nil {
			return err
		}
		headers = string(b)
	}
	if err := tx.QueryRowContext(ctx,
		`INSERT INTO outbox (to_addr, subject, text_body, html_body, state, created_at, headers) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		m.To, m.Subject, m.Text, m.HTML, m.State, ms(m.CreatedAt), headers).Scan(&m.ID); err != nil {
		return fmt.Errorf("queue mail: %w", err)
	}
	return nil
}

const briefingRecipientColumns = `r.briefing_id, r.person_id, p.name, COALESCE(r.mail_id, 0), COALESCE(o.state, ''), r.queued_at, o.sent_at, r.read_at`

const briefingRecipientFrom = ` FROM briefing_recipients r JOIN persons p ON p.id = r.person_id LEFT JOIN outbox o ON o.id = r.mail_id`

func scanRecipient(row interface{ Scan(...any) error }) (*advocate.Recipient, error) {
	var r advocate.Recipient
	var queued, sent, read sql.NullInt64
	if err := row.Scan(&r.BriefingID, &r.PersonID, &r.Name, &r.MailID, &r.MailState, &queued, &sent, &read); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, errNotFound
		}
		return nil, err
	}
	r.QueuedAt, r.SentAt, r.ReadAt = fromNullMS(queued), fromNullMS(sent), fromNullMS(read)
	return &r, nil
}

// Recipients implements advocate.Store.
func (s *Advocates) Recipients(ctx context.Context, briefingID, afterID int64, limit int) ([]advocate.Recipient, error) {
	rows, err := s.db.readRows(ctx, `SELECT `+briefingRecipientColumns+briefingRecipientFrom+
		` WHERE r.briefing_id = $1 AND r.person_id > $2 ORDER BY r.person_id LIMIT `+strconv.Itoa(limit), briefingID, afterID)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(rs *sql.Rows) (advocate.Recipient, error) {
		r, err := scanRecipient(rs)
		if err != nil {
			return advocate.Recipient{}, err
		}
		return *r, nil
	})
}

// Recipient implements advocate.Store.
func (s *Advocates) Recipient(ctx context.Context, briefingID, personID int64) (*advocate.Recipient, error) {
	row, err := s.db.readRow(ctx, `SELECT `+briefingRecipientColumns+briefingRecipientFrom+` WHERE r.briefing_id = $1 AND r.person_id = $2`, briefingID, personID)
	if err != nil {
		return nil, err
	}
	return scanRecipient(row)
}

// RecordRead implements advocate.Store: one upsert that keeps the first
// read time.
func (s *Advocates) RecordRead(ctx context.Context, briefingID, personID int64, at time.Time) (bool, error) {
	res, err := s.db.write.ExecContext(ctx, `INSERT INTO briefing_recipients (briefing_id, person_id, read_at) VALUES ($1, $2, $3)
		ON CONFLICT (briefing_id, person_id) DO UPDATE SET read_at = excluded.read_at WHERE briefing_recipients.read_at IS NULL`,
		briefingID, personID, ms(at))
	if err != nil {
		return false, fmt.Errorf("record read: %w", err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// RecipientByUnsubscribe implements advocate.Store.
func (s *Advocates) RecipientByUnsubscribe(ctx context.Context, hash string) (*advocate.Recipient, error) {
	row, err := s.db.readRow(ctx, `SELECT `+briefingRecipientColumns+briefingRecipientFrom+` WHERE r.unsubscribe_hash = $1`, hash)
	if err != nil {
		return nil, err
	}
	return scanRecipient(row)
}
