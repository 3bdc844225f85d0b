package moderation

import (
	"context"
	"sort"
	"time"
)

// Figures are a consultation's moderation counts for participation
// analytics: plain numbers, never texts or people.
type Figures struct {
	Reports             int
	Decisions           int
	HiddenByCategory    map[string]int // hidden or redacted, by category
	MedianTimeToDecide  time.Duration  // from an item entering the queue to its decision
	Appeals             int
	AppealsUpheld       int
	CampaignSubmissions int
}

// Figures returns a consultation's moderation counts.
func (s *Service) Figures(ctx context.Context, consultationID string) (*Figures, error) {
	s.CaughtUp(ctx)
	log, err := s.ModerationLog(ctx, consultationID)
	if err != nil {
		return nil, err
	}
	f := &Figures{
		HiddenByCategory: map[string]int{}, Appeals: log.Appeals, AppealsUpheld: log.AppealsUpheld,
		CampaignSubmissions: log.CampaignMembers,
	}
	for _, c := range append(append([]CategoryCount{}, log.HiddenByCat...), log.RedactedByCat...) {
		f.HiddenByCategory[c.Category] += c.Count
	}
	if err := s.db.Reader.GetContext(ctx, &f.Reports, s.q(`SELECT COUNT(*) FROM mod_reports r
		JOIN mod_items i ON i.id = r.item_id WHERE i.consultation_id = ?`), consultationID); err != nil {
		return nil, err
	}
	var spans []struct {
		Created time.Time `db:"created_at"`
		Decided time.Time `db:"decided_at"`
	}
	if err := s.db.Reader.SelectContext(ctx, &spans, s.q(`SELECT created_at, decided_at FROM mod_items
		WHERE consultation_id = ? AND status = 'decided' AND decided_at IS NOT NULL`), consultationID); err != nil {
		return nil, err
	}
	f.Decisions = len(spans)
	if len(spans) > 0 {
		d := make([]time.Duration, len(spans))
		for i, sp := range spans {
			d[i] = sp.Decided.Sub(sp.Created)
		}
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		f.MedianTimeToDecide = d[len(d)/2]
	}
	return f, nil
}
