package consultations

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Kind tells a policy consultation (read, answer, comment with a stance)
// from a service co-design thread (propose, discuss and support ideas).
type Kind string

const (
	KindPolicy   Kind = "policy"
	KindCodesign Kind = "codesign"
)

// Status is where a consultation is in its life.
type Status string

const (
	StatusDraft            Status = "draft"
	StatusScheduled        Status = "scheduled"
	StatusOpen             Status = "open"
	StatusClosed           Status = "closed"
	StatusOutcomePublished Status = "outcome_published"
)

// Consultation is one consultation or co-design thread.
type Consultation struct {
	ID                 string     `json:"id"`
	OrgID              string     `json:"org_id" db:"org_id"`
	Slug               string     `json:"slug"`
	Kind               Kind       `json:"kind"`
	Status             Status     `json:"status"`
	DefaultLocale      string     `json:"default_locale" db:"default_locale"`
	Title              LocalText  `json:"title"`
	Summary            LocalText  `json:"summary"`
	Body               LocalText  `json:"body"`
	OpensAt            time.Time  `json:"opens_at" db:"opens_at"`
	ClosesAt           time.Time  `json:"closes_at" db:"closes_at"`
	AllowAnonymous     bool       `json:"allow_anonymous" db:"allow_anonymous"`
	Premoderation      bool       `json:"premoderation" db:"premoderation"`
	CreatedBy          string     `json:"-" db:"created_by"`
	CreatedAt          time.Time  `json:"created_at" db:"created_at"`
	UpdatedAt          time.Time  `json:"updated_at" db:"updated_at"`
	ResponseCount      int        `json:"response_count" db:"response_count"`
	CommentCount       int        `json:"comment_count" db:"comment_count"`
	OutcomeSummary     LocalText  `json:"outcome_summary,omitempty" db:"outcome_summary"`
	OutcomePublishedAt *time.Time `json:"outcome_published_at,omitempty" db:"outcome_published_at"`

	// Filled by Store.Consultation, not stored in the consultations row.
	Organisation *Organisation `json:"organisation,omitempty" db:"-"`
	Sections     []Section     `json:"sections,omitempty" db:"-"`
	Documents    []Document    `json:"documents,omitempty" db:"-"`
	Questions    []Question    `json:"questions,omitempty" db:"-"`
}

// Section is one part of a consultation's full text.
type Section struct {
	ID             string    `json:"id"`
	ConsultationID string    `json:"-" db:"consultation_id"`
	Position       int       `json:"position"`
	Heading        LocalText `json:"heading"`
	Body           LocalText `json:"body"`
}

// Document is a file published with a consultation, linked by URL.
type Document struct {
	ID             string    `json:"id"`
	ConsultationID string    `json:"-" db:"consultation_id"`
	Position       int       `json:"position"`
	Title          LocalText `json:"title"`
	URL            string    `json:"url"`
	MediaType      string    `json:"media_type" db:"media_type"`
	SizeBytes      int64     `json:"size_bytes" db:"size_bytes"`
}

// EffectiveStatus is the status as of now: a scheduled consultation whose
// opening time has passed is open, and an open one past its closing time
// is closed, whether or not the stored row has caught up yet.
func (c *Consultation) EffectiveStatus(now time.Time) Status {
	switch c.Status {
	case StatusScheduled:
		if !now.Before(c.ClosesAt) {
			return StatusClosed
		}
		if !now.Before(c.OpensAt) {
			return StatusOpen
		}
	case StatusOpen:
		if !now.Before(c.ClosesAt) {
			return StatusClosed
		}
	}
	return c.Status
}

// AcceptsInput reports whether responses and comments are taken at now.
func (c *Consultation) AcceptsInput(now time.Time) bool {
	return c.EffectiveStatus(now) == StatusOpen && !now.Before(c.OpensAt) && now.Before(c.ClosesAt)
}

// checkOpen returns an ECLOSED error unless the consultation takes input.
func (c *Consultation) checkOpen(now time.Time) error {
	if c.AcceptsInput(now) {
		return nil
	}
	if now.Before(c.OpensAt) || c.EffectiveStatus(now) == StatusDraft || c.EffectiveStatus(now) == StatusScheduled {
		return Errorf(ECLOSED, "ErrNotYetOpen")
	}
	return Errorf(ECLOSED, "ErrClosed")
}

// Limits on what staff write.
const (
	MaxTitleLen   = 200
	MaxSummaryLen = 1000
	MaxBodyLen    = 100000
	MaxSections   = 50
	MaxQuestions  = 100
	MaxOptions    = 30
)

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// Draft is what staff give to create or edit a consultation.
type Draft struct {
	Slug           string          `json:"slug"`
	Kind           Kind            `json:"kind"`
	DefaultLocale  string          `json:"default_locale"`
	Title          LocalText       `json:"title"`
	Summary        LocalText       `json:"summary"`
	Body           LocalText       `json:"body"`
	OpensAt        time.Time       `json:"opens_at"`
	ClosesAt       time.Time       `json:"closes_at"`
	AllowAnonymous bool            `json:"allow_anonymous"`
	Premoderation  bool            `json:"premoderation"`
	Sections       []SectionDraft  `json:"sections"`
	Documents      []DocumentDraft `json:"documents"`
	Questions      []QuestionDraft `json:"questions"`
	OrgID          string          `json:"org_id"`
}

// SectionDraft is a section as staff write it.
type SectionDraft struct {
	Heading LocalText `json:"heading"`
	Body    LocalText `json:"body"`
}

// DocumentDraft is a document link as staff write it.
type DocumentDraft struct {
	Title     LocalText `json:"title"`
	URL       string    `json:"url"`
	MediaType string    `json:"media_type"`
	SizeBytes int64     `json:"size_bytes"`
}

// Slugify makes a URL slug from a title.
func Slugify(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 60 {
			break
		}
	}
	return strings.Trim(b.String(), "-")
}

func (d *Draft) normalise() {
	d.Slug = strings.TrimSpace(strings.ToLower(d.Slug))
	if d.DefaultLocale == "" {
		d.DefaultLocale = "en"
	}
	if d.Slug == "" {
		t, _ := d.Title.Pick(d.DefaultLocale, "en")
		d.Slug = Slugify(t)
	}
	d.Title = trimText(d.Title)
	d.Summary = trimText(d.Summary)
	d.Body = trimText(d.Body)
	d.OpensAt = d.OpensAt.UTC()
	d.ClosesAt = d.ClosesAt.UTC()
}

func trimText(t LocalText) LocalText {
	out := LocalText{}
	for tag, s := range t {
		if s = strings.TrimSpace(s); s != "" {
			out[tag] = s
		}
	}
	return out
}

func (d *Draft) validate() error {
	p := Problems{}
	if d.Kind != KindPolicy && d.Kind != KindCodesign {
		p.Add("kind", "ErrKindInvalid", nil)
	}
	if !slugPattern.MatchString(d.Slug) || len(d.Slug) > 80 {
		p.Add("slug", "ErrSlugInvalid", nil)
	}
	if !ValidLocale(d.DefaultLocale) {
		p.Add("default_locale", "ErrLocaleInvalid", nil)
	}
	checkText(p, "title", d.Title, true, MaxTitleLen)
	checkText(p, "summary", d.Summary, true, MaxSummaryLen)
	checkText(p, "body", d.Body, false, MaxBodyLen)
	if d.Title[d.DefaultLocale] == "" && !d.Title.Empty() {
		p.Add("title", "ErrTitleDefaultLocale", nil)
	}
	if d.OpensAt.IsZero() {
		p.Add("opens_at", "ErrDateRequired", nil)
	}
	if d.ClosesAt.IsZero() {
		p.Add("closes_at", "ErrDateRequired", nil)
	} else if !d.OpensAt.IsZero() && !d.ClosesAt.After(d.OpensAt) {
		p.Add("closes_at", "ErrClosesBeforeOpens", nil)
	}
	if len(d.Sections) > MaxSections {
		p.Add("sections", "ErrTooMany", map[string]any{"Max": MaxSections})
	}
	for i, s := range d.Sections {
		checkText(p, fieldName("sections", i, "heading"), s.Heading, true, MaxTitleLen)
		checkText(p, fieldName("sections", i, "body"), s.Body, false, MaxBodyLen)
	}
	for i, doc := range d.Documents {
		checkText(p, fieldName("documents", i, "title"), doc.Title, true, MaxTitleLen)
		if !safeURL(doc.URL) {
			p.Add(fieldName("documents", i, "url"), "ErrURLInvalid", nil)
		}
	}
	if len(d.Questions) > MaxQuestions {
		p.Add("questions", "ErrTooMany", map[string]any{"Max": MaxQuestions})
	}
	for i := range d.Questions {
		d.Questions[i].validate(p, i)
	}
	return p.Err()
}

func checkText(p Problems, field string, t LocalText, required bool, max int) {
	if required && t.Empty() {
		p.Add(field, "ErrRequired", nil)
		return
	}
	for tag, s := range t {
		if !ValidLocale(tag) {
			p.Add(field, "ErrLocaleInvalid", nil)
			return
		}
		if !utf8.ValidString(s) {
			p.Add(field, "ErrInvalidUTF8", nil)
			return
		}
		if utf8.RuneCountInString(s) > max {
			p.Add(field, "ErrTooLong", map[string]any{"Max": max})
			return
		}
	}
}

func fieldName(list string, i int, field string) string {
	return list + "." + itoa(i) + "." + field
}

func safeURL(u string) bool {
	return (strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "/")) &&
		!strings.HasPrefix(u, "//") && len(u) <= 2000 && !strings.ContainsAny(u, " \"<>\n\r\t\\")
}
