package server

import (
	"net/http"
	"time"

	"github.com/consult-platform/consult/consultations"
)

// me is the caller's own account, which alone shows its email address.
type me struct {
	ID          string             `json:"id"`
	Email       string             `json:"email"`
	DisplayName string             `json:"display_name"`
	Role        consultations.Role `json:"role"`
	OrgID       *string            `json:"org_id,omitempty"`
	Locale      string             `json:"locale"`
	CreatedAt   time.Time          `json:"created_at"`
}

func (s *Server) handleAPIMe(w http.ResponseWriter, r *http.Request) {
	u := user(r)
	if u == nil {
		s.fail(w, r, errSignInRequired)
		return
	}
	s.writeJSON(w, http.StatusOK, me{u.ID, u.Email, u.DisplayName, u.Role, u.OrgID, u.Locale, u.CreatedAt})
}

type contributions struct {
	Responses []receipt               `json:"responses"`
	Comments  []consultations.Comment `json:"comments"`
}

// handleAPIMyContributions lists the caller's responses (those given under
// their account, not anonymously) and their comments and ideas, newest
// first, so they can find and delete them.
func (s *Server) handleAPIMyContributions(w http.ResponseWriter, r *http.Request) {
	u := user(r)
	if u == nil {
		s.fail(w, r, errSignInRequired)
		return
	}
	resps, err := s.store.ResponsesByUser(r.Context(), u.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	comments, err := s.store.CommentsByUser(r.Context(), u.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := contributions{Responses: make([]receipt, len(resps)), Comments: comments}
	for i := range resps {
		out.Responses[i] = responseReceipt(&resps[i])
	}
	if out.Comments == nil {
		out.Comments = []consultations.Comment{}
	}
	s.writeJSON(w, http.StatusOK, out)
}

type notificationList struct {
	Items      []consultations.Notification `json:"items"`
	NextCursor string                       `json:"next_cursor"`
	Unread     int                          `json:"unread"`
}

func (s *Server) handleAPINotifications(w http.ResponseWriter, r *http.Request) {
	u := user(r)
	if u == nil {
		s.fail(w, r, errSignInRequired)
		return
	}
	items, err := s.store.Notifications(r.Context(), u.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	unread, err := s.store.UnreadNotifications(r.Context(), u.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if items == nil {
		items = []consultations.Notification{}
	}
	s.writeJSON(w, http.StatusOK, notificationList{Items: items, Unread: unread})
}

// handleAPINotificationsRead marks all the caller's notifications read.
func (s *Server) handleAPINotificationsRead(w http.ResponseWriter, r *http.Request) {
	u := user(r)
	if u == nil {
		s.fail(w, r, errSignInRequired)
		return
	}
	if err := s.store.MarkNotificationsRead(r.Context(), u.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
