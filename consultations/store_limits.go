package consultations

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// takeTokens takes a token from the shared bucket of each key in one
// statement (PostgreSQL only) and reports whether all had one. A new key
// starts with a full bucket; an existing one is refilled for the time
// since it was last touched, by the database's clock, which every node
// shares. A bucket with less than one token is left as it is, so that a
// client sending too fast still gets the rate. Rows are locked in the
// order of keys, which callers keep the same (address, then account), so
// concurrent requests cannot deadlock.
func (s *Store) takeTokens(ctx context.Context, keys []string, rate, burst float64) (bool, error) {
	const refill = `LEAST($2::float8, l.tokens + GREATEST(0, EXTRACT(EPOCH FROM EXCLUDED.updated_at - l.updated_at)) * $1::float8)`
	values := make([]string, len(keys))
	args := []any{rate, burst}
	for i, k := range keys {
		values[i] = fmt.Sprintf("($%d, $2::float8 - 1, TRUE, clock_timestamp())", i+3)
		args = append(args, k)
	}
	query := `INSERT INTO request_limits AS l (key, tokens, allowed, updated_at) VALUES ` + strings.Join(values, ", ") + `
		ON CONFLICT (key) DO UPDATE SET
			tokens = CASE WHEN ` + refill + ` >= 1 THEN ` + refill + ` - 1 ELSE ` + refill + ` END,
			allowed = ` + refill + ` >= 1,
			updated_at = EXCLUDED.updated_at
		RETURNING allowed`
	var allowed []bool
	if err := s.db.Reader.SelectContext(ctx, &allowed, query, args...); err != nil {
		return false, fmt.Errorf("rate limits: %w", err)
	}
	for _, ok := range allowed {
		if !ok {
			return false, nil
		}
	}
	return true, nil
}

// sweepLimits forgets buckets untouched for longer than idle.
func (s *Store) sweepLimits(idle time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s.db.Reader.ExecContext(ctx, `DELETE FROM request_limits WHERE updated_at < clock_timestamp() - $1 * interval '1 second'`, idle.Seconds())
}
