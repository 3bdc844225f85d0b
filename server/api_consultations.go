package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/consult-platform/consult/consultations"
)

type listResponse[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

// consultationFilter reads the list's query: ?status= (one or several,
// comma-separated), ?kind=, ?limit= and ?cursor=.
func consultationFilter(r *http.Request) (consultations.ConsultationFilter, error) {
	q := r.URL.Query()
	f := consultations.ConsultationFilter{Cursor: q.Get("cursor"), Kind: consultations.Kind(q.Get("kind"))}
	switch f.Kind {
	case "", consultations.KindPolicy, consultations.KindCodesign:
	default:
		return f, invalidField("kind", "ErrKindInvalid")
	}
	if st := q.Get("status"); st != "" {
		for _, one := range strings.Split(st, ",") {
			switch s := consultations.Status(strings.TrimSpace(one)); s {
			case consultations.StatusDraft, consultations.StatusScheduled, consultations.StatusOpen,
				consultations.StatusClosed, consultations.StatusOutcomePublished:
				f.Statuses = append(f.Statuses, s)
			default:
				return f, invalidField("status", "ErrStatusFilterInvalid")
			}
		}
	}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 100 {
			return f, invalidFieldData("limit", "ErrLimitRange", map[string]any{"Max": 100})
		}
		f.Limit = n
	}
	return f, nil
}

func (s *Server) handleAPIConsultationList(w http.ResponseWriter, r *http.Request) {
	f, err := consultationFilter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items, next, err := s.store.ListConsultations(r.Context(), user(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if items == nil {
		items = []consultations.Consultation{}
	}
	s.writeJSON(w, http.StatusOK, listResponse[consultations.Consultation]{items, next})
}

// apiConsultation finds a consultation by id (or slug) that the caller may see.
func (s *Server) apiConsultation(r *http.Request) (*consultations.Consultation, error) {
	c, err := s.store.ResolveConsultation(r.Context(), r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	if !c.Visible(user(r), s.store.Now()) {
		return nil, consultations.Errorf(consultations.ENOTFOUND, "ErrConsultationNotFound")
	}
	c.Status = c.EffectiveStatus(s.store.Now())
	return c, nil
}

func (s *Server) handleAPIConsultationGet(w http.ResponseWriter, r *http.Request) {
	c, err := s.apiConsultation(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, c)
}

func (s *Server) handleAPIConsultationCreate(w http.ResponseWriter, r *http.Request) {
	if user(r) == nil {
		s.fail(w, r, errSignInRequired)
		return
	}
	key, err := idemKey(r, "consultations")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if s.replayed(w, r, key) {
		return
	}
	var d consultations.Draft
	if err := decodeJSON(r, &d); err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.store.CreateConsultationOnce(r.Context(), user(r), d, key)
	if errors.Is(err, consultations.ErrIdempotentReplay) && s.replayed(w, r, key) {
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusCreated, c)
}

// handleAPIConsultationUpdate replaces a draft's or a scheduled
// consultation's content. The organisation never changes: an org_id in the
// body is ignored.
func (s *Server) handleAPIConsultationUpdate(w http.ResponseWriter, r *http.Request) {
	if user(r) == nil {
		s.fail(w, r, errSignInRequired)
		return
	}
	var d consultations.Draft
	if err := decodeJSON(r, &d); err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.store.UpdateConsultation(r.Context(), user(r), r.PathValue("id"), d)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, c)
}

func (s *Server) handleAPIConsultationStatus(w http.ResponseWriter, r *http.Request) {
	if user(r) == nil {
		s.fail(w, r, errSignInRequired)
		return
	}
	var in struct {
		Status consultations.Status `json:"status"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	switch in.Status {
	case consultations.StatusScheduled, consultations.StatusOpen, consultations.StatusClosed:
	default:
		s.fail(w, r, invalidField("status", "ErrStatusInvalid"))
		return
	}
	c, err := s.store.SetStatus(r.Context(), user(r), r.PathValue("id"), in.Status)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, c)
}
