package server

import (
	"net/http"

	"github.com/consult-platform/consult/consultations"
)

// profileView holds the optional "about you" questions of the response
// form and what the respondent chose.
type profileView struct {
	consultations.Profile
	Regions []choiceView
	Ages    []choiceView
	Genders []choiceView
	Consent string // "yes", "no" or "" (not answered, taken as no)
}

// choiceView is one radio button.
type choiceView struct {
	Value, Label string
	Checked      bool
}

// readProfile takes the optional profile answers from a posted form.
func readProfile(r *http.Request) consultations.Profile {
	return consultations.Profile{
		Region: r.PostFormValue("region"), AgeBand: r.PostFormValue("age_band"), Gender: r.PostFormValue("gender"),
		PublishConsent: r.PostFormValue("publish_consent") == "yes",
	}
}

// addProfile fills the form's "about you" part: the organisation's
// regions (none, no region question), the age bands and genders, and what
// was posted, so that nothing chosen is lost.
func (s *Server) addProfile(r *http.Request, c *consultations.Consultation, v *respondView) {
	loc := reqOf(r).loc
	p := readProfile(r)
	pv := &profileView{Profile: p, Consent: r.PostFormValue("publish_consent")}
	choices := func(values []string, labels map[string]string, chosen string) []choiceView {
		var out []choiceView
		for _, val := range append(values, consultations.PreferNotToSay) {
			label := labels[val]
			if label == "" {
				label = loc.T("AnalyticsValue_" + val)
			}
			out = append(out, choiceView{Value: val, Label: label, Checked: val == chosen})
		}
		return out
	}
	if regions, err := s.analytics.Regions(r.Context(), c); err == nil && len(regions) > 0 {
		labels := map[string]string{}
		var values []string
		for _, reg := range regions {
			values = append(values, reg.Value)
			labels[reg.Value] = reg.Label
			if reg.Label == "" {
				labels[reg.Value] = reg.Value
			}
		}
		pv.Regions = choices(values, labels, p.Region)
	}
	pv.Ages = choices(append([]string{}, consultations.AgeBands...), nil, p.AgeBand)
	pv.Genders = choices(append([]string{}, consultations.Genders...), nil, p.Gender)
	v.Profile = pv
}
