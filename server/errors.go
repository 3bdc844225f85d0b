package server

import (
	"errors"
	"net/http"

	"github.com/consult-platform/consult/consultations"
	"github.com/consult-platform/consult/moderation"
)

// Errors the HTTP layer itself raises.
var (
	errForbiddenCrossOrigin = consultations.Errorf(consultations.EFORBIDDEN, "ErrCrossOrigin")
	errCSRF                 = consultations.Errorf(consultations.EFORBIDDEN, "ErrCSRF")
	errBadToken             = consultations.Errorf(consultations.EUNAUTHENTICATED, "ErrTokenInvalid")
	errBodyTooLarge         = &httpError{status: http.StatusRequestEntityTooLarge, code: consultations.EINVALID, messageID: "ErrBodyTooLarge"}
	errRateLimited          = consultations.Errorf("rate_limited", "ErrRateLimited")
	errNotFound             = consultations.Errorf(consultations.ENOTFOUND, "ErrPageNotFound")
	errSignInRequired       = consultations.Errorf(consultations.EUNAUTHENTICATED, "ErrSignInRequired")
)

// httpError is an error whose status is not the usual one for its code.
type httpError struct {
	status    int
	code      string
	messageID string
}

func (e *httpError) Error() string     { return e.code + ": " + e.messageID }
func (e *httpError) ErrorCode() string { return e.code }

// codeStatus maps error codes to HTTP statuses: the one place this is done.
var codeStatus = map[string]int{
	consultations.EINVALID:         http.StatusBadRequest,
	consultations.EUNAUTHENTICATED: http.StatusUnauthorized,
	consultations.EFORBIDDEN:       http.StatusForbidden,
	consultations.ENOTFOUND:        http.StatusNotFound,
	consultations.ECONFLICT:        http.StatusConflict,
	consultations.ECLOSED:          http.StatusConflict,
	"rate_limited":                 http.StatusTooManyRequests,
	consultations.EINTERNAL:        http.StatusInternalServerError,
}

// coded is any domain error that carries a code; moderation's errors will
// satisfy it too without either package importing the other.
type coded interface{ ErrorCode() string }

// classify returns err's code, HTTP status, message and field messages.
func classify(err error) (code string, status int, msg consultations.Message, fields map[string]consultations.Message) {
	var he *httpError
	if errors.As(err, &he) {
		return he.code, he.status, consultations.Message{ID: he.messageID}, nil
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return consultations.EINVALID, http.StatusRequestEntityTooLarge, consultations.Message{ID: "ErrBodyTooLarge"}, nil
	}
	var de *consultations.Error
	if errors.As(err, &de) {
		status, ok := codeStatus[de.Code]
		if !ok {
			status = http.StatusInternalServerError
		}
		return de.Code, status, de.Message, de.Fields
	}
	var me *moderation.Error
	if errors.As(err, &me) {
		status, ok := codeStatus[me.Code]
		if !ok {
			status = http.StatusInternalServerError
		}
		if len(me.Fields) > 0 {
			fields = make(map[string]consultations.Message, len(me.Fields))
			for f, id := range me.Fields {
				fields[f] = consultations.Message{ID: id, Data: me.Data}
			}
		}
		return me.Code, status, consultations.Message{ID: me.MessageID, Data: me.Data}, fields
	}
	var c coded
	if errors.As(err, &c) {
		if status, ok := codeStatus[c.ErrorCode()]; ok {
			return c.ErrorCode(), status, consultations.Message{ID: "Err_" + c.ErrorCode()}, nil
		}
	}
	return consultations.EINTERNAL, http.StatusInternalServerError, consultations.Message{ID: "ErrInternal"}, nil
}

// fail answers with err: JSON under /api, an HTML error page elsewhere.
// Internal errors are logged and never shown in detail.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code, status, msg, fields := classify(err)
	if status >= 500 {
		s.metrics.internalErrors.Inc()
		s.log.Error("internal error", "error", err, "method", r.Method, "path", r.URL.Path)
	}
	rq := reqOf(r)
	if rq.loc == nil {
		rq.loc = s.i18n.Localizer("en")
	}
	if rq.api || isAPI(r) {
		body := apiError{Code: code, Message: rq.loc.T(msg.ID, msg.Data)}
		if len(fields) > 0 {
			body.Fields = map[string]string{}
			for f, m := range fields {
				body.Fields[f] = rq.loc.T(m.ID, m.Data)
			}
		}
		if status == http.StatusUnauthorized {
			w.Header().Set("WWW-Authenticate", `Bearer realm="consult"`)
		}
		s.writeJSON(w, status, map[string]apiError{"error": body})
		return
	}
	if status == http.StatusUnauthorized && r.Method == http.MethodGet {
		http.Redirect(w, r, "/sign-in?return="+safeReturn(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	s.renderError(w, r, status, rq.loc.T(msg.ID, msg.Data))
}

type apiError struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}
