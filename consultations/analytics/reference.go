package analytics

import (
	"context"
	"math"

	"github.com/consult-platform/consult/consultations"
	"github.com/jmoiron/sqlx"
)

// ReferenceShare is the share of the reference population (e.g. a census)
// in one group, as staff enter it.
type ReferenceShare struct {
	Dimension string  `json:"dimension" db:"dimension"`
	Value     string  `json:"value" db:"value"`
	Label     string  `json:"label" db:"label"`
	Share     float64 `json:"share" db:"share"`
	Position  int     `json:"-" db:"position"`
}

// ProfileDimensions are the dimensions a reference population may cover.
var ProfileDimensions = []string{DimRegion, DimAgeBand, DimGender}

// Reference returns the reference population that applies to c: its own
// if staff entered one, else its organisation's.
func (s *Service) Reference(ctx context.Context, c *consultations.Consultation) ([]ReferenceShare, error) {
	out, err := s.reference(ctx, c.ID)
	if err != nil || len(out) > 0 {
		return out, err
	}
	return s.reference(ctx, c.OrgID)
}

// OrgReference returns an organisation's own reference population.
func (s *Service) OrgReference(ctx context.Context, orgID string) ([]ReferenceShare, error) {
	return s.reference(ctx, orgID)
}

func (s *Service) reference(ctx context.Context, scopeID string) ([]ReferenceShare, error) {
	var out []ReferenceShare
	err := s.db.Reader.SelectContext(ctx, &out, `SELECT dimension, value, label, share, position FROM analytics_reference
		WHERE scope_id = ? ORDER BY dimension, position, value`, scopeID)
	return out, err
}

// Regions lists the regions respondents to c may choose from: those of the
// reference population that applies to it.
func (s *Service) Regions(ctx context.Context, c *consultations.Consultation) ([]ReferenceShare, error) {
	all, err := s.Reference(ctx, c)
	var out []ReferenceShare
	for _, r := range all {
		if r.Dimension == DimRegion {
			out = append(out, r)
		}
	}
	return out, err
}

// SetReference replaces the reference population of a scope: an
// organisation (scopeID its id) or one consultation. Only the
// organisation's staff may set it.
func (s *Service) SetReference(ctx context.Context, actor *consultations.User, scopeID string, shares []ReferenceShare) error {
	if actor == nil {
		return consultations.Errorf(consultations.EUNAUTHENTICATED, "ErrSignInRequired")
	}
	if !actor.IsStaffOf(scopeID) {
		if _, err := s.store.Manageable(ctx, actor, scopeID); err != nil {
			return err
		}
	}
	p := consultations.Problems{}
	sums := map[string]float64{}
	seen := map[string]bool{}
	for i, r := range shares {
		field := "shares." + itoa(i)
		switch {
		case !validDimension(r.Dimension):
			p.Add(field, "ErrReferenceDimension", nil)
		case !validValue(r.Dimension, r.Value):
			p.Add(field, "ErrReferenceValue", nil)
		case seen[r.Dimension+"\x00"+r.Value]:
			p.Add(field, "ErrReferenceDuplicate", nil)
		case math.IsNaN(r.Share) || r.Share < 0 || r.Share > 1:
			p.Add(field, "ErrReferenceShare", nil)
		case len(r.Label) > 100:
			p.Add(field, "ErrReferenceLabel", nil)
		}
		seen[r.Dimension+"\x00"+r.Value] = true
		sums[r.Dimension] += r.Share
	}
	for dim, sum := range sums {
		if sum > 1.0001 {
			p.Add(dim, "ErrReferenceSum", nil)
		}
	}
	if err := p.Err(); err != nil {
		return err
	}
	return s.db.Write(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM analytics_reference WHERE scope_id = ?`, scopeID); err != nil {
			return err
		}
		for i, r := range shares {
			if _, err := tx.ExecContext(ctx, `INSERT INTO analytics_reference (scope_id, dimension, value, label, share, position) VALUES (?, ?, ?, ?, ?, ?)`,
				scopeID, r.Dimension, r.Value, r.Label, r.Share, i); err != nil {
				return err
			}
		}
		return nil
	})
}

func validDimension(d string) bool {
	for _, x := range ProfileDimensions {
		if d == x {
			return true
		}
	}
	return false
}

// validValue accepts the answers respondents can give for a dimension.
func validValue(dim, v string) bool {
	n := consultations.NewResponse{}
	switch dim {
	case DimRegion:
		n.Region = v
	case DimAgeBand:
		n.AgeBand = v
	case DimGender:
		n.Gender = v
	}
	if v == "" || v == consultations.PreferNotToSay {
		return false
	}
	return n.Profile.Valid()
}
