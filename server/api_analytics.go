package server

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/consult-platform/consult/consultations"
)

// writeFigures writes figures as JSON with "<" left as is, so that a
// hidden count reads "<10" in the raw text too (the body is JSON served
// with nosniff, never HTML).
func (s *Server) writeFigures(w http.ResponseWriter, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		s.log.Error("encode json", "error", err)
		http.Error(w, `{"error":{"code":"internal","message":"internal error"}}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Link", `<`+openLicenceURL()+`>; rel="license"`)
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
}

// handleAPIAnalytics serves a consultation's public figures (API.md,
// "Analytics figures"): suppressed, and published once it has closed.
func (s *Server) handleAPIAnalytics(w http.ResponseWriter, r *http.Request) {
	c, err := s.apiConsultation(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rep, err := s.analytics.PublicReport(r.Context(), c, s.store.Now())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeFigures(w, rep)
}

// handleAPIAnalyticsExact serves the exact, live figures to the
// consultation's own staff.
func (s *Server) handleAPIAnalyticsExact(w http.ResponseWriter, r *http.Request) {
	if user(r) == nil {
		s.fail(w, r, errSignInRequired)
		return
	}
	c, err := s.store.ResolveConsultation(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if c, err = s.store.Manageable(r.Context(), user(r), c.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	rep, err := s.analytics.StaffReport(r.Context(), c, s.store.Now())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeFigures(w, rep)
}

// orgFigures is an organisation's comparison as JSON.
type orgFigures struct {
	Organisation string         `json:"organisation"`
	Licence      any            `json:"licence"`
	Items        []orgFigureRow `json:"items"`
}

type orgFigureRow struct {
	ID        string `json:"id"`
	Slug      string `json:"slug"`
	Status    string `json:"status"`
	Published bool   `json:"published"`
	Totals    any    `json:"totals"`
}

// handleAPIOrgAnalytics compares an organisation's consultations by their
// published totals.
func (s *Server) handleAPIOrgAnalytics(w http.ResponseWriter, r *http.Request) {
	org, err := s.store.OrganisationBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list, _, err := s.store.ListConsultations(r.Context(), nil, consultations.ConsultationFilter{OrgID: org.ID, Limit: 100})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := orgFigures{Organisation: org.Slug, Licence: openLicence(), Items: []orgFigureRow{}}
	for i := range list {
		rep, err := s.analytics.PublicReport(r.Context(), &list[i], s.store.Now())
		if err != nil {
			s.fail(w, r, err)
			return
		}
		row := orgFigureRow{ID: rep.ConsultationID, Slug: rep.Slug, Status: rep.Status, Published: rep.Published}
		if b, ok := rep.Find("totals"); ok {
			row.Totals = b
		}
		out.Items = append(out.Items, row)
	}
	s.writeFigures(w, out)
}
