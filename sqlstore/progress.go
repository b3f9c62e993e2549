package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/idea"
)

// Roadmaps and contributions: reads across campaigns, each in a fixed
// number of queries.

// Roadmap implements idea.ProgressStore: one query. The window keeps the
// top ideas per status; the latest note is read only for those.
func (s *Ideas) Roadmap(ctx context.Context, f idea.RoadmapFilter) ([]idea.RoadmapItem, error) {
	var w filter
	st := make([]any, len(idea.RoadmapStatuses))
	for i, x := range idea.RoadmapStatuses {
		st[i] = x
	}
	w.where("i.status IN ("+strings.Repeat("%s, ", len(st)-1)+"%s)", st...)
	// Only what everyone may see: moderation's hidden and held ideas and
	// deleted ones stay off the roadmap.
	w.conds = append(w.conds, "i.merged_into IS NULL", "i.moderation = 'visible'", "i.deleted_at IS NULL")
	inScope(&w, f.Scope)
	if f.CampaignID != 0 {
		w.where("i.campaign_id = %s", f.CampaignID)
	}
	q := `SELECT r.id, r.campaign_id, r.slug, r.ctitle, r.title, r.status, r.votes, r.comments, COALESCE(n.note, ''), COALESCE(n.at, 0)
		FROM (SELECT i.id, i.campaign_id, c.slug, c.title AS ctitle, i.title, i.status, i.votes, i.comments,
		             ROW_NUMBER() OVER (PARTITION BY i.status ORDER BY i.votes DESC, i.id DESC) AS rn
		      FROM ideas i JOIN campaigns c ON c.id = i.campaign_id` + w.sql() + `) r
		LEFT JOIN idea_status_changes n ON n.id = (SELECT MAX(x.id) FROM idea_status_changes x WHERE x.idea_id = r.id AND x.note <> '')
		WHERE r.rn <= ` + w.arg(f.PerStatus) + ` ORDER BY r.votes DESC, r.id DESC`
	rows, err := s.db.readRows(ctx, q, w.args...)
	if err != nil {
		return nil, fmt.Errorf("roadmap: %w", err)
	}
	defer rows.Close()
	var out []idea.RoadmapItem
	for rows.Next() {
		var it idea.RoadmapItem
		var at int64
		if err := rows.Scan(&it.ID, &it.CampaignID, &it.CampaignSlug, &it.CampaignTitle, &it.Title, &it.Status,
			&it.Votes, &it.Comments, &it.Note, &at); err != nil {
			return nil, err
		}
		if at != 0 {
			it.NoteAt = fromMS(at)
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// inScope limits a query joined with campaigns c to the campaigns of
// scope: THE condition of who sees which campaign for every query that
// spans campaigns.
func inScope(w *filter, scope campaign.Scope) {
	if len(scope.Visibilities) == 0 {
		w.conds = append(w.conds, "1 = 0")
		return
	}
	v := make([]any, len(scope.Visibilities))
	for i, x := range scope.Visibilities {
		v[i] = x
	}
	cond := "c.visibility IN (" + strings.Repeat("%s, ", len(v)-1) + "%s)"
	if scope.InvitedPersonID != 0 {
		cond = "(" + cond + " OR (c.visibility = %s AND c.id IN (SELECT ci.campaign_id FROM campaign_invites ci WHERE ci.person_id = %s)))"
		v = append(v, campaign.Invited, scope.InvitedPersonID)
	}
	w.where(cond, v...)
}

// Contributions implements idea.ProgressStore: one query for the page of
// ideas, one for all their status changes.
func (s *Ideas) Contributions(ctx context.Context, personID int64, scope campaign.Scope, offset, limit int) ([]idea.Contribution, error) {
	w := filter{args: []any{personID}}
	// Someone else's hidden or held idea is not shown to the person even if
	// they voted for it; their own is, with its state.
	w.conds = append(w.conds, "i.deleted_at IS NULL", "(i.moderation = 'visible' OR i.author_person_id = $1)")
	inScope(&w, scope)
	q := `SELECT i.id, i.title, i.status, i.votes, i.comments, c.slug, c.title, COALESCE(i.merged_into, 0), COALESCE(t.title, ''),
			x.posted, x.voted, x.commented, x.since
		FROM (SELECT idea_id, MAX(posted) AS posted, MAX(voted) AS voted, MAX(commented) AS commented,
		             MIN(at) AS since, MAX(at) AS last
		      FROM (SELECT id AS idea_id, 1 AS posted, 0 AS voted, 0 AS commented, created_at AS at FROM ideas WHERE author_person_id = $1
		            UNION ALL SELECT idea_id, 0, 1, 0, created_at FROM votes WHERE person_id = $1
		            UNION ALL SELECT idea_id, 0, 0, 1, created_at FROM comments WHERE author_person_id = $1 AND deleted_at IS NULL) u
		      GROUP BY idea_id) x
		JOIN ideas i ON i.id = x.idea_id
		JOIN campaigns c ON c.id = i.campaign_id
		LEFT JOIN ideas t ON t.id = i.merged_into` + w.sql() +
		` ORDER BY ` + s.db.greatest("x.last", "i.updated_at") + ` DESC, i.id DESC LIMIT ` + w.arg(limit) + ` OFFSET ` + w.arg(offset)
	rows, err := s.db.readRows(ctx, q, w.args...)
	if err != nil {
		return nil, fmt.Errorf("contributions: %w", err)
	}
	var out []idea.Contribution
	byID := map[int64]int{}
	for rows.Next() {
		var c idea.Contribution
		var posted, voted, commented int
		var since int64
		if err := rows.Scan(&c.IdeaID, &c.Title, &c.Status, &c.Votes, &c.Comments, &c.CampaignSlug, &c.CampaignTitle,
			&c.MergedInto, &c.MergedIntoTitle, &posted, &voted, &commented, &since); err != nil {
			rows.Close()
			return nil, err
		}
		c.Posted, c.Voted, c.Commented, c.Since = posted == 1, voted == 1, commented == 1, fromMS(since)
		byID[c.IdeaID] = len(out)
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	ph := make([]string, len(out))
	args := make([]any, len(out))
	for i, c := range out {
		ph[i], args[i] = fmt.Sprintf("$%d", i+1), c.IdeaID
	}
	// The IN list changes with the page, so this text is not kept prepared.
	crows, err := s.db.readOnce(ctx, `SELECT s.idea_id, s.status, s.note, COALESCE(p.name, ''), s.at
		FROM idea_status_changes s LEFT JOIN persons p ON p.id = s.actor_person_id
		WHERE s.idea_id IN (`+strings.Join(ph, ", ")+`) ORDER BY s.id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("contributions: changes: %w", err)
	}
	defer crows.Close()
	for crows.Next() {
		var id, at int64
		var ch idea.StatusChange
		if err := crows.Scan(&id, &ch.Status, &ch.Note, &ch.ActorName, &at); err != nil {
			return nil, err
		}
		ch.At = fromMS(at)
		c := &out[byID[id]]
		if !ch.At.Before(c.Since) {
			c.Changes = append(c.Changes, ch)
		}
	}
	return out, crows.Err()
}

var _ idea.ProgressStore = (*Ideas)(nil)
