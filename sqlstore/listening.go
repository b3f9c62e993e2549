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
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/listening"
	"github.com/samtal-dev/samtal/search"
)

// Listening stores sources, topics and mentions (migration 00021).
type Listening struct{ db *DB }

// NewListening returns the listening store of db.
func NewListening(db *DB) *Listening { return &Listening{db: db} }

var _ listening.Store = (*Listening)(nil)

const sourceColumns = `id, kind, name, url, config, secret, state, interval_seconds, etag, last_modified, cursor,
	next_fetch_at, last_fetch_at, last_success_at, failures, last_error, items, created_at, updated_at`

func scanSource(r interface{ Scan(...any) error }) (listening.Source, error) {
	var s listening.Source
	var config string
	var next, last, success sql.NullInt64
	var created, updated int64
	if err := r.Scan(&s.ID, &s.Kind, &s.Name, &s.URL, &config, &s.Secret, &s.State, &s.Interval, &s.ETag, &s.LastModified, &s.Cursor,
		&next, &last, &success, &s.Failures, &s.LastError, &s.Items, &created, &updated); err != nil {
		return s, err
	}
	_ = json.Unmarshal([]byte(config), &s.Config)
	s.NextFetchAt, s.LastFetchAt, s.LastSuccessAt = timePtr(next), timePtr(last), timePtr(success)
	s.CreatedAt, s.UpdatedAt = fromMS(created), fromMS(updated)
	return s, nil
}

// readOne reads the one row of q with scan; ENOTFOUND when there is none.
func readOne[T any](ctx context.Context, db *DB, scan func(interface{ Scan(...any) error }) (T, error), q string, args ...any) (*T, error) {
	row, err := db.readRow(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	v, err := scan(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNotFound
	} else if err != nil {
		return nil, err
	}
	return &v, nil
}

// changeOne runs a statement that must change one row (ENOTFOUND when it
// changes none) and appends its audit entry, in tx.
func changeOne(ctx context.Context, tx *sql.Tx, e audit.Entry, what, q string, args ...any) error {
	res, err := tx.ExecContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errNotFound
	}
	_, err = appendAudit(ctx, tx, e)
	return err
}

func timePtr(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMS(v.Int64)
	return &t
}

func nullTimePtr(t *time.Time) sql.NullInt64 {
	if t == nil {
		return sql.NullInt64{}
	}
	return nullMS(*t)
}

// CreateSource implements listening.Store.
func (s *Listening) CreateSource(ctx context.Context, src *listening.Source, e audit.Entry) error {
	config, _ := json.Marshal(src.Config)
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO sources (kind, name, url, config, secret, state, interval_seconds, next_fetch_at, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
			src.Kind, src.Name, src.URL, string(config), src.Secret, src.State, src.Interval, nullTimePtr(src.NextFetchAt), ms(src.CreatedAt)).Scan(&src.ID)
		if err != nil {
			return fmt.Errorf("insert source: %w", err)
		}
		e.TargetID = strconv.FormatInt(src.ID, 10)
		_, err = appendAudit(ctx, tx, e)
		return err
	})
}

// UpdateSource implements listening.Store.
func (s *Listening) UpdateSource(ctx context.Context, src *listening.Source, e audit.Entry) error {
	config, _ := json.Marshal(src.Config)
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		return changeOne(ctx, tx, e, "update source", `UPDATE sources SET name = $1, url = $2, config = $3, state = $4, interval_seconds = $5,
			failures = $6, next_fetch_at = $7, updated_at = $8 WHERE id = $9 AND deleted_at IS NULL`,
			src.Name, src.URL, string(config), src.State, src.Interval, src.Failures, nullTimePtr(src.NextFetchAt), ms(src.UpdatedAt), src.ID)
	})
}

// DeleteSource implements listening.Store.
func (s *Listening) DeleteSource(ctx context.Context, id int64, e audit.Entry) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		return changeOne(ctx, tx, e, "delete source", `UPDATE sources SET deleted_at = $1, updated_at = $1, secret = '', config = '{}', next_fetch_at = NULL
			WHERE id = $2 AND deleted_at IS NULL`, ms(time.Now()), id)
	})
}

// Source implements listening.Store.
func (s *Listening) Source(ctx context.Context, id int64) (*listening.Source, error) {
	return readOne(ctx, s.db, scanSource, `SELECT `+sourceColumns+` FROM sources WHERE id = $1 AND deleted_at IS NULL`, id)
}

// Sources implements listening.Store.
func (s *Listening) Sources(ctx context.Context) ([]listening.Source, error) {
	rows, err := s.db.readRows(ctx, `SELECT `+sourceColumns+` FROM sources WHERE deleted_at IS NULL ORDER BY name, id`)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r *sql.Rows) (listening.Source, error) { return scanSource(r) })
}

// DueSources implements listening.Store.
func (s *Listening) DueSources(ctx context.Context, now time.Time, limit int) ([]listening.Source, error) {
	rows, err := s.db.readRows(ctx, `SELECT `+sourceColumns+` FROM sources
		WHERE deleted_at IS NULL AND next_fetch_at <= $1 AND state <> 'paused' AND kind IN ('feed','mastodon')
		ORDER BY next_fetch_at LIMIT $2`, ms(now), limit)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r *sql.Rows) (listening.Source, error) { return scanSource(r) })
}

// RecordFetch implements listening.Store.
func (s *Listening) RecordFetch(ctx context.Context, id int64, o listening.FetchOutcome) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		var err error
		if o.Failing {
			_, err = tx.ExecContext(ctx, `UPDATE sources SET last_fetch_at = $1, failures = failures + 1, last_error = $2, next_fetch_at = $3,
				state = CASE WHEN state = 'paused' THEN state ELSE 'failing' END WHERE id = $4 AND deleted_at IS NULL`,
				ms(o.At), o.Err, ms(o.NextFetchAt), id)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE sources SET last_fetch_at = $1, last_success_at = $1, failures = 0, last_error = '',
				next_fetch_at = $2, etag = $3, last_modified = $4, cursor = $5,
				state = CASE WHEN state = 'paused' THEN state ELSE 'active' END WHERE id = $6 AND deleted_at IS NULL`,
				ms(o.At), ms(o.NextFetchAt), o.ETag, o.LastModified, o.Cursor, id)
		}
		if err != nil {
			return fmt.Errorf("record fetch: %w", err)
		}
		return nil
	})
}

const topicColumns = `id, name, query, must_match, must_not_match, version, rerun_version, rerun_below, created_at, updated_at`

func scanTopic(r interface{ Scan(...any) error }) (listening.Topic, error) {
	var t listening.Topic
	var must, mustNot string
	var created, updated int64
	if err := r.Scan(&t.ID, &t.Name, &t.Query, &must, &mustNot, &t.Version, &t.RerunVersion, &t.RerunBelow, &created, &updated); err != nil {
		return t, err
	}
	_ = json.Unmarshal([]byte(must), &t.MustMatch)
	_ = json.Unmarshal([]byte(mustNot), &t.MustNotMatch)
	if t.MustMatch == nil {
		t.MustMatch = []string{}
	}
	if t.MustNotMatch == nil {
		t.MustNotMatch = []string{}
	}
	t.Rerunning = t.RerunVersion != 0
	t.CreatedAt, t.UpdatedAt = fromMS(created), fromMS(updated)
	return t, nil
}

func jsonList(v []string) string {
	if v == nil {
		v = []string{}
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// CreateTopic implements listening.Store. The topic's run over the stored
// history starts at the newest mention.
func (s *Listening) CreateTopic(ctx context.Context, t *listening.Topic, e audit.Entry) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO topics (name, query, must_match, must_not_match, version, rerun_version, rerun_below, created_at, updated_at)
			VALUES ($1, $2, $3, $4, 1, 1, 0, $5, $5) RETURNING id`,
			t.Name, t.Query, jsonList(t.MustMatch), jsonList(t.MustNotMatch), ms(t.CreatedAt)).Scan(&t.ID)
		if err != nil {
			return fmt.Errorf("insert topic: %w", err)
		}
		t.Version, t.RerunVersion = 1, 1
		e.TargetID = strconv.FormatInt(t.ID, 10)
		_, err = appendAudit(ctx, tx, e)
		return err
	})
}

// UpdateTopic implements listening.Store.
func (s *Listening) UpdateTopic(ctx context.Context, t *listening.Topic, queryChanged bool, e audit.Entry) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		q := `UPDATE topics SET name = $1, query = $2, must_match = $3, must_not_match = $4, updated_at = $5 WHERE id = $6 AND deleted_at IS NULL`
		if queryChanged {
			q = `UPDATE topics SET name = $1, query = $2, must_match = $3, must_not_match = $4, updated_at = $5,
				version = version + 1, rerun_version = version + 1, rerun_below = 0 WHERE id = $6 AND deleted_at IS NULL`
		}
		res, err := tx.ExecContext(ctx, q, t.Name, t.Query, jsonList(t.MustMatch), jsonList(t.MustNotMatch), ms(t.UpdatedAt), t.ID)
		if err != nil {
			return fmt.Errorf("update topic: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errNotFound
		}
		if queryChanged {
			if err := dropTopicMatches(ctx, tx, t.ID); err != nil {
				return err
			}
			if err := tx.QueryRowContext(ctx, `SELECT version, rerun_version, rerun_below FROM topics WHERE id = $1`, t.ID).
				Scan(&t.Version, &t.RerunVersion, &t.RerunBelow); err != nil {
				return err
			}
		}
		_, err = appendAudit(ctx, tx, e)
		return err
	})
}

func dropTopicMatches(ctx context.Context, tx *sql.Tx, topicID int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM mention_topics WHERE topic_id = $1`, topicID); err != nil {
		return fmt.Errorf("drop topic matches: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM topic_days WHERE topic_id = $1`, topicID); err != nil {
		return fmt.Errorf("drop topic days: %w", err)
	}
	return nil
}

// DeleteTopic implements listening.Store.
func (s *Listening) DeleteTopic(ctx context.Context, id int64, e audit.Entry) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		if err := dropTopicMatches(ctx, tx, id); err != nil {
			return err
		}
		return changeOne(ctx, tx, e, "delete topic", `UPDATE topics SET deleted_at = $1, updated_at = $1, rerun_version = 0 WHERE id = $2 AND deleted_at IS NULL`, ms(time.Now()), id)
	})
}

// Topic implements listening.Store.
func (s *Listening) Topic(ctx context.Context, id int64) (*listening.Topic, error) {
	return readOne(ctx, s.db, scanTopic, `SELECT `+topicColumns+` FROM topics WHERE id = $1 AND deleted_at IS NULL`, id)
}

// Topics implements listening.Store.
func (s *Listening) Topics(ctx context.Context) ([]listening.Topic, error) {
	rows, err := s.db.readRows(ctx, `SELECT `+topicColumns+` FROM topics WHERE deleted_at IS NULL ORDER BY name, id`)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r *sql.Rows) (listening.Topic, error) { return scanTopic(r) })
}

// TopicsVersion implements listening.Store: the newest change and the
// count of topics ever made, which moves on every create, edit and delete.
func (s *Listening) TopicsVersion(ctx context.Context) (string, error) {
	row, err := s.db.readRow(ctx, `SELECT COALESCE(MAX(updated_at), 0), COUNT(*) FROM topics`)
	if err != nil {
		return "", err
	}
	var at, n int64
	if err := row.Scan(&at, &n); err != nil {
		return "", err
	}
	return strconv.FormatInt(at, 10) + "/" + strconv.FormatInt(n, 10), nil
}

// unixDay is the day number of a time, as topic_days keeps it.
func unixDay(t time.Time) int64 { return t.Unix() / 86400 }

// TopicDays implements listening.Store.
func (s *Listening) TopicDays(ctx context.Context, topicID int64, from, to time.Time) ([]listening.DayCount, error) {
	rows, err := s.db.readRows(ctx, `SELECT day, n FROM topic_days WHERE topic_id = $1 AND day >= $2 AND day < $3 ORDER BY day`,
		topicID, unixDay(from), unixDay(to))
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r *sql.Rows) (listening.DayCount, error) {
		var day int64
		var d listening.DayCount
		err := r.Scan(&day, &d.N)
		d.Day = time.Unix(day*86400, 0).UTC()
		return d, err
	})
}

// TopicTotals implements listening.Store.
func (s *Listening) TopicTotals(ctx context.Context, from, today time.Time) (map[int64]listening.TopicTotal, error) {
	rows, err := s.db.readRows(ctx, `SELECT topic_id, SUM(n), SUM(CASE WHEN day = $1 THEN n ELSE 0 END) FROM topic_days
		WHERE day >= $2 GROUP BY topic_id`, unixDay(today), unixDay(from))
	if err != nil {
		return nil, err
	}
	out := map[int64]listening.TopicTotal{}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var t listening.TopicTotal
		if err := rows.Scan(&id, &t.Period, &t.Today); err != nil {
			return nil, err
		}
		out[id] = t
	}
	return out, rows.Err()
}

// KnownKeys implements listening.Store. The query names only keys, so the
// key's index is the only one that fits, and the source is checked here:
// told the source too, PostgreSQL without statistics (a store just loaded,
// autovacuum off) chose the source's index and read all its mentions.
func (s *Listening) KnownKeys(ctx context.Context, sourceID int64, keys []string) (map[string]bool, error) {
	out := map[string]bool{}
	for start := 0; start < len(keys); start += 500 {
		part := keys[start:min(start+500, len(keys))]
		args := make([]any, len(part))
		for i, k := range part {
			args[i] = k
		}
		rows, err := s.db.readRows(ctx, `SELECT key, source_id FROM mentions WHERE key IN (`+placeholders(1, len(part))+`)`, args...)
		if err != nil {
			return nil, err
		}
		type stored struct {
			key    string
			source int64
		}
		found, err := collect(rows, func(r *sql.Rows) (stored, error) {
			var st stored
			return st, r.Scan(&st.key, &st.source)
		})
		if err != nil {
			return nil, err
		}
		for _, st := range found {
			if st.source == sourceID {
				out[st.key] = true
			}
		}
	}
	return out, nil
}

// DuplicateCandidates implements listening.Store: the cluster heads that
// share a band key, from the band table alone.
func (s *Listening) DuplicateCandidates(ctx context.Context, keys []int64) ([]listening.DupCandidate, error) {
	var out []listening.DupCandidate
	for start := 0; start < len(keys); start += 500 {
		part := keys[start:min(start+500, len(keys))]
		args := make([]any, len(part))
		for i, k := range part {
			args[i] = k
		}
		rows, err := s.db.readRows(ctx, `SELECT k, mention_id, fingerprint FROM mention_bands WHERE k IN (`+placeholders(1, len(part))+`)`, args...)
		if err != nil {
			return nil, err
		}
		found, err := collect(rows, func(r *sql.Rows) (listening.DupCandidate, error) {
			var c listening.DupCandidate
			var fp int64
			err := r.Scan(&c.K, &c.ID, &fp)
			c.Fingerprint = uint64(fp)
			return c, err
		})
		if err != nil {
			return nil, err
		}
		out = append(out, found...)
	}
	return out, nil
}

// InsertMentions implements listening.Store. Rows go in with multi-row
// inserts: the mentions of a batch (heads first, then the duplicates of a
// head of the same batch, which need its id), then their band keys and
// topics. A key stored meanwhile by another delivery is skipped.
func (s *Listening) InsertMentions(ctx context.Context, sourceID int64, list []*listening.Mention) (int, error) {
	stored := 0
	err := s.db.tx(ctx, func(tx *sql.Tx) error {
		stored = 0
		var heads, later []*listening.Mention
		for _, m := range list {
			m.ID = 0
			if m.BatchHead != nil {
				later = append(later, m)
			} else {
				heads = append(heads, m)
			}
		}
		for _, group := range [][]*listening.Mention{heads, later} {
			for _, m := range group {
				if m.BatchHead != nil {
					m.DuplicateOf = m.BatchHead.ID // 0 if the head was stored meanwhile: then this one heads
				}
			}
			for start := 0; start < len(group); start += mentionInsertRows {
				n, err := s.insertMentionRows(ctx, tx, sourceID, group[start:min(start+mentionInsertRows, len(group))])
				if err != nil {
					return err
				}
				stored += n
			}
		}
		var bands, topics [][]any
		days := map[[2]int64]int{}
		for _, m := range list {
			if m.ID == 0 {
				continue
			}
			if m.DuplicateOf != 0 {
				continue // only heads are candidates; a copy of a copy is a copy of its head
			}
			for _, k := range m.BandKeys {
				bands = append(bands, []any{k, m.ID, int64(m.Fingerprint)})
			}
			for _, t := range m.Topics {
				topics = append(topics, []any{t, ms(m.PublishedAt), m.ID})
				days[[2]int64{t, unixDay(m.PublishedAt)}]++
			}
		}
		if err := s.insertRows(ctx, tx, `INSERT INTO mention_bands (k, mention_id, fingerprint) VALUES `, ` ON CONFLICT DO NOTHING`, 3, bands); err != nil {
			return fmt.Errorf("insert bands: %w", err)
		}
		if err := s.insertRows(ctx, tx, `INSERT INTO mention_topics (topic_id, published_at, mention_id) VALUES `, ` ON CONFLICT DO NOTHING`, 3, topics); err != nil {
			return fmt.Errorf("insert mention topics: %w", err)
		}
		if err := addTopicDays(ctx, s.db, tx, days); err != nil {
			return err
		}
		if _, err := s.db.txExec(ctx, tx, `UPDATE sources SET items = items + $1 WHERE id = $2`, stored, sourceID); err != nil {
			return fmt.Errorf("count source items: %w", err)
		}
		return nil
	})
	return stored, err
}

// mentionInsertRows is how many mentions one INSERT writes: 20 columns each
// stays well below SQLite's limit of parameters.
const mentionInsertRows = 200

// insertMentionRows inserts mentions in one statement and sets the ids of
// those it stored (matched back by key).
func (s *Listening) insertMentionRows(ctx context.Context, tx *sql.Tx, sourceID int64, list []*listening.Mention) (int, error) {
	var q strings.Builder
	q.WriteString(`INSERT INTO mentions (source_id, key, url, site, title, text, author, author_handle, author_url,
		person_id, identity_id, published_at, created_at, lang, sentiment, sentiment_label, rating, fingerprint, duplicate_of, updated_at) VALUES `)
	s.db.values(&q, len(list), 20)
	q.WriteString(` ON CONFLICT (key, source_id) DO NOTHING RETURNING id, key`)
	args := make([]any, 0, 20*len(list))
	byKey := make(map[string]*listening.Mention, len(list))
	for _, m := range list {
		byKey[m.Key] = m
		var dup sql.NullInt64
		if m.DuplicateOf != 0 {
			dup = sql.NullInt64{Int64: m.DuplicateOf, Valid: true}
		}
		args = append(args, sourceID, m.Key, m.URL, m.Site, m.Title, m.Text, m.Author, m.AuthorHandle, m.AuthorURL,
			nullID(m.PersonID), nullID(m.IdentityID), ms(m.PublishedAt), ms(m.CreatedAt), m.Lang, m.Sentiment, m.SentimentLabel,
			m.Rating, int64(m.Fingerprint), dup, ms(m.CreatedAt))
	}
	rows, err := tx.QueryContext(ctx, q.String(), args...)
	if err != nil {
		return 0, fmt.Errorf("insert mentions: %w", err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id int64
		var key string
		if err := rows.Scan(&id, &key); err != nil {
			return 0, err
		}
		if m := byKey[key]; m != nil {
			m.ID = id
			n++
		}
	}
	return n, rows.Err()
}

// insertRows writes rows of cols values with multi-row inserts.
func (s *Listening) insertRows(ctx context.Context, tx *sql.Tx, head, tail string, cols int, rows [][]any) error {
	per := 30000 / cols / 10 * 10
	for start := 0; start < len(rows); start += per {
		part := rows[start:min(start+per, len(rows))]
		var q strings.Builder
		q.WriteString(head)
		s.db.values(&q, len(part), cols)
		q.WriteString(tail)
		args := make([]any, 0, cols*len(part))
		for _, r := range part {
			args = append(args, r...)
		}
		if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// addTopicDays adds counts to topics' days.
func addTopicDays(ctx context.Context, db *DB, tx *sql.Tx, days map[[2]int64]int) error {
	for k, n := range days {
		if _, err := db.txExec(ctx, tx, `INSERT INTO topic_days (topic_id, day, n) VALUES ($1, $2, $3)
			ON CONFLICT (topic_id, day) DO UPDATE SET n = topic_days.n + excluded.n`, k[0], k[1], n); err != nil {
			return fmt.Errorf("count topic day: %w", err)
		}
	}
	return nil
}

const mentionColumns = `m.id, m.source_id, m.key, m.url, m.site, m.title, m.text, m.author, m.author_handle, m.author_url,
	COALESCE(m.person_id, 0), COALESCE(m.identity_id, 0), m.published_at, m.created_at, m.lang, m.sentiment, m.sentiment_label,
	m.rating, m.fingerprint, COALESCE(m.duplicate_of, 0), m.state, COALESCE(m.assignee_id, 0), m.updated_at, s.name`

func scanMention(r interface{ Scan(...any) error }) (listening.Mention, error) {
	var m listening.Mention
	var published, created, updated, fp int64
	var rating sql.NullFloat64
	err := r.Scan(&m.ID, &m.SourceID, &m.Key, &m.URL, &m.Site, &m.Title, &m.Text, &m.Author, &m.AuthorHandle, &m.AuthorURL,
		&m.PersonID, &m.IdentityID, &published, &created, &m.Lang, &m.Sentiment, &m.SentimentLabel,
		&rating, &fp, &m.DuplicateOf, &m.State, &m.AssigneeID, &updated, &m.SourceName)
	if rating.Valid {
		m.Rating = &rating.Float64
	}
	m.Fingerprint = uint64(fp)
	m.PublishedAt, m.CreatedAt, m.UpdatedAt = fromMS(published), fromMS(created), fromMS(updated)
	m.Topics, m.Tags = []int64{}, []string{}
	return m, err
}

// Mention implements listening.Store.
func (s *Listening) Mention(ctx context.Context, id int64) (*listening.Mention, error) {
	m, err := readOne(ctx, s.db, scanMention, `SELECT `+mentionColumns+` FROM mentions m JOIN sources s ON s.id = m.source_id WHERE m.id = $1`, id)
	if err != nil {
		return nil, err
	}
	list := []listening.Mention{*m}
	if err := s.decorate(ctx, list); err != nil {
		return nil, err
	}
	return &list[0], nil
}

// decorate adds topics, tags and cluster sizes to a page of mentions.
func (s *Listening) decorate(ctx context.Context, list []listening.Mention) error {
	if len(list) == 0 {
		return nil
	}
	at := map[int64]int{}
	args := make([]any, len(list))
	for i, m := range list {
		at[m.ID] = i
		args[i] = m.ID
	}
	in := placeholders(1, len(list))
	rows, err := s.db.readRows(ctx, `SELECT mention_id, topic_id FROM mention_topics WHERE mention_id IN (`+in+`) ORDER BY topic_id`, args...)
	if err != nil {
		return err
	}
	pairs, err := collect(rows, func(r *sql.Rows) ([2]int64, error) {
		var p [2]int64
		return p, r.Scan(&p[0], &p[1])
	})
	if err != nil {
		return err
	}
	for _, p := range pairs {
		m := &list[at[p[0]]]
		m.Topics = append(m.Topics, p[1])
	}
	rows, err = s.db.readRows(ctx, `SELECT mention_id, tag FROM mention_tags WHERE mention_id IN (`+in+`) ORDER BY tag`, args...)
	if err != nil {
		return err
	}
	type tag struct {
		id  int64
		tag string
	}
	tags, err := collect(rows, func(r *sql.Rows) (tag, error) {
		var t tag
		return t, r.Scan(&t.id, &t.tag)
	})
	if err != nil {
		return err
	}
	for _, t := range tags {
		m := &list[at[t.id]]
		m.Tags = append(m.Tags, t.tag)
	}
	rows, err = s.db.readRows(ctx, `SELECT duplicate_of, COUNT(*) FROM mentions WHERE duplicate_of IN (`+in+`) GROUP BY duplicate_of`, args...)
	if err != nil {
		return err
	}
	counts, err := collect(rows, func(r *sql.Rows) ([2]int64, error) {
		var p [2]int64
		return p, r.Scan(&p[0], &p[1])
	})
	if err != nil {
		return err
	}
	for _, c := range counts {
		list[at[c[0]]].Duplicates = int(c[1])
	}
	return nil
}

// Mentions implements listening.Store. A topic's list walks mention_topics
// by (topic, time); the others walk the mentions by time. Words go through
// the engine's full-text index, except a topic's words on SQLite
// (topicWords).
func (s *Listening) Mentions(ctx context.Context, f listening.MentionFilter) ([]listening.Mention, error) {
	if s.db.Engine == SQLite && f.TopicID != 0 && len(f.Words) > 0 {
		return s.topicWords(ctx, f)
	}
	return s.mentions(ctx, f, true)
}

// Walking a topic's mentions to check their words in Go: at most
// topicWalkLimit of them (a variable for a test), topicWalkBatch at a time.
const topicWalkBatch = 500

var topicWalkLimit = 20000

// topicWords finds a topic's mentions with words on SQLite. FTS5 checks a
// word's beginning by merging every term that starts with it, so asking it
// about each of a topic's mentions cost 300 ms a page, and collecting
// every match of a common word first costs as much. A topic in a date range
// holds few mentions next to all of them: its mentions are walked newest
// first and their words checked in Go (search.HasAllWords, as the index
// would). Only a topic so big that a page is not found within
// topicWalkLimit mentions asks the index after all: then the words are
// rare, and their matches few.
func (s *Listening) topicWords(ctx context.Context, f listening.MentionFilter) ([]listening.Mention, error) {
	walk := f
	walk.Words, walk.Limit = nil, topicWalkBatch
	var out []listening.Mention
	for walked := 0; walked < topicWalkLimit; walked += topicWalkBatch {
		page, err := s.mentionRows(ctx, walk, false)
		if err != nil {
			return nil, err
		}
		for _, m := range page {
			if search.HasAllWords(f.Words, m.Title, m.Text) {
				out = append(out, m)
				if len(out) == f.Limit {
					return out, s.decorate(ctx, out)
				}
			}
		}
		if len(page) < topicWalkBatch {
			return out, s.decorate(ctx, out)
		}
		last := page[len(page)-1]
		walk.AfterAt, walk.AfterID = last.PublishedAt, last.ID
	}
	return s.mentions(ctx, f, true)
}

// mentions reads a page of mentions with their topics, tags and clusters.
func (s *Listening) mentions(ctx context.Context, f listening.MentionFilter, words bool) ([]listening.Mention, error) {
	list, err := s.mentionRows(ctx, f, words)
	if err != nil {
		return nil, err
	}
	return list, s.decorate(ctx, list)
}

// mentionRows reads a page of mentions as the filter asks, its words
// through the full-text index if words is set.
func (s *Listening) mentionRows(ctx context.Context, f listening.MentionFilter, words bool) ([]listening.Mention, error) {
	var w filter
	from := ` FROM mentions m JOIN sources s ON s.id = m.source_id`
	at := "m.published_at"
	if f.TopicID != 0 {
		from = ` FROM mention_topics mt JOIN mentions m ON m.id = mt.mention_id JOIN sources s ON s.id = m.source_id`
		at = "mt.published_at"
		w.where("mt.topic_id = %s", f.TopicID)
	}
	switch {
	case f.DuplicatesOf != 0:
		w.where("m.duplicate_of = %s", f.DuplicatesOf)
	case f.TopicID == 0:
		w.where("m.duplicate_of IS NULL")
	}
	if words && len(f.Words) > 0 {
		expr := s.db.matchExpr(f.Words, false)
		switch {
		case s.db.Engine == Postgres:
			w.where("m.search @@ to_tsquery('simple', %s)", expr)
		case f.TopicID != 0:
			w.where("m.id IN (SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH %s)", expr)
		default:
			// Without a topic, the newest arrivals that match (see
			// mentionCandidates).
			w.where("m.id IN (SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH %s ORDER BY rowid DESC LIMIT "+
				strconv.Itoa(mentionCandidates)+")", expr)
		}
	}
	if f.SourceID != 0 {
		w.where("m.source_id = %s", f.SourceID)
	}
	if f.Lang != "" {
		w.where("m.lang = %s", f.Lang)
	}
	if f.Sentiment != "" {
		w.where("m.sentiment_label = %s", f.Sentiment)
	}
	if f.MinRating != nil {
		w.where("m.rating >= %s", *f.MinRating)
	}
	if f.MaxRating != nil {
		w.where("m.rating <= %s", *f.MaxRating)
	}
	if !f.Since.IsZero() {
		w.where(at+" >= %s", ms(f.Since))
	}
	if !f.Until.IsZero() {
		w.where(at+" < %s", ms(f.Until))
	}
	if f.State != "" {
		w.where("m.state = %s", f.State)
	}
	if f.Assignee != 0 {
		w.where("m.assignee_id = %s", f.Assignee)
	}
	if f.Tag != "" {
		w.where("EXISTS (SELECT 1 FROM mention_tags g WHERE g.mention_id = m.id AND g.tag = %s)", f.Tag)
	}
	if f.AfterID != 0 {
		w.where("("+at+" < %s OR ("+at+" = %s AND m.id < %s))", ms(f.AfterAt), ms(f.AfterAt), f.AfterID)
	}
	q := `SELECT ` + mentionColumns + from + w.sql() + ` ORDER BY ` + at + ` DESC, m.id DESC LIMIT ` + strconv.Itoa(f.Limit)
	rows, err := s.db.readRows(ctx, q, w.args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r *sql.Rows) (listening.Mention, error) { return scanMention(r) })
}

// mentionCandidates is how many of the newest arrivals that match its words
// a search without a topic looks at on SQLite: collecting every match of a
// common word over a million mentions would cost more than the page.
// Mentions arrive roughly in the order they were written; an old review
// imported late ranks by its arrival here (docs/design.md).
const mentionCandidates = 5000

// ChangeMentions implements listening.Store.
func (s *Listening) ChangeMentions(ctx context.Context, ids []int64, c listening.MentionChange, e audit.Entry) (int, error) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	n := 0
	err := s.db.tx(ctx, func(tx *sql.Tx) error {
		var found int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM mentions WHERE id IN (`+placeholders(1, len(ids))+`)`, args...).Scan(&found); err != nil {
			return err
		}
		if found != len(ids) {
			return errNotFound
		}
		now := ms(time.Now())
		set := []string{"updated_at = " + strconv.FormatInt(now, 10)}
		var setArgs []any
		if c.State != nil {
			setArgs = append(setArgs, *c.State)
			set = append(set, "state = $"+strconv.Itoa(len(setArgs)))
		}
		if c.Assignee != nil {
			setArgs = append(setArgs, nullID(*c.Assignee))
			set = append(set, "assignee_id = $"+strconv.Itoa(len(setArgs)))
		}
		q := `UPDATE mentions SET ` + strings.Join(set, ", ") + ` WHERE id IN (` + placeholders(len(setArgs)+1, len(ids)) + `)`
		if _, err := tx.ExecContext(ctx, q, append(setArgs, args...)...); err != nil {
			return fmt.Errorf("change mentions: %w", err)
		}
		for _, id := range ids {
			for _, t := range c.AddTags {
				if _, err := tx.ExecContext(ctx, `INSERT INTO mention_tags (mention_id, tag) VALUES ($1, $2) ON CONFLICT DO NOTHING`, id, t); err != nil {
					return fmt.Errorf("tag mention: %w", err)
				}
			}
			for _, t := range c.RemoveTags {
				if _, err := tx.ExecContext(ctx, `DELETE FROM mention_tags WHERE mention_id = $1 AND tag = $2`, id, t); err != nil {
					return fmt.Errorf("untag mention: %w", err)
				}
			}
		}
		n = len(ids)
		_, err := appendAudit(ctx, tx, e)
		return err
	})
	return n, err
}

// triageRoles are the roles that hold listening.PermTriage.
func triageRoles() []any {
	var out []any
	for _, r := range []samtal.Role{samtal.RoleAgent, samtal.RoleModerator, samtal.RoleAnalyst, samtal.RoleAdmin} {
		if samtal.Can(r, listening.PermTriage) {
			out = append(out, string(r))
		}
	}
	return out
}

// AssignableAccount implements listening.Store.
func (s *Listening) AssignableAccount(ctx context.Context, accountID int64) error {
	roles := triageRoles()
	_, err := readOne(ctx, s.db, func(r interface{ Scan(...any) error }) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	}, `SELECT id FROM accounts WHERE id = $1 AND role IN (`+placeholders(2, len(roles))+`)`, append([]any{accountID}, roles...)...)
	return err
}

// Assignees implements listening.Store.
func (s *Listening) Assignees(ctx context.Context) ([]listening.Assignee, error) {
	roles := triageRoles()
	rows, err := s.db.readRows(ctx, `SELECT a.id, p.name FROM accounts a JOIN persons p ON p.id = a.person_id
		WHERE a.role IN (`+placeholders(1, len(roles))+`) ORDER BY p.name, a.id LIMIT 500`, roles...)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r *sql.Rows) (listening.Assignee, error) {
		var a listening.Assignee
		return a, r.Scan(&a.ID, &a.Name)
	})
}

// HistoryBelow implements listening.Store.
func (s *Listening) HistoryBelow(ctx context.Context, below int64, limit int) ([]listening.HistoryItem, error) {
	cond := ""
	args := []any{limit}
	if below > 0 {
		cond = " AND id < $2"
		args = append(args, below)
	}
	rows, err := s.db.readRows(ctx, `SELECT id, published_at, title, text, url, author, author_handle, lang, rating
		FROM mentions WHERE duplicate_of IS NULL`+cond+` ORDER BY id DESC LIMIT $1`, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r *sql.Rows) (listening.HistoryItem, error) {
		var h listening.HistoryItem
		var published int64
		var rating sql.NullFloat64
		err := r.Scan(&h.ID, &published, &h.Title, &h.Text, &h.URL, &h.Author, &h.Handle, &h.Lang, &rating)
		h.PublishedAt = fromMS(published)
		if rating.Valid {
			h.Rating = &rating.Float64
		}
		return h, err
	})
}

// MatchHistory implements listening.Store.
func (s *Listening) MatchHistory(ctx context.Context, topicID int64, version int, matched []listening.HistoryItem, below int64, done bool) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		var current int
		err := tx.QueryRowContext(ctx, `SELECT rerun_version FROM topics WHERE id = $1 AND deleted_at IS NULL`, topicID).Scan(&current)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && current != version) {
			return nil // deleted or edited meanwhile: the new version runs from the start
		} else if err != nil {
			return err
		}
		days := map[[2]int64]int{}
		for _, h := range matched {
			res, err := s.db.txExec(ctx, tx, `INSERT INTO mention_topics (topic_id, published_at, mention_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
				topicID, ms(h.PublishedAt), h.ID)
			if err != nil {
				return fmt.Errorf("insert mention topic: %w", err)
			}
			if n, _ := res.RowsAffected(); n > 0 {
				days[[2]int64{topicID, unixDay(h.PublishedAt)}]++
			}
		}
		if err := addTopicDays(ctx, s.db, tx, days); err != nil {
			return err
		}
		if done {
			_, err = tx.ExecContext(ctx, `UPDATE topics SET rerun_version = 0, rerun_below = 0 WHERE id = $1`, topicID)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE topics SET rerun_below = $1 WHERE id = $2`, below, topicID)
		}
		return err
	})
}

// PendingReruns implements listening.Store.
func (s *Listening) PendingReruns(ctx context.Context) ([]listening.Topic, error) {
	rows, err := s.db.readRows(ctx, `SELECT `+topicColumns+` FROM topics WHERE deleted_at IS NULL AND rerun_version <> 0 ORDER BY id`)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r *sql.Rows) (listening.Topic, error) { return scanTopic(r) })
}

// RememberCall implements listening.Store.
func (s *Listening) RememberCall(ctx context.Context, sourceID int64, signature string, at, before time.Time) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM webhook_calls WHERE seen_at < $1`, ms(before)); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO webhook_calls (source_id, signature, seen_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
			sourceID, signature, ms(at))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return &samtal.Error{Code: samtal.ECONFLICT, Message: "error.webhook_replay"}
		}
		return nil
	})
}

const importColumns = `id, source_id, file_name, file_sha256, format, size, state, rows_done, rows_stored, rows_failed, errors, error, error_problem, created_at, updated_at, finished_at`

func scanImport(r interface{ Scan(...any) error }) (listening.Import, error) {
	var im listening.Import
	var errs, problem string
	var created, updated int64
	var finished sql.NullInt64
	if err := r.Scan(&im.ID, &im.SourceID, &im.FileName, &im.SHA256, &im.Format, &im.Size, &im.State, &im.RowsDone, &im.RowsStored, &im.RowsFailed,
		&errs, &im.Error, &problem, &created, &updated, &finished); err != nil {
		return im, err
	}
	_ = json.Unmarshal([]byte(errs), &im.Errors)
	if im.Errors == nil {
		im.Errors = []listening.RowReport{}
	}
	if problem != "" {
		// Unreadable, it is left out: the English in Error still says why.
		if json.Unmarshal([]byte(problem), &im.ErrorProblem) != nil {
			im.ErrorProblem = nil
		}
	}
	im.CreatedAt, im.UpdatedAt, im.FinishedAt = fromMS(created), fromMS(updated), timePtr(finished)
	return im, nil
}

// CreateImport implements listening.Store.
func (s *Listening) CreateImport(ctx context.Context, im *listening.Import, chunks func(yield func([]byte) error) error) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO imports (source_id, file_name, file_sha256, format, size, state, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, 'running', $6, $6) RETURNING id`,
			im.SourceID, im.FileName, im.SHA256, im.Format, im.Size, ms(im.CreatedAt)).Scan(&im.ID)
		if err != nil {
			return fmt.Errorf("insert import: %w", err)
		}
		n := 0
		return chunks(func(b []byte) error {
			n++
			_, err := tx.ExecContext(ctx, `INSERT INTO import_chunks (import_id, n, data) VALUES ($1, $2, $3)`, im.ID, n, b)
			return err
		})
	})
}

// Import implements listening.Store.
func (s *Listening) Import(ctx context.Context, id int64) (*listening.Import, error) {
	return readOne(ctx, s.db, scanImport, `SELECT `+importColumns+` FROM imports WHERE id = $1`, id)
}

// Imports implements listening.Store.
func (s *Listening) Imports(ctx context.Context, sourceID int64) ([]listening.Import, error) {
	rows, err := s.db.readRows(ctx, `SELECT `+importColumns+` FROM imports WHERE source_id = $1 ORDER BY id DESC LIMIT 50`, sourceID)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r *sql.Rows) (listening.Import, error) { return scanImport(r) })
}

// ResumableImport implements listening.Store.
func (s *Listening) ResumableImport(ctx context.Context, sourceID int64, sha string) (*listening.Import, error) {
	return readOne(ctx, s.db, scanImport, `SELECT `+importColumns+` FROM imports
		WHERE source_id = $1 AND file_sha256 = $2 AND state = 'running' ORDER BY id DESC LIMIT 1`, sourceID, sha)
}

// ImportChunks implements listening.Store: the chunks are read one by one,
// so a large file is never all in memory.
func (s *Listening) ImportChunks(ctx context.Context, id int64, fn func([]byte) error) error {
	for n := 1; ; n++ {
		row, err := s.db.readRow(ctx, `SELECT data FROM import_chunks WHERE import_id = $1 AND n = $2`, id, n)
		if err != nil {
			return err
		}
		var b []byte
		if err := row.Scan(&b); errors.Is(err, sql.ErrNoRows) {
			return nil
		} else if err != nil {
			return err
		}
		if err := fn(b); err != nil {
			return err
		}
	}
}

// ImportProgress implements listening.Store. A finished import's file is
// dropped.
func (s *Listening) ImportProgress(ctx context.Context, im *listening.Import) error {
	errs, _ := json.Marshal(im.Errors)
	problem := ""
	if im.ErrorProblem != nil {
		b, _ := json.Marshal(im.ErrorProblem)
		problem = string(b)
	}
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE imports SET state = $1, rows_done = $2, rows_stored = $3, rows_failed = $4, errors = $5, error = $6,
			error_problem = $7, updated_at = $8, finished_at = $9 WHERE id = $10`,
			im.State, im.RowsDone, im.RowsStored, im.RowsFailed, string(errs), im.Error, problem, ms(im.UpdatedAt), nullTimePtr(im.FinishedAt), im.ID)
		if err != nil {
			return fmt.Errorf("import progress: %w", err)
		}
		if im.State != "running" {
			_, err = tx.ExecContext(ctx, `DELETE FROM import_chunks WHERE import_id = $1`, im.ID)
		}
		return err
	})
}
