package opinion

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/consult-platform/consult/consultations"
	"golang.org/x/text/unicode/norm"
)

// MaxStatementLen bounds a statement: short enough to read and vote on
// at a glance, as in Pol.is.
const MaxStatementLen = 280

// StatementStatus is whether a statement is shown for voting.
type StatementStatus string

const (
	StatementPublished StatementStatus = "published"
	StatementPending   StatementStatus = "pending" // held for pre-moderation
	StatementRemoved   StatementStatus = "removed" // left out of voting and of the groups
)

// Statement is a short statement people vote agree, disagree or pass on.
type Statement struct {
	ID             string          `json:"id"`
	ConsultationID string          `json:"consultation_id" db:"consultation_id"`
	Number         int             `json:"number"`
	AuthorID       *string         `json:"-" db:"author_id"`
	Seed           bool            `json:"seed"`
	Body           string          `json:"body"`
	Locale         string          `json:"locale"`
	Status         StatementStatus `json:"status"`
	VoteCount      int             `json:"vote_count" db:"vote_count"`
	AgreeCount     int             `json:"agree_count" db:"agree_count"`
	DisagreeCount  int             `json:"disagree_count" db:"disagree_count"`
	CreatedAt      time.Time       `json:"created_at" db:"created_at"`
}

// PassCount is how many passed on the statement.
func (s *Statement) PassCount() int { return s.VoteCount - s.AgreeCount - s.DisagreeCount }

// IsBy reports whether u wrote s.
func (s *Statement) IsBy(u *consultations.User) bool {
	return u != nil && s.AuthorID != nil && *s.AuthorID == u.ID
}

// NewStatement is a statement as someone writes it.
type NewStatement struct {
	Body   string `json:"body"`
	Locale string `json:"locale"`
}

func (n *NewStatement) validate() error {
	p := consultations.Problems{}
	n.Body = strings.Join(strings.Fields(n.Body), " ")
	switch {
	case !utf8.ValidString(n.Body):
		p.Add("body", "ErrInvalidUTF8", nil)
	case n.Body == "":
		p.Add("body", "ErrOpinionStatementRequired", nil)
	case utf8.RuneCountInString(n.Body) > MaxStatementLen:
		p.Add("body", "ErrTooLong", map[string]any{"Max": MaxStatementLen})
	case foldText(n.Body) == "":
		p.Add("body", "ErrOpinionStatementRequired", nil)
	}
	return p.Err()
}

// foldText folds a statement's text for the duplicate check: compatible
// forms unified, accents, case, punctuation and spacing ignored, so that
// "Bus fares should be FREE!" and "bus fares should be free" are one.
func foldText(text string) string {
	var b strings.Builder
	space := false
	for _, r := range norm.NFKD.String(text) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToLower(r))
		default:
			space = true
		}
	}
	return b.String()
}

// Map is a consultation's opinion map, as staff set it up.
type Map struct {
	ConsultationID        string    `json:"consultation_id" db:"consultation_id"`
	ParticipantStatements bool      `json:"participant_statements" db:"participant_statements"`
	CreatedAt             time.Time `json:"created_at" db:"created_at"`
	UpdatedAt             time.Time `json:"updated_at" db:"updated_at"`
}
