package analytics

import (
	"context"
	"time"
)

// ModerationSource supplies a consultation's moderation figures. The
// moderation package satisfies it through a small adapter wired by the
// server (server/analytics_moderation.go); consultations never imports
// moderation.
type ModerationSource interface {
	ModerationFigures(ctx context.Context, consultationID string) (*ModerationFigures, error)
}

// ModerationFigures are plain counts, so that the adapter needs nothing
// from this package but these types.
type ModerationFigures struct {
	Reports            int64            // reports received
	Decisions          int64            // moderation decisions taken
	HiddenByCategory   map[string]int64 // contributions hidden or redacted, by category
	MedianTimeToDecide time.Duration    // over Decisions; zero when none
	AppealsUpheld      int64
	Appeals            int64
	// CampaignSubmissions counts contributions that moderation found to be
	// part of a campaign; Campaigns false means it does not detect them yet.
	CampaignSubmissions int64
	Campaigns           bool
}
