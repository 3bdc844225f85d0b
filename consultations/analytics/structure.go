package analytics

import (
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/consult-platform/consult/consultations"
)

// Structure is a published consultation as open data: what was asked,
// when, by whom, and what came of it. Field names follow docs/OPEN-DATA.md.
type Structure struct {
	ID           string                  `json:"id"`
	Slug         string                  `json:"slug"`
	Kind         string                  `json:"kind"`
	Status       string                  `json:"status"`
	Organisation string                  `json:"organisation"`
	Language     string                  `json:"default_language"`
	Title        consultations.LocalText `json:"title"`
	Summary      consultations.LocalText `json:"summary"`
	OpensAt      time.Time               `json:"opens_at"`
	ClosesAt     time.Time               `json:"closes_at"`
	Responses    Count                   `json:"response_count"` // "<k" below k
	Comments     Count                   `json:"comment_count"`
	Questions    []StructureQuestion     `json:"questions"`
	Outcome      *StructureOutcome       `json:"outcome"`
}

// StructureQuestion is one question as asked.
type StructureQuestion struct {
	ID       string                  `json:"id"`
	Position int                     `json:"position"`
	Kind     string                  `json:"kind"`
	Required bool                    `json:"required"`
	Prompt   consultations.LocalText `json:"prompt"`
	Options  []consultations.Option  `json:"options"`
}

// StructureOutcome is the published outcome: "we asked, you said, we did".
type StructureOutcome struct {
	PublishedAt time.Time               `json:"published_at"`
	Summary     consultations.LocalText `json:"summary"`
	Decisions   []StructureDecision     `json:"decisions"`
}

// StructureDecision is one decision of an outcome.
type StructureDecision struct {
	Asked consultations.LocalText `json:"asked"`
	Said  consultations.LocalText `json:"said"`
	Did   consultations.LocalText `json:"did"`
}

// Structures returns every consultation the public may see (all but
// drafts), newest first, with questions and outcomes.
func (s *Service) Structures(ctx context.Context, now time.Time) ([]Structure, error) {
	var out []Structure
	cursor := ""
	orgs := map[string]string{}
	list, err := s.store.Organisations(ctx)
	if err != nil {
		return nil, err
	}
	for _, o := range list {
		orgs[o.ID] = o.Name
	}
	for {
		page, next, err := s.store.ListConsultations(ctx, nil, consultations.ConsultationFilter{Cursor: cursor, Limit: 100})
		if err != nil {
			return nil, err
		}
		for _, row := range page {
			c, err := s.store.Consultation(ctx, row.ID)
			if err != nil {
				return nil, err
			}
			st := Structure{ID: c.ID, Slug: c.Slug, Kind: string(c.Kind), Status: string(c.EffectiveStatus(now)), Organisation: orgs[c.OrgID],
				Language: c.DefaultLocale, Title: c.Title, Summary: c.Summary, OpensAt: c.OpensAt, ClosesAt: c.ClosesAt,
				Responses: small(int64(c.ResponseCount), s.k), Comments: small(int64(c.CommentCount), s.k), Questions: []StructureQuestion{}}
			for _, q := range c.Questions {
				opts := q.Options
				if opts == nil {
					opts = []consultations.Option{}
				}
				st.Questions = append(st.Questions, StructureQuestion{ID: q.ID, Position: q.Position, Kind: string(q.Kind), Required: q.Required, Prompt: q.Prompt, Options: opts})
			}
			if c.OutcomePublishedAt != nil {
				ds, err := s.store.Decisions(ctx, c.ID)
				if err != nil {
					return nil, err
				}
				o := &StructureOutcome{PublishedAt: *c.OutcomePublishedAt, Summary: c.OutcomeSummary, Decisions: []StructureDecision{}}
				for _, d := range ds {
					o.Decisions = append(o.Decisions, StructureDecision{Asked: d.Asked, Said: d.Said, Did: d.Did})
				}
				st.Outcome = o
			}
			out = append(out, st)
		}
		if next == "" {
			return out, nil
		}
		cursor = next
	}
}

// StructuresCSVHeader names the columns of the structures CSV: one row per
// question (a consultation without questions has one row with empty
// question columns); texts in the consultation's default language.
var StructuresCSVHeader = []string{"consultation_id", "consultation_slug", "kind", "status", "organisation", "title", "opens_at", "closes_at",
	"response_count", "comment_count", "outcome_published_at", "outcome_summary", "question_id", "question_position", "question_kind", "question_prompt", "question_options", "licence"}

// WriteStructuresCSV writes structures as CSV.
func WriteStructuresCSV(w io.Writer, list []Structure) error {
	cw := csv.NewWriter(w)
	cw.Write(StructuresCSVHeader)
	for _, st := range list {
		pick := func(t consultations.LocalText) string { text, _ := t.Pick(st.Language, st.Language); return text }
		base := []string{st.ID, st.Slug, st.Kind, st.Status, st.Organisation, pick(st.Title), st.OpensAt.UTC().Format(time.RFC3339), st.ClosesAt.UTC().Format(time.RFC3339),
			st.Responses.String(), st.Comments.String(), "", ""}
		if st.Outcome != nil {
			base[10], base[11] = st.Outcome.PublishedAt.UTC().Format(time.RFC3339), pick(st.Outcome.Summary)
		}
		qs := st.Questions
		if len(qs) == 0 {
			qs = []StructureQuestion{{}}
		}
		for _, q := range qs {
			var labels []string
			for _, o := range q.Options {
				labels = append(labels, pick(o.Label))
			}
			pos := ""
			if q.ID != "" {
				pos = strconv.Itoa(q.Position)
			}
			row := append(append([]string{}, base...), q.ID, pos, q.Kind, pick(q.Prompt), strings.Join(labels, " | "), OpenLicence.URL)
			if err := cw.Write(row); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
