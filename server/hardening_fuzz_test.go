package server

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/consult-platform/consult/consultations"
)

// The fuzz targets below take hostile form and JSON bodies through every
// decoder of outside input. `make fuzz` runs each for a while; inputs that
// once failed live in testdata/fuzz/<Target>/ and run with every `go test`.

// fuzzForms seeds form decoders with what real forms send and worse.
var fuzzForms = []string{
	"",
	"main_lang=en&langs=fr&title.en=Streets&title.fr=Rues&opens_at=2026-03-01T10:00&closes_at=2026-04-01T10:00",
	"action=remove-lang:fr&langs=fr&langs=fr&langs=zz-ZZ-x-evil",
	"action=remove-question:99999999999999999999&questions=3&question.0.kind=scale",
	"action=add-question&questions=-1&sections=1000000",
	"decisions=2&decision.0.asked.en=%3Cscript%3E&decision.1.comments=a&decision.1.comments=a",
	"answer.q1=%FF%FE&answer.q2=a&answer.q2=b&answer.q3=NaN&locale=../../etc",
	"answer-q1=x&answer-q3=-0&answer-q4=99999999999999999999999",
	"title.en=%00%00&summary.en=" + strings.Repeat("%E2%80%AE", 50),
}

func FuzzDraftFormDecoding(f *testing.F) {
	for _, s := range fuzzForms {
		f.Add(s, "add-section", "fr")
	}
	f.Fuzz(func(t *testing.T, form, action, addLang string) {
		v, err := url.ParseQuery(form)
		if err != nil {
			return
		}
		d := decodeDraftForm(v)
		d.apply(action, addLang)
		d.fieldOrder()
		for _, tz := range []*time.Location{time.UTC, time.FixedZone("far", 14*3600)} {
			d.draft(tz)
		}
	})
}

func FuzzOutcomeFormDecoding(f *testing.F) {
	for _, s := range fuzzForms {
		f.Add(s, "add-decision", "en", "cy")
	}
	f.Fuzz(func(t *testing.T, form, action, main, addLang string) {
		v, err := url.ParseQuery(form)
		if err != nil {
			return
		}
		o := decodeOutcomeForm(v, main)
		o.apply(action, addLang)
		o.fieldOrder()
		o.outcome()
	})
}

// fuzzConsultation has one question of each kind, for answer decoders.
var fuzzConsultation = &consultations.Consultation{
	ID: "c1", DefaultLocale: "en",
	Questions: []consultations.Question{
		{ID: "q1", Kind: consultations.QuestionText, MaxLength: 100},
		{ID: "q2", Kind: consultations.QuestionMultiple, Options: consultations.Options{{ID: "a"}, {ID: "b"}}},
		{ID: "q3", Kind: consultations.QuestionScale},
		{ID: "q4", Kind: consultations.QuestionSingle, Options: consultations.Options{{ID: "a"}}},
	},
}

func FuzzAnswerFormsDecoding(f *testing.F) {
	for _, s := range fuzzForms {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, form string) {
		v, err := url.ParseQuery(form)
		if err != nil {
			return
		}
		n, _ := decodeAssistedForm(v, fuzzConsultation)
		if n.Locale != fuzzConsultation.DefaultLocale && !consultations.ValidLocale(n.Locale) {
			t.Fatalf("assisted form took locale %q", n.Locale)
		}
		r := httptest.NewRequest("POST", "/", strings.NewReader(form))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.ParseForm()
		for _, a := range readAnswers(r, fuzzConsultation) {
			if a.QuestionID == "" {
				t.Fatal("an answer without its question")
			}
		}
	})
}

// FuzzJSONDecoding sends any body to decodeJSON for every input type of
// the API: it must answer with a field-naming error or a value, never
// panic, and never accept what is not one JSON object of known fields.
func FuzzJSONDecoding(f *testing.F) {
	for _, s := range []string{
		`{"body":"hello"}`, `{"body":"a"}{"body":"b"}`, `{"unknown":1}`, `{"opens_at":"yesterday"}`,
		`{"answers":[{"question_id":"q","choices":["a"],"scale":1e400}]}`, "{\"body\":\"\xff\"}", `[]`, `null`, `{"title":{"en":1}}`,
		`{"decisions":[{"asked":{"en":"x"},"comment_ids":[` + strings.Repeat(`"x",`, 100) + `"x"]}]}`,
	} {
		f.Add([]byte(s))
	}
	targets := []func() any{
		func() any { return new(consultations.NewAccount) },
		func() any { return new(consultations.NewComment) },
		func() any { return new(consultations.Draft) },
		func() any { return new(consultations.OutcomeDraft) },
		func() any { return new(consultations.NewResponse) },
		func() any { return new(struct{ Email, Password string }) },
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, mk := range targets {
			dst := mk()
			r := httptest.NewRequest("POST", "/", bytes.NewReader(body))
			r.Header.Set("Content-Type", "application/json")
			if err := decodeJSON(r, dst); err != nil {
				if _, ok := err.(*consultations.Error); !ok {
					t.Fatalf("decodeJSON(%q) = %T %v; want a *consultations.Error", body, err, err)
				}
				continue
			}
			if !json.Valid(body) {
				t.Fatalf("decodeJSON accepted invalid JSON %q", body)
			}
		}
	})
}
