package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"modernc.org/sqlite"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/privacy"
)

// Privacy reads a person's archive and erases persons (docs/design.md,
// "Export and erasure").
type Privacy struct{ db *DB }

// NewPrivacy returns the privacy store of db.
func NewPrivacy(db *DB) *Privacy { return &Privacy{db: db} }

var _ privacy.Store = (*Privacy)(nil)

// exportBatch is how many records an archive reads at a time.
const exportBatch = 500

// registerSQLiteFunctions registers samtal_masked with the SQLite driver,
// for the audit log's trigger (migration 00016). The driver keeps functions
// per process, for the connections it opens afterwards, so this runs once,
// before the first store opens.
var registerSQLiteFunctions = sync.OnceValue(func() error {
	return sqlite.RegisterDeterministicScalarFunction("samtal_masked", 2, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		if masked(textOf(args[0]), textOf(args[1])) {
			return int64(1), nil
		}
		return int64(0), nil
	})
})

func textOf(v driver.Value) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// maskRune replaces what an erasure takes out of the audit log.
const maskRune = '*'

// masked reports whether next may replace old in the audit log: unchanged,
// emptied, or old with some characters replaced by '*'. It is the rule of
// the audit log's update trigger (samtal_masked on PostgreSQL is the same
// rule in SQL).
func masked(old, next string) bool {
	if next == old || next == "" {
		return true
	}
	if utf8.RuneCountInString(next) != utf8.RuneCountInString(old) {
		return false
	}
	o := []rune(old)
	for i, r := range []rune(next) {
		if r != maskRune && r != o[i] {
			return false
		}
	}
	return true
}

// Subject implements privacy.Store.
func (s *Privacy) Subject(ctx context.Context, id int64) (*privacy.Subject, error) {
	sub := &privacy.Subject{PersonID: id}
	var merged, erased sql.NullInt64
	var created, updated int64
	row, err := s.db.readRow(ctx, `SELECT name, locale, location, languages, avatar, bot, merged_into, erased_at, created_at, updated_at
		FROM persons WHERE id = $1`, id)
	if err != nil {
		return nil, err
	}
	err = row.Scan(&sub.Name, &sub.Locale, &sub.Location, &sub.Languages, &sub.Avatar, &sub.Bot, &merged, &erased, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNotFound
	} else if err != nil {
		return nil, fmt.Errorf("subject %d: %w", id, err)
	}
	sub.MergedInto, sub.Erased = merged.Int64, erased.Valid
	sub.CreatedAt, sub.UpdatedAt = fromMS(created), fromMS(updated)

	rows, err := s.db.readRows(ctx, `SELECT kind, network, value, display, verified, source, created_at
		FROM identities WHERE person_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var i privacy.Identity
		var at int64
		if err := rows.Scan(&i.Kind, &i.Network, &i.Value, &i.Display, &i.Verified, &i.Source, &at); err != nil {
			rows.Close()
			return nil, err
		}
		i.CreatedAt = fromMS(at)
		sub.Identities = append(sub.Identities, i)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	if rows, err = s.db.readRows(ctx, `SELECT tag FROM person_tags WHERE person_id = $1 ORDER BY tag`, id); err != nil {
		return nil, err
	}
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return nil, err
		}
		sub.Tags = append(sub.Tags, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	acc := &privacy.Account{}
	var verified sql.NullInt64
	row, err = s.db.readRow(ctx, `SELECT id, email, COALESCE(handle, ''), role, locale, notify_email, email_verified_at,
		created_at, password_hash <> '' FROM accounts WHERE person_id = $1`, id)
	if err != nil {
		return nil, err
	}
	err = row.Scan(&acc.ID, &acc.Email, &acc.Handle, &acc.Role, &acc.Locale, &acc.NotifyEmail, &verified, &created, &acc.HasPassword)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return nil, fmt.Errorf("subject %d account: %w", id, err)
	default:
		acc.CreatedAt = fromMS(created)
		if verified.Valid {
			t := fromMS(verified.Int64)
			acc.EmailVerifiedAt = &t
		}
		sub.Account = acc
	}

	if rows, err = s.db.readRows(ctx, `WITH RECURSIVE merged(id) AS (
			SELECT id FROM persons WHERE merged_into = $1
			UNION SELECT p.id FROM persons p JOIN merged m ON p.merged_into = m.id)
		SELECT p.id, p.name, p.created_at FROM persons p WHERE p.id IN (SELECT id FROM merged) ORDER BY p.id`, id); err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var m privacy.MergedPerson
		if err := rows.Scan(&m.ID, &m.Name, &created); err != nil {
			return nil, err
		}
		m.CreatedAt = fromMS(created)
		sub.Merged = append(sub.Merged, m)
	}
	return sub, rows.Err()
}

// PasswordHash implements privacy.Store.
func (s *Privacy) PasswordHash(ctx context.Context, accountID int64) (string, error) {
	var h string
	err := s.db.read.QueryRowContext(ctx, `SELECT password_hash FROM accounts WHERE id = $1`, accountID).Scan(&h)
	if errors.Is(err, sql.ErrNoRows) {
		return "", errNotFound
	}
	return h, err
}

// AppendAudit implements privacy.Store.
func (s *Privacy) AppendAudit(ctx context.Context, e audit.Entry) (int64, error) {
	return appendAudit(ctx, s.db.write, e)
}

// exportQuery reads one kind of record in batches: $1 is the owner (a
// person, an account or an email, as by says), then the key of the last
// record read; the query orders by that key and takes exportBatch rows.
type exportQuery struct {
	by    string // "person", "account" or "email"
	q     string
	start []any // the key before the first record
	scan  func(rows *sql.Rows) (rec any, key []any, err error)
}

func nullTime(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMS(v.Int64)
	return &t
}

var limitBatch = " LIMIT " + strconv.Itoa(exportBatch)

// exportQueries are the records of each kind of an archive.
var exportQueries = map[string]exportQuery{
	privacy.KindIdeas: {by: "person", start: []any{int64(0)},
		q: `SELECT id, campaign_id, question_id, title, body, tags, status, votes, comments, images, moderation,
			COALESCE(merged_into, 0), created_at, updated_at, deleted_at
			FROM ideas WHERE author_person_id = $1 AND id > $2 ORDER BY id` + limitBatch,
		scan: func(rows *sql.Rows) (any, []any, error) {
			var r privacy.Idea
			var created, updated int64
			var deleted sql.NullInt64
			err := rows.Scan(&r.ID, &r.CampaignID, &r.QuestionID, &r.Title, &r.Body, &r.Tags, &r.Status, &r.Votes, &r.Comments,
				&r.Images, &r.Moderation, &r.MergedInto, &created, &updated, &deleted)
			r.CreatedAt, r.UpdatedAt, r.DeletedAt = fromMS(created), fromMS(updated), nullTime(deleted)
			return &r, []any{r.ID}, err
		}},
	privacy.KindComments: {by: "person", start: []any{int64(0)},
		q: `SELECT id, idea_id, COALESCE(parent_id, 0), body, moderation, created_at, updated_at, deleted_at
			FROM comments WHERE author_person_id = $1 AND id > $2 ORDER BY id` + limitBatch,
		scan: func(rows *sql.Rows) (any, []any, error) {
			var r privacy.Comment
			var created, updated int64
			var deleted sql.NullInt64
			err := rows.Scan(&r.ID, &r.IdeaID, &r.ParentID, &r.Body, &r.Moderation, &created, &updated, &deleted)
			r.CreatedAt, r.UpdatedAt, r.DeletedAt = fromMS(created), fromMS(updated), nullTime(deleted)
			return &r, []any{r.ID}, err
		}},
	// Votes in the order of their index by person (votes_person).
	privacy.KindVotes: {by: "person", start: []any{int64(0), int64(0)},
		q: `SELECT idea_id, campaign_id, created_at FROM votes
			WHERE person_id = $1 AND (campaign_id, idea_id) > ($2, $3) ORDER BY campaign_id, idea_id` + limitBatch,
		scan: func(rows *sql.Rows) (any, []any, error) {
			var r privacy.Vote
			var created int64
			err := rows.Scan(&r.IdeaID, &r.CampaignID, &created)
			r.CreatedAt = fromMS(created)
			return &r, []any{r.CampaignID, r.IdeaID}, err
		}},
	privacy.KindFollows: {by: "person", start: []any{int64(0)},
		q: `SELECT idea_id, following, at FROM idea_follows WHERE person_id = $1 AND idea_id > $2 ORDER BY idea_id` + limitBatch,
		scan: func(rows *sql.Rows) (any, []any, error) {
			var r privacy.Follow
			var at int64
			err := rows.Scan(&r.IdeaID, &r.Following, &at)
			r.At = fromMS(at)
			return &r, []any{r.IdeaID}, err
		}},
	privacy.KindNotifications: {by: "person", start: []any{int64(0)},
		q: `SELECT id, kind, COALESCE(idea_id, 0), COALESCE(comment_id, 0), data, created_at, read_at
			FROM notifications WHERE person_id = $1 AND id > $2 ORDER BY id` + limitBatch,
		scan: func(rows *sql.Rows) (any, []any, error) {
			var r privacy.Notification
			var data string
			var created int64
			var read sql.NullInt64
			err := rows.Scan(&r.ID, &r.Kind, &r.IdeaID, &r.CommentID, &data, &created, &read)
			if !json.Valid([]byte(data)) {
				data = "{}"
			}
			r.Data, r.CreatedAt, r.ReadAt = json.RawMessage(data), fromMS(created), nullTime(read)
			return &r, []any{r.ID}, err
		}},
	privacy.KindReports: {by: "person", start: []any{int64(0)},
		q: `SELECT id, target_kind, target_id, reason, text, status, created_at, resolved_at
			FROM reports WHERE reporter_person_id = $1 AND id > $2 ORDER BY id` + limitBatch,
		scan: func(rows *sql.Rows) (any, []any, error) {
			var r privacy.Report
			var created int64
			var resolved sql.NullInt64
			err := rows.Scan(&r.ID, &r.TargetKind, &r.TargetID, &r.Reason, &r.Text, &r.Status, &created, &resolved)
			r.CreatedAt, r.ResolvedAt = fromMS(created), nullTime(resolved)
			return &r, []any{r.ID}, err
		}},
	privacy.KindInvitations: {by: "person", start: []any{int64(0)},
		q: `SELECT campaign_id, created_at FROM campaign_invites WHERE person_id = $1 AND campaign_id > $2 ORDER BY campaign_id` + limitBatch,
		scan: func(rows *sql.Rows) (any, []any, error) {
			var r privacy.Invitation
			var created int64
			err := rows.Scan(&r.CampaignID, &created)
			r.CreatedAt = fromMS(created)
			return &r, []any{r.CampaignID}, err
		}},
	privacy.KindSessions: {by: "account", start: []any{""},
		q: `SELECT id_hash, created_at, last_seen_at, expires_at, ip, user_agent
			FROM sessions WHERE account_id = $1 AND id_hash > $2 ORDER BY id_hash` + limitBatch,
		scan: func(rows *sql.Rows) (any, []any, error) {
			var r privacy.Session
			var hash string
			var created, seen, expires int64
			err := rows.Scan(&hash, &created, &seen, &expires, &r.IP, &r.UserAgent)
			r.CreatedAt, r.LastSeenAt, r.ExpiresAt = fromMS(created), fromMS(seen), fromMS(expires)
			return &r, []any{hash}, err
		}},
	privacy.KindTokens: {by: "account", start: []any{int64(0)},
		q: `SELECT id, name, created_at, last_used_at, revoked_at FROM api_tokens WHERE account_id = $1 AND id > $2 ORDER BY id` + limitBatch,
		scan: func(rows *sql.Rows) (any, []any, error) {
			var r privacy.Token
			var id, created int64
			var used, revoked sql.NullInt64
			err := rows.Scan(&id, &r.Name, &created, &used, &revoked)
			r.CreatedAt, r.LastUsedAt, r.RevokedAt = fromMS(created), nullTime(used), nullTime(revoked)
			return &r, []any{id}, err
		}},
	// Mails to any of the person's addresses. outbox has no index by
	// address: one pass over it per address, in batches.
	privacy.KindMails: {by: "email", start: []any{int64(0)},
		q: `SELECT id, to_addr, subject, text_body, state, created_at, sent_at FROM outbox
			WHERE to_addr = $1 AND id > $2 ORDER BY id` + limitBatch,
		scan: func(rows *sql.Rows) (any, []any, error) {
			var r privacy.Mail
			var created int64
			var sent sql.NullInt64
			err := rows.Scan(&r.ID, &r.To, &r.Subject, &r.Text, &r.State, &created, &sent)
			r.CreatedAt, r.SentAt = fromMS(created), nullTime(sent)
			return &r, []any{r.ID}, err
		}},
	privacy.KindActions: {by: "account", start: []any{int64(0)},
		q: `SELECT id, at, action, target_kind, target_id, ip, via FROM audit_log WHERE actor_id = $1 AND id > $2 ORDER BY id` + limitBatch,
		scan: func(rows *sql.Rows) (any, []any, error) {
			var r privacy.Action
			var id, at int64
			err := rows.Scan(&id, &at, &r.Action, &r.TargetKind, &r.TargetID, &r.IP, &r.Via)
			r.At = fromMS(at)
			return &r, []any{id}, err
		}},
	privacy.KindNotes: {by: "person", start: []any{int64(0)},
		q: `SELECT id, body, created_at FROM person_notes WHERE person_id = $1 AND id > $2 ORDER BY id` + limitBatch,
		scan: func(rows *sql.Rows) (any, []any, error) {
			var r privacy.Note
			var created int64
			err := rows.Scan(&r.ID, &r.Body, &created)
			r.CreatedAt = fromMS(created)
			return &r, []any{r.ID}, err
		}},
	privacy.KindUploads: {by: "person", start: []any{int64(0), ""},
		q: `SELECT key, mime, width, height, created_at FROM uploads
			WHERE owner_person_id = $1 AND (created_at, key) > ($2, $3) ORDER BY created_at, key` + limitBatch,
		scan: func(rows *sql.Rows) (any, []any, error) {
			var r privacy.Upload
			var created int64
			err := rows.Scan(&r.Key, &r.Mime, &r.Width, &r.Height, &created)
			r.CreatedAt = fromMS(created)
			return &r, []any{created, r.Key}, err
		}},
	// The score and the advocate group: one line when there is either.
	privacy.KindAdvocacy: {by: "person", start: []any{int64(0)},
		q: `SELECT p.id, s.score, s.parts, s.computed_at, COALESCE(a.state, ''), a.invited_at, a.joined_at, a.removed_at
			FROM persons p LEFT JOIN advocate_scores s ON s.person_id = p.id LEFT JOIN advocates a ON a.person_id = p.id
			WHERE p.id = $1 AND p.id > $2 AND (s.person_id IS NOT NULL OR a.person_id IS NOT NULL)`,
		scan: func(rows *sql.Rows) (any, []any, error) {
			var r privacy.Advocacy
			var id int64
			var score sql.NullFloat64
			var parts sql.NullString
			var computed, invited, joined, removed sql.NullInt64
			err := rows.Scan(&id, &score, &parts, &computed, &r.State, &invited, &joined, &removed)
			r.Score = score.Float64
			if parts.Valid && json.Valid([]byte(parts.String)) {
				r.Parts = json.RawMessage(parts.String)
			}
			r.ComputedAt, r.InvitedAt, r.JoinedAt, r.RemovedAt = nullTime(computed), nullTime(invited), nullTime(joined), nullTime(removed)
			return &r, []any{id}, err
		}},
	privacy.KindBriefings: {by: "person", start: []any{int64(0)},
		q: `SELECT r.briefing_id, b.title, r.queued_at, r.read_at FROM briefing_recipients r JOIN briefings b ON b.id = r.briefing_id
			WHERE r.person_id = $1 AND r.briefing_id > $2 ORDER BY r.briefing_id` + limitBatch,
		scan: func(rows *sql.Rows) (any, []any, error) {
			var r privacy.Briefing
			var queued, read sql.NullInt64
			err := rows.Scan(&r.ID, &r.Title, &queued, &read)
			r.QueuedAt, r.ReadAt = nullTime(queued), nullTime(read)
			return &r, []any{r.ID}, err
		}},
	// What listening heard the person write elsewhere.
	privacy.KindMentions: {by: "person", start: []any{int64(0)},
		q: `SELECT id, url, site, title, text, author, published_at, lang, sentiment_label, rating FROM mentions
			WHERE person_id = $1 AND id > $2 ORDER BY id` + limitBatch,
		scan: func(rows *sql.Rows) (any, []any, error) {
			var r privacy.Mention
			var published int64
			var rating sql.NullFloat64
			err := rows.Scan(&r.ID, &r.URL, &r.Site, &r.Title, &r.Text, &r.Author, &published, &r.Lang, &r.SentimentLabel, &rating)
			r.PublishedAt = fromMS(published)
			if rating.Valid {
				r.Rating = &rating.Float64
			}
			return &r, []any{r.ID}, err
		}},
	// Consent records with the text the person saw, in the order of
	// their index by person and time.
	privacy.KindConsents: {by: "person", start: []any{int64(0), int64(0)},
		q: `SELECT c.id, c.purpose, c.given, COALESCE(t.body, ''), COALESCE(t.version, 0), COALESCE(t.lang, ''), c.channel, c.created_at
			FROM consents c LEFT JOIN consent_texts t ON t.id = c.text_id
			WHERE c.person_id = $1 AND (c.created_at, c.id) > ($2, $3) ORDER BY c.created_at, c.id` + limitBatch,
		scan: func(rows *sql.Rows) (any, []any, error) {
			var r privacy.Consent
			var created int64
			err := rows.Scan(&r.ID, &r.Purpose, &r.Given, &r.Text, &r.Version, &r.Lang, &r.Channel, &created)
			r.CreatedAt = fromMS(created)
			return &r, []any{created, r.ID}, err
		}},
}

// owners returns who the records of a query belong to: the person and those
// merged into them, the account, or the person's email addresses.
func owners(sub *privacy.Subject, by string) []any {
	var out []any
	switch by {
	case "person":
		for _, id := range sub.PersonIDs() {
			out = append(out, id)
		}
	case "account":
		if sub.Account != nil {
			out = append(out, sub.Account.ID)
		}
	case "email":
		seen := map[string]bool{}
		add := func(e string) {
			if e != "" && !seen[e] {
				seen[e] = true
				out = append(out, e)
			}
		}
		if sub.Account != nil {
			add(sub.Account.Email)
		}
		for _, i := range sub.Identities {
			if i.Kind == "email" {
				add(i.Value)
			}
		}
	}
	return out
}

// Each implements privacy.Store: batches of exportBatch records read by
// key, each batch read whole and its rows closed before fn sees a record,
// so that no cursor (on SQLite: no read snapshot pinning the WAL) stays
// open while the archive goes out to a slow client.
func (s *Privacy) Each(ctx context.Context, sub *privacy.Subject, kind string, fn func(any) error) error {
	eq, ok := exportQueries[kind]
	if !ok {
		return fmt.Errorf("archive: unknown kind %q", kind)
	}
	if eq.q == "" {
		return nil
	}
	batch := make([]any, 0, exportBatch)
	for _, owner := range owners(sub, eq.by) {
		key := eq.start
		for {
			rows, err := s.db.readRows(ctx, eq.q, append([]any{owner}, key...)...)
			if err != nil {
				return err
			}
			batch = batch[:0]
			for rows.Next() {
				rec, k, err := eq.scan(rows)
				if err != nil {
					rows.Close()
					return err
				}
				batch, key = append(batch, rec), k
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			for _, rec := range batch {
				if err := fn(rec); err != nil {
					return err
				}
			}
			if len(batch) < exportBatch {
				break
			}
		}
	}
	return nil
}

// EachUpload implements privacy.Store: one upload's bytes at a time.
func (s *Privacy) EachUpload(ctx context.Context, sub *privacy.Subject, fn func(privacy.Upload, []byte) error) error {
	return s.Each(ctx, sub, privacy.KindUploads, func(rec any) error {
		u := rec.(*privacy.Upload)
		var data []byte
		row, err := s.db.readRow(ctx, `SELECT bytes FROM uploads WHERE key = $1`, u.Key)
		if err != nil {
			return err
		}
		if err := row.Scan(&data); errors.Is(err, sql.ErrNoRows) {
			return nil // deleted meanwhile
		} else if err != nil {
			return err
		}
		return fn(*u, data)
	})
}

// Erase implements privacy.Store. Everything happens in one transaction:
// a failure leaves the person as they were.
func (s *Privacy) Erase(ctx context.Context, sub *privacy.Subject, at time.Time, e audit.Entry) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		er := &eraser{ctx: ctx, tx: tx, db: s.db, at: ms(at)}
		if err := er.run(sub.PersonID); err != nil {
			return err
		}
		_, err := appendAudit(ctx, tx, e)
		return err
	})
}

// eraser is one erasure in its transaction.
type eraser struct {
	ctx context.Context
	tx  *sql.Tx
	db  *DB
	at  int64

	persons  []int64 // the person and those merged into them
	accounts []int64
	emails   []string
	ips      []string
	// needles are the values that identify the person, masked wherever
	// they are in the audit log and looked for in mails.
	needles []string
	// private are the needles and everything else personal about them
	// (tags, location, staff notes), looked for in kept API answers.
	private []string
}

func (er *eraser) exec(q string, args ...any) error {
	if _, err := er.tx.ExecContext(er.ctx, q, args...); err != nil {
		return fmt.Errorf("erase: %s: %w", strings.Fields(q)[0]+" "+firstTable(q), err)
	}
	return nil
}

// firstTable names the table of a statement, for error messages.
func firstTable(q string) string {
	f := strings.Fields(q)
	for i, w := range f {
		if (w == "FROM" || w == "UPDATE" || w == "INTO") && i+1 < len(f) {
			return f[i+1]
		}
	}
	return ""
}

// in returns an IN list of the persons (or accounts) after skip arguments.
func (er *eraser) in(ids []int64, skip int) (string, []any) {
	if len(ids) == 0 {
		return "(NULL)", nil
	}
	return inList(ids, skip)
}

func (er *eraser) run(id int64) error {
	ctx, tx := er.ctx, er.tx
	lock := ""
	if er.db.Engine == Postgres {
		// Merges lock persons too; a merge into this person waits and then
		// finds them erased.
		lock = " FOR UPDATE"
	}
	var erased, merged sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT erased_at, merged_into FROM persons WHERE id = $1`+lock, id).Scan(&erased, &merged)
	if errors.Is(err, sql.ErrNoRows) {
		return errNotFound
	} else if err != nil {
		return fmt.Errorf("erase: lock person: %w", err)
	}
	if erased.Valid {
		return &samtal.Error{Code: samtal.ECONFLICT, Message: "privacy.error_erased"}
	}
	if merged.Valid {
		return &samtal.Error{Code: samtal.ECONFLICT, Message: "privacy.error_merged"}
	}
	if err := er.collect(id); err != nil {
		return err
	}
	steps := []func() error{
		er.accountsAndCredentials,
		er.notifications,
		er.mails,
		er.keptAnswers,
		er.rateLimits,
		er.belongings,
		er.merges,
		er.uploads,
		er.person,
		er.auditLog,
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// collect finds the persons, accounts and values the erasure is about.
func (er *eraser) collect(id int64) error {
	ctx, tx := er.ctx, er.tx
	rows, err := tx.QueryContext(ctx, `WITH RECURSIVE merged(id) AS (
			SELECT CAST($1 AS BIGINT)
			UNION SELECT p.id FROM persons p JOIN merged m ON p.merged_into = m.id)
		SELECT id FROM merged`, id)
	if err != nil {
		return fmt.Errorf("erase: merged persons: %w", err)
	}
	if er.persons, err = scanIDs(rows); err != nil {
		return err
	}
	slices.Sort(er.persons)

	var needles []string
	in, args := er.in(er.persons, 0)
	strs := func(q string, args ...any) ([]string, error) {
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, fmt.Errorf("erase: %s: %w", firstTable(q), err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, rows.Err()
	}
	names, err := strs(`SELECT name FROM persons WHERE id IN `+in, args...)
	if err != nil {
		return err
	}
	needles = append(needles, names...)
	idents, err := strs(`SELECT value FROM identities WHERE person_id IN `+in+
		` UNION SELECT display FROM identities WHERE person_id IN `+in, args...)
	if err != nil {
		return err
	}
	needles = append(needles, idents...)
	emails, err := strs(`SELECT value FROM identities WHERE kind = 'email' AND person_id IN `+in+
		` UNION SELECT email FROM accounts WHERE person_id IN `+in, args...)
	if err != nil {
		return err
	}
	er.emails = emails
	needles = append(needles, emails...)
	handles, err := strs(`SELECT handle FROM accounts WHERE handle IS NOT NULL AND person_id IN `+in, args...)
	if err != nil {
		return err
	}
	for _, h := range handles {
		needles = append(needles, "@"+h, h)
	}

	rows, err = tx.QueryContext(ctx, `SELECT id FROM accounts WHERE person_id IN `+in, args...)
	if err != nil {
		return err
	}
	if er.accounts, err = scanIDs(rows); err != nil {
		return err
	}
	ain, aargs := er.in(er.accounts, 0)
	if er.ips, err = strs(`SELECT DISTINCT ip FROM sessions WHERE ip <> '' AND account_id IN `+ain, aargs...); err != nil {
		return err
	}
	er.needles = cleanNeedles(needles)
	more, err := strs(`SELECT tag FROM person_tags WHERE person_id IN `+in+
		` UNION SELECT location FROM persons WHERE id IN `+in+
		` UNION SELECT body FROM person_notes WHERE person_id IN `+in, args...)
	if err != nil {
		return err
	}
	er.private = cleanNeedles(append(needles, more...))
	return nil
}

// minNeedle is the shortest value masked wherever it is: a shorter name
// ("Al") would take letters out of other people's words. Entries about the
// person are masked whole whatever the length.
const minNeedle = 3

// cleanNeedles drops short and repeated values, longest first, so that a
// longer value is masked before a value it contains.
func cleanNeedles(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range in {
		v = strings.TrimSpace(v)
		k := strings.ToLower(v)
		if utf8.RuneCountInString(v) < minNeedle || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, v)
	}
	slices.SortFunc(out, func(a, b string) int { return len(b) - len(a) })
	return out
}

// accountsAndCredentials deletes the accounts: their sessions, tokens,
// links and kept API answers go with them (ON DELETE CASCADE). The last
// admin cannot go.
func (er *eraser) accountsAndCredentials() error {
	if len(er.accounts) == 0 {
		return nil
	}
	ctx, tx := er.ctx, er.tx
	in, args := er.in(er.accounts, 0)
	var admins int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM accounts WHERE role = 'admin' AND id IN `+in, args...).Scan(&admins); err != nil {
		return err
	}
	if admins > 0 {
		if er.db.Engine == Postgres {
			if _, err := tx.ExecContext(ctx, `SELECT id FROM accounts WHERE role = 'admin' ORDER BY id FOR UPDATE`); err != nil {
				return fmt.Errorf("lock admins: %w", err)
			}
		}
		var others int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM accounts WHERE role = 'admin' AND id NOT IN `+in, args...).Scan(&others); err != nil {
			return err
		}
		if others == 0 {
			return &samtal.Error{Code: samtal.ECONFLICT, Message: "error.last_admin"}
		}
	}
	// What a visitor ticked at sign-up waits on the account (no cascade).
	if err := er.exec(`DELETE FROM consent_offers WHERE account_id IN `+in, args...); err != nil {
		return err
	}
	return er.exec(`DELETE FROM accounts WHERE id IN `+in, args...)
}

// notifications deletes the person's notifications and takes their name
// out of the notifications others got about what they did: those read
// "a former member" now.
func (er *eraser) notifications() error {
	in, args := er.in(er.persons, 0)
	if err := er.exec(`DELETE FROM notifications WHERE person_id IN `+in, args...); err != nil {
		return err
	}
	drop := `json_remove(data, '$.actor_name')`
	if er.db.Engine == Postgres {
		drop = `(data::jsonb - 'actor_name')::text`
	}
	return er.exec(`UPDATE notifications SET data = `+drop+` WHERE actor_person_id IN `+in, args...)
}

// mails deletes the mails to the person and those that name them (a
// notification about their comment mailed to a follower).
func (er *eraser) mails() error {
	var args []any
	for _, e := range er.emails {
		args = append(args, e)
	}
	if len(args) > 0 {
		if err := er.exec(`DELETE FROM outbox WHERE to_addr IN (`+placeholders(1, len(args))+`)`, args...); err != nil {
			return err
		}
	}
	ids, err := er.matching("outbox", "id", []string{"subject", "text_body", "html_body"})
	if err != nil {
		return err
	}
	return er.deleteIDs("outbox", "id", ids)
}

// keptAnswers deletes the kept answers of API calls (Idempotency-Key) that
// name the person: a staff member's merge answer holds the person's name.
// They are only a retry's convenience.
func (er *eraser) keptAnswers() error {
	keys, err := er.matchingPairs()
	if err != nil {
		return err
	}
	for _, k := range keys {
		if err := er.exec(`DELETE FROM idempotency_keys WHERE account_id = $1 AND key = $2`, k.account, k.key); err != nil {
			return err
		}
	}
	return nil
}

type keptKey struct {
	account int64
	key     string
}

func (er *eraser) matchingPairs() ([]keptKey, error) {
	if len(er.private) == 0 {
		return nil, nil
	}
	cond, args := likeAny(er.db.Engine, er.private, []string{"body"}, 0)
	rows, err := er.tx.QueryContext(er.ctx, `SELECT account_id, key, body FROM idempotency_keys WHERE `+cond, args...)
	if err != nil {
		return nil, fmt.Errorf("erase: idempotency_keys: %w", err)
	}
	defer rows.Close()
	var out []keptKey
	for rows.Next() {
		var k keptKey
		var body string
		if err := rows.Scan(&k.account, &k.key, &body); err != nil {
			return nil, err
		}
		if containsAny(body, er.private) {
			out = append(out, k)
		}
	}
	return out, rows.Err()
}

// rateLimits deletes the rate-limit counters of the person's emails,
// persons and addresses.
func (er *eraser) rateLimits() error {
	var suffixes []string
	for _, e := range er.emails {
		suffixes = append(suffixes, ":email:"+e)
	}
	for _, id := range er.persons {
		suffixes = append(suffixes, ":person:"+strconv.FormatInt(id, 10))
	}
	for _, ip := range er.ips {
		suffixes = append(suffixes, ":ip:"+ip)
		if k := addressKeyOf(ip); k != ip {
			suffixes = append(suffixes, ":ip:"+k)
		}
	}
	for _, sfx := range suffixes {
		if err := er.exec(`DELETE FROM rate_limits WHERE key LIKE $1 ESCAPE '\'`, "%"+escapeLike(sfx)); err != nil {
			return err
		}
	}
	return nil
}

// addressKeyOf is the part of an address that rate limits count (the /64
// of an IPv6 address), as account counts it.
func addressKeyOf(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil || a.Is4() || a.Is4In6() {
		return ip
	}
	p, _ := a.Prefix(64)
	return p.String()
}

// belongings deletes what is only about the person (identities, tags,
// staff notes, follows, invitations, consent records, earlier versions of
// their comments)
// and unlinks their contributions from the identities they came through.
// Their ideas, comments and votes stay: threads read on, counts stay exact.
func (er *eraser) belongings() error {
	in, args := er.in(er.persons, 0)
	// Texts samtal never showed, recorded from elsewhere for this person's
	// consents ("Signed, …"), go with the records once nothing else points
	// at them; published texts are everyone's and stay.
	rows, err := er.tx.QueryContext(er.ctx, `SELECT DISTINCT text_id FROM consents WHERE text_id IS NOT NULL AND person_id IN `+in, args...)
	if err != nil {
		return fmt.Errorf("erase: consent texts: %w", err)
	}
	texts, err := scanIDs(rows)
	if err != nil {
		return err
	}
	for _, q := range []string{
		`UPDATE ideas SET identity_id = NULL WHERE author_person_id IN ` + in,
		`UPDATE comments SET identity_id = NULL WHERE author_person_id IN ` + in,
		`UPDATE votes SET identity_id = NULL WHERE person_id IN ` + in,
		// What listening heard the person write goes, with its counts.
		`UPDATE topic_days SET n = n - (SELECT COUNT(*) FROM mention_topics mt JOIN mentions m ON m.id = mt.mention_id
			WHERE m.person_id IN ` + in + ` AND mt.topic_id = topic_days.topic_id AND mt.published_at / 86400000 = topic_days.day)
			WHERE topic_id IN (SELECT mt.topic_id FROM mention_topics mt JOIN mentions m ON m.id = mt.mention_id WHERE m.person_id IN ` + in + `)`,
		`DELETE FROM mention_topics WHERE mention_id IN (SELECT id FROM mentions WHERE person_id IN ` + in + `)`,
		`DELETE FROM mention_tags WHERE mention_id IN (SELECT id FROM mentions WHERE person_id IN ` + in + `)`,
		`DELETE FROM mention_bands WHERE mention_id IN (SELECT id FROM mentions WHERE person_id IN ` + in + `)`,
		`UPDATE mentions SET duplicate_of = NULL WHERE duplicate_of IN (SELECT id FROM mentions WHERE person_id IN ` + in + `)`,
		`DELETE FROM mentions WHERE person_id IN ` + in,
		`DELETE FROM identities WHERE person_id IN ` + in,
		`DELETE FROM person_tags WHERE person_id IN ` + in,
		`DELETE FROM person_notes WHERE person_id IN ` + in,
		`DELETE FROM idea_follows WHERE person_id IN ` + in,
		`DELETE FROM idea_merge_follows WHERE person_id IN ` + in,
		`DELETE FROM campaign_invites WHERE person_id IN ` + in,
		// Consent records go whole: with the person anonymous they prove
		// nothing, and the erasure's own entry says when processing ended.
		`DELETE FROM consents WHERE person_id IN ` + in,
		// An engagement score is a profile of the person; the advocate
		// group and who got a briefing name them. Briefings stay, with
		// their counts.
		`DELETE FROM advocate_scores WHERE person_id IN ` + in,
		`DELETE FROM advocate_score_due WHERE person_id IN ` + in,
		`DELETE FROM advocates WHERE person_id IN ` + in,
		`DELETE FROM briefing_recipients WHERE person_id IN ` + in,
		`DELETE FROM comment_edits WHERE comment_id IN (SELECT id FROM comments WHERE author_person_id IN ` + in + `)`,
		// A report keeps its reason for the moderators; the reporter's own
		// words go.
		`UPDATE reports SET text = '' WHERE reporter_person_id IN ` + in,
	} {
		if err := er.exec(q, args...); err != nil {
			return err
		}
	}
	for _, id := range texts {
		if err := er.exec(`DELETE FROM consent_texts WHERE id = $1 AND published_at IS NULL
			AND NOT EXISTS (SELECT 1 FROM consents WHERE text_id = $1)
			AND NOT EXISTS (SELECT 1 FROM consent_offers WHERE text_id = $1)`, id); err != nil {
			return err
		}
	}
	return nil
}

// merges deletes the records of person merges, suggestions and the
// do-not-merge pairs that involve the person: an erased person cannot be
// unmerged (the identities are gone), and suggestions name identities.
func (er *eraser) merges() error {
	in, args := er.in(er.persons, 0)
	involved := `(SELECT id FROM person_merges WHERE person_id IN ` + in + ` OR into_id IN ` + in + `)`
	for _, q := range []string{
		`DELETE FROM person_merge_moves WHERE merge_id IN ` + involved,
		`DELETE FROM person_merge_votes WHERE merge_id IN ` + involved,
		`DELETE FROM person_merges WHERE person_id IN ` + in + ` OR into_id IN ` + in,
		`DELETE FROM merge_suggestions WHERE person_a IN ` + in + ` OR person_b IN ` + in,
		`DELETE FROM merge_blocks WHERE person_a IN ` + in + ` OR person_b IN ` + in,
	} {
		if err := er.exec(q, args...); err != nil {
			return err
		}
	}
	return nil
}

// uploads deletes the person's uploads that no community content shows:
// not an idea's image, not a campaign's cover, not linked from a text.
func (er *eraser) uploads() error {
	ctx, tx := er.ctx, er.tx
	in, args := er.in(er.persons, 0)
	rows, err := tx.QueryContext(ctx, `SELECT key FROM uploads WHERE owner_person_id IN `+in+`
		AND key NOT IN (SELECT upload_key FROM idea_images)
		AND key NOT IN (SELECT cover_key FROM campaigns WHERE cover_key IS NOT NULL)`, args...)
	if err != nil {
		return fmt.Errorf("erase: uploads: %w", err)
	}
	var keys []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			rows.Close()
			return err
		}
		keys = append(keys, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, k := range keys {
		// A text may show the image by its URL (Markdown); then it is the
		// community's too. One pass over the texts per unattached upload:
		// a person has few.
		var used bool
		err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM ideas WHERE body LIKE $1 ESCAPE '\')
			OR EXISTS (SELECT 1 FROM comments WHERE body LIKE $1 ESCAPE '\')
			OR EXISTS (SELECT 1 FROM campaigns WHERE brief LIKE $1 ESCAPE '\')`, "%/uploads/"+escapeLike(k)+"%").Scan(&used)
		if err != nil {
			return err
		}
		if !used {
			if err := er.exec(`DELETE FROM uploads WHERE key = $1`, k); err != nil {
				return err
			}
		}
	}
	return nil
}

// person empties the person rows and marks them erased. The rows stay, so
// that ideas, comments and votes keep their author (shown as "a former
// member") and counts stay exact. Renaming bumps the thread versions of
// their comments (migration 00011), so no cached thread shows the name.
func (er *eraser) person() error {
	in, args := er.in(er.persons, 1)
	return er.exec(`UPDATE persons SET name = '', name_lower = '', name_key = '', locale = '', location = '',
		languages = '', avatar = '', erased_at = $1, updated_at = $1 WHERE id IN `+in, append([]any{er.at}, args...)...)
}

// auditLog masks the person's values in the audit log, as the trigger
// allows (migration 00016): entries by the person lose their label and
// address; entries about the person keep their shape with every string in
// them masked; anywhere else, the values that identify them are masked.
// The entries are read in batches by id, so a long log is not held whole.
func (er *eraser) auditLog() error {
	ctx, tx := er.ctx, er.tx
	var conds []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	byPerson := map[int64]bool{}
	for _, a := range er.accounts {
		byPerson[a] = true
		conds = append(conds, "actor_id = "+arg(a))
	}
	about := map[string]bool{}
	for _, p := range er.persons {
		id := strconv.FormatInt(p, 10)
		about["person/"+id] = true
		conds = append(conds, "(target_kind = 'person' AND target_id = "+arg(id)+")")
	}
	for _, a := range er.accounts {
		id := strconv.FormatInt(a, 10)
		about["account/"+id] = true
		conds = append(conds, "(target_kind = 'account' AND target_id = "+arg(id)+")")
	}
	if len(er.needles) > 0 {
		c, a := likeAny(er.db.Engine, er.needles, []string{"actor_label", "before_json", "after_json"}, len(args))
		conds, args = append(conds, c), append(args, a...)
	}
	after := int64(0)
	idArg := len(args) + 1
	q := `SELECT id, actor_id, target_kind, target_id, actor_label, ip, before_json, after_json FROM audit_log
		WHERE id > $` + strconv.Itoa(idArg) + ` AND (` + strings.Join(conds, " OR ") + `) ORDER BY id LIMIT 200`
	type change struct {
		id                   int64
		label, ip, bef, aftr string
	}
	for {
		rows, err := tx.QueryContext(ctx, q, append(args, after)...)
		if err != nil {
			return fmt.Errorf("erase: audit_log: %w", err)
		}
		var changes []change
		n := 0
		for rows.Next() {
			var c change
			var actor sql.NullInt64
			var kind, target string
			if err := rows.Scan(&c.id, &actor, &kind, &target, &c.label, &c.ip, &c.bef, &c.aftr); err != nil {
				rows.Close()
				return err
			}
			n++
			after = c.id
			label, ip, bef, aftr := c.label, c.ip, c.bef, c.aftr
			if actor.Valid && byPerson[actor.Int64] {
				label, ip = "", ""
			}
			if about[kind+"/"+target] {
				bef, aftr = maskJSONStrings(bef), maskJSONStrings(aftr)
			}
			label, bef, aftr = maskValues(label, er.needles), maskValues(bef, er.needles), maskValues(aftr, er.needles)
			if label != c.label || ip != c.ip || bef != c.bef || aftr != c.aftr {
				changes = append(changes, change{c.id, label, ip, bef, aftr})
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, c := range changes {
			if err := er.exec(`UPDATE audit_log SET actor_label = $1, ip = $2, before_json = $3, after_json = $4 WHERE id = $5`,
				c.label, c.ip, c.bef, c.aftr, c.id); err != nil {
				return err
			}
		}
		if n < 200 {
			return nil
		}
	}
}

// likeAny is a condition that holds for every row in which one of cols may
// hold one of the needles, numbered after skip arguments. SQLite's LIKE and
// PostgreSQL's ILIKE ignore the case of ASCII letters only, so each needle
// is matched by its longest run of plain ASCII; the rows found are checked
// exactly in Go. A needle without such a run matches every row.
func likeAny(engine string, needles, cols []string, skip int) (string, []any) {
	op := "LIKE"
	if engine == Postgres {
		op = "ILIKE"
	}
	var conds []string
	var args []any
	for _, n := range needles {
		run := asciiRun(n)
		if len(run) < minNeedle {
			return "1 = 1", nil
		}
		args = append(args, "%"+escapeLike(run)+"%")
		ph := "$" + strconv.Itoa(skip+len(args))
		for _, c := range cols {
			conds = append(conds, c+" "+op+" "+ph+` ESCAPE '\'`)
		}
	}
	if len(conds) == 0 {
		return "1 = 0", nil
	}
	return "(" + strings.Join(conds, " OR ") + ")", args
}

// asciiRun returns the longest run of characters that JSON, HTML and
// mail texts carry as they are.
func asciiRun(s string) string {
	best, start := "", -1
	plain := func(c byte) bool {
		return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(" .@-_+:/", c) >= 0
	}
	for i := 0; i <= len(s); i++ {
		if i < len(s) && plain(s[i]) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 && i-start > len(best) {
			best = s[start:i]
		}
		start = -1
	}
	return best
}

// matching returns the ids of the rows of table in which one of cols holds
// one of the needles.
func (er *eraser) matching(table, idCol string, cols []string) ([]int64, error) {
	if len(er.needles) == 0 {
		return nil, nil
	}
	cond, args := likeAny(er.db.Engine, er.needles, cols, 0)
	q := `SELECT ` + idCol + `, ` + strings.Join(cols, ", ") + ` FROM ` + table + ` WHERE ` + cond
	rows, err := er.tx.QueryContext(er.ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("erase: %s: %w", table, err)
	}
	defer rows.Close()
	var ids []int64
	vals := make([]string, len(cols))
	dest := make([]any, len(cols)+1)
	var id int64
	dest[0] = &id
	for i := range vals {
		dest[i+1] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		for _, v := range vals {
			if containsAny(v, er.needles) {
				ids = append(ids, id)
				break
			}
		}
	}
	return ids, rows.Err()
}

func (er *eraser) deleteIDs(table, idCol string, ids []int64) error {
	for len(ids) > 0 {
		n := min(len(ids), 500)
		in, args := inList(ids[:n], 0)
		if err := er.exec(`DELETE FROM `+table+` WHERE `+idCol+` IN `+in, args...); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

// forms returns a value as texts carry it: as written, inside JSON, and
// inside HTML.
func forms(v string) []string {
	out := []string{v}
	if b, err := json.Marshal(v); err == nil {
		if j := string(b[1 : len(b)-1]); j != v {
			out = append(out, j)
		}
	}
	if h := html.EscapeString(v); h != v {
		out = append(out, h)
	}
	return out
}

// containsAny reports whether s holds one of the needles in any of their
// forms, ignoring case.
func containsAny(s string, needles []string) bool {
	for _, n := range needles {
		for _, f := range forms(n) {
			if indexFold(s, f, 0) >= 0 {
				return true
			}
		}
	}
	return false
}

// indexFold returns the byte offset of the first match of sub in s at or
// after from, ignoring case (Unicode simple folding), or -1. The match has
// as many runes as sub, so masking it keeps the text's length. A match
// must stand on its own: "Anna" is not in "Savannah", and "ada@example.org"
// is not in "lada@example.org".
func indexFold(s, sub string, from int) int {
	n := utf8.RuneCountInString(sub)
	if n == 0 {
		return -1
	}
	first, _ := utf8.DecodeRuneInString(sub)
	last, _ := utf8.DecodeLastRuneInString(sub)
	for i := from; i < len(s); {
		j, k := i, 0
		for k < n && j < len(s) {
			_, size := utf8.DecodeRuneInString(s[j:])
			j += size
			k++
		}
		if k == n && strings.EqualFold(s[i:j], sub) {
			before, _ := utf8.DecodeLastRuneInString(s[:i])
			after, _ := utf8.DecodeRuneInString(s[j:])
			if !(i > 0 && isWord(first) && isWord(before)) && !(j < len(s) && isWord(last) && isWord(after)) {
				return i
			}
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return -1
}

func isWord(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' }

// maskValues replaces every rune of every match of the needles (in their
// forms) with '*'.
func maskValues(s string, needles []string) string {
	if s == "" {
		return s
	}
	for _, n := range needles {
		for _, f := range forms(n) {
			count := utf8.RuneCountInString(f)
			for i := indexFold(s, f, 0); i >= 0; i = indexFold(s, f, i) {
				j := i
				for k := 0; k < count; k++ {
					_, size := utf8.DecodeRuneInString(s[j:])
					j += size
				}
				s = s[:i] + strings.Repeat(string(maskRune), count) + s[j:]
				i += count
			}
		}
	}
	return s
}

// maskJSONStrings masks every character inside the string values of a
// JSON text (keys stay, and so do numbers, booleans and the structure).
func maskJSONStrings(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	type span struct{ from, to int } // the runes between the quotes
	var spans []span
	for i := 0; i < len(r); i++ {
		if r[i] != '"' {
			continue
		}
		j := i + 1
		for j < len(r) && r[j] != '"' {
			if r[j] == '\\' {
				j++
			}
			j++
		}
		if j > len(r) {
			j = len(r)
		}
		spans = append(spans, span{i + 1, j})
		i = j
	}
	for _, sp := range spans {
		// A key is followed by a colon.
		k := sp.to + 1
		for k < len(r) && (r[k] == ' ' || r[k] == '\n' || r[k] == '\t' || r[k] == '\r') {
			k++
		}
		if k < len(r) && r[k] == ':' {
			continue
		}
		for x := sp.from; x < sp.to && x < len(r); x++ {
			r[x] = maskRune
		}
	}
	return string(r)
}

// Remnants returns where any of values is still stored: every column of
// every table, ignoring case, as "table.column". The proof that an erasure
// left nothing behind (TestErasureLeavesNothing) asks it; it reads
// everything, so it is for tests and for checking one erasure by hand.
func (db *DB) Remnants(ctx context.Context, values []string) ([]string, error) {
	var lower []string
	for _, v := range values {
		lower = append(lower, strings.ToLower(v))
	}
	tables, err := db.Tables(ctx)
	if err != nil {
		return nil, err
	}
	var found []string
	for _, t := range tables {
		cols, err := db.columns(ctx, t)
		if err != nil {
			return nil, err
		}
		for _, c := range cols {
			expr := `CAST("` + c.name + `" AS TEXT)`
			if db.Engine == Postgres && c.typ == "bytea" {
				expr = `encode("` + c.name + `", 'escape')`
			}
			rows, err := db.read.QueryContext(ctx, `SELECT `+expr+` FROM "`+t+`"`)
			if err != nil {
				return nil, fmt.Errorf("remnants %s.%s: %w", t, c.name, err)
			}
			for rows.Next() {
				var v sql.NullString
				if err := rows.Scan(&v); err != nil {
					rows.Close()
					return nil, fmt.Errorf("remnants %s.%s: %w", t, c.name, err)
				}
				text := strings.ToLower(v.String)
				for i, l := range lower {
					if l != "" && strings.Contains(text, l) {
						found = append(found, fmt.Sprintf("%s.%s holds %q", t, c.name, values[i]))
					}
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, err
			}
		}
	}
	return found, nil
}

// Tables lists the tables of the store (on SQLite with FTS5's own tables).
func (db *DB) Tables(ctx context.Context) ([]string, error) {
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`
	if db.Engine == Postgres {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`
	}
	rows, err := db.read.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

type column struct{ name, typ string }

func (db *DB) columns(ctx context.Context, table string) ([]column, error) {
	q := `SELECT name, type FROM pragma_table_info($1)`
	if db.Engine == Postgres {
		q = `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`
	}
	rows, err := db.read.QueryContext(ctx, q, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []column
	for rows.Next() {
		var c column
		if err := rows.Scan(&c.name, &c.typ); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// erasureTables says, for every table of the store, what an erasure does
// with it. TestErasureKnowsEveryTable fails when a table is missing here, so
// that a new table with personal data cannot be forgotten by the erasure;
// TestErasureLeavesNothing (web) proves the values are gone.
var erasureTables = map[string]string{
	"accounts":            "deleted (Erase: accountsAndCredentials)",
	"advocate_score_due":  "the person's row deleted",
	"advocate_scores":     "the person's score deleted (a profile of them)",
	"advocates":           "the person's place in the advocate group deleted",
	"briefing_recipients": "the person's rows deleted; the briefing keeps its counts",
	"briefings":           "kept: staff's facts for advocates",
	"api_tokens":          "deleted with the account (ON DELETE CASCADE)",
	"audit_log":           "masked: entries by the person lose label and address, entries about them their strings, all others the person's values",
	"campaign_invites":    "the person's invitations deleted",
	"campaigns":           "kept: the community's; a cover the person uploaded stays",
	"comment_edits":       "earlier versions of the person's comments deleted",
	"comments":            "kept, so that threads read on; the author shows as a former member; identity link cleared",
	"consent_offers":      "deleted before the account",
	"consent_texts":       "published texts kept (shown to everyone); texts recorded from elsewhere only for the person's records deleted",
	"consents":            "the person's records deleted",
	"goose_db_version":    "no personal data",
	"idea_follows":        "the person's choices deleted",
	"idea_images":         "kept: images of ideas that stay",
	"idea_merge_comments": "kept: ids only",
	"idea_merge_follows":  "the person's rows deleted",
	"idea_merge_votes":    "kept: votes an idea merge moved, by the (now anonymous) person id, for an exact undo",
	"idea_merges":         "kept: ids only",
	"idea_notes":          "kept: staff notes on ideas; one by the person shows a former member as its author",
	"idea_status_changes": "kept: public notes of staff",
	"idea_tags":           "kept",
	"ideas":               "kept, so that threads read on; identity link cleared",
	"idempotency_keys":    "the account's deleted with it; others' kept answers that name the person deleted",
	"identities":          "deleted",
	"link_tokens":         "deleted with the account (ON DELETE CASCADE)",
	"merge_blocks":        "pairs with the person deleted",
	"merge_suggestions":   "pairs with the person deleted (their detail names identities)",
	"notifications":       "the person's deleted; others' about what the person did lose the actor's name",
	"outbox":              "mails to the person and mails naming them deleted",
	"person_merge_moves":  "records of merges with the person deleted",
	"person_merge_votes":  "records of merges with the person deleted",
	"person_merges":       "records of merges with the person deleted",
	"person_notes":        "staff notes about the person deleted",
	"person_tags":         "deleted",
	"persons":             "emptied and marked erased; the row stays as the author of what stays",
	"questions":           "kept",
	"rate_limits":         "counters of the person's emails, person ids and addresses deleted",
	"reports":             "kept for the moderators; the reporter's own text emptied",
	"sessions":            "deleted with the account (ON DELETE CASCADE)",
	"settings":            "no personal data",
	"uploads":             "the person's uploads that no community content shows deleted",
	"votes":               "kept, so that counts stay exact; identity link cleared",

	// Listening: what the person wrote elsewhere is deleted with its
	// topics, tags and fingerprints; a cluster it headed loses its head
	// (its duplicates become heads). Sources, topics and imports are
	// staff's settings; an import's file is gone once it is done.
	"mentions":            "the person's deleted",
	"mention_topics":      "the person's mentions' rows deleted",
	"mention_tags":        "the person's mentions' rows deleted",
	"mention_bands":       "the person's mentions' rows deleted",
	"topic_days":          "counts only",
	"topics":              "kept: staff's queries",
	"sources":             "kept: staff's settings",
	"webhook_calls":       "signatures only, swept after minutes",
	"imports":             "kept: counts and row errors of an import",
	"import_chunks":       "an import's file until it is done",
	"mentions_fts":        "index of mention texts; a deleted mention leaves it by its trigger, at once (secure-delete)",
	"mentions_fts_config": "index", "mentions_fts_data": "index", "mentions_fts_docsize": "index", "mentions_fts_idx": "index",

	// SQLite's full-text indexes of idea and comment texts (texts that
	// stay).
	"ideas_fts": "index of kept texts", "ideas_fts_config": "index", "ideas_fts_data": "index",
	"ideas_fts_docsize": "index", "ideas_fts_idx": "index",
	"comments_fts": "index of kept texts", "comments_fts_config": "index", "comments_fts_data": "index",
	"comments_fts_docsize": "index", "comments_fts_idx": "index",
	// The index of person names: the emptied name leaves it by its trigger,
	// and secure-delete removes the old terms at once (migration 00019).
	"persons_fts": "index of names", "persons_fts_config": "index", "persons_fts_data": "index",
	"persons_fts_docsize": "index", "persons_fts_idx": "index",
}
