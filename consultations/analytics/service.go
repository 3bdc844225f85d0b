package analytics

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/consult-platform/consult/consultations"
	"github.com/consult-platform/consult/database"
	"github.com/jmoiron/sqlx"
)

// DefaultK is the smallest count published as a number by default.
const DefaultK = 10

// MinK is the smallest suppression threshold an operator may set.
const MinK = 5

// Options configure the Service.
type Options struct {
	// K is the suppression threshold: public counts from 1 to K-1 are
	// shown as "<K". Zero means DefaultK; values below MinK become MinK.
	K int
	// Moderation supplies moderation figures; nil shows them as not
	// available.
	Moderation ModerationSource
}

// Service reads and publishes participation figures.
type Service struct {
	db         *database.DB
	store      *consultations.Store
	k          int
	moderation ModerationSource
}

// New returns a Service over store's database and makes the store keep
// the counts up to date on every write from now on.
func New(store *consultations.Store, opts Options) *Service {
	k := opts.K
	if k == 0 {
		k = DefaultK
	}
	k = max(k, MinK)
	store.SetTally(tally{})
	return &Service{db: store.DB(), store: store, k: k, moderation: opts.Moderation}
}

// SetModeration gives the service its moderation figures. Call it before
// the service is shared between goroutines.
func (s *Service) SetModeration(m ModerationSource) { s.moderation = m }

// K is the suppression threshold in force.
func (s *Service) K() int { return s.k }

// Repair recomputes the counts of every consultation whose totals disagree
// with the content counters the store keeps, e.g. content written before
// the counts existed or while no Service was attached. Cheap when nothing
// is wrong: one query.
func (s *Service) Repair(ctx context.Context) (int, error) {
	var ids []string
	err := s.db.Reader.SelectContext(ctx, &ids, `SELECT c.id FROM consultations c
		LEFT JOIN analytics_counts r ON r.consultation_id = c.id AND r.dimension = 'totals' AND r.value = 'responses'
		LEFT JOIN analytics_counts m ON m.consultation_id = c.id AND m.dimension = 'totals' AND m.value = 'contributions'
		WHERE COALESCE(r.count, 0) <> c.response_count OR COALESCE(m.count, 0) <> c.comment_count`)
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		if err := s.Recompute(ctx, id); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

// Figures are a consultation's exact counts at one moment.
type Figures struct {
	ConsultationID string                      `json:"consultation_id"`
	AsOf           time.Time                   `json:"as_of"`
	Counts         map[string]map[string]int64 `json:"counts"` // dimension → value → count
	TopIdeas       []IdeaSupport               `json:"top_ideas"`
}

// IdeaSupport is a co-design idea with how many people support it.
type IdeaSupport struct {
	ID       string `json:"id" db:"id"`
	Title    string `json:"title" db:"title"`
	Supports int64  `json:"supports" db:"support_count"`
}

// Count returns one count, zero if never counted.
func (f *Figures) Count(dim, value string) int64 { return f.Counts[dim][value] }

// topIdeas is how many ideas the figures name.
const topIdeas = 5

// Live reads a consultation's counts as they are now: a few hundred rows,
// whatever the number of responses.
func (s *Service) Live(ctx context.Context, consultationID string) (*Figures, error) {
	return live(ctx, s.db.Reader, consultationID, time.Now().UTC())
}

func live(ctx context.Context, r database.TxRunner, consultationID string, now time.Time) (*Figures, error) {
	f := &Figures{ConsultationID: consultationID, AsOf: now, Counts: map[string]map[string]int64{}}
	var rows []struct {
		Dimension string `db:"dimension"`
		Value     string `db:"value"`
		Count     int64  `db:"count"`
	}
	if err := r.SelectContext(ctx, &rows, `SELECT dimension, value, count FROM analytics_counts WHERE consultation_id = ?`, consultationID); err != nil {
		return nil, err
	}
	for _, row := range rows {
		if f.Counts[row.Dimension] == nil {
			f.Counts[row.Dimension] = map[string]int64{}
		}
		f.Counts[row.Dimension][row.Value] = row.Count
	}
	err := r.SelectContext(ctx, &f.TopIdeas, `SELECT id, title, support_count FROM comments
		WHERE consultation_id = ? AND kind = 'idea' AND status = 'published' ORDER BY support_count DESC, id LIMIT ?`, consultationID, topIdeas)
	return f, err
}

// Published returns the figures the public sees for a consultation: none
// while it is open (ok false), and once it has closed, a snapshot taken
// the first time they are asked for and never changed after.
func (s *Service) Published(ctx context.Context, c *consultations.Consultation, now time.Time) (*Figures, bool, error) {
	switch c.EffectiveStatus(now) {
	case consultations.StatusClosed, consultations.StatusOutcomePublished:
	default:
		return nil, false, nil
	}
	var raw string
	err := s.db.Reader.GetContext(ctx, &raw, `SELECT figures FROM analytics_snapshots WHERE consultation_id = ?`, c.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return s.snapshot(ctx, c.ID, now)
	}
	if err != nil {
		return nil, false, err
	}
	var f Figures
	return &f, true, json.Unmarshal([]byte(raw), &f)
}

// snapshot takes the public figures once, inside a write so that two
// first readers agree on one version.
func (s *Service) snapshot(ctx context.Context, consultationID string, now time.Time) (*Figures, bool, error) {
	var f *Figures
	err := s.db.Write(ctx, func(tx *sqlx.Tx) error {
		var raw string
		err := tx.GetContext(ctx, &raw, `SELECT figures FROM analytics_snapshots WHERE consultation_id = ?`, consultationID)
		if err == nil {
			f = &Figures{}
			return json.Unmarshal([]byte(raw), f)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if f, err = live(ctx, tx, consultationID, now); err != nil {
			return err
		}
		b, err := json.Marshal(f)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO analytics_snapshots (consultation_id, taken_at, figures) VALUES (?, ?, ?)`, consultationID, now, string(b))
		return err
	})
	return f, err == nil, err
}
