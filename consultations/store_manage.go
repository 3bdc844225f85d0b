package consultations

import "context"

// Manageable returns a consultation with its parts if actor may manage it.
// Staff of another organisation get ENOTFOUND for consultations the public
// cannot see yet (drafts, scheduled ones), so that ids reveal nothing, and
// EFORBIDDEN for the rest.
func (s *Store) Manageable(ctx context.Context, actor *User, id string) (*Consultation, error) {
	return s.manageable(ctx, actor, id)
}

// RecentContributions lists up to limit of a consultation's published
// comments and ideas, newest first, for staff linking them to decisions.
func (s *Store) RecentContributions(ctx context.Context, consultationID string, limit int) ([]Comment, error) {
	if limit <= 0 || limit > 500 {
		limit = 200
	}
	var out []Comment
	err := s.db.Reader.SelectContext(ctx, &out, s.q(`SELECT `+commentColumns+commentFrom+`
		WHERE c.consultation_id = ? AND c.status = 'published' ORDER BY c.id DESC LIMIT ?`), consultationID, limit)
	return out, err
}
