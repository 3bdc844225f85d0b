package server

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/consult-platform/consult/consultations"
	"github.com/consult-platform/consult/consultations/analytics"
)

func openLicence() analytics.Licence { return analytics.OpenLicence }
func openLicenceURL() string         { return analytics.OpenLicence.URL }

// dataset is one downloadable file of the open-data catalogue.
type dataset struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description"`
	URL         string `json:"url"`
	MediaType   string `json:"media_type"`
	Licence     string `json:"licence"`
	Docs        string `json:"documentation"`
}

// catalogue lists what can be downloaded, in the reader's language.
func (s *Server) catalogue(r *http.Request) []dataset {
	loc := reqOf(r).loc
	docs := "https://github.com/consult-platform/consult/blob/main/docs/OPEN-DATA.md"
	lic := analytics.OpenLicence.URL
	return []dataset{
		{"consultations-json", loc.T("OpenDataStructuresTitle"), loc.T("OpenDataStructuresDesc"), "/open-data/consultations.json", "application/json", lic, docs},
		{"consultations-csv", loc.T("OpenDataStructuresTitle"), loc.T("OpenDataStructuresDesc"), "/open-data/consultations.csv", "text/csv", lic, docs},
		{"figures-csv", loc.T("OpenDataFiguresTitle"), loc.T("OpenDataFiguresDesc", map[string]any{"K": s.analytics.K()}), "/open-data/figures.csv", "text/csv", lic, docs},
		{"consultation-figures", loc.T("OpenDataOneTitle"), loc.T("OpenDataOneDesc"), "/open-data/consultations/{id}/figures.csv", "text/csv", lic, docs},
		{"consultation-figures-json", loc.T("OpenDataOneTitle"), loc.T("OpenDataOneDesc"), "/api/v1/consultations/{id}/analytics", "application/json", lic, docs},
	}
}

// handleOpenData is the catalogue page.
func (s *Server) handleOpenData(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "analytics-opendata", s.newPage(r, reqOf(r).loc.T("OpenDataTitle"), struct {
		Datasets []dataset
		Licence  analytics.Licence
		K        int
	}{s.catalogue(r), analytics.OpenLicence, s.analytics.K()}))
}

// handleOpenDataCatalogue is the catalogue as JSON.
func (s *Server) handleOpenDataCatalogue(w http.ResponseWriter, r *http.Request) {
	s.writeFigures(w, map[string]any{"licence": analytics.OpenLicence, "datasets": s.catalogue(r)})
}

func downloadHeaders(w http.ResponseWriter, mediaType, name string) {
	w.Header().Set("Content-Type", mediaType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Link", `<`+analytics.OpenLicence.URL+`>; rel="license"`)
	w.Header().Set("Cache-Control", "public, max-age=300")
}

func (s *Server) handleOpenDataStructuresJSON(w http.ResponseWriter, r *http.Request) {
	list, err := s.analytics.Structures(r.Context(), s.store.Now())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if list == nil {
		list = []analytics.Structure{}
	}
	downloadHeaders(w, "application/json; charset=utf-8", "consultations.json")
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(map[string]any{"licence": analytics.OpenLicence, "generated_at": s.store.Now().Format(time.RFC3339), "items": list})
}

func (s *Server) handleOpenDataStructuresCSV(w http.ResponseWriter, r *http.Request) {
	list, err := s.analytics.Structures(r.Context(), s.store.Now())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	downloadHeaders(w, "text/csv; charset=utf-8", "consultations.csv")
	analytics.WriteStructuresCSV(w, list)
}

// handleOpenDataFigures streams the public figures of every consultation
// the public may see, one consultation at a time.
func (s *Server) handleOpenDataFigures(w http.ResponseWriter, r *http.Request) {
	downloadHeaders(w, "text/csv; charset=utf-8", "figures.csv")
	header := true
	cursor := ""
	for {
		page, next, err := s.store.ListConsultations(r.Context(), nil, consultations.ConsultationFilter{Cursor: cursor, Limit: 100})
		if err != nil {
			s.log.Error("open data figures", "error", err)
			return
		}
		for i := range page {
			c, err := s.store.Consultation(r.Context(), page[i].ID)
			if err != nil {
				s.log.Error("open data figures", "error", err)
				return
			}
			rep, err := s.analytics.PublicReport(r.Context(), c, s.store.Now())
			if err != nil {
				s.log.Error("open data figures", "error", err)
				return
			}
			analytics.WriteFiguresCSV(w, header, rep)
			header = false
		}
		if next == "" {
			if header {
				analytics.WriteFiguresCSV(w, true)
			}
			return
		}
		cursor = next
	}
}

// handleOpenDataConsultationFigures is one consultation's public figures
// as CSV.
func (s *Server) handleOpenDataConsultationFigures(w http.ResponseWriter, r *http.Request) {
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
	downloadHeaders(w, "text/csv; charset=utf-8", c.Slug+"-figures.csv")
	analytics.WriteFiguresCSV(w, true, rep)
}

// handleManageResponsesExport gives staff the responses whose respondents
// allowed publication, as CSV, streamed.
func (s *Server) handleManageResponsesExport(w http.ResponseWriter, r *http.Request) {
	c, ok := s.managedConsultation(w, r)
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+c.Slug+`-responses.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	if err := s.analytics.ExportResponses(r.Context(), c, w); err != nil {
		s.log.Error("export responses", "error", err)
	}
}
