package moderation

import (
	"context"
)

// CategoryCount is how many contributions a decision touched, by category.
type CategoryCount struct {
	Category string `json:"category"`
	Count    int    `json:"count"`
}

// PublicLog is a consultation's moderation figures, for everyone: no text
// of any contribution, hidden or not.
type PublicLog struct {
	ConsultationID  string          `json:"consultation_id"`
	Hidden          int             `json:"hidden"`
	HiddenByCat     []CategoryCount `json:"hidden_by_category"`
	Redacted        int             `json:"redacted"`
	RedactedByCat   []CategoryCount `json:"redacted_by_category"`
	Restored        int             `json:"restored"`
	Appeals         int             `json:"appeals"`
	AppealsUpheld   int             `json:"appeals_upheld"`
	AppealsRejected int             `json:"appeals_rejected"`
	Campaigns       int             `json:"campaigns"`
	CampaignMembers int             `json:"campaign_submissions"`
}

// ModerationLog returns a consultation's public moderation figures.
func (s *Service) ModerationLog(ctx context.Context, consultationID string) (*PublicLog, error) {
	s.CaughtUp(ctx)
	l := &PublicLog{ConsultationID: consultationID, HiddenByCat: []CategoryCount{}, RedactedByCat: []CategoryCount{}}
	var rows []struct {
		Action   string `db:"action"`
		Category string `db:"category"`
		Count    int    `db:"n"`
	}
	if err := s.db.Reader.SelectContext(ctx, &rows, s.q(`SELECT action, category, COUNT(*) AS n FROM mod_decisions
		WHERE consultation_id = ? AND action IN ('hide', 'redact', 'restore') GROUP BY action, category ORDER BY action, n DESC, category`), consultationID); err != nil {
		return nil, err
	}
	for _, r := range rows {
		switch r.Action {
		case ActionHide:
			l.Hidden += r.Count
			l.HiddenByCat = append(l.HiddenByCat, CategoryCount{r.Category, r.Count})
		case ActionRedact:
			l.Redacted += r.Count
			l.RedactedByCat = append(l.RedactedByCat, CategoryCount{r.Category, r.Count})
		case ActionRestore:
			l.Restored += r.Count
		}
	}
	var appeals []struct {
		Status string `db:"status"`
		Count  int    `db:"n"`
	}
	if err := s.db.Reader.SelectContext(ctx, &appeals, s.q(`SELECT a.status, COUNT(*) AS n FROM mod_appeals a JOIN mod_decisions d ON d.id = a.decision_id
		WHERE d.consultation_id = ? GROUP BY a.status`), consultationID); err != nil {
		return nil, err
	}
	for _, a := range appeals {
		l.Appeals += a.Count
		switch a.Status {
		case AppealUpheld:
			l.AppealsUpheld = a.Count
		case AppealRejected:
			l.AppealsRejected = a.Count
		}
	}
	if err := s.db.Reader.GetContext(ctx, &l.Campaigns, s.q(`SELECT COUNT(*) FROM mod_campaigns WHERE consultation_id = ?`), consultationID); err != nil {
		return nil, err
	}
	err := s.db.Reader.GetContext(ctx, &l.CampaignMembers, s.q(`SELECT COALESCE(SUM(size), 0) FROM mod_campaigns WHERE consultation_id = ?`), consultationID)
	return l, err
}
