package moderation

import (
	"encoding/json"
	"time"
)

// Reasons an item is in the queue. Report reasons are also the categories
// of decisions.
const (
	ReasonSpam          = "spam"
	ReasonAbusive       = "abusive"
	ReasonOffTopic      = "off_topic"
	ReasonPersonalData  = "personal_data"
	ReasonIllegal       = "illegal"
	ReasonOther         = "other"
	ReasonReported      = "reported"
	ReasonWatchedWord   = "watched_word"
	ReasonPremoderation = "premoderation"
	ReasonLinks         = "links"
	ReasonDuplicate     = "duplicate"
	ReasonCampaign      = "campaign"
)

// ReportReasons are what a reporter may choose, in the order shown.
var ReportReasons = []string{ReasonSpam, ReasonAbusive, ReasonOffTopic, ReasonPersonalData, ReasonIllegal, ReasonOther}

// Categories are the statement-of-reasons categories of a decision.
var Categories = ReportReasons

// QueueReasons are every reason an item may carry, for the queue filter.
var QueueReasons = []string{ReasonReported, ReasonWatchedWord, ReasonPremoderation, ReasonLinks, ReasonDuplicate, ReasonCampaign}

func oneOf(v string, list []string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// Why explains one reason an item was flagged, for moderators.
type Why struct {
	Reason string `json:"reason"`
	Detail string `json:"detail,omitempty"`
}

// CampaignRef names the near-duplicate group an item belongs to.
type CampaignRef struct {
	ID             string `json:"id"`
	Size           int    `json:"size"`
	Representative string `json:"representative_id,omitempty"`
}

// Item is an entry of the review queue. Subject is filled for moderators'
// eyes only (the API and the queue page); it may be a pending or flagged
// text that is not public.
type Item struct {
	ID             string       `json:"id"`
	Kind           string       `json:"kind"`
	SubjectID      string       `json:"subject_id"`
	ConsultationID string       `json:"consultation_id"`
	OrgID          string       `json:"org_id"`
	Locale         string       `json:"locale"`
	Status         string       `json:"status"`
	Priority       int          `json:"priority"`
	Reasons        []string     `json:"reasons"`
	Why            []Why        `json:"why"`
	ReportCount    int          `json:"report_count"`
	Campaign       *CampaignRef `json:"campaign,omitempty"`
	ClaimedBy      *string      `json:"claimed_by"`
	ClaimedAt      *time.Time   `json:"claimed_at,omitempty"`
	CreatedAt      time.Time    `json:"created_at"`
	Subject        *SubjectView `json:"subject,omitempty"`
}

// SubjectView is the subject's text as a moderator sees it.
type SubjectView struct {
	Status string `json:"status"`
	Title  string `json:"title,omitempty"`
	Body   string `json:"body"`
}

// itemRow is an Item as stored.
type itemRow struct {
	ID             string     `db:"id"`
	Kind           string     `db:"subject_kind"`
	SubjectID      string     `db:"subject_id"`
	ConsultationID string     `db:"consultation_id"`
	OrgID          string     `db:"org_id"`
	AuthorID       *string    `db:"author_id"`
	Locale         string     `db:"locale"`
	Status         string     `db:"status"`
	Priority       int        `db:"priority"`
	Reasons        string     `db:"reasons"`
	Why            string     `db:"why"`
	ReportCount    int        `db:"report_count"`
	CampaignID     *string    `db:"campaign_id"`
	CampaignSize   *int       `db:"campaign_size"`
	CampaignRep    *string    `db:"campaign_rep"`
	ClaimedBy      *string    `db:"claimed_by"`
	ClaimedAt      *time.Time `db:"claimed_at"`
	DecidedBy      *string    `db:"decided_by"`
	CreatedAt      time.Time  `db:"created_at"`
}

const itemColumns = `i.id, i.subject_kind, i.subject_id, i.consultation_id, i.org_id, i.author_id, i.locale, i.status, i.priority,
	i.reasons, i.why, i.report_count, i.campaign_id, g.size AS campaign_size, g.representative_id AS campaign_rep,
	i.claimed_by, i.claimed_at, i.decided_by, i.created_at`

const itemFrom = ` FROM mod_items i LEFT JOIN mod_campaigns g ON g.id = i.campaign_id`

func (r *itemRow) item() Item {
	it := Item{ID: r.ID, Kind: r.Kind, SubjectID: r.SubjectID, ConsultationID: r.ConsultationID, OrgID: r.OrgID, Locale: r.Locale,
		Status: r.Status, Priority: r.Priority, ReportCount: r.ReportCount, ClaimedBy: r.ClaimedBy, ClaimedAt: r.ClaimedAt, CreatedAt: r.CreatedAt}
	json.Unmarshal([]byte(r.Reasons), &it.Reasons)
	json.Unmarshal([]byte(r.Why), &it.Why)
	if it.Reasons == nil {
		it.Reasons = []string{}
	}
	if it.Why == nil {
		it.Why = []Why{}
	}
	if r.CampaignID != nil && r.CampaignSize != nil {
		it.Campaign = &CampaignRef{ID: *r.CampaignID, Size: *r.CampaignSize}
		if r.CampaignRep != nil {
			it.Campaign.Representative = *r.CampaignRep
		}
	}
	return it
}

// flag is one reason to put a subject in the queue, with its weight in
// the queue's priority.
type flag struct {
	reason string
	detail string
	weight int
}

// Priority weights: reports of illegal content or personal data first,
// then other reports and held texts, then automatic flags.
var reasonWeight = map[string]int{
	ReasonReported: 10, ReasonWatchedWord: 20, ReasonPremoderation: 5,
	ReasonLinks: 5, ReasonDuplicate: 5, ReasonCampaign: 3,
}

// reportWeight weighs a report by its reason.
func reportWeight(reason string) int {
	if reason == ReasonIllegal || reason == ReasonPersonalData {
		return 30
	}
	return reasonWeight[ReasonReported]
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
