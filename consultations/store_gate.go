package consultations

import "context"

// consultationGate loads only what deciding whether a consultation takes a
// contribution needs (who runs it, its kind, status, dates and moderation
// mode): one indexed read of a few small columns, not the multilingual
// texts that the hot path of posting would otherwise decode every time.
// It reads the row afresh on every call, so a consultation closed a
// moment ago refuses the next comment.
func (s *Store) consultationGate(ctx context.Context, id string) (*Consultation, error) {
	var c Consultation
	err := s.get(ctx, s.db.Reader, &c, "ErrConsultationNotFound",
		`SELECT id, org_id, kind, status, opens_at, closes_at, premoderation FROM consultations WHERE id = ?`, id)
	return &c, err
}
