package consultations

import "regexp"

// Profile holds a respondent's optional, self-declared answers about
// themselves, used only for aggregate participation figures, and whether
// they allow their answers to be published. Empty means "not stated";
// PreferNotToSay is an answer of its own.
type Profile struct {
	Region         string `json:"region,omitempty" db:"region"`
	AgeBand        string `json:"age_band,omitempty" db:"age_band"`
	Gender         string `json:"gender,omitempty" db:"gender"`
	PublishConsent bool   `json:"publish_consent" db:"publish_consent"`
}

// PreferNotToSay is the profile answer of someone who chose not to say.
const PreferNotToSay = "prefer-not-to-say"

// AgeBands are the age bands a respondent may choose from, youngest first.
var AgeBands = []string{"under-18", "18-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75-plus"}

// Genders are the gender answers offered besides "prefer not to say".
var Genders = []string{"woman", "man", "another"}

// regionCode is the shape of a region's code; the regions offered are the
// organisation's reference regions, but any well-formed code is kept so
// that renaming a region list does not refuse answers in flight.
var regionCode = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,39}$`)

func oneOf(v string, list []string) bool {
	for _, x := range list {
		if v == x {
			return true
		}
	}
	return false
}

// check records a problem for each answer that is not one of the choices.
func (p *Profile) check(problems Problems) {
	if p.Region != "" && !regionCode.MatchString(p.Region) {
		problems.Add("region", "ErrProfileChoice", nil)
	}
	if p.AgeBand != "" && p.AgeBand != PreferNotToSay && !oneOf(p.AgeBand, AgeBands) {
		problems.Add("age_band", "ErrProfileChoice", nil)
	}
	if p.Gender != "" && p.Gender != PreferNotToSay && !oneOf(p.Gender, Genders) {
		problems.Add("gender", "ErrProfileChoice", nil)
	}
}

// Valid reports whether every answer is one of the choices.
func (p *Profile) Valid() bool {
	problems := Problems{}
	p.check(problems)
	return len(problems) == 0
}
