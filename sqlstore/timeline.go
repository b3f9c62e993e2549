package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/person"
)

// timelineSource is one kind of event in a person's timeline: a query over
// the table that already holds the record, so that writing a vote or a
// comment writes nothing more. Each capability adds its line to
// timelineSources; the timeline page and API never change for it.
//
// The store picks the person's newest rows of the table first (table,
// where, at and ref, by the table's own index, the cursor and the viewer's
// campaign scope applied) and only then joins what the event shows for those
// rows (join, cols): a person with 10,000 votes costs a walk of an index
// and 30 lookups, not 10,000 joins.
type timelineSource struct {
	kind    string
	channel string // fixed channel, or "" when channelCol says it per row
	table   string // the table and its alias, e.g. "votes v"
	where   string // the person's rows: "v.person_id = $1 AND …"
	at, ref string // the columns to order and page by
	// campaign, if set, is an expression for the row's campaign: a viewer
	// who is not staff sees only events of campaigns they may see.
	campaign string
	// join and cols make the event of a kept row: cols selects, in this
	// order, at, ref, idea_id, campaign_id (0 if none), title, excerpt and
	// channel, over the table's alias and whatever join adds.
	join, cols string
	// channelCol is the channel's expression when channel is "", for the
	// channel filter.
	channelCol string
	// staffOnly sources are left out of a timeline that a member reads
	// (their own): mentions are what staff heard, with staff's triage.
	staffOnly bool
	// keep, if set, lists the table's columns that cols and join need
	// (default all): when an index holds them all, the rows of a person
	// are picked from the index alone.
	keep string
}

var timelineSources = []timelineSource{
	{kind: "idea", channel: "community", table: "ideas i", where: "i.author_person_id = $1 AND i.deleted_at IS NULL",
		at: "i.created_at", ref: "i.id", campaign: "i.campaign_id",
		cols: "i.created_at, i.id, i.id, i.campaign_id, i.title, '', 'community'"},
	{kind: "comment", channel: "community", table: "comments cm", where: "cm.author_person_id = $1 AND cm.deleted_at IS NULL",
		at: "cm.created_at", ref: "cm.id", campaign: "(SELECT ci.campaign_id FROM ideas ci WHERE ci.id = cm.idea_id)",
		join: "JOIN ideas i ON i.id = cm.idea_id", cols: "cm.created_at, cm.id, i.id, i.campaign_id, i.title, SUBSTR(cm.body, 1, 200), 'community'"},
	{kind: "vote", channel: "community", table: "votes v", where: "v.person_id = $1",
		at: "v.created_at", ref: "v.idea_id", campaign: "v.campaign_id", keep: "v.created_at, v.idea_id, v.campaign_id",
		join: "JOIN ideas i ON i.id = v.idea_id", cols: "v.created_at, v.idea_id, v.idea_id, v.campaign_id, i.title, '', 'community'"},
	{kind: "follow", channel: "community", table: "idea_follows f", where: "f.person_id = $1 AND f.following",
		at: "f.at", ref: "f.idea_id", campaign: "(SELECT fi.campaign_id FROM ideas fi WHERE fi.id = f.idea_id)",
		join: "JOIN ideas i ON i.id = f.idea_id", cols: "f.at, f.idea_id, f.idea_id, i.campaign_id, i.title, '', 'community'"},
	{kind: "signup", channel: "community", table: "accounts a", where: "a.person_id = $1",
		at: "a.created_at", ref: "a.id", cols: "a.created_at, a.id, 0, 0, '', '', 'community'"},
	{kind: "identity", table: "identities x", where: "x.person_id = $1", at: "x.created_at", ref: "x.id",
		channelCol: "CASE WHEN x.network = '' THEN x.kind ELSE x.network END",
		cols:       "x.created_at, x.id, 0, 0, CASE WHEN x.display = '' THEN x.value ELSE x.display END, x.kind, CASE WHEN x.network = '' THEN x.kind ELSE x.network END"},
	{kind: "consent", table: "consents cr", where: "cr.person_id = $1", at: "cr.created_at", ref: "cr.id", channelCol: "cr.channel",
		cols: "cr.created_at, cr.id, 0, 0, cr.purpose, CASE WHEN cr.given THEN 'given' ELSE 'withdrawn' END, cr.channel"},
	// A briefing the person opened on the site (advocates.go), the first time.
	{kind: "briefing_read", channel: "community", table: "briefing_recipients br", where: "br.person_id = $1 AND br.read_at IS NOT NULL",
		at: "br.read_at", ref: "br.briefing_id",
		join: "JOIN briefings b ON b.id = br.briefing_id", cols: "br.read_at, br.briefing_id, 0, 0, b.title, '', 'community'"},
	// What listening heard the person write elsewhere; the channel is the
	// site (listening, sqlstore/listening.go).
	{kind: "mention", table: "mentions mn", where: "mn.person_id = $1", at: "mn.published_at", ref: "mn.id", staffOnly: true,
		channelCol: "mn.site",
		cols:       "mn.published_at, mn.id, 0, 0, CASE WHEN mn.title = '' THEN SUBSTR(mn.text, 1, 80) ELSE mn.title END, SUBSTR(mn.text, 1, 200), mn.site"},
}

// Timeline implements person.Store: every source's newest events after the
// cursor, each by its own index and limit, merged by one UNION ALL in the
// database. The statement is prepared once per shape (which kinds, how many
// channels, a cursor or not, the scope): parsing the union cost more than
// running it.
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
		if src.staffOnly && !allCampaigns(f.Scope) {
			continue
		}
		keep := src.keep
		if keep == "" {
			keep = "*"
		}
		q := `SELECT ` + keep + ` FROM ` + src.table + ` WHERE ` + src.where
		if src.channel == "" && len(f.Channels) > 0 {
			ph := make([]string, len(f.Channels))
			for i, c := range f.Channels {
				ph[i] = w.arg(c)
			}
			q += ` AND ` + src.channelCol + ` IN (` + strings.Join(ph, ", ") + `)`
		}
		if f.Before != nil {
			at, kind, ref := w.arg(f.Before.At), w.arg(f.Before.Kind), w.arg(f.Before.Ref)
			// (at, kind, ref) < cursor, in the order events are listed.
			q += fmt.Sprintf(` AND (%[1]s < %[3]s OR (%[1]s = %[3]s AND ('%[5]s' < %[4]s OR ('%[5]s' = %[4]s AND %[2]s < %[6]s))))`,
				src.at, src.ref, at, kind, src.kind, ref)
		}
		if src.campaign != "" && !allCampaigns(f.Scope) {
			var sw filter
			sw.args = w.args
			inScope(&sw, f.Scope)
			w.args = sw.args
			q += ` AND ` + src.campaign + ` IN (SELECT c.id FROM campaigns c WHERE ` + strings.Join(sw.conds, " AND ") + `)`
		}
		q += ` ORDER BY ` + src.at + ` DESC, ` + src.ref + ` DESC LIMIT ` + strconv.Itoa(f.Limit)
		alias := src.table[strings.LastIndexByte(src.table, ' ')+1:]
		parts = append(parts, `SELECT * FROM (SELECT '`+src.kind+`' AS kind, `+src.cols+` FROM (`+q+`) `+alias+` `+src.join+`) `+src.kind+`_events`)
	}
	if len(parts) == 0 {
		return nil, nil
	}
	q := strings.Join(parts, " UNION ALL ") + ` ORDER BY 2 DESC, 1 DESC, 3 DESC LIMIT ` + strconv.Itoa(f.Limit)
	rows, err := s.db.readRows(ctx, q, w.args...)
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

// allCampaigns reports whether scope lets every campaign in (staff), so
// that the campaign condition can be left out.
func allCampaigns(scope campaign.Scope) bool {
	for _, v := range campaign.Visibilities {
		if !slices.Contains(scope.Visibilities, v) {
			return false
		}
	}
	return true
}
