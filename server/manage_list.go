package server

import (
	"net/http"

	"github.com/consult-platform/consult/consultations"
)

// manageListView is the staff home: their organisation's consultations in
// every status, or every organisation's for admins.
type manageListView struct {
	Rows       []consultations.Consultation
	OrgNames   map[string]string // set for admins, who see every organisation
	OrgName    string
	Zones      map[string]string // organisation id → time zone
	NextCursor string
}

func (s *Server) handleManageList(w http.ResponseWriter, r *http.Request) {
	u, ok := s.staffOnly(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	v := &manageListView{Zones: map[string]string{}}
	f := consultations.ConsultationFilter{Cursor: r.URL.Query().Get("after"), Limit: 100}
	if u.Role == consultations.RoleAdmin {
		orgs, err := s.store.Organisations(ctx)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.OrgNames = map[string]string{}
		for _, o := range orgs {
			v.OrgNames[o.ID], v.Zones[o.ID] = o.Name, o.TimeZone
		}
	} else {
		if u.OrgID == nil {
			s.fail(w, r, errStaffOnly)
			return
		}
		org, err := s.store.Organisation(ctx, *u.OrgID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		f.OrgID, v.OrgName, v.Zones[org.ID] = org.ID, org.Name, org.TimeZone
	}
	var err error
	if v.Rows, v.NextCursor, err = s.store.ListConsultations(ctx, u, f); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "manage-list", s.newPage(r, reqOf(r).loc.T("ManageTitle"), v))
}
