package server

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/consult-platform/consult/consultations"
	"github.com/consult-platform/consult/consultations/analytics"
)

// referenceForm is the reference population as staff type it: one group a
// line, "dimension,value,label,percent".
type referenceForm struct {
	Action  string
	Text    string
	Error   string
	Saved   bool
	Inherit bool // a consultation using its organisation's reference
}

func referenceText(shares []analytics.ReferenceShare) string {
	var b strings.Builder
	for _, r := range shares {
		fmt.Fprintf(&b, "%s,%s,%s,%s\n", r.Dimension, r.Value, r.Label, strconv.FormatFloat(r.Share*100, 'f', -1, 64))
	}
	return b.String()
}

// parseReference reads the form's lines; it names the first bad line.
func parseReference(text string) ([]analytics.ReferenceShare, int) {
	var out []analytics.ReferenceShare
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		parts := strings.Split(line, ",")
		if len(parts) != 4 {
			return nil, i + 1
		}
		pct, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(parts[3]), "%"), 64)
		if err != nil {
			return nil, i + 1
		}
		out = append(out, analytics.ReferenceShare{Dimension: strings.TrimSpace(parts[0]), Value: strings.TrimSpace(parts[1]),
			Label: strings.TrimSpace(parts[2]), Share: pct / 100})
	}
	return out, 0
}

// saveReference stores a posted reference population for scopeID, or
// returns the form with the problem described.
func (s *Server) saveReference(r *http.Request, scopeID string) referenceForm {
	f := referenceForm{Text: r.PostFormValue("reference")}
	loc := reqOf(r).loc
	shares, bad := parseReference(f.Text)
	if bad > 0 {
		f.Error = loc.T("ErrReferenceLine", map[string]any{"Line": bad})
		return f
	}
	err := s.analytics.SetReference(r.Context(), user(r), scopeID, shares)
	var de *consultations.Error
	if errors.As(err, &de) && de.Code == consultations.EINVALID {
		for field, m := range de.Fields {
			if n, ok := strings.CutPrefix(field, "shares."); ok {
				i, _ := strconv.Atoi(n)
				f.Error = loc.T("ErrReferenceLine", map[string]any{"Line": i + 1}) + " " + loc.T(m.ID, m.Data)
			} else {
				f.Error = loc.T(m.ID, m.Data)
			}
			break
		}
		return f
	}
	if err != nil {
		f.Error = loc.T("ErrInternal")
		return f
	}
	f.Saved = true
	return f
}

func (s *Server) handleManageAnalytics(w http.ResponseWriter, r *http.Request) {
	c, ok := s.managedConsultation(w, r)
	if !ok {
		return
	}
	s.renderManageAnalytics(w, r, c, http.StatusOK, nil)
}

func (s *Server) renderManageAnalytics(w http.ResponseWriter, r *http.Request, c *consultations.Consultation, status int, form *referenceForm) {
	// The event number first: an event that lands before the figures are
	// read is sent to the page again, which only costs a refresh.
	seq, err := s.store.LastSeq(r.Context(), c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rep, err := s.analytics.StaffReport(r.Context(), c, s.store.Now())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.analyticsView(r, c, rep, true)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.LiveSeq = seq
	if r.Method == http.MethodGet && r.URL.Query().Get("fragment") == "1" {
		// The live script fetches the figures alone when events arrive.
		s.renderFragment(w, r, "analytics-manage", "analytics-manage-live", s.newPage(r, "", v))
		return
	}
	if form == nil {
		own, err := s.analytics.OrgReference(r.Context(), c.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		form = &referenceForm{Text: referenceText(own), Inherit: len(own) == 0}
	}
	form.Action = "/manage/consultations/" + c.ID + "/analytics/reference"
	v.Reference = *form
	s.render(w, r, status, "analytics-manage", s.newPage(r, reqOf(r).loc.T("AnalyticsTitle")+": "+v.Title.Text, v))
}

func (s *Server) handleManageAnalyticsReference(w http.ResponseWriter, r *http.Request) {
	c, ok := s.managedConsultation(w, r)
	if !ok {
		return
	}
	f := s.saveReference(r, c.ID)
	status := http.StatusOK
	if f.Error != "" {
		status = http.StatusBadRequest
	}
	s.renderManageAnalytics(w, r, c, status, &f)
}

// staffOrg is the organisation a staff page is about: the member's own,
// or for admins the one named by ?org=slug.
func (s *Server) staffOrg(w http.ResponseWriter, r *http.Request) (*consultations.Organisation, bool) {
	u, ok := s.staffOnly(w, r)
	if !ok {
		return nil, false
	}
	var org *consultations.Organisation
	var err error
	switch {
	case u.Role == consultations.RoleAdmin && r.URL.Query().Get("org") != "":
		org, err = s.store.OrganisationBySlug(r.Context(), r.URL.Query().Get("org"))
	case u.OrgID != nil:
		org, err = s.store.Organisation(r.Context(), *u.OrgID)
	default:
		err = errStaffOnly
	}
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	return org, true
}

func (s *Server) handleManageOrgAnalytics(w http.ResponseWriter, r *http.Request) {
	org, ok := s.staffOrg(w, r)
	if !ok {
		return
	}
	s.renderManageOrgAnalytics(w, r, org, http.StatusOK, nil)
}

func (s *Server) renderManageOrgAnalytics(w http.ResponseWriter, r *http.Request, org *consultations.Organisation, status int, form *referenceForm) {
	v, err := s.orgComparison(r, org, true)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if form == nil {
		own, err := s.analytics.OrgReference(r.Context(), org.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		form = &referenceForm{Text: referenceText(own)}
	}
	form.Action = "/manage/analytics/reference?org=" + org.Slug
	v.Reference = *form
	s.render(w, r, status, "analytics-org", s.newPage(r, reqOf(r).loc.T("AnalyticsOrgTitle", map[string]any{"Org": org.Name}), v))
}

func (s *Server) handleManageOrgReference(w http.ResponseWriter, r *http.Request) {
	org, ok := s.staffOrg(w, r)
	if !ok {
		return
	}
	f := s.saveReference(r, org.ID)
	status := http.StatusOK
	if f.Error != "" {
		status = http.StatusBadRequest
	}
	s.renderManageOrgAnalytics(w, r, org, status, &f)
}
