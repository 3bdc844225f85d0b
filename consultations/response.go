package consultations

import "time"

// Channel is how a response reached us, for participation analytics.
type Channel string

const (
	ChannelWebDesktop Channel = "web-desktop"
	ChannelWebMobile  Channel = "web-mobile"
	ChannelAPI        Channel = "api"
	ChannelAssisted   Channel = "assisted" // staff entering a paper or phone response
)

// Response is one person's answers to a consultation's questions.
type Response struct {
	ID             string    `json:"id"`
	ConsultationID string    `json:"consultation_id" db:"consultation_id"`
	Reference      string    `json:"reference"`
	UserID         *string   `json:"-" db:"user_id"`
	Anonymous      bool      `json:"anonymous"`
	Channel        Channel   `json:"channel"`
	Locale         string    `json:"locale"`
	EnteredBy      *string   `json:"-" db:"entered_by"`
	CreatedAt      time.Time `json:"created_at" db:"created_at"`
	Answers        []Answer  `json:"answers,omitempty" db:"-"`
	Profile
}

// NewResponse is a response as submitted.
type NewResponse struct {
	Answers   []Answer `json:"answers"`
	Anonymous bool     `json:"anonymous"`
	Locale    string   `json:"locale"`
	Channel   Channel  `json:"-"`
	Profile
}

// Validate checks every answer against c's questions and returns field
// problems keyed by question id, so a form can show each beside its field.
func (n *NewResponse) Validate(c *Consultation) error {
	p := Problems{}
	byID := map[string]Answer{}
	for _, a := range n.Answers {
		if _, dup := byID[a.QuestionID]; dup {
			p.Add(a.QuestionID, "ErrDuplicateAnswer", nil)
			continue
		}
		byID[a.QuestionID] = a
	}
	known := map[string]bool{}
	for i := range c.Questions {
		q := &c.Questions[i]
		known[q.ID] = true
		q.check(p, byID[q.ID])
	}
	for id := range byID {
		if !known[id] {
			p.Add(id, "ErrUnknownQuestion", nil)
		}
	}
	n.Profile.check(p)
	if n.Anonymous && !c.AllowAnonymous {
		p.Add("anonymous", "ErrAnonymousNotAllowed", nil)
	}
	return p.Err()
}
