package moderation

import (
	"context"
	"sync"
	"time"
)

// suspendedCache holds the suspensions in force, read from the database
// at most every suspendedFresh, so that screening a comment does not read
// the suspensions table each time. Suspensions are few; a suspension made
// on another node is seen within suspendedFresh, one made here at once.
type suspendedCache struct {
	mu     sync.Mutex
	until  map[string]time.Time // user id → end of their latest suspension
	readAt time.Time            // zero: read again
}

const suspendedFresh = 2 * time.Second

func (c *suspendedCache) forget() {
	c.mu.Lock()
	c.readAt = time.Time{}
	c.mu.Unlock()
}

// suspendedUntil returns when the user's suspension in force at now ends,
// or the zero time.
func (s *Service) suspendedUntil(ctx context.Context, userID string, now time.Time) (time.Time, error) {
	c := &s.suspended
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.readAt.IsZero() || time.Since(c.readAt) > suspendedFresh {
		var rows []struct {
			UserID string    `db:"user_id"`
			Until  time.Time `db:"until"`
		}
		// Suspensions ending within the freshness window are kept, so that
		// one ending soon is still enforced until the next read.
		if err := s.db.Reader.SelectContext(ctx, &rows, s.q(`SELECT user_id, until FROM mod_suspensions WHERE until > ?`), now.Add(-suspendedFresh)); err != nil {
			return time.Time{}, err
		}
		c.until = make(map[string]time.Time, len(rows))
		for _, r := range rows {
			if r.Until.After(c.until[r.UserID]) {
				c.until[r.UserID] = r.Until
			}
		}
		c.readAt = time.Now()
	}
	if u, ok := c.until[userID]; ok && u.After(now) {
		return u, nil
	}
	return time.Time{}, nil
}
