package server

import (
	"net/http"

	"github.com/consult-platform/consult/consultations"
	"github.com/consult-platform/consult/consultations/analytics"
)

// handleAnalyticsPage shows a consultation's public figures: small counts
// suppressed, published once it has closed.
func (s *Server) handleAnalyticsPage(w http.ResponseWriter, r *http.Request) {
	c, err := s.visibleConsultation(r, r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The counts an open consultation shows, with the event they are as
	// of, read together so that live updates from there miss nothing.
	live, err := s.store.LiveState(r.Context(), c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	live.Apply(c)
	rep, err := s.analytics.PublicReport(r.Context(), c, s.store.Now())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.analyticsView(r, c, rep, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.LiveSeq = live.Seq
	s.render(w, r, http.StatusOK, "analytics-consultation", s.newPage(r, reqOf(r).loc.T("AnalyticsTitle")+": "+v.Title.Text, v))
}

// orgComparisonView compares an organisation's consultations.
type orgComparisonView struct {
	Org   *consultations.Organisation
	Staff bool
	K     int
	Rows  []orgRow
	// Staff only: the organisation's reference population form.
	Reference referenceForm
}

// orgRow is one consultation in the comparison.
type orgRow struct {
	C                                                consultations.Consultation
	Title                                            localized
	Published                                        bool
	Participants, Responses, Contributions, Supports string
}

// orgComparison builds the comparison table: the public sees each closed
// consultation's published (suppressed, frozen) totals, nothing summed
// across them, so that figures cannot be differenced as consultations
// close; staff see exact, live totals.
func (s *Server) orgComparison(r *http.Request, org *consultations.Organisation, staff bool) (*orgComparisonView, error) {
	loc := reqOf(r).loc
	v := &orgComparisonView{Org: org, Staff: staff, K: s.analytics.K()}
	f := consultations.ConsultationFilter{OrgID: org.ID, Limit: 100}
	viewer := user(r)
	if !staff {
		viewer = nil
	}
	list, _, err := s.store.ListConsultations(r.Context(), viewer, f)
	if err != nil {
		return nil, err
	}
	now := s.store.Now()
	for i := range list {
		c := &list[i]
		row := orgRow{C: *c, Title: pickLocal(c.Title, loc.Tag, c.DefaultLocale)}
		var rep *analytics.Report
		if staff {
			rep, err = s.analytics.StaffReport(r.Context(), c, now)
		} else {
			rep, err = s.analytics.PublicReport(r.Context(), c, now)
		}
		if err != nil {
			return nil, err
		}
		row.Published = rep.Published
		if totals, ok := rep.Find(analytics.DimTotals); ok {
			for _, cell := range totals.Cells {
				text := countText(loc, cell.Count)
				switch cell.Value {
				case analytics.TotalParticipants:
					row.Participants = text
				case analytics.TotalResponses:
					row.Responses = text
				case analytics.TotalContributions:
					row.Contributions = text
				case analytics.TotalSupports:
					row.Supports = text
				}
			}
		}
		v.Rows = append(v.Rows, row)
	}
	return v, nil
}

// handleOrgAnalyticsPage is an organisation's public comparison.
func (s *Server) handleOrgAnalyticsPage(w http.ResponseWriter, r *http.Request) {
	org, err := s.store.OrganisationBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.orgComparison(r, org, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "analytics-org", s.newPage(r, reqOf(r).loc.T("AnalyticsOrgTitle", map[string]any{"Org": org.Name}), v))
}
