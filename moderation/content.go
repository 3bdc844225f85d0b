package moderation

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"
)

// Subject kinds. Comments, replies and co-design ideas are all "comment".
const KindComment = "comment"

// Content statuses as the content store names them.
const (
	StatusPublished = "published"
	StatusPending   = "pending"
	StatusHidden    = "hidden"
	StatusDeleted   = "deleted"
)

// ContentInfo is what moderation needs to know about a subject. Category
// is the moderation category shown publicly in place of removed text.
type ContentInfo struct {
	Kind           string
	ID             string
	ConsultationID string
	OrgID          string
	AuthorID       string
	Status         string
	Title          string
	Body           string
	Locale         string
	Category       string
	CreatedAt      time.Time
}

// Content is the store of the things moderated. Implementations work in
// the transaction given, so that a decision changes the subject, the
// queue, the audit log and the author's notification together or not at
// all.
type Content interface {
	// ModerationSubject reads a subject; tx may be nil to read outside a
	// transaction. An unknown subject is an error whose code is not_found.
	ModerationSubject(ctx context.Context, tx *sqlx.Tx, kind, id string) (ContentInfo, error)
	// ModerationSubjects reads many subjects of one kind, for the queue.
	ModerationSubjects(ctx context.Context, kind string, ids []string) (map[string]ContentInfo, error)
	// SetModerationStatus changes a subject's status and public category
	// and, when body is not empty, replaces its text. It returns the
	// subject as it was before.
	SetModerationStatus(ctx context.Context, tx *sqlx.Tx, kind, id, status, category, body string) (ContentInfo, error)
	// NotifyModeration tells a user (in the notifications they read) that
	// something about their contribution changed.
	NotifyModeration(ctx context.Context, tx *sqlx.Tx, userID, consultationID, kind string) error
	// ConsultationOrg returns the organisation running a consultation.
	ConsultationOrg(ctx context.Context, consultationID string) (string, error)
}

// Notification kinds moderation sends.
const (
	NotifyHidden         = "moderation_hidden"
	NotifyRedacted       = "moderation_redacted"
	NotifyRestored       = "moderation_restored"
	NotifyApproved       = "moderation_approved"
	NotifyAppealUpheld   = "appeal_upheld"
	NotifyAppealRejected = "appeal_rejected"
)

// Submission is a new contribution being stored, as screening sees it.
// Status is what the content store would give it: "published", or
// "pending" where the consultation is pre-moderated.
type Submission struct {
	Kind           string
	ID             string
	ConsultationID string
	OrgID          string
	AuthorID       string
	AccountAge     time.Duration
	Title          string
	Body           string
	Locale         string
	Status         string
	CreatedAt      time.Time
}

// Verdict is what screening decided. A refusal is returned as an *Error
// instead. Body is the text to store (masked words replaced); Status may
// turn "published" into "pending" (held for review).
type Verdict struct {
	Status string
	Body   string
	Title  string
}
