package server

import (
	"bytes"
	"net/http"
	"time"

	"github.com/consult-platform/consult/consultations"
)

// consultationView is what the consultation page and its discussion need.
type consultationView struct {
	C          *consultations.Consultation
	Status     consultations.Status
	Open       bool
	NotYetOpen bool
	San        *consultations.Sanitizer
	Threads    []consultations.Thread
	NextCursor string
	Supported  map[string]bool
	Mine       map[string]bool // ids of the viewer's own contributions
	Form       commentForm     // what the viewer typed, after an error
	Idem       string          // one key for whichever form on the page is sent
	SignInURL  string

	CommentLimit     int
	CommentLimitText string // the limit formatted for the reader's language

	LiveSeq int64 // the page shows the consultation as of this live event
}

// visibleConsultation finds a consultation by slug that the viewer may see.
func (s *Server) visibleConsultation(r *http.Request, slug string) (*consultations.Consultation, error) {
	c, err := s.store.ConsultationBySlug(r.Context(), slug)
	if err != nil {
		return nil, err
	}
	if !c.Visible(user(r), s.store.Now()) {
		return nil, consultations.Errorf(consultations.ENOTFOUND, "ErrConsultationNotFound")
	}
	s.useOrganisationLanguage(r, c.Organisation.DefaultLocale)
	return c, nil
}

func (s *Server) consultationView(r *http.Request, c *consultations.Consultation) (*consultationView, error) {
	// Counts and status as of a known event, read before the threads, so
	// that live updates from there on miss nothing (repeats are ignored).
	live, err := s.store.LiveState(r.Context(), c.ID)
	if err != nil {
		return nil, err
	}
	live.Apply(c)
	now := s.store.Now()
	v := &consultationView{C: c, Status: c.EffectiveStatus(now), Open: c.AcceptsInput(now), NotYetOpen: now.Before(c.OpensAt),
		San: s.store.Sanitizer(), SignInURL: signInURL("/consultations/" + c.Slug + "#discussion-title"),
		CommentLimit: consultations.MaxCommentLen, CommentLimitText: formatCount(reqOf(r).loc.Tag, consultations.MaxCommentLen),
		LiveSeq: live.Seq}
	if v.Threads, v.NextCursor, err = s.threadPage(r, c.ID, live.Seq); err != nil {
		return nil, err
	}
	u := user(r)
	if u == nil {
		return v, nil
	}
	if c.Kind == consultations.KindCodesign {
		if v.Supported, err = s.store.SupportedBy(r.Context(), u.ID, c.ID); err != nil {
			return nil, err
		}
	}
	v.Mine = map[string]bool{}
	for i := range v.Threads {
		t := &v.Threads[i]
		if t.IsBy(u) {
			v.Mine[t.ID] = true
		}
		for j := range t.Replies {
			if t.Replies[j].IsBy(u) {
				v.Mine[t.Replies[j].ID] = true
			}
		}
	}
	if v.Open {
		v.Idem = randomToken()
	}
	return v, nil
}

func (s *Server) handleConsultationPage(w http.ResponseWriter, r *http.Request) {
	// Readers who are not signed in all see the same page: serve it from
	// the page cache when nothing has changed since it was rendered.
	public := user(r) == nil
	lang := reqOf(r).loc.Tag
	key := r.URL.RequestURI() + "|" + lang
	if public {
		if p := s.pageCache.get(key, time.Now()); p != nil {
			p.send(w, r)
			return
		}
	}
	c, err := s.visibleConsultation(r, r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	version, epoch := s.pageCache.version(c.ID)
	v, err := s.consultationView(r, c)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	title, _ := c.Title.Pick(lang, c.DefaultLocale)
	p := s.newPage(r, title, v)
	buf, err := s.renderPage("consultation", p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer bufPool.Put(buf)
	if public {
		s.pageCache.put(key, &cachedPage{
			body: bytes.Clone(buf.Bytes()), lang: lang, consultationID: c.ID, version: version, epoch: epoch, created: time.Now(),
		})
	}
	s.sendHTML(w, r, http.StatusOK, lang, buf.Bytes())
}

// threadPage reads the page of the discussion the request asks for, from
// the thread cache when the discussion has not changed since (live event
// seq) and the viewer sees what everyone sees.
func (s *Server) threadPage(r *http.Request, consultationID string, seq int64) ([]consultations.Thread, string, error) {
	cursor := r.URL.Query().Get("after")
	own, err := s.store.HasPending(r.Context(), user(r), consultationID)
	if err != nil {
		return nil, "", err
	}
	if own {
		return s.store.ThreadPage(r.Context(), user(r), consultationID, cursor, 50)
	}
	key := consultationID + "|" + cursor
	if threads, next, ok := s.threads.get(key, seq); ok {
		return threads, next, nil
	}
	threads, next, err := s.store.ThreadPage(r.Context(), nil, consultationID, cursor, 50)
	if err == nil {
		s.threads.put(key, seq, threads, next)
	}
	return threads, next, err
}
