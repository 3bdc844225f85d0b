package server

import (
	"context"

	"github.com/consult-platform/consult/consultations/analytics"
	"github.com/consult-platform/consult/moderation"
)

// moderationFigures lets participation analytics read moderation's counts
// without either domain importing the other.
type moderationFigures struct{ mod *moderation.Service }

func (m moderationFigures) ModerationFigures(ctx context.Context, consultationID string) (*analytics.ModerationFigures, error) {
	f, err := m.mod.Figures(ctx, consultationID)
	if err != nil {
		return nil, err
	}
	out := &analytics.ModerationFigures{
		Reports: int64(f.Reports), Decisions: int64(f.Decisions), HiddenByCategory: map[string]int64{},
		MedianTimeToDecide: f.MedianTimeToDecide, Appeals: int64(f.Appeals), AppealsUpheld: int64(f.AppealsUpheld),
		CampaignSubmissions: int64(f.CampaignSubmissions), Campaigns: true,
	}
	for c, n := range f.HiddenByCategory {
		out.HiddenByCategory[c] = int64(n)
	}
	return out, nil
}
