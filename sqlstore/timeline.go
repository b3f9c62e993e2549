package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/samtal-dev/samtal/person"
)

// timelineSource is one kind of event in a person's timeline: a query over
// the table that already holds the record, so that writing a vote or a
// comment writes nothing more. Each capability adds its line to
// timelineSources; the timeline page and API never change for it.
//
// The query selects, in this order: at (Unix ms), ref (the record's id),
// idea_id, campaign_id (0 if none), title, excerpt, channel — for the person
// $1, and must end with "WHERE …" conditions, to which the cursor and the
// campaign scope are added. "c" is the campaigns table when campaign is
// true (a LEFT JOIN otherwise is not needed).
type timelineSource struct {
	kind     string
	channel  string // fixed channel, or "" if the query's channel column varies
	query    string
	at, ref  string // the columns to order and page by
	campaign bool   // joined to campaigns as c: the viewer's scope applies

	// channelCol is the channel's expression when channel is "", for the
	// channel filter.
	channelCol string
}

var timelineSources = []timelineSource{
	{kind: "idea", channel: "community", at: "i.created_at", ref: "i.id", campaign: true,
		query: `SELECT i.created_at, i.id, i.id, i.campaign_id, i.title, '', 'community'
			FROM ideas i JOIN campaigns c ON c.id = i.campaign_id WHERE i.author_person_id = $1 AND i.deleted_at IS NULL`},
	{kind: "comment", channel: "community", at: "cm.created_at", ref: "cm.id", campaign: true,
		query: `SELECT cm.created_at, cm.id, i.id, i.campaign_id, i.title, SUBSTR(cm.body, 1, 200), 'community'
			FROM comments cm JOIN ideas i ON i.id = cm.idea_id JOIN campaigns c ON c.id = i.campaign_id
			WHERE cm.author_person_id = $1 AND cm.deleted_at IS NULL`},
	{kind: "vote", channel: "community", at: "v.created_at", ref: "v.idea_id", campaign: true,
		query: `SELECT v.created_at, v.idea_id, v.idea_id, v.campaign_id, i.title, '', 'community'
			FROM votes v JOIN ideas i ON i.id = v.idea_id JOIN campaigns c ON c.id = v.campaign_id WHERE v.person_id = $1`},
	{kind: "follow", channel: "community", at: "f.at", ref: "f.idea_id", campaign: true,
		query: `SELECT f.at, f.idea_id, f.idea_id, i.campaign_id, i.title, '', 'community'
			FROM idea_follows f JOIN ideas i ON i.id = f.idea_id JOIN campaigns c ON c.id = i.campaign_id
			WHERE f.person_id = $1 AND f.following`},
	{kind: "signup", channel: "community", at: "a.created_at", ref: "a.id",
		query: `SELECT a.created_at, a.id, 0, 0, '', '', 'community' FROM accounts a WHERE a.person_id = $1`},
	{kind: "identity", channel: "", at: "x.created_at", ref: "x.id", channelCol: "CASE WHEN x.network = '' THEN x.kind ELSE x.network END",
		query: `SELECT x.created_at, x.id, 0, 0, CASE WHEN x.display = '' THEN x.value ELSE x.display END, x.kind, CASE WHEN x.network = '' THEN x.kind ELSE x.network END
			FROM identities x WHERE x.person_id = $1`},
	{kind: "consent", channel: "", at: "cr.created_at", ref: "cr.id", channelCol: "cr.channel",
		query: `SELECT cr.created_at, cr.id, 0, 0, cr.purpose, CASE WHEN cr.given THEN 'given' ELSE 'withdrawn' END, cr.channel
			FROM consents cr WHERE cr.person_id = $1`},
}

// Timeline implements person.Store: every source's newest events after the
// cursor, each by its own index and limit, merged by one UNION ALL in the
// database.
func (s *Persons) Timeline(ctx context.Context, personID int64, f person.TimelineFilter) ([]person.Event, error) {
	var w filter
	w.arg(personID)
	var parts []string
	for _, src := range timelineSources {
		if len(f.Kinds) > 0 && !slices.Contains(f.Kinds, src.kind) {
			continue
		}
		if src.channel != "" && len(f.Channels) > 0 && !slices.Contains(f.Channels, src.channel) {
			continue
		}
		q := src.query
		if src.channel == "" && len(f.Channels) > 0 {
			ph := make([]string, len(f.Channels))
			for i, c := range f.Channels {
				ph[i] = w.arg(c)
			}
			q += ` AND (` + src.channelCol + `) IN (` + strings.Join(ph, ", ") + `)`
		}
		if f.Before != nil {
			at, kind, ref := w.arg(f.Before.At), w.arg(f.Before.Kind), w.arg(f.Before.Ref)
			// (at, kind, ref) < cursor, in the order events are listed.
			q += fmt.Sprintf(` AND (%[1]s < %[3]s OR (%[1]s = %[3]s AND ('%[5]s' < %[4]s OR ('%[5]s' = %[4]s AND %[2]s < %[6]s))))`,
				src.at, src.ref, at, kind, src.kind, ref)
		}
		if src.campaign {
			var sw filter
			sw.args = w.args
			inScope(&sw, f.Scope)
			w.args = sw.args
			q += ` AND ` + strings.Join(sw.conds, " AND ")
		}
		q += ` ORDER BY ` + src.at + ` DESC, ` + src.ref + ` DESC LIMIT ` + strconv.Itoa(f.Limit)
		parts = append(parts, `SELECT * FROM (SELECT '`+src.kind+`' AS kind, e.* FROM (`+q+`) e) `+src.kind+`_events`)
	}
	if len(parts) == 0 {
		return nil, nil
	}
	q := strings.Join(parts, " UNION ALL ") + ` ORDER BY 2 DESC, 1 DESC, 3 DESC LIMIT ` + strconv.Itoa(f.Limit)
	rows, err := s.db.readOnce(ctx, q, w.args...)
	if err != nil {
		return nil, fmt.Errorf("timeline: %w", err)
	}
	defer rows.Close()
	var out []person.Event
	for rows.Next() {
		var e person.Event
		var at int64
		if err := rows.Scan(&e.Kind, &at, &e.Ref, &e.IdeaID, &e.CampaignID, &e.Title, &e.Excerpt, &e.Channel); err != nil {
			return nil, err
		}
		e.At = fromMS(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

