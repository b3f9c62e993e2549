package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/samtal-dev/samtal/search"
)

// Search finds ideas and comments: FTS5 on SQLite, tsvector and GIN on
// PostgreSQL (migrations 00008). Both index text folded the same way and
// both match each word as a prefix, so they find the same things, and
// search.Relevance ranks what they find, so they order it the same way.
type Search struct{ db *DB }

// NewSearch returns the search store of db.
func NewSearch(db *DB) *Search { return &Search{db: db} }

// visibleModeration is THE condition that a row (ideas or comments, by
// alias) is in the visible moderation state; search uses it for every idea
// and comment it returns, for everyone: held and hidden posts are found by
// nobody, not even their authors or moderators (they have the queue).
func visibleModeration(alias string) string {
	return alias + ".moderation = 'visible'"
}

// matchExpr writes words (letters and digits only, from search.Words) as
// the engine's query: each a prefix, all of them or any of them. Each word
// is quoted as well, so even a word the engine would read as an operator
// (NEAR, AND) is only a word.
func (db *DB) matchExpr(words []string, any bool) string {
	parts := make([]string, len(words))
	for i, w := range words {
		w = strings.NewReplacer(`"`, ``, `'`, ``, `\`, ``).Replace(w)
		if db.Engine == Postgres {
			parts[i] = "'" + w + "':*"
		} else {
			parts[i] = `"` + w + `"*`
		}
	}
	sep := " "
	switch {
	case db.Engine == Postgres && any:
		sep = " | "
	case db.Engine == Postgres:
		sep = " & "
	case any:
		sep = " OR "
	}
	return strings.Join(parts, sep)
}

// ideaMatch returns the FROM clause that joins ideas i to their index, the
// condition that they match the query in placeholder ph, and their score
// (higher is better): a title weighs five times a body, tags twice.
func (db *DB) ideaMatch(ph string) (from, cond, score string) {
	if db.Engine == Postgres {
		return ` FROM ideas i`, `i.search @@ to_tsquery('simple', ` + ph + `)`,
			`ts_rank(i.search, to_tsquery('simple', ` + ph + `), 1)`
	}
	return ` FROM ideas_fts JOIN ideas i ON i.id = ideas_fts.rowid`, `ideas_fts MATCH ` + ph, `(-bm25(ideas_fts, 5.0, 1.0, 2.0))`
}

// searchCandidates is how many of the newest matches a search ranks. A
// word that is in most texts ("sofa" in a sofa community) would otherwise
// have every idea scored on every keystroke. Each candidate costs its idea
// row (title, tags, votes, visibility). The price: among more than 200
// matches, an old close match can rank below newer, looser ones
// (docs/design.md).
const searchCandidates = 200

// candidates returns the FROM clause of the newest searchCandidates matches
// of table (ideas or comments, joined as alias) for the query in ph.
// Neither engine scores them: search.Relevance does, in Go, the same for
// both.
func (db *DB) candidates(table, alias, ph string) string {
	n := strconv.Itoa(searchCandidates)
	if db.Engine == Postgres {
		return ` FROM (SELECT id FROM ` + table + ` WHERE search @@ to_tsquery('simple', ` + ph + `)
			ORDER BY id DESC LIMIT ` + n + `) m JOIN ` + table + ` ` + alias + ` ON ` + alias + `.id = m.id`
	}
	return ` FROM (SELECT rowid AS id FROM ` + table + `_fts WHERE ` + table + `_fts MATCH ` + ph + `
		ORDER BY rowid DESC LIMIT ` + n + `) m JOIN ` + table + ` ` + alias + ` ON ` + alias + `.id = m.id`
}

// SearchIdeas implements search.Store in two steps: the candidates are
// read with only what ranks them (title, tags, votes; no bodies, no
// names) and ranked in Go, and the page's few hits are read whole
// afterwards.
func (s *Search) SearchIdeas(ctx context.Context, q search.StoreQuery) ([]search.Hit, error) {
	var w filter
	from := s.db.candidates("ideas", "i", w.arg(s.db.matchExpr(q.Words, q.AnyWord)))
	w.conds = append(w.conds, "i.merged_into IS NULL", "i.deleted_at IS NULL", visibleModeration("i"))
	inScope(&w, q.Scope)
	rank := `SELECT i.id, i.title, i.tags, i.votes` + from + ` JOIN campaigns c ON c.id = i.campaign_id` + w.sql()
	return s.hits(ctx, search.KindIdea, q, rank, w.args,
		`SELECT i.id, i.id, i.campaign_id, i.title, i.body, i.tags, p.name, i.status, i.votes, i.created_at
		 FROM ideas i JOIN persons p ON p.id = i.author_person_id WHERE i.id IN `)
}

// SearchComments implements search.Store like SearchIdeas: comments that
// are not deleted, on ideas that are not merged, both visible. A comment
// has only a body, so equally relevant comments rank newest first.
func (s *Search) SearchComments(ctx context.Context, q search.StoreQuery) ([]search.Hit, error) {
	var w filter
	from := s.db.candidates("comments", "cm", w.arg(s.db.matchExpr(q.Words, q.AnyWord)))
	w.conds = append(w.conds, "cm.deleted_at IS NULL", "i.merged_into IS NULL", "i.deleted_at IS NULL", visibleModeration("cm"), visibleModeration("i"))
	inScope(&w, q.Scope)
	rank := `SELECT cm.id, '', '', 0` + from +
		` JOIN ideas i ON i.id = cm.idea_id JOIN campaigns c ON c.id = i.campaign_id` + w.sql()
	return s.hits(ctx, search.KindComment, q, rank, w.args,
		`SELECT cm.id, i.id, i.campaign_id, i.title, cm.body, '', p.name, i.status, i.votes, cm.created_at
		 FROM comments cm JOIN ideas i ON i.id = cm.idea_id JOIN persons p ON p.id = cm.author_person_id WHERE cm.id IN `)
}

// SearchPersons implements search.Store: the newest matching persons,
// ranked by how well the name matches (Relevance, as a title).
func (s *Search) SearchPersons(ctx context.Context, q search.StoreQuery) ([]search.Hit, error) {
	var w filter
	match := w.arg(s.db.matchExpr(q.Words, q.AnyWord))
	from := ` FROM (SELECT rowid AS id FROM persons_fts WHERE persons_fts MATCH ` + match + `
		ORDER BY rowid DESC LIMIT ` + strconv.Itoa(searchCandidates) + `) m JOIN persons p ON p.id = m.id`
	if s.db.Engine == Postgres {
		from = ` FROM (SELECT id FROM persons WHERE search @@ to_tsquery('simple', ` + match + `)
			ORDER BY id DESC LIMIT ` + strconv.Itoa(searchCandidates) + `) m JOIN persons p ON p.id = m.id`
	}
	w.conds = append(w.conds, "p.merged_into IS NULL", "p.erased_at IS NULL", "NOT p.bot")
	return s.hits(ctx, search.KindPerson, q, `SELECT p.id, p.name, '', 0`+from+w.sql(), w.args,
		`SELECT p.id, 0, 0, p.name, '', '', '', '', 0, p.created_at FROM persons p WHERE p.id IN `)
}

// SearchMentions implements search.Store: the newest matching cluster
// heads, ranked like ideas (title over text).
func (s *Search) SearchMentions(ctx context.Context, q search.StoreQuery) ([]search.Hit, error) {
	var w filter
	match := w.arg(s.db.matchExpr(q.Words, q.AnyWord))
	from := ` FROM (SELECT rowid AS id FROM mentions_fts WHERE mentions_fts MATCH ` + match + `
		ORDER BY rowid DESC LIMIT ` + strconv.Itoa(searchCandidates) + `) c JOIN mentions m ON m.id = c.id`
	if s.db.Engine == Postgres {
		from = ` FROM (SELECT id FROM mentions WHERE search @@ to_tsquery('simple', ` + match + `)
			ORDER BY id DESC LIMIT ` + strconv.Itoa(searchCandidates) + `) c JOIN mentions m ON m.id = c.id`
	}
	w.conds = append(w.conds, "m.duplicate_of IS NULL")
	return s.hits(ctx, search.KindMention, q, `SELECT m.id, m.title, '', 0`+from+w.sql(), w.args,
		`SELECT m.id, 0, 0, m.title, m.text, '', m.author, m.site, 0, m.published_at FROM mentions m WHERE m.id IN `)
}

// candidate is a match as it is ranked.
type candidate struct {
	id    int64
	score float64
}

// hits runs the candidates query (id, title, tags, votes), ranks the
// candidates, then reads the page's hits by detail (which ends in "WHERE
// x.id IN ") and returns them in rank order.
func (s *Search) hits(ctx context.Context, kind string, q search.StoreQuery, rank string, args []any, detail string) ([]search.Hit, error) {
	rows, err := s.db.readRows(ctx, rank, args...)
	if err != nil {
		return nil, fmt.Errorf("search %ss: %w", kind, err)
	}
	var ranked []candidate
	for rows.Next() {
		var c candidate
		var title, tags string
		var votes int
		if err := rows.Scan(&c.id, &title, &tags, &votes); err != nil {
			rows.Close()
			return nil, err
		}
		var tagList []string
		if tags != "" {
			tagList = strings.Split(tags, ",")
		}
		c.score = search.Relevance(title, tagList, q.Words) * search.VoteBoost(votes)
		ranked = append(ranked, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(ranked, func(a, b candidate) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return cmp.Compare(b.id, a.id)
	})
	ranked = ranked[min(q.Offset, len(ranked)):]
	ranked = ranked[:min(q.Limit, len(ranked))]
	if len(ranked) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(ranked))
	for i, c := range ranked {
		ids[i] = c.id
	}
	in, inArgs := inList(ids, 0)
	rows, err = s.db.readOnce(ctx, detail+in, inArgs...)
	if err != nil {
		return nil, fmt.Errorf("search %ss: %w", kind, err)
	}
	defer rows.Close()
	byID := make(map[int64]search.Hit, len(ids))
	for rows.Next() {
		h := search.Hit{Kind: kind}
		var tags string
		var created int64
		if err := rows.Scan(&h.ID, &h.IdeaID, &h.CampaignID, &h.Title, &h.Text, &tags, &h.AuthorName, &h.Status, &h.Votes, &created); err != nil {
			return nil, err
		}
		if tags != "" {
			h.Tags = strings.Split(tags, ",")
		}
		h.CreatedAt = fromMS(created)
		byID[h.ID] = h
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]search.Hit, 0, len(ranked))
	for _, c := range ranked {
		if h, ok := byID[c.id]; ok {
			h.Score = c.score
			out = append(out, h)
		}
	}
	return out, nil
}

var _ search.Store = (*Search)(nil)

// ImportedComment is one comment brought in from elsewhere (an import, or
// the load benchmark's seed); replies are not imported.
type ImportedComment struct {
	IdeaID, PersonID int64
	Body             string
	BodyHTML         string // Body rendered (markup.Render), as pages show it
	At               time.Time
}

// ImportComments stores many comments at once and adds them to their ideas'
// comment counts, in one transaction. The search index follows by its
// triggers.
func (s *Ideas) ImportComments(ctx context.Context, comments []ImportedComment) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		perIdea := map[int64]int{}
		for start := 0; start < len(comments); start += importBatch {
			batch := comments[start:min(start+importBatch, len(comments))]
			var q strings.Builder
			q.WriteString(`INSERT INTO comments (idea_id, author_person_id, body, body_html, created_at, updated_at) VALUES `)
			s.db.values(&q, len(batch), 6)
			args := make([]any, 0, len(batch)*6)
			for _, c := range batch {
				args = append(args, c.IdeaID, c.PersonID, c.Body, c.BodyHTML, ms(c.At), ms(c.At))
				perIdea[c.IdeaID]++
			}
			if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
				return fmt.Errorf("import comments: %w", err)
			}
		}
		for id, n := range perIdea {
			if _, err := tx.ExecContext(ctx, `UPDATE ideas SET comments = comments + $1 WHERE id = $2`, n, id); err != nil {
				return fmt.Errorf("import comments: count: %w", err)
			}
		}
		return nil
	})
}
