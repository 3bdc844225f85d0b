package server

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/consult-platform/consult/consultations"
)

// commentForm is what someone typed into one of the discussion's forms,
// shown again with its errors when it could not be posted.
type commentForm struct {
	ParentID, Kind, Stance, Title, Body string
	Inline                              map[string]string
	NotPosted                           string // why it could not be posted at all
}

// StanceChoices lists the stance radios' values, "" meaning none.
func (commentForm) StanceChoices() []string { return []string{"for", "against", "neutral", ""} }

// fieldIDs maps the store's field names to the ids of this form's inputs.
func (f commentForm) fieldIDs() map[string]string {
	switch {
	case f.ParentID != "":
		id := "reply-body-" + f.ParentID
		return map[string]string{"body": id, "parent_id": id, "stance": id, "title": id, "kind": id}
	case f.Kind == string(consultations.KindIdea):
		return map[string]string{"title": "idea-title", "body": "idea-body", "kind": "idea-title", "stance": "idea-title", "parent_id": "idea-title"}
	}
	return map[string]string{"stance": "comment-stance", "body": "comment-body", "kind": "comment-body", "title": "comment-body", "parent_id": "comment-body"}
}

// handleCommentPost posts a comment, a reply or an idea, then redirects to
// it (post/redirect/get), or shows the page again with the text kept.
func (s *Server) handleCommentPost(w http.ResponseWriter, r *http.Request) {
	c, err := s.visibleConsultation(r, r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u := user(r)
	if u == nil {
		http.Redirect(w, r, signInURL("/consultations/"+c.Slug+"#discussion-title"), http.StatusSeeOther)
		return
	}
	f := commentForm{ParentID: r.PostFormValue("parent_id"), Kind: r.PostFormValue("kind"), Stance: r.PostFormValue("stance"),
		Title: r.PostFormValue("title"), Body: strings.ReplaceAll(r.PostFormValue("body"), "\r\n", "\n")}
	key := consultations.IdemKey{Scope: "web comment " + u.ID, Key: r.PostFormValue("idem")}
	if len(key.Key) > 200 {
		key.Key = ""
	}
	cm, err := s.store.PostComment(r.Context(), u, c.ID, consultations.NewComment{
		ParentID: f.ParentID, Kind: consultations.CommentKind(f.Kind), Stance: consultations.Stance(f.Stance),
		Title: f.Title, Body: f.Body, Channel: string(channelFor(r.UserAgent())),
	}, key)
	if errors.Is(err, consultations.ErrIdempotentReplay) {
		// Sent twice (a double click, a reload): go to the first one, found
		// by its key in the comment row, or in idempotency_keys when stored
		// before migration 0014 and unable to keep it.
		id, ok, rerr := s.store.RetriedComment(r.Context(), u, c.ID, key.Key)
		if rerr == nil && !ok {
			var ref string
			ref, ok, rerr = s.store.IdempotentRef(r.Context(), key)
			id = strings.TrimPrefix(ref, "comment:")
		}
		if rerr == nil && ok {
			http.Redirect(w, r, "/consultations/"+c.Slug+"#comment-"+id, http.StatusSeeOther)
			return
		}
	}
	if err == nil {
		http.Redirect(w, r, "/consultations/"+c.Slug+"#comment-"+cm.ID, http.StatusSeeOther)
		return
	}
	code, status, msg, _ := classify(err)
	if code != consultations.EINVALID && code != consultations.ECLOSED {
		s.fail(w, r, err)
		return
	}
	v, verr := s.consultationView(r, c)
	if verr != nil {
		s.fail(w, r, verr)
		return
	}
	title, _ := c.Title.Pick(reqOf(r).loc.Tag, c.DefaultLocale)
	p := s.newPage(r, reqOf(r).loc.T("ErrorPrefix")+" "+title, v)
	if code == consultations.ECLOSED {
		f.NotPosted = reqOf(r).loc.T(msg.ID, msg.Data)
		p.Errors = []fieldError{{Field: "discussion-title", Message: f.NotPosted}}
	} else {
		var de *consultations.Error
		errors.As(err, &de)
		ids := f.fieldIDs()
		renamed := map[string]consultations.Message{}
		for field, m := range de.Fields {
			if id, ok := ids[field]; ok {
				field = id
			}
			if _, dup := renamed[field]; !dup {
				renamed[field] = m
			}
		}
		order := []string{ids["title"], ids["stance"], ids["body"]}
		p.Errors, f.Inline = s.formErrors(r, &consultations.Error{Code: de.Code, Message: de.Message, Fields: renamed}, order)
	}
	v.Form = f
	s.render(w, r, status, "consultation", p)
}

// contributionTarget finds a contribution and the slug of its consultation.
func (s *Server) contributionTarget(r *http.Request, id string) (*consultations.Comment, string, error) {
	cm, err := s.store.Comment(r.Context(), user(r), id)
	if err != nil {
		return nil, "", err
	}
	c, err := s.store.Consultation(r.Context(), cm.ConsultationID)
	if err != nil {
		return nil, "", err
	}
	return cm, c.Slug, nil
}

// handleIdeaSupport records or withdraws support: on=1 supports, on=0
// withdraws. The store counts each account once.
func (s *Server) handleIdeaSupport(w http.ResponseWriter, r *http.Request) {
	if user(r) == nil {
		http.Redirect(w, r, signInURL(r.PostFormValue("return")), http.StatusSeeOther)
		return
	}
	id := r.PathValue("id")
	_, slug, err := s.contributionTarget(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.store.Support(r.Context(), user(r), id, r.PostFormValue("on") == "1"); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/consultations/"+slug+"#comment-"+id, http.StatusSeeOther)
}

// confirmView is the confirmation step shown before deleting, for
// browsers without JavaScript (with it, a dialog asks instead).
type confirmView struct {
	Question string
	Detail   string
	Quote    string
	QuoteDir string
	Action   string
	Return   string
	Cancel   string
}

// handleCommentDelete deletes the viewer's own contribution. Without
// confirm=1 it first asks whether they are sure.
func (s *Server) handleCommentDelete(w http.ResponseWriter, r *http.Request) {
	if user(r) == nil {
		http.Redirect(w, r, signInURL("/me"), http.StatusSeeOther)
		return
	}
	id := r.PathValue("id")
	cm, slug, err := s.contributionTarget(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !cm.IsBy(user(r)) {
		s.fail(w, r, consultations.Errorf(consultations.EFORBIDDEN, "ErrNotYourComment"))
		return
	}
	back := safeReturn(r.PostFormValue("return"))
	if back == "/" {
		back = "/consultations/" + slug
	}
	if r.PostFormValue("confirm") != "1" {
		loc := reqOf(r).loc
		quote := cm.Title
		if quote == "" {
			quote = excerpt(cm.Body, 200)
		}
		s.render(w, r, http.StatusOK, "web-confirm", s.newPage(r, loc.T("DeleteCommentTitle"), confirmView{
			Question: loc.T("DeleteCommentTitle"), Detail: loc.T("DeleteCommentDetail"), Quote: quote,
			Action: "/comments/" + id + "/delete", Return: back, Cancel: back + "#comment-" + id,
		}))
		return
	}
	if err := s.store.DeleteComment(r.Context(), user(r), id); err != nil {
		s.fail(w, r, err)
		return
	}
	if strings.HasPrefix(back, "/consultations/") {
		back += "#comment-" + id
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// excerpt shortens text to about max characters, at a word boundary.
func excerpt(text string, max int) string {
	runes := []rune(strings.Join(strings.Fields(text), " "))
	if len(runes) <= max {
		return string(runes)
	}
	cut := string(runes[:max])
	if i := strings.LastIndex(cut, " "); i > max/2 {
		cut = cut[:i]
	}
	return cut + "…"
}

// handleCommentsRedirect sends a reload of the comment form's address
// (after an error page) back to the discussion.
func (s *Server) handleCommentsRedirect(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/consultations/"+url.PathEscape(r.PathValue("slug"))+"#discussion-title", http.StatusSeeOther)
}
