package live

import (
	"encoding/binary"
	"encoding/json"

	"github.com/gorilla/websocket"
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

// eventFrame encodes e as one complete, unmasked websocket text frame
// (RFC 6455 section 5.2), as a server sends it: the same bytes serve every
// subscriber, and several can go out in one write.
func eventFrame(e *Event) ([]byte, error) {
	body, err := json.Marshal(e)
	if err != nil {
		return nil, err
	}
	return serverFrame(websocket.TextMessage, body), nil
}

// controlFrame is a ping, pong or close frame as the server sends it.
func controlFrame(messageType int, payload []byte) []byte {
	return serverFrame(messageType, payload)
}

var pingFrame = controlFrame(websocket.PingMessage, nil)

// serverFrame encodes one final, unmasked frame of the given opcode.
func serverFrame(opcode int, body []byte) []byte {
	n := len(body)
	frame := make([]byte, 0, n+10)
	frame = append(frame, 0x80|byte(opcode)) // FIN
	switch {
	case n < 126:
		frame = append(frame, byte(n))
	case n <= 0xFFFF:
		frame = append(frame, 126, byte(n>>8), byte(n))
	default:
		frame = append(frame, 127)
		frame = binary.BigEndian.AppendUint64(frame, uint64(n))
	}
	return append(frame, body...)
}

// resyncEvent tells a client that the history it asked for is gone and it
// must reload.
func resyncEvent(consultationID string, seq int64) *Event {
	return &Event{Seq: seq, Type: "resync", ConsultationID: consultationID}
}
