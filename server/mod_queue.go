package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/consult-platform/consult/consultations"
	"github.com/consult-platform/consult/moderation"
)

// modQueueView is the review queue page: items grouped so that a
// near-duplicate campaign shows once, with its size and a representative
// text, and the forms' state after an error.
type modQueueView struct {
	Groups     []modGroup
	Total      int
	NextCursor string
	Filter     moderation.QueueFilter
	FilterPath string // the page with the filters, for forms to return to
	Reasons    []string
	Categories []string
	Actions    []string
	Done       int
	Failed     modDecisionForm
	Me         string
}

// modGroup is one item, or the items of one campaign on this page.
type modGroup struct {
	Campaign *moderation.CampaignRef
	Items    []moderation.Item
}

// modDecisionForm is what a moderator typed into a decision form.
type modDecisionForm struct {
	ItemID, Action, Category, Explanation, Remove string
	Inline                                        map[string]string
}

func (s *Server) handleModQueue(w http.ResponseWriter, r *http.Request) {
	s.renderModQueue(w, r, http.StatusOK, modDecisionForm{}, nil)
}

func (s *Server) renderModQueue(w http.ResponseWriter, r *http.Request, status int, failed modDecisionForm, formErr error) {
	u := user(r)
	if u == nil {
		http.Redirect(w, r, signInURL("/moderation"), http.StatusSeeOther)
		return
	}
	f, err := queueFilter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items, next, total, err := s.mod.Queue(r.Context(), actorOf(u), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := &modQueueView{Total: total, NextCursor: next, Filter: f, Reasons: append(append([]string{}, moderation.QueueReasons...), moderation.ReportReasons...),
		Categories: moderation.Categories, Actions: moderation.Actions, Failed: failed, Me: u.ID}
	v.Done, _ = strconv.Atoi(r.URL.Query().Get("done"))
	q := url.Values{}
	for k, val := range map[string]string{"consultation": f.ConsultationID, "reason": f.Reason, "language": f.Locale, "campaign": f.CampaignID} {
		if val != "" {
			q.Set(k, val)
		}
	}
	v.FilterPath = "/moderation"
	if len(q) > 0 {
		v.FilterPath += "?" + q.Encode()
	}
	at := map[string]int{}
	for _, it := range items {
		if it.Campaign != nil {
			if i, ok := at[it.Campaign.ID]; ok {
				v.Groups[i].Items = append(v.Groups[i].Items, it)
				continue
			}
			at[it.Campaign.ID] = len(v.Groups)
		}
		v.Groups = append(v.Groups, modGroup{Campaign: it.Campaign, Items: []moderation.Item{it}})
	}
	p := s.newPage(r, reqOf(r).loc.T("ModQueueTitle"), v)
	if formErr != nil {
		field := "decision-" + failed.ItemID
		p.Errors, v.Failed.Inline = s.formErrors(r, renameFields(formErr, map[string]string{
			"action": field + "-action", "category": field + "-category", "explanation": field + "-explanation", "remove": field + "-remove", "items": "bulk-action",
		}), []string{field + "-action", field + "-category", field + "-explanation", field + "-remove"})
		p.Title = reqOf(r).loc.T("ErrorPrefix") + " " + p.Title
	}
	s.render(w, r, status, "mod-queue", p)
}

// decisionFromForm reads a decision form.
func decisionFromForm(r *http.Request) (moderation.DecisionInput, modDecisionForm) {
	f := modDecisionForm{Action: r.PostFormValue("action"), Category: r.PostFormValue("category"),
		Explanation: strings.ReplaceAll(r.PostFormValue("explanation"), "\r\n", "\n"), Remove: strings.ReplaceAll(r.PostFormValue("remove"), "\r\n", "\n")}
	in := moderation.DecisionInput{Action: f.Action, Category: f.Category, Explanation: f.Explanation}
	if f.Remove != "" {
		in.Remove = strings.Split(f.Remove, "\n")
	}
	return in, f
}

// modReturn is where a queue form goes back to: the filtered queue.
func modReturn(r *http.Request) string {
	ret := safeReturn(r.PostFormValue("return"))
	if !strings.HasPrefix(ret, "/moderation") {
		ret = "/moderation"
	}
	return ret
}

func (s *Server) handleModClaim(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := s.mod.Claim(r.Context(), actorOf(user(r)), id); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, modReturn(r)+"#item-"+id, http.StatusSeeOther)
}

func (s *Server) handleModDecision(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	in, f := decisionFromForm(r)
	f.ItemID = id
	if _, err := s.mod.Decide(r.Context(), actorOf(user(r)), id, in); err != nil {
		if code, _, _, _ := classify(err); code != consultations.EINVALID {
			s.fail(w, r, err)
			return
		}
		r.URL.RawQuery = strings.TrimPrefix(strings.TrimPrefix(modReturn(r), "/moderation"), "?")
		s.renderModQueue(w, r, http.StatusBadRequest, f, err)
		return
	}
	http.Redirect(w, r, addQuery(modReturn(r), "done=1"), http.StatusSeeOther)
}

func (s *Server) handleModBulk(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, err)
		return
	}
	in, f := decisionFromForm(r)
	f.ItemID = "bulk"
	results, err := s.bulkDecide(r, bulkRequest{Items: r.PostForm["items"], CampaignID: r.PostFormValue("campaign_id"), DecisionInput: in})
	if err != nil {
		if code, _, _, _ := classify(err); code != consultations.EINVALID {
			s.fail(w, r, err)
			return
		}
		r.URL.RawQuery = strings.TrimPrefix(strings.TrimPrefix(modReturn(r), "/moderation"), "?")
		s.renderModQueue(w, r, http.StatusBadRequest, f, err)
		return
	}
	done := 0
	for _, res := range results {
		if res.Error == nil {
			done++
		}
	}
	http.Redirect(w, r, addQuery(modReturn(r), "done="+strconv.Itoa(done)), http.StatusSeeOther)
}

func addQuery(path, kv string) string {
	if strings.Contains(path, "?") {
		return path + "&" + kv
	}
	return path + "?" + kv
}

// ClaimedByMe reports whether the viewer holds the item's claim.
func (v *modQueueView) ClaimedByMe(it moderation.Item) bool {
	return it.ClaimedBy != nil && *it.ClaimedBy == v.Me
}

// NextURL is the link to the queue's next page, with the same filters.
func (v *modQueueView) NextURL() string {
	return addQuery(v.FilterPath, "cursor="+url.QueryEscape(v.NextCursor))
}
