package live

import (
	"encoding/json"
)

// Event is one message to a consultation's watchers, in the wire format of
// API.md ("Live events"). Audience limits who receives it.
type Event struct {
	Seq            int64           `json:"seq"`
	Type           string          `json:"type"`
	ConsultationID string          `json:"consultation_id"`
	Data           json.RawMessage `json:"data,omitempty"`

	// Audience: empty means everyone; else only this user (the author of
	// a held comment) and moderators.
	Audience string `json:"-"`
}

// Viewer is who a subscriber is, for audience checks.
type Viewer struct {
	UserID    string
	Moderator bool
}

// May reports whether v may receive e.
func (v Viewer) May(e *Event) bool {
	return e.Audience == "" || v.Moderator || (v.UserID != "" && v.UserID == e.Audience)
}

// resyncEvent tells a client that the history it asked for is gone and it
// must reload.
func resyncEvent(consultationID string, seq int64) *Event {
	return &Event{Seq: seq, Type: "resync", ConsultationID: consultationID}
}
