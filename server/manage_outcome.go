package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/consult-platform/consult/consultations"
)

// recentLinkable is how many recent contributions the outcome form lists
// to tick; older ones are linked by typing their ids.
const recentLinkable = 200

// manageOutcomeView is the outcome form.
type manageOutcomeView struct {
	C             *consultations.Consultation
	Form          *outcomeForm
	Langs         []langInfo
	Addable       []langInfo
	Contributions []contributionItem
	Total         int // published contributions in all
	Inline        map[string]string
	TimeZone      string
}

// contributionItem is a published comment or idea as the list shows it.
type contributionItem struct {
	ID        string
	Author    string
	Title     string
	Excerpt   string
	Idea      bool
	CreatedAt time.Time
}

func (s *Server) outcomeAllowed(w http.ResponseWriter, r *http.Request, c *consultations.Consultation) bool {
	st := c.EffectiveStatus(s.store.Now())
	if st != consultations.StatusClosed && st != consultations.StatusOutcomePublished {
		s.fail(w, r, consultations.Errorf(consultations.ECONFLICT, "ErrOutcomeBeforeClose"))
		return false
	}
	return true
}

func (s *Server) handleManageOutcome(w http.ResponseWriter, r *http.Request) {
	c, ok := s.managedConsultation(w, r)
	if !ok || !s.outcomeAllowed(w, r, c) {
		return
	}
	items, err := s.linkableContributions(r, c)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	decisions, err := s.store.Decisions(r.Context(), c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	listed := map[string]bool{}
	for _, it := range items {
		listed[it.ID] = true
	}
	s.renderOutcomeForm(w, r, http.StatusOK, c, outcomeFormFrom(c, decisions, listed), items, nil)
}

func (s *Server) handleManageOutcomePublish(w http.ResponseWriter, r *http.Request) {
	c, ok := s.managedConsultation(w, r)
	if !ok || !s.outcomeAllowed(w, r, c) {
		return
	}
	r.ParseForm()
	f := decodeOutcomeForm(r.PostForm, c.DefaultLocale)
	var err error
	if !f.apply(r.PostFormValue("action"), r.PostFormValue("add_lang")) {
		_, err = s.store.PublishOutcome(r.Context(), user(r), c.ID, f.outcome())
		if err == nil {
			http.Redirect(w, r, "/manage/consultations/"+c.ID+"?done=published", http.StatusSeeOther)
			return
		}
		if !manageFormError(err) {
			s.fail(w, r, err)
			return
		}
	}
	items, lerr := s.linkableContributions(r, c)
	if lerr != nil {
		s.fail(w, r, lerr)
		return
	}
	status := http.StatusOK
	if err != nil {
		_, status, _, _ = classify(err)
	}
	s.renderOutcomeForm(w, r, status, c, f, items, err)
}

func (s *Server) linkableContributions(r *http.Request, c *consultations.Consultation) ([]contributionItem, error) {
	rows, err := s.store.RecentContributions(r.Context(), c.ID, recentLinkable)
	if err != nil {
		return nil, err
	}
	items := make([]contributionItem, len(rows))
	for i, cm := range rows {
		items[i] = contributionItem{
			ID: cm.ID, Author: cm.AuthorName, Title: cm.Title, Excerpt: excerpt(cm.Body, 160),
			Idea: cm.Kind == consultations.KindIdea, CreatedAt: cm.CreatedAt,
		}
	}
	return items, nil
}

func (s *Server) renderOutcomeForm(w http.ResponseWriter, r *http.Request, status int, c *consultations.Consultation, f *outcomeForm, items []contributionItem, err error) {
	loc := reqOf(r).loc
	v := &manageOutcomeView{
		C: c, Form: f, Contributions: items, Total: c.CommentCount, Inline: map[string]string{},
		Langs: s.langInfos(f.Langs, f.Main), Addable: s.langChoices(nil, f.Langs),
		TimeZone: orgLocation(c.Organisation).String(),
	}
	title := loc.T("ManageOutcomeTitle")
	p := s.newPage(r, title, v)
	if err != nil {
		extra := map[string]string{}
		for i := range f.Decisions {
			extra["decisions."+strconv.Itoa(i)+".comment_ids"] = "decisions." + strconv.Itoa(i) + ".ids"
		}
		var summary []fieldError
		summary, v.Inline = s.formErrors(r, err, f.fieldOrder())
		p.Errors = anchorErrors(loc, summary, v.Inline, f.Main, extra)
		p.Title = loc.T("ManageErrorPrefix") + " " + title
	}
	s.render(w, r, status, "manage-outcome", p)
}
