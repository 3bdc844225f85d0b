package consultations

import (
	"errors"
	"fmt"
)

// Error codes, shared with the JSON API's error format.
const (
	EINVALID         = "invalid"
	EUNAUTHENTICATED = "unauthenticated"
	EFORBIDDEN       = "forbidden"
	ENOTFOUND        = "not_found"
	ECONFLICT        = "conflict"
	ECLOSED          = "closed"
	EINTERNAL        = "internal"
)

// Message is a user-facing message: an i18n message id and its template
// data. The server translates it into the reader's language.
type Message struct {
	ID   string
	Data map[string]any
}

// Error is a domain error a user can act on. Fields maps an input's name
// to what is wrong with it.
type Error struct {
	Code    string
	Message Message
	Fields  map[string]Message
}

func (e *Error) Error() string {
	if len(e.Fields) > 0 {
		return fmt.Sprintf("%s: %s %v", e.Code, e.Message.ID, e.Fields)
	}
	return e.Code + ": " + e.Message.ID
}

// ErrorCode returns the error's code; the server maps codes to statuses.
func (e *Error) ErrorCode() string { return e.Code }

// Errorf returns an Error with code and a message id.
func Errorf(code, messageID string) *Error {
	return &Error{Code: code, Message: Message{ID: messageID}}
}

// ErrorCode returns err's code, or EINTERNAL for errors that carry none.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// Problems collects field errors while validating input.
type Problems map[string]Message

// Add records a problem with field, keeping the first one found.
func (p Problems) Add(field, messageID string, data map[string]any) {
	if _, ok := p[field]; !ok {
		p[field] = Message{ID: messageID, Data: data}
	}
}

// Err returns nil when there are no problems, else an EINVALID Error.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: Message{ID: "ErrInvalidInput"}, Fields: map[string]Message(p)}
}
