package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/idea"
	"github.com/samtal-dev/samtal/upload"
)

// Uploads stores uploaded images, bytes and all.
type Uploads struct{ db *DB }

// NewUploads returns the upload store of db.
func NewUploads(db *DB) *Uploads { return &Uploads{db: db} }

// CreateUpload implements upload.Store.
func (s *Uploads) CreateUpload(ctx context.Context, u *upload.Upload) error {
	_, err := s.db.write.ExecContext(ctx,
		`INSERT INTO uploads (key, owner_person_id, mime, width, height, bytes, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		u.Key, u.OwnerPersonID, u.Mime, u.Width, u.Height, u.Bytes, ms(u.CreatedAt))
	if err != nil {
		return fmt.Errorf("insert upload: %w", err)
	}
	return nil
}

// UploadByKey implements upload.Store.
func (s *Uploads) UploadByKey(ctx context.Context, key string) (*upload.Upload, error) {
	row, err := s.db.readRow(ctx, `SELECT key, owner_person_id, mime, width, height, bytes, created_at FROM uploads WHERE key = $1`, key)
	if err != nil {
		return nil, err
	}
	var u upload.Upload
	var created int64
	if err := row.Scan(&u.Key, &u.OwnerPersonID, &u.Mime, &u.Width, &u.Height, &u.Bytes, &created); errors.Is(err, sql.ErrNoRows) {
		return nil, errNotFound
	} else if err != nil {
		return nil, err
	}
	u.CreatedAt = fromMS(created)
	return &u, nil
}

var _ upload.Store = (*Uploads)(nil)

// attachImages attaches i's images to it inside the idea's transaction:
// each must be an upload of the idea's author that no idea has yet (the
// primary key of idea_images refuses a second one).
func attachImages(ctx context.Context, tx *sql.Tx, i *idea.Idea) error {
	for pos, key := range i.Images {
		res, err := tx.ExecContext(ctx,
			`INSERT INTO idea_images (upload_key, idea_id, position)
			 SELECT key, $2, $3 FROM uploads WHERE key = $1 AND owner_person_id = $4 ON CONFLICT DO NOTHING`,
			key, i.ID, pos+1, i.AuthorPersonID)
		if err != nil {
			return fmt.Errorf("attach image: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			// Someone else's upload, no upload at all, or one in use: the
			// same answer for all three, so keys cannot be probed.
			return &samtal.Error{Code: samtal.EINVALID, Message: "error.image_unknown", Field: "images"}
		}
	}
	return nil
}

// htmlBackfilled is the setting that records a finished BackfillHTML.
const htmlBackfilled = "html.backfilled"

// BackfillHTML renders, with render, the stored HTML of every campaign
// brief, idea body and comment that has a text but no HTML yet: the rows
// written before HTML was stored. It runs at start, after the migrations,
// in batches, once per store: a finished run is recorded, because finding
// nothing to do is a scan of every comment (no index serves it), and every
// write since stores its HTML itself. Returns how many rows it rendered.
func (db *DB) BackfillHTML(ctx context.Context, render func(string) string) (int, error) {
	if done, err := db.Setting(ctx, htmlBackfilled); err != nil || done != "" {
		return 0, err
	}
	total, err := db.backfillHTML(ctx, render)
	if err != nil {
		return total, err
	}
	return total, db.SetSetting(ctx, htmlBackfilled, "1")
}

func (db *DB) backfillHTML(ctx context.Context, render func(string) string) (int, error) {
	total := 0
	for _, t := range []struct{ table, src, dst string }{
		{"campaigns", "brief", "brief_html"},
		{"ideas", "body", "body_html"},
		{"comments", "body", "body_html"},
	} {
		for {
			rows, err := db.write.QueryContext(ctx,
				`SELECT id, `+t.src+` FROM `+t.table+` WHERE `+t.dst+` = '' AND `+t.src+` <> '' ORDER BY id LIMIT 500`)
			if err != nil {
				return total, fmt.Errorf("backfill %s: %w", t.table, err)
			}
			type item struct {
				id   int64
				html string
			}
			var batch []item
			for rows.Next() {
				var id int64
				var src string
				if err := rows.Scan(&id, &src); err != nil {
					rows.Close()
					return total, err
				}
				batch = append(batch, item{id, render(src)})
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return total, err
			}
			if len(batch) == 0 {
				break
			}
			err = db.tx(ctx, func(tx *sql.Tx) error {
				for _, b := range batch {
					h := b.html
					if h == "" {
						// A text of blanks renders to nothing; a space keeps
						// it from being picked up again.
						h = " "
					}
					if _, err := tx.ExecContext(ctx, `UPDATE `+t.table+` SET `+t.dst+` = $1 WHERE id = $2`, h, b.id); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				return total, fmt.Errorf("backfill %s: %w", t.table, err)
			}
			total += len(batch)
		}
	}
	return total, nil
}
