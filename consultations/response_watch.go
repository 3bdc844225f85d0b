package consultations

import (
	"context"
	"strings"

	"github.com/jmoiron/sqlx"
)

// ResponseWatcher looks at the free text of a new response, in two steps
// like a Screener: before the write, and inside the transaction that
// stores it. Moderation uses it to find campaigns among responses (the
// same text sent by many people); it never refuses or changes a response.
type ResponseWatcher func(ctx context.Context, s Submission) (func(ctx context.Context, tx *sqlx.Tx) error, error)

// SetResponseWatcher installs the hook storeResponse calls. Call it once,
// at start-up, before serving.
func (s *Store) SetResponseWatcher(fn ResponseWatcher) { s.responseWatcher = fn }

// watchResponse runs the first step of the watcher on r's free-text
// answers; it returns nil when there is no watcher or no free text.
func (s *Store) watchResponse(ctx context.Context, c *Consultation, r *Response) (func(ctx context.Context, tx *sqlx.Tx) error, error) {
	if s.responseWatcher == nil {
		return nil, nil
	}
	var text []string
	for _, a := range r.Answers {
		if q := c.question(a.QuestionID); q != nil && q.Kind == QuestionText && strings.TrimSpace(a.Text) != "" {
			text = append(text, a.Text)
		}
	}
	if len(text) == 0 {
		return nil, nil
	}
	sub := Submission{Kind: "response", ID: r.ID, ConsultationID: c.ID, OrgID: c.OrgID, Body: strings.Join(text, "\n\n"),
		Locale: r.Locale, CreatedAt: r.CreatedAt}
	if r.UserID != nil {
		sub.AuthorID = *r.UserID
	}
	return s.responseWatcher(ctx, sub)
}
