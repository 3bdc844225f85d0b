package server

import (
	"context"
	"net/http"
	"strings"

	"github.com/consult-platform/consult/consultations"
	"github.com/consult-platform/consult/i18n"
)

// request is what middleware learns about a request, for handlers.
type request struct {
	user       *consultations.User
	session    string // the session cookie's secret, if signed in by cookie
	bearer     bool   // signed in with an API token
	loc        *i18n.Localizer
	langChoice string // the reader's explicit language choice, if any
	nonce      string // CSP nonce for this response's inline elements
	csrfToken  string
	api        bool
	ip         string // the client's address (see Server.clientIP)
}

type ctxKey struct{}

func reqOf(r *http.Request) *request {
	if rq, ok := r.Context().Value(ctxKey{}).(*request); ok {
		return rq
	}
	return &request{}
}

func withRequest(ctx context.Context, rq *request) context.Context {
	return context.WithValue(ctx, ctxKey{}, rq)
}

// user returns the signed-in user, or nil.
func user(r *http.Request) *consultations.User { return reqOf(r).user }

// isAPI reports whether the path is under the JSON API.
func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }
