package sqlstore

import (
	"context"
	"fmt"
	"time"
)

// Limiter counts hits per key in fixed windows, in the database so that every
// node shares the count.
type Limiter struct{ db *DB }

// NewLimiter returns the rate limiter of db.
func NewLimiter(db *DB) *Limiter { return &Limiter{db: db} }

// Allow implements account.Limiter with one upsert: a window older than its
// length starts over at one hit.
func (l *Limiter) Allow(ctx context.Context, key string, limit int, window time.Duration) (bool, time.Duration, error) {
	now := time.Now()
	var start, hits int64
	err := l.db.write.QueryRowContext(ctx,
		`INSERT INTO rate_limits (key, window_start, hits) VALUES ($1, $2, 1)
		 ON CONFLICT (key) DO UPDATE SET
		   hits = CASE WHEN rate_limits.window_start <= $3 THEN 1 ELSE rate_limits.hits + 1 END,
		   window_start = CASE WHEN rate_limits.window_start <= $3 THEN $2 ELSE rate_limits.window_start END
		 RETURNING window_start, hits`,
		key, ms(now), ms(now.Add(-window))).Scan(&start, &hits)
	if err != nil {
		return false, 0, fmt.Errorf("rate limit %s: %w", key, err)
	}
	if hits <= int64(limit) {
		return true, 0, nil
	}
	return false, fromMS(start).Add(window).Sub(now), nil
}
