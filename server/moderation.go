package server

import (
	"context"
	"errors"

	"github.com/consult-platform/consult/consultations"
	"github.com/consult-platform/consult/moderation"
	"github.com/jmoiron/sqlx"
)

// wireModeration builds the moderation service over the store's database
// and installs its screening of new contributions in the store, so that
// both share the transaction that stores a comment, and its watch for
// campaigns among responses' free text.
func wireModeration(store *consultations.Store) *moderation.Service {
	mod := moderation.New(store.Database(), moderationContent{store})
	store.SetScreener(func(ctx context.Context, sub consultations.Submission) (consultations.ScreenInTx, error) {
		p, err := mod.Prepare(ctx, moderation.Submission(sub))
		if err != nil {
			return nil, asDomainError(err)
		}
		return func(ctx context.Context, tx *sqlx.Tx) (consultations.Verdict, error) {
			v, err := p.Apply(ctx, tx)
			return consultations.Verdict(v), asDomainError(err)
		}, nil
	})
	store.SetResponseWatcher(func(ctx context.Context, sub consultations.Submission) (func(context.Context, *sqlx.Tx) error, error) {
		return mod.WatchResponse(ctx, moderation.Submission(sub))
	})
	return mod
}

// asDomainError turns a moderation refusal into the consultations error
// the comment forms already know how to show beside their fields.
func asDomainError(err error) error {
	var me *moderation.Error
	if !errors.As(err, &me) {
		return err
	}
	de := &consultations.Error{Code: me.Code, Message: consultations.Message{ID: me.MessageID, Data: me.Data}}
	for f, id := range me.Fields {
		if de.Fields == nil {
			de.Fields = map[string]consultations.Message{}
		}
		de.Fields[f] = consultations.Message{ID: id, Data: me.Data}
	}
	return de
}

// moderationContent lets moderation change contributions through the
// consultations store, with moderation's plain types.
type moderationContent struct{ store *consultations.Store }

func (c moderationContent) ModerationSubject(ctx context.Context, tx *sqlx.Tx, kind, id string) (moderation.ContentInfo, error) {
	m, err := c.store.ModerationSubject(ctx, tx, kind, id)
	return moderation.ContentInfo(m), err
}

func (c moderationContent) ModerationSubjects(ctx context.Context, kind string, ids []string) (map[string]moderation.ContentInfo, error) {
	ms, err := c.store.ModerationSubjects(ctx, kind, ids)
	out := make(map[string]moderation.ContentInfo, len(ms))
	for id, m := range ms {
		out[id] = moderation.ContentInfo(m)
	}
	return out, err
}

func (c moderationContent) SetModerationStatus(ctx context.Context, tx *sqlx.Tx, kind, id, status, category, body string) (moderation.ContentInfo, error) {
	m, err := c.store.SetModerationStatus(ctx, tx, kind, id, status, category, body)
	return moderation.ContentInfo(m), err
}

func (c moderationContent) NotifyModeration(ctx context.Context, tx *sqlx.Tx, userID, consultationID, kind string) error {
	return c.store.NotifyModeration(ctx, tx, userID, consultationID, kind)
}

func (c moderationContent) ConsultationOrg(ctx context.Context, consultationID string) (string, error) {
	return c.store.ConsultationOrg(ctx, consultationID)
}

// actorOf describes the signed-in user to the moderation service.
func actorOf(u *consultations.User) *moderation.Actor {
	if u == nil {
		return nil
	}
	a := &moderation.Actor{ID: u.ID, Role: string(u.Role)}
	if u.OrgID != nil {
		a.OrgID = *u.OrgID
	}
	return a
}
