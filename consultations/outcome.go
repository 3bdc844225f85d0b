package consultations

import "time"

// Decision is one row of a published outcome: what we asked, what people
// said, and what the ministry did, with the contributions it answers.
type Decision struct {
	ID             string    `json:"id"`
	ConsultationID string    `json:"-" db:"consultation_id"`
	Position       int       `json:"position"`
	Asked          LocalText `json:"asked"`
	Said           LocalText `json:"said"`
	Did            LocalText `json:"did"`
	CommentIDs     []string  `json:"comment_ids" db:"-"`
}

// OutcomeDraft is the outcome as staff write it.
type OutcomeDraft struct {
	Summary   LocalText       `json:"summary"`
	Decisions []DecisionDraft `json:"decisions"`
}

// DecisionDraft is one decision as staff write it.
type DecisionDraft struct {
	Asked      LocalText `json:"asked"`
	Said       LocalText `json:"said"`
	Did        LocalText `json:"did"`
	CommentIDs []string  `json:"comment_ids"`
}

func (o *OutcomeDraft) validate() error {
	p := Problems{}
	o.Summary = trimText(o.Summary)
	checkText(p, "summary", o.Summary, true, MaxBodyLen)
	if len(o.Decisions) == 0 {
		p.Add("decisions", "ErrDecisionRequired", nil)
	}
	for i := range o.Decisions {
		d := &o.Decisions[i]
		d.Asked, d.Said, d.Did = trimText(d.Asked), trimText(d.Said), trimText(d.Did)
		checkText(p, fieldName("decisions", i, "asked"), d.Asked, true, MaxSummaryLen*5)
		checkText(p, fieldName("decisions", i, "said"), d.Said, true, MaxSummaryLen*5)
		checkText(p, fieldName("decisions", i, "did"), d.Did, true, MaxSummaryLen*5)
	}
	return p.Err()
}

// Notification tells a participant that something happened to a
// consultation they took part in.
type Notification struct {
	ID             string     `json:"id"`
	UserID         string     `json:"-" db:"user_id"`
	ConsultationID *string    `json:"consultation_id,omitempty" db:"consultation_id"`
	Kind           string     `json:"kind"`
	CreatedAt      time.Time  `json:"created_at" db:"created_at"`
	ReadAt         *time.Time `json:"read_at,omitempty" db:"read_at"`
}

// NotificationOutcomePublished is sent to everyone who took part when the
// outcome of a consultation is published.
const NotificationOutcomePublished = "outcome_published"
