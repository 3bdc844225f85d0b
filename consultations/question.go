package consultations

import (
	"database/sql/driver"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"
)

// QuestionKind is the form an answer takes.
type QuestionKind string

const (
	QuestionText     QuestionKind = "text"
	QuestionSingle   QuestionKind = "single"
	QuestionMultiple QuestionKind = "multiple"
	QuestionScale    QuestionKind = "scale" // 1 to 5
)

// DefaultMaxAnswerLen bounds a free-text answer when staff set no limit.
const DefaultMaxAnswerLen = 5000

// Question is one question of a consultation.
type Question struct {
	ID             string       `json:"id"`
	ConsultationID string       `json:"-" db:"consultation_id"`
	Position       int          `json:"position"`
	Kind           QuestionKind `json:"kind"`
	Required       bool         `json:"required"`
	MaxLength      int          `json:"max_length,omitempty" db:"max_length"`
	Prompt         LocalText    `json:"prompt"`
	Hint           LocalText    `json:"hint,omitempty"`
	Options        Options      `json:"options,omitempty"`
}

// Option is one choice of a single- or multiple-choice question.
type Option struct {
	ID    string    `json:"id"`
	Label LocalText `json:"label"`
}

// Options is stored as a JSON array.
type Options []Option

// Value stores the options as JSON.
func (o Options) Value() (driver.Value, error) {
	if o == nil {
		return "[]", nil
	}
	b, err := json.Marshal([]Option(o))
	return string(b), err
}

// Scan reads options stored by Value.
func (o *Options) Scan(src any) error {
	*o = nil
	return scanJSON(src, (*[]Option)(o))
}

// QuestionDraft is a question as staff write it.
type QuestionDraft struct {
	Kind      QuestionKind `json:"kind"`
	Required  bool         `json:"required"`
	MaxLength int          `json:"max_length"`
	Prompt    LocalText    `json:"prompt"`
	Hint      LocalText    `json:"hint"`
	Options   []LocalText  `json:"options"`
}

func (q *QuestionDraft) validate(p Problems, i int) {
	switch q.Kind {
	case QuestionText:
		if q.MaxLength < 0 || q.MaxLength > 20000 {
			p.Add(fieldName("questions", i, "max_length"), "ErrMaxLengthRange", map[string]any{"Max": 20000})
		}
	case QuestionSingle, QuestionMultiple:
		if len(q.Options) < 2 || len(q.Options) > MaxOptions {
			p.Add(fieldName("questions", i, "options"), "ErrOptionsCount", map[string]any{"Max": MaxOptions})
		}
		for j, o := range q.Options {
			checkText(p, fieldName("questions", i, "options."+itoa(j)), o, true, MaxTitleLen)
		}
	case QuestionScale:
	default:
		p.Add(fieldName("questions", i, "kind"), "ErrQuestionKindInvalid", nil)
	}
	checkText(p, fieldName("questions", i, "prompt"), q.Prompt, true, MaxSummaryLen)
	checkText(p, fieldName("questions", i, "hint"), q.Hint, false, MaxSummaryLen)
}

// Limit returns the most characters a text answer may have.
func (q *Question) Limit() int {
	if q.MaxLength > 0 {
		return q.MaxLength
	}
	return DefaultMaxAnswerLen
}

// HasOption reports whether id is one of the question's options.
func (q *Question) HasOption(id string) bool {
	for _, o := range q.Options {
		if o.ID == id {
			return true
		}
	}
	return false
}

// Answer is what a respondent gave to one question: Text for free text,
// Choices for single and multiple choice, Scale for a 1-5 rating.
type Answer struct {
	QuestionID string   `json:"question_id"`
	Text       string   `json:"text,omitempty"`
	Choices    []string `json:"choices,omitempty"`
	Scale      int      `json:"scale,omitempty"`
}

// Empty reports whether the answer holds nothing.
func (a Answer) Empty() bool {
	return strings.TrimSpace(a.Text) == "" && len(a.Choices) == 0 && a.Scale == 0
}

// check validates a against q, recording problems under the question's id.
func (q *Question) check(p Problems, a Answer) {
	field := q.ID
	if a.Empty() {
		if q.Required {
			p.Add(field, "ErrAnswerRequired", nil)
		}
		return
	}
	switch q.Kind {
	case QuestionText:
		if !utf8.ValidString(a.Text) {
			p.Add(field, "ErrInvalidUTF8", nil)
		} else if n := utf8.RuneCountInString(a.Text); n > q.Limit() {
			p.Add(field, "ErrAnswerTooLong", map[string]any{"Max": q.Limit(), "Count": n})
		}
	case QuestionSingle:
		if len(a.Choices) != 1 || !q.HasOption(a.Choices[0]) {
			p.Add(field, "ErrChooseOne", nil)
		}
	case QuestionMultiple:
		seen := map[string]bool{}
		for _, c := range a.Choices {
			if !q.HasOption(c) || seen[c] {
				p.Add(field, "ErrChoiceInvalid", nil)
				break
			}
			seen[c] = true
		}
	case QuestionScale:
		if a.Scale < 1 || a.Scale > 5 {
			p.Add(field, "ErrScaleRange", nil)
		}
	}
	if q.Kind != QuestionText && a.Text != "" {
		p.Add(field, "ErrChoiceInvalid", nil)
	}
}

// storedValue is how an answer is kept in the answers table.
func (q *Question) storedValue(a Answer) string {
	switch q.Kind {
	case QuestionSingle:
		return a.Choices[0]
	case QuestionMultiple:
		b, _ := json.Marshal(a.Choices)
		return string(b)
	case QuestionScale:
		return strconv.Itoa(a.Scale)
	}
	return strings.TrimSpace(a.Text)
}

// parseStored turns a stored value back into an Answer.
func (q *Question) parseStored(v string) Answer {
	a := Answer{QuestionID: q.ID}
	switch q.Kind {
	case QuestionSingle:
		a.Choices = []string{v}
	case QuestionMultiple:
		json.Unmarshal([]byte(v), &a.Choices)
	case QuestionScale:
		a.Scale, _ = strconv.Atoi(v)
	default:
		a.Text = v
	}
	return a
}

func itoa(i int) string { return strconv.Itoa(i) }
