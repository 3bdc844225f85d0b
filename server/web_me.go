package server

import (
	"net/http"

	"github.com/consult-platform/consult/consultations"
)

// myResponse is one of the viewer's responses, with its consultation.
type myResponse struct {
	consultations.Response
	Slug  string
	Title localized
	Open  bool
	Zone  string // the organisation's time zone, for dates
}

// myContribution is one of the viewer's comments or ideas.
type myContribution struct {
	consultations.Comment
	Slug    string
	Title   localized
	Excerpt string
	Zone    string
}

// myNotification is a notification made readable.
type myNotification struct {
	consultations.Notification
	Slug  string
	Title localized
	Zone  string
}

// handleMe lists the viewer's responses, comments, ideas and
// notifications. Viewing it marks the notifications read.
func (s *Server) handleMe(w http.ResponseWriter, r *http.Request) {
	u := user(r)
	if u == nil {
		s.fail(w, r, errSignInRequired)
		return
	}
	ctx := r.Context()
	lang := reqOf(r).loc.Tag
	cache := map[string]*consultations.Consultation{}
	find := func(id string) *consultations.Consultation {
		if c, ok := cache[id]; ok {
			return c
		}
		c, err := s.store.Consultation(ctx, id)
		if err != nil {
			c = nil
		}
		cache[id] = c
		return c
	}
	var data struct {
		Name          string
		Responses     []myResponse
		Contributions []myContribution
		Notifications []myNotification
	}
	data.Name = isolate(u.DisplayName)
	responses, err := s.store.ResponsesByUser(ctx, u.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, resp := range responses {
		if c := find(resp.ConsultationID); c != nil {
			data.Responses = append(data.Responses, myResponse{resp, c.Slug, pickLocal(c.Title, lang, c.DefaultLocale), c.AcceptsInput(s.store.Now()), c.Organisation.TimeZone})
		}
	}
	comments, err := s.store.CommentsByUser(ctx, u.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, cm := range comments {
		if c := find(cm.ConsultationID); c != nil {
			data.Contributions = append(data.Contributions, myContribution{cm, c.Slug, pickLocal(c.Title, lang, c.DefaultLocale), excerpt(cm.Body, 140), c.Organisation.TimeZone})
		}
	}
	notes, err := s.store.Notifications(ctx, u.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, n := range notes {
		mn := myNotification{Notification: n}
		if n.ConsultationID != nil {
			if c := find(*n.ConsultationID); c != nil {
				mn.Slug, mn.Title, mn.Zone = c.Slug, pickLocal(c.Title, lang, c.DefaultLocale), c.Organisation.TimeZone
				mn.Title.Text = isolate(mn.Title.Text)
			}
		}
		data.Notifications = append(data.Notifications, mn)
	}
	p := s.newPage(r, reqOf(r).loc.T("MeTitle"), data)
	if p.Unread > 0 {
		if err := s.store.MarkNotificationsRead(ctx, u.ID); err != nil {
			s.fail(w, r, err)
			return
		}
		p.Unread = 0 // the list below shows which are new
	}
	s.render(w, r, http.StatusOK, "web-me", p)
}

// handleMyResponseDelete deletes one of the viewer's responses, after a
// confirmation step when the browser has no JavaScript.
func (s *Server) handleMyResponseDelete(w http.ResponseWriter, r *http.Request) {
	u := user(r)
	if u == nil {
		http.Redirect(w, r, signInURL("/me"), http.StatusSeeOther)
		return
	}
	id := r.PathValue("id")
	if r.PostFormValue("confirm") != "1" {
		resp, err := s.store.Response(r.Context(), u, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if resp.UserID == nil || *resp.UserID != u.ID {
			s.fail(w, r, consultations.Errorf(consultations.ENOTFOUND, "ErrResponseNotFound"))
			return
		}
		loc := reqOf(r).loc
		s.render(w, r, http.StatusOK, "web-confirm", s.newPage(r, loc.T("DeleteResponseTitle"), confirmView{
			Question: loc.T("DeleteResponseTitle"), Detail: loc.T("DeleteResponseDetail", map[string]any{"Reference": resp.Reference}),
			Action: "/me/responses/" + id + "/delete", Return: "/me", Cancel: "/me#responses",
		}))
		return
	}
	if err := s.store.DeleteResponse(r.Context(), u, id); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/me#responses", http.StatusSeeOther)
}

// isolate wraps user or staff text that goes inside a translated sentence
// in Unicode directional isolates, the plain-text form of <bdi>, so that a
// right-to-left name does not reorder the sentence around it.
func isolate(s string) string { return "\u2068" + s + "\u2069" }
