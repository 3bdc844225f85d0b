package consultations

import (
	"strings"
	"time"
	"unicode/utf8"
)

// CommentKind tells a comment (or reply) from a co-design idea.
type CommentKind string

const (
	KindComment CommentKind = "comment"
	KindIdea    CommentKind = "idea"
)

// Stance is a commenter's position on a policy proposal.
type Stance string

const (
	StanceNone    Stance = ""
	StanceFor     Stance = "for"
	StanceAgainst Stance = "against"
	StanceNeutral Stance = "neutral"
)

// CommentStatus is whether a contribution is public.
type CommentStatus string

const (
	CommentPublished CommentStatus = "published"
	CommentPending   CommentStatus = "pending" // held for pre-moderation
	CommentHidden    CommentStatus = "hidden"  // removed by a moderator
	CommentDeleted   CommentStatus = "deleted" // removed by its author
)

// Limits on contributions.
const (
	MaxCommentLen   = 5000
	MaxIdeaTitleLen = 150
)

// Comment is a comment, a reply or a co-design idea.
type Comment struct {
	ID             string        `json:"id"`
	ConsultationID string        `json:"consultation_id" db:"consultation_id"`
	ParentID       *string       `json:"parent_id,omitempty" db:"parent_id"`
	AuthorID       *string       `json:"-" db:"author_id"`
	AuthorName     string        `json:"author_name" db:"author_name"`
	Kind           CommentKind   `json:"kind"`
	Stance         Stance        `json:"stance,omitempty"`
	Title          string        `json:"title,omitempty"`
	Body           string        `json:"body"`
	BodyHTML       string        `json:"-" db:"body_html"`
	Locale         string        `json:"locale"`
	Status         CommentStatus `json:"status"`
	Channel        string        `json:"-"`
	SupportCount   int           `json:"support_count" db:"support_count"`
	ReplyCount     int           `json:"reply_count" db:"reply_count"`
	CreatedAt      time.Time     `json:"created_at" db:"created_at"`
	UpdatedAt      time.Time     `json:"updated_at" db:"updated_at"`
	// ModerationCategory is why moderators hid or redacted it ("" if not).
	ModerationCategory string `json:"moderation_category,omitempty" db:"moderation_category"`
}

// IsBy reports whether u wrote c.
func (c *Comment) IsBy(u *User) bool {
	return u != nil && c.AuthorID != nil && *c.AuthorID == u.ID
}

// NewComment is a comment, reply or idea as a participant writes it.
type NewComment struct {
	ParentID string      `json:"parent_id"`
	Kind     CommentKind `json:"kind"`
	Stance   Stance      `json:"stance"`
	Title    string      `json:"title"`
	Body     string      `json:"body"`
	Locale   string      `json:"locale"`
	Channel  string      `json:"-"`
}

func (n *NewComment) validate(c *Consultation) error {
	p := Problems{}
	if n.Kind == "" {
		n.Kind = KindComment
	}
	n.Body = strings.TrimSpace(n.Body)
	n.Title = strings.TrimSpace(n.Title)
	switch {
	case !utf8.ValidString(n.Body):
		p.Add("body", "ErrInvalidUTF8", nil)
	case n.Body == "":
		p.Add("body", "ErrCommentRequired", nil)
	case utf8.RuneCountInString(n.Body) > MaxCommentLen:
		p.Add("body", "ErrTooLong", map[string]any{"Max": MaxCommentLen})
	}
	switch n.Kind {
	case KindComment:
		if n.Title != "" {
			p.Add("title", "ErrTitleNotAllowed", nil)
		}
	case KindIdea:
		if c.Kind != KindCodesign {
			p.Add("kind", "ErrIdeasOnlyCodesign", nil)
		}
		if n.ParentID != "" {
			p.Add("parent_id", "ErrIdeaIsTopLevel", nil)
		}
		switch {
		case !utf8.ValidString(n.Title):
			p.Add("title", "ErrInvalidUTF8", nil)
		case n.Title == "":
			p.Add("title", "ErrIdeaTitleRequired", nil)
		case utf8.RuneCountInString(n.Title) > MaxIdeaTitleLen:
			p.Add("title", "ErrTooLong", map[string]any{"Max": MaxIdeaTitleLen})
		}
	default:
		p.Add("kind", "ErrKindInvalid", nil)
	}
	switch n.Stance {
	case StanceNone:
	case StanceFor, StanceAgainst, StanceNeutral:
		if c.Kind != KindPolicy || n.ParentID != "" {
			p.Add("stance", "ErrStanceNotAllowed", nil)
		}
	default:
		p.Add("stance", "ErrStanceInvalid", nil)
	}
	if n.Locale != "" && !ValidLocale(n.Locale) {
		p.Add("locale", "ErrLocaleInvalid", nil)
	}
	return p.Err()
}
