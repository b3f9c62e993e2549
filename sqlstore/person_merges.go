package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/idea"
	"github.com/samtal-dev/samtal/person"
)

// belonging is a table whose rows belong to a person and move with them when
// the person is merged into another. The merge records the key of every row
// it moved (person_merge_moves), and the unmerge sends back those rows and,
// where the table knows the identity a row came through, every row that
// arrived since through one of the identities going back.
type belonging struct {
	kind      string // the record's name for the table
	table     string
	personCol string
	keyCol    string // the row's key among the person's rows
	// identityCol, if set, names the identity the row came through.
	identityCol string
	// textKey says the key column is text (an upload's key), not a number.
	textKey bool
	// twin, if set, says when another row of the same table is the same
	// thing (a follow of the same idea): a row whose twin the other person
	// has already stays where it is. "twin" is the other row, TABLE this one.
	twin string
}

// personBelongings lists every table that moves with a person. A capability
// that keeps rows per person adds its line here; accounts, votes, tags and
// the merge's own bookkeeping have code of their own below.
var personBelongings = []belonging{
	{kind: "identity", table: "identities", personCol: "person_id", keyCol: "id"},
	{kind: "idea", table: "ideas", personCol: "author_person_id", keyCol: "id", identityCol: "identity_id"},
	{kind: "comment", table: "comments", personCol: "author_person_id", keyCol: "id", identityCol: "identity_id"},
	{kind: "note", table: "person_notes", personCol: "person_id", keyCol: "id"},
	{kind: "upload", table: "uploads", personCol: "owner_person_id", keyCol: "key", textKey: true},
	{kind: "notification", table: "notifications", personCol: "person_id", keyCol: "id", twin: "twin.event_key = notifications.event_key"},
	{kind: "follow", table: "idea_follows", personCol: "person_id", keyCol: "idea_id", twin: "twin.idea_id = idea_follows.idea_id"},
	{kind: "invite", table: "campaign_invites", personCol: "person_id", keyCol: "campaign_id", twin: "twin.campaign_id = campaign_invites.campaign_id"},
	{kind: "report", table: "reports", personCol: "reporter_person_id", keyCol: "id",
		twin: "twin.target_kind = reports.target_kind AND twin.target_id = reports.target_id AND twin.status = 'open' AND reports.status = 'open'"},
	{kind: "consent", table: "consents", personCol: "person_id", keyCol: "id", identityCol: "identity_id"},
	// A place in the advocate group (one row per person, so its key among the
	// person's rows is its invitation time) and briefings received or read
	// (advocates.go).
	{kind: "advocate", table: "advocates", personCol: "person_id", keyCol: "invited_at", twin: "true"},
	{kind: "briefing", table: "briefing_recipients", personCol: "person_id", keyCol: "briefing_id", twin: "twin.briefing_id = briefing_recipients.briefing_id"},
	// An idea merge's record names the voters and followers it moved; they
	// follow the person, so that undoing the idea merge finds them.
	{kind: "idea_merge_vote", table: "idea_merge_votes", personCol: "person_id", keyCol: "merge_id",
		twin: "twin.merge_id = idea_merge_votes.merge_id"},
	{kind: "idea_merge_follow", table: "idea_merge_follows", personCol: "person_id", keyCol: "merge_id",
		twin: "twin.merge_id = idea_merge_follows.merge_id"},
	// What listening heard the person write elsewhere (listening.go).
	{kind: "mention", table: "mentions", personCol: "person_id", keyCol: "id", identityCol: "identity_id"},
}

// Merge implements person.Store: everything of personID moves to intoID in
// one transaction with its record and the audit entry.
func (s *Persons) Merge(ctx context.Context, personID, intoID, actorPersonID int64, at time.Time, e audit.Entry) (*person.Merge, error) {
	m := &person.Merge{PersonID: personID, IntoID: intoID, ActorPersonID: actorPersonID, CreatedAt: at, Moved: map[string]int{}}
	err := s.db.tx(ctx, func(tx *sql.Tx) error {
		if err := s.lockPersons(ctx, tx, personID, intoID); err != nil {
			return err
		}
		if err := checkMergeable(ctx, tx, personID, intoID); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx,
			`INSERT INTO person_merges (person_id, into_id, actor_person_id, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
			personID, intoID, nullID(actorPersonID), ms(at)).Scan(&m.ID); err != nil {
			return fmt.Errorf("record person merge: %w", err)
		}
		for _, b := range append(personBelongings, belonging{kind: "account", table: "accounts", personCol: "person_id", keyCol: "id", identityCol: "identity_id"}) {
			n, err := moveBelonging(ctx, s.db, tx, m.ID, b, personID, intoID)
			if err != nil {
				return err
			}
			m.Moved[b.kind] = n
		}
		votes, dropped, err := mergeVotes(ctx, tx, m.ID, personID, intoID)
		if err != nil {
			return err
		}
		m.Moved["vote"], m.Moved["vote_dropped"] = votes, len(dropped)
		if err := s.recountIdeas(ctx, tx, dropped); err != nil {
			return err
		}
		if m.Moved["tag"], err = mergeTags(ctx, tx, m.ID, personID, intoID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE persons SET merged_into = $1, updated_at = $2 WHERE id = $3`, intoID, ms(at), personID); err != nil {
			return fmt.Errorf("mark merged: %w", err)
		}
		if err := recountUnread(ctx, tx, personID, intoID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE merge_suggestions SET state = 'accepted', decided_at = $1, decided_by_person_id = $2
			WHERE person_a = $3 AND person_b = $4 AND state = 'open'`, ms(at), nullID(actorPersonID), min(personID, intoID), max(personID, intoID)); err != nil {
			return fmt.Errorf("accept suggestion: %w", err)
		}
		e.After = mergeAudit(e.After, m)
		_, err = appendAudit(ctx, tx, e)
		return err
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// Unmerge implements person.Store.
func (s *Persons) Unmerge(ctx context.Context, mergeID, actorPersonID int64, at time.Time, e audit.Entry) (*person.Merge, error) {
	var m *person.Merge
	err := s.db.tx(ctx, func(tx *sql.Tx) error {
		var err error
		if m, err = scanPersonMerge(tx.QueryRowContext(ctx, personMergeSelect+` WHERE id = $1`, mergeID)); err != nil {
			return err
		}
		if !m.UndoneAt.IsZero() {
			return &samtal.Error{Code: samtal.ECONFLICT, Message: "error.merge_undone"}
		}
		if err := s.lockPersons(ctx, tx, m.PersonID, m.IntoID); err != nil {
			return err
		}
		var intoMerged, erased bool
		if err := tx.QueryRowContext(ctx, `SELECT
			(SELECT merged_into IS NOT NULL FROM persons WHERE id = $2),
			(SELECT COUNT(*) > 0 FROM persons WHERE id IN ($1, $2) AND erased_at IS NOT NULL)`, m.PersonID, m.IntoID).
			Scan(&intoMerged, &erased); err != nil {
			return err
		}
		if intoMerged {
			return &samtal.Error{Code: samtal.ECONFLICT, Message: "error.unmerge_later_first"}
		}
		if erased {
			return &samtal.Error{Code: samtal.ECONFLICT, Message: "error.person_erased"}
		}
		m.Moved = map[string]int{}
		// Identities first: the rows that follow their identity need to
		// know which identities are the merged person's again.
		for _, b := range append(personBelongings, belonging{kind: "account", table: "accounts", personCol: "person_id", keyCol: "id", identityCol: "identity_id"}) {
			n, err := returnBelonging(ctx, tx, m.ID, b, m.PersonID, m.IntoID)
			if err != nil {
				return err
			}
			m.Moved[b.kind] = n
		}
		votes, restored, err := unmergeVotes(ctx, tx, m.ID, m.PersonID, m.IntoID)
		if err != nil {
			return err
		}
		m.Moved["vote"], m.Moved["vote_dropped"] = votes, len(restored)
		if err := s.recountIdeas(ctx, tx, restored); err != nil {
			return err
		}
		if m.Moved["tag"], err = unmergeTags(ctx, tx, m.ID, m.PersonID, m.IntoID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE persons SET merged_into = NULL, updated_at = $1 WHERE id = $2`, ms(at), m.PersonID); err != nil {
			return fmt.Errorf("unmark merged: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE person_merges SET undone_at = $1, undone_by_person_id = $2 WHERE id = $3`,
			ms(at), nullID(actorPersonID), m.ID); err != nil {
			return fmt.Errorf("mark undone: %w", err)
		}
		m.UndoneAt = at
		if err := recountUnread(ctx, tx, m.PersonID, m.IntoID); err != nil {
			return err
		}
		e.After = mergeAudit(e.After, m)
		_, err = appendAudit(ctx, tx, e)
		return err
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// lockPersons locks both rows on PostgreSQL in id order, so that two merges
// of overlapping pairs wait for each other instead of deadlocking. SQLite's
// single writer serialises them anyway.
func (s *Persons) lockPersons(ctx context.Context, tx *sql.Tx, a, b int64) error {
	if s.db.Engine != Postgres {
		return nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT id FROM persons WHERE id IN ($1, $2) ORDER BY id FOR UPDATE`, a, b)
	if err != nil {
		return fmt.Errorf("lock persons: %w", err)
	}
	return rows.Close()
}

// checkMergeable repeats the service's checks under the lock: a merge that
// raced another one must not go through on stale reads.
func checkMergeable(ctx context.Context, tx *sql.Tx, a, b int64) error {
	var merged, erased, accounts int
	if err := tx.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM persons WHERE id IN ($1, $2) AND merged_into IS NOT NULL),
		(SELECT COUNT(*) FROM persons WHERE id IN ($1, $2) AND erased_at IS NOT NULL),
		(SELECT COUNT(*) FROM accounts WHERE person_id IN ($1, $2))`, a, b).Scan(&merged, &erased, &accounts); err != nil {
		return fmt.Errorf("check merge: %w", err)
	}
	switch {
	case erased > 0:
		return &samtal.Error{Code: samtal.ECONFLICT, Message: "error.merge_erased"}
	case merged > 0:
		return &samtal.Error{Code: samtal.ECONFLICT, Message: "error.person_merged"}
	case accounts > 1:
		return &samtal.Error{Code: samtal.ECONFLICT, Message: "error.merge_two_accounts"}
	}
	return nil
}

// moveBelonging moves b's rows of one person to the other and records their
// keys. On PostgreSQL one statement does both (an UPDATE … RETURNING feeding
// the record), so that the rows recorded are exactly the rows moved even
// while others write. SQLite runs one writer at a time, so recording the
// rows and then moving the same rows is exact there too.
func moveBelonging(ctx context.Context, db *DB, tx *sql.Tx, mergeID int64, b belonging, from, to int64) (int, error) {
	// The rows to move: the person's (in placeholder fromPH) that have no
	// twin at the other person (toPH).
	rows := func(fromPH, toPH string) string {
		cond := b.personCol + ` = ` + fromPH
		if b.twin != "" {
			cond += ` AND NOT EXISTS (SELECT 1 FROM ` + b.table + ` twin WHERE twin.` + b.personCol + ` = ` + toPH + ` AND ` + b.twin + `)`
		}
		return cond
	}
	cond := rows("$2", "$3")
	if db.Engine == Postgres {
		res, err := tx.ExecContext(ctx, `WITH moved AS (UPDATE `+b.table+` SET `+b.personCol+` = $3 WHERE `+cond+` RETURNING `+b.keyCol+` AS k)
			INSERT INTO person_merge_moves (merge_id, kind, ref) SELECT $1, '`+b.kind+`', CAST(k AS TEXT) FROM moved`, mergeID, from, to)
		if err != nil {
			return 0, fmt.Errorf("move %s: %w", b.kind, err)
		}
		n, _ := res.RowsAffected()
		return int(n), nil
	}
	args := []any{mergeID, from}
	if b.twin != "" {
		args = append(args, to)
	}
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO person_merge_moves (merge_id, kind, ref) SELECT $1, '`+b.kind+`', CAST(`+b.keyCol+` AS TEXT) FROM `+b.table+` WHERE `+cond,
		args...); err != nil {
		return 0, fmt.Errorf("record %s moves: %w", b.kind, err)
	}
	res, err := tx.ExecContext(ctx, `UPDATE `+b.table+` SET `+b.personCol+` = $1 WHERE `+rows("$2", "$1"), to, from)
	if err != nil {
		return 0, fmt.Errorf("move %s: %w", b.kind, err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// recorded is the condition that a row of b is among those a merge
// recorded: keys are compared as the table stores them, so that an index on
// the key serves (a cast on the table's side made PostgreSQL compare every
// pair: 4.8 s for 5,000 comments).
func recorded(b belonging) string {
	ref := `CAST(ref AS BIGINT)`
	if b.textKey {
		ref = `ref`
	}
	return b.keyCol + ` IN (SELECT ` + ref + ` FROM person_merge_moves WHERE merge_id = $1 AND kind = '` + b.kind + `')`
}

// returnBelonging sends back the recorded rows still on the merged-into
// person, and the rows that arrived since through identities that are the
// merged person's again.
func returnBelonging(ctx context.Context, tx *sql.Tx, mergeID int64, b belonging, back, from int64) (int, error) {
	cond := recorded(b)
	if b.identityCol != "" {
		cond = `(` + cond + ` OR ` + b.identityCol + ` IN (SELECT id FROM identities WHERE person_id = $2))`
	}
	if b.twin != "" {
		cond += ` AND NOT EXISTS (SELECT 1 FROM ` + b.table + ` twin WHERE twin.` + b.personCol + ` = $2 AND ` + b.twin + `)`
	}
	res, err := tx.ExecContext(ctx, `UPDATE `+b.table+` SET `+b.personCol+` = $2 WHERE `+b.personCol+` = $3 AND `+cond, mergeID, back, from)
	if err != nil {
		return 0, fmt.Errorf("return %s: %w", b.kind, err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// mergeVotes moves the merged person's votes; a vote on an idea the other
// person voted for too is taken off and kept in the record (one human, one
// vote). It returns the moved count and the ideas that lost a vote.
func mergeVotes(ctx context.Context, tx *sql.Tx, mergeID, from, to int64) (int, []int64, error) {
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO person_merge_votes (merge_id, idea_id, campaign_id, weight, identity_id, created_at)
		 SELECT $1, v.idea_id, v.campaign_id, v.weight, v.identity_id, v.created_at FROM votes v
		 WHERE v.person_id = $2 AND EXISTS (SELECT 1 FROM votes t WHERE t.idea_id = v.idea_id AND t.person_id = $3)`,
		mergeID, from, to); err != nil {
		return 0, nil, fmt.Errorf("record dropped votes: %w", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT idea_id FROM person_merge_votes WHERE merge_id = $1 ORDER BY idea_id`, mergeID)
	if err != nil {
		return 0, nil, err
	}
	dropped, err := scanIDs(rows)
	if err != nil {
		return 0, nil, err
	}
	if _, err := tx.ExecContext(ctx,
		`DELETE FROM votes WHERE person_id = $1 AND idea_id IN (SELECT idea_id FROM person_merge_votes WHERE merge_id = $2)`,
		from, mergeID); err != nil {
		return 0, nil, fmt.Errorf("drop twin votes: %w", err)
	}
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO person_merge_moves (merge_id, kind, ref) SELECT $1, 'vote', CAST(idea_id AS TEXT) FROM votes WHERE person_id = $2`,
		mergeID, from); err != nil {
		return 0, nil, fmt.Errorf("record vote moves: %w", err)
	}
	res, err := tx.ExecContext(ctx, `UPDATE votes SET person_id = $1 WHERE person_id = $2`, to, from)
	if err != nil {
		return 0, nil, fmt.Errorf("move votes: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), dropped, nil
}

// unmergeVotes sends back the moved votes and those cast since through the
// merged person's identities, and puts the dropped twins back. It returns
// the ideas whose counts must be rebuilt.
func unmergeVotes(ctx context.Context, tx *sql.Tx, mergeID, back, from int64) (int, []int64, error) {
	res, err := tx.ExecContext(ctx, `UPDATE votes SET person_id = $2 WHERE person_id = $3 AND
		(idea_id IN (SELECT CAST(ref AS BIGINT) FROM person_merge_moves WHERE merge_id = $1 AND kind = 'vote')
		 OR identity_id IN (SELECT id FROM identities WHERE person_id = $2))`, mergeID, back, from)
	if err != nil {
		return 0, nil, fmt.Errorf("return votes: %w", err)
	}
	n, _ := res.RowsAffected()
	rows, err := tx.QueryContext(ctx, `SELECT idea_id FROM person_merge_votes WHERE merge_id = $1 ORDER BY idea_id`, mergeID)
	if err != nil {
		return 0, nil, err
	}
	restored, err := scanIDs(rows)
	if err != nil {
		return 0, nil, err
	}
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO votes (idea_id, person_id, campaign_id, weight, identity_id, created_at)
		 SELECT idea_id, $2, campaign_id, weight, identity_id, created_at FROM person_merge_votes WHERE merge_id = $1
		 ON CONFLICT DO NOTHING`, mergeID, back); err != nil {
		return 0, nil, fmt.Errorf("restore twin votes: %w", err)
	}
	return int(n), restored, nil
}

// recountIdeas rebuilds the vote counts and trending scores of ideas whose
// votes a person merge took off or put back.
func (s *Persons) recountIdeas(ctx context.Context, tx *sql.Tx, ids []int64) error {
	for start := 0; start < len(ids); start += importBatch {
		if err := (&Ideas{db: s.db}).recount(ctx, tx, ids[start:min(start+importBatch, len(ids))], idea.Weight); err != nil {
			return err
		}
	}
	return nil
}

// mergeTags gives the merged-into person the union of both persons' tags and
// records which were the merged person's and which the other gained.
func mergeTags(ctx context.Context, tx *sql.Tx, mergeID, from, to int64) (int, error) {
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO person_merge_moves (merge_id, kind, ref) SELECT $1, 'tag_of', tag FROM person_tags WHERE person_id = $2`,
		mergeID, from); err != nil {
		return 0, fmt.Errorf("record tags: %w", err)
	}
	res, err := tx.ExecContext(ctx,
		`INSERT INTO person_merge_moves (merge_id, kind, ref) SELECT $1, 'tag_added', tag FROM person_tags t
		 WHERE t.person_id = $2 AND NOT EXISTS (SELECT 1 FROM person_tags o WHERE o.person_id = $3 AND o.tag = t.tag)`,
		mergeID, from, to)
	if err != nil {
		return 0, fmt.Errorf("record added tags: %w", err)
	}
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO person_tags (person_id, tag) SELECT $1, ref FROM person_merge_moves WHERE merge_id = $2 AND kind = 'tag_added'`,
		to, mergeID); err != nil {
		return 0, fmt.Errorf("add tags: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM person_tags WHERE person_id = $1`, from); err != nil {
		return 0, fmt.Errorf("clear merged tags: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// unmergeTags restores the merged person's tags and takes off the other's
// the tags the merge gave them (if they still have them).
func unmergeTags(ctx context.Context, tx *sql.Tx, mergeID, back, from int64) (int, error) {
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO person_tags (person_id, tag) SELECT $1, ref FROM person_merge_moves WHERE merge_id = $2 AND kind = 'tag_of'
		 ON CONFLICT DO NOTHING`, back, mergeID); err != nil {
		return 0, fmt.Errorf("restore tags: %w", err)
	}
	res, err := tx.ExecContext(ctx,
		`DELETE FROM person_tags WHERE person_id = $1 AND tag IN (SELECT ref FROM person_merge_moves WHERE merge_id = $2 AND kind = 'tag_added')`,
		from, mergeID)
	if err != nil {
		return 0, fmt.Errorf("take back tags: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// recountUnread sets the unread counter of the accounts of both persons
// from their notifications, which the merge moved.
func recountUnread(ctx context.Context, tx *sql.Tx, a, b int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE accounts SET notify_unread =
		(SELECT COUNT(*) FROM notifications n WHERE n.person_id = accounts.person_id AND n.read_at IS NULL)
		WHERE person_id IN ($1, $2)`, a, b)
	if err != nil {
		return fmt.Errorf("recount unread: %w", err)
	}
	return nil
}

// mergeAudit adds the merge's id and what it moved to the audit entry's
// "after" object.
func mergeAudit(after string, m *person.Merge) string {
	obj := map[string]any{}
	json.Unmarshal([]byte(after), &obj)
	moved := map[string]int{}
	for k, n := range m.Moved {
		if n > 0 {
			moved[k] = n
		}
	}
	obj["merge_id"], obj["moved"] = m.ID, moved
	b, _ := json.Marshal(obj)
	return string(b)
}

const personMergeSelect = `SELECT id, person_id, into_id, COALESCE(actor_person_id, 0), created_at, undone_at FROM person_merges`

func scanPersonMerge(row interface{ Scan(...any) error }) (*person.Merge, error) {
	var m person.Merge
	var created int64
	var undone sql.NullInt64
	if err := row.Scan(&m.ID, &m.PersonID, &m.IntoID, &m.ActorPersonID, &created, &undone); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, errNotFound
		}
		return nil, err
	}
	m.CreatedAt, m.UndoneAt = fromMS(created), fromNullMS(undone)
	return &m, nil
}

// MergeByID implements person.Store.
func (s *Persons) MergeByID(ctx context.Context, id int64) (*person.Merge, error) {
	row, err := s.db.readRow(ctx, personMergeSelect+` WHERE id = $1`, id)
	if err != nil {
		return nil, err
	}
	return scanPersonMerge(row)
}
