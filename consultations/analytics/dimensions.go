package analytics

import (
	"strings"
	"time"
)

// Breakdown dimensions, as named in counts, JSON and CSV exports.
const (
	DimTotals                 = "totals" // participants, responses, contributions, supports
	DimResponsesByDay         = "responses_by_day"
	DimResponsesByChannel     = "responses_by_channel"
	DimResponsesByLanguage    = "responses_by_language"
	DimRegion                 = "region"
	DimAgeBand                = "age_band"
	DimGender                 = "gender"
	DimContributionsByKind    = "contributions_by_kind" // comment, idea, reply
	DimContributionsByChannel = "contributions_by_channel"
	DimContributionsByDay     = "contributions_by_day"
	DimSupportsByDay          = "supports_by_day"
	DimParticipantsByDay      = "participants_by_day" // by the day people first took part
	DimQuestionsAnswered      = "questions_answered"  // value: question id
	DimIdeaSupports           = "idea_supports"       // most-supported ideas, then "other"
	questionPrefix            = "question:"           // + question id: answers by option or scale point
)

// Totals' values.
const (
	TotalParticipants  = "participants"
	TotalResponses     = "responses"
	TotalContributions = "contributions"
	TotalSupports      = "supports"
)

// NotStated is the cell of respondents who left a profile question blank.
const NotStated = "not-stated"

// QuestionDimension names the breakdown of a question's answers.
func QuestionDimension(questionID string) string { return questionPrefix + questionID }

// IsQuestionDimension reports whether dim is a question's breakdown, and
// of which question.
func IsQuestionDimension(dim string) (string, bool) {
	return strings.CutPrefix(dim, questionPrefix)
}

// day is the UTC calendar day of t, as counts key it.
func day(t time.Time) string { return t.UTC().Format(time.DateOnly) }
