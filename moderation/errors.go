package moderation

import (
	"errors"
	"fmt"
)

// Error codes, the same strings as the JSON API's error codes.
const (
	EINVALID         = "invalid"
	EUNAUTHENTICATED = "unauthenticated"
	EFORBIDDEN       = "forbidden"
	ENOTFOUND        = "not_found"
	ECONFLICT        = "conflict"
	ERATELIMITED     = "rate_limited"
)

// Error is a moderation error a user can act on. MessageID is an i18n
// message id with Data for its template; Fields maps an input's name to a
// message id about it.
type Error struct {
	Code      string
	MessageID string
	Data      map[string]any
	Fields    map[string]string
}

func (e *Error) Error() string {
	if len(e.Fields) > 0 {
		return fmt.Sprintf("%s: %s %v", e.Code, e.MessageID, e.Fields)
	}
	return e.Code + ": " + e.MessageID
}

// ErrorCode returns the error's code; the server maps codes to statuses.
func (e *Error) ErrorCode() string { return e.Code }

func errorf(code, messageID string) *Error { return &Error{Code: code, MessageID: messageID} }

// problems collects field errors while validating input.
type problems map[string]string

func (p problems) add(field, messageID string) {
	if _, ok := p[field]; !ok {
		p[field] = messageID
	}
}

func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, MessageID: "ErrInvalidInput", Fields: p}
}

// ErrorCode returns err's code when it is a moderation *Error, else "".
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}
