package server

import (
	"net/http"
	"strconv"

	"github.com/consult-platform/consult/moderation"
)

// reportRequest is a citizen's report of a contribution.
type reportRequest struct {
	Reason string `json:"reason"`
	Text   string `json:"text"`
}

func (s *Server) handleAPIReportCreate(w http.ResponseWriter, r *http.Request) {
	var in reportRequest
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	id := r.PathValue("id")
	if err := s.mod.Report(r.Context(), actorOf(user(r)), moderation.KindComment, id, in.Reason, in.Text); err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusCreated, map[string]string{"subject_id": id, "reason": in.Reason})
}

// queuePage is a page of the review queue.
type queuePage struct {
	Items      []moderation.Item `json:"items"`
	NextCursor string            `json:"next_cursor"`
	Total      int               `json:"total"`
}

// queueFilter reads the queue's filters from the query string.
func queueFilter(r *http.Request) (moderation.QueueFilter, error) {
	q := r.URL.Query()
	f := moderation.QueueFilter{ConsultationID: q.Get("consultation"), Reason: q.Get("reason"), Locale: q.Get("language"),
		CampaignID: q.Get("campaign"), Cursor: q.Get("cursor")}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 200 {
			return f, invalidFieldData("limit", "ErrLimitRange", map[string]any{"Max": 200})
		}
		f.Limit = n
	}
	return f, nil
}

func (s *Server) handleAPIModerationQueue(w http.ResponseWriter, r *http.Request) {
	f, err := queueFilter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items, next, total, err := s.mod.Queue(r.Context(), actorOf(user(r)), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if items == nil {
		items = []moderation.Item{}
	}
	s.writeJSON(w, http.StatusOK, queuePage{items, next, total})
}

func (s *Server) handleAPIModerationClaim(w http.ResponseWriter, r *http.Request) {
	it, err := s.mod.Claim(r.Context(), actorOf(user(r)), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, it)
}

func (s *Server) handleAPIModerationDecision(w http.ResponseWriter, r *http.Request) {
	var in moderation.DecisionInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.mod.Decide(r.Context(), actorOf(user(r)), r.PathValue("id"), in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, d)
}

// bulkRequest decides many items at once: those listed, or every open
// item of a campaign group.
type bulkRequest struct {
	Items      []string `json:"items"`
	CampaignID string   `json:"campaign_id"`
	moderation.DecisionInput
}

type bulkResult struct {
	ItemID   string               `json:"item_id"`
	Decided  bool                 `json:"decided"`
	Decision *moderation.Decision `json:"decision,omitempty"`
	Error    *apiError            `json:"error,omitempty"`
}

func (s *Server) handleAPIModerationBulk(w http.ResponseWriter, r *http.Request) {
	var in bulkRequest
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	results, err := s.bulkDecide(r, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]bulkResult, len(results))
	loc := reqOf(r).loc
	for i, res := range results {
		out[i] = bulkResult{ItemID: res.ItemID, Decided: res.Error == nil, Decision: res.Decision}
		if res.Error != nil {
			code, _, msg, _ := classify(res.Error)
			out[i].Error = &apiError{Code: code, Message: loc.T(msg.ID, msg.Data)}
		}
	}
	s.writeJSON(w, http.StatusOK, map[string][]bulkResult{"results": out})
}

// bulkDecide runs a bulk decision for the API and the queue page.
func (s *Server) bulkDecide(r *http.Request, in bulkRequest) ([]moderation.BulkResult, error) {
	actor := actorOf(user(r))
	ids := in.Items
	if in.CampaignID != "" {
		more, err := s.mod.CampaignItems(r.Context(), actor, in.CampaignID)
		if err != nil {
			return nil, err
		}
		ids = append(ids, more...)
	}
	return s.mod.DecideMany(r.Context(), actor, ids, in.DecisionInput)
}

func (s *Server) handleAPIModerationLog(w http.ResponseWriter, r *http.Request) {
	c, err := s.apiConsultation(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l, err := s.mod.ModerationLog(r.Context(), c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, l)
}
