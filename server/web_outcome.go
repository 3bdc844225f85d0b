package server

import (
	"net/http"

	"github.com/consult-platform/consult/consultations"
)

// outcomeDecision is one "we asked, you said, we did" row with excerpts of
// the contributions it answers.
type outcomeDecision struct {
	Asked, Said, Did localized
	Linked           []linkedComment
}

type linkedComment struct {
	ID, Author, Excerpt, Locale string
}

// handleOutcomePage shows a published outcome.
func (s *Server) handleOutcomePage(w http.ResponseWriter, r *http.Request) {
	c, err := s.visibleConsultation(r, r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if c.EffectiveStatus(s.store.Now()) != consultations.StatusOutcomePublished {
		s.fail(w, r, errNotFound)
		return
	}
	ctx := r.Context()
	decisions, err := s.store.Decisions(ctx, c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var ids []string
	for _, d := range decisions {
		ids = append(ids, d.CommentIDs...)
	}
	comments, err := s.store.CommentsByID(ctx, ids)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := reqOf(r).loc.Tag
	pick := func(t consultations.LocalText) localized { return pickLocal(t, lang, c.DefaultLocale) }
	var rows []outcomeDecision
	for _, d := range decisions {
		row := outcomeDecision{Asked: pick(d.Asked), Said: pick(d.Said), Did: pick(d.Did)}
		for _, id := range d.CommentIDs {
			if cm, ok := comments[id]; ok {
				text := cm.Title
				if text == "" {
					text = cm.Body
				}
				row.Linked = append(row.Linked, linkedComment{ID: cm.ID, Author: cm.AuthorName, Excerpt: excerpt(text, 160), Locale: cm.Locale})
			}
		}
		rows = append(rows, row)
	}
	title := pick(c.Title)
	s.render(w, r, http.StatusOK, "web-outcome", s.newPage(r, reqOf(r).loc.T("OutcomeTitle")+": "+title.Text, struct {
		C         *consultations.Consultation
		Title     localized
		Summary   localized
		Decisions []outcomeDecision
		San       *consultations.Sanitizer
	}{c, title, pick(c.OutcomeSummary), rows, s.store.Sanitizer()}))
}
