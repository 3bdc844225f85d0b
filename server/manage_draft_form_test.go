package server

import (
	"net/url"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/consult-platform/consult/consultations"
)

func TestDraftFormDecodesIntoDraft(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	lt := func(kv ...string) consultations.LocalText {
		t := consultations.LocalText{}
		for i := 0; i+1 < len(kv); i += 2 {
			t[kv[i]] = kv[i+1]
		}
		return t
	}
	tests := []struct {
		name     string
		form     url.Values
		tz       *time.Location
		check    func(t *testing.T, d consultations.Draft)
		problems []string
	}{
		{
			name: "basic fields in one language",
			form: url.Values{
				"kind": {"policy"}, "slug": {" safer-streets "}, "default_locale": {"en"}, "langs": {"en"},
				"title.en": {"Safer streets"}, "summary.en": {"Sum"}, "body.en": {"Body"},
				"opens_at": {"2026-03-01T09:00"}, "closes_at": {"2026-04-01T17:30"},
				"allow_anonymous": {"on"}, "moderation": {"pre"},
			},
			tz: time.UTC,
			check: func(t *testing.T, d consultations.Draft) {
				want := consultations.Draft{
					Slug: "safer-streets", Kind: "policy", DefaultLocale: "en",
					Title: lt("en", "Safer streets"), Summary: lt("en", "Sum"), Body: lt("en", "Body"),
					OpensAt:        time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC),
					ClosesAt:       time.Date(2026, 4, 1, 17, 30, 0, 0, time.UTC),
					AllowAnonymous: true, Premoderation: true,
				}
				if !reflect.DeepEqual(d, want) {
					t.Errorf("draft = %+v; want %+v", d, want)
				}
			},
		},
		{
			name: "dates are read in the organisation's time zone",
			form: url.Values{"opens_at": {"2026-07-01T09:00"}, "closes_at": {"2026-07-01T10:00:00"}},
			tz:   london,
			check: func(t *testing.T, d consultations.Draft) {
				if want := time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC); !d.OpensAt.Equal(want) {
					t.Errorf("OpensAt = %v; want %v (09:00 BST)", d.OpensAt.UTC(), want)
				}
				if want := time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC); !d.ClosesAt.Equal(want) {
					t.Errorf("ClosesAt = %v; want %v", d.ClosesAt.UTC(), want)
				}
			},
		},
		{
			name:     "a date that does not parse is a problem",
			form:     url.Values{"opens_at": {"next tuesday"}, "closes_at": {"2026-13-45T99:00"}},
			tz:       time.UTC,
			problems: []string{"closes_at", "opens_at"},
			check: func(t *testing.T, d consultations.Draft) {
				if !d.OpensAt.IsZero() {
					t.Errorf("OpensAt = %v; want zero", d.OpensAt)
				}
			},
		},
		{
			name: "texts in several languages, only languages in use",
			form: url.Values{
				"default_locale": {"en"}, "langs": {"en", "fr", "cy"},
				"title.en": {"Streets"}, "title.fr": {"Rues"}, "title.de": {"Straßen"}, "summary.cy": {"Crynodeb"},
			},
			tz: time.UTC,
			check: func(t *testing.T, d consultations.Draft) {
				if want := lt("en", "Streets", "fr", "Rues"); !reflect.DeepEqual(d.Title, want) {
					t.Errorf("Title = %v; want %v", d.Title, want)
				}
				if want := lt("cy", "Crynodeb"); !reflect.DeepEqual(d.Summary, want) {
					t.Errorf("Summary = %v; want %v", d.Summary, want)
				}
			},
		},
		{
			name: "the main language is in use even when langs omits it",
			form: url.Values{"default_locale": {"fr"}, "title.fr": {"Rues"}},
			tz:   time.UTC,
			check: func(t *testing.T, d consultations.Draft) {
				if d.DefaultLocale != "fr" || d.Title["fr"] != "Rues" {
					t.Errorf("DefaultLocale, Title = %q, %v; want fr, Rues", d.DefaultLocale, d.Title)
				}
			},
		},
		{
			name: "a malformed main language falls back to English",
			form: url.Values{"default_locale": {"<script>"}, "title.en": {"T"}},
			tz:   time.UTC,
			check: func(t *testing.T, d consultations.Draft) {
				if d.DefaultLocale != "en" {
					t.Errorf("DefaultLocale = %q; want en", d.DefaultLocale)
				}
			},
		},
		{
			name: "sections and documents by index, gaps kept empty",
			form: url.Values{
				"langs":                 {"en"},
				"sections.0.heading.en": {"Why"}, "sections.0.body.en": {"Because"},
				"sections.2.heading.en": {"How"},
				"documents.0.title.en":  {"Impact assessment"}, "documents.0.url": {" https://example.org/a.pdf "},
			},
			tz: time.UTC,
			check: func(t *testing.T, d consultations.Draft) {
				want := []consultations.SectionDraft{
					{Heading: lt("en", "Why"), Body: lt("en", "Because")},
					{Heading: lt(), Body: lt()},
					{Heading: lt("en", "How"), Body: lt()},
				}
				if !reflect.DeepEqual(d.Sections, want) {
					t.Errorf("Sections = %+v; want %+v", d.Sections, want)
				}
				if len(d.Documents) != 1 || d.Documents[0].URL != "https://example.org/a.pdf" || d.Documents[0].Title["en"] != "Impact assessment" {
					t.Errorf("Documents = %+v", d.Documents)
				}
			},
		},
		{
			name: "an index beyond the limit is ignored",
			form: url.Values{"sections.999999.heading.en": {"x"}, "questions.-1.kind": {"text"}},
			tz:   time.UTC,
			check: func(t *testing.T, d consultations.Draft) {
				if len(d.Sections) != 0 || len(d.Questions) != 0 {
					t.Errorf("got %d sections, %d questions; want none", len(d.Sections), len(d.Questions))
				}
			},
		},
		{
			name: "choice options pair lines across languages and drop blank ones",
			form: url.Values{
				"default_locale": {"en"}, "langs": {"en", "fr"},
				"questions.0.kind": {"single"}, "questions.0.required": {"on"}, "questions.0.max_length": {"50"},
				"questions.0.prompt.en": {"Which?"}, "questions.0.prompt.fr": {"Lequel ?"},
				"questions.0.options.en": {"Yes\r\n\r\nNo\r\n  Maybe  \r\n"},
				"questions.0.options.fr": {"Oui\n\nNon"},
			},
			tz: time.UTC,
			check: func(t *testing.T, d consultations.Draft) {
				want := consultations.QuestionDraft{
					Kind: "single", Required: true, Prompt: lt("en", "Which?", "fr", "Lequel ?"), Hint: lt(),
					Options: []consultations.LocalText{lt("en", "Yes", "fr", "Oui"), lt("en", "No", "fr", "Non"), lt("en", "Maybe")},
				}
				if len(d.Questions) != 1 || !reflect.DeepEqual(d.Questions[0], want) {
					t.Errorf("Questions = %+v; want [%+v]", d.Questions, want)
				}
			},
		},
		{
			name: "a text question keeps its limit and no options",
			form: url.Values{"questions.0.kind": {"text"}, "questions.0.max_length": {"500"}, "questions.0.options.en": {"a\nb"}},
			tz:   time.UTC,
			check: func(t *testing.T, d consultations.Draft) {
				if q := d.Questions[0]; q.MaxLength != 500 || q.Options != nil || q.Required {
					t.Errorf("question = %+v; want limit 500, no options, optional", q)
				}
			},
		},
		{
			name:     "a limit that is not a number is a problem the store also refuses",
			form:     url.Values{"questions.0.kind": {"text"}, "questions.0.max_length": {"lots"}},
			tz:       time.UTC,
			problems: []string{"questions.0.max_length"},
			check: func(t *testing.T, d consultations.Draft) {
				if d.Questions[0].MaxLength >= 0 {
					t.Errorf("MaxLength = %d; want negative", d.Questions[0].MaxLength)
				}
			},
		},
		{
			name: "moderation defaults to post and org_id is passed through for the handler to judge",
			form: url.Values{"moderation": {"sideways"}, "org_id": {"org-2"}},
			tz:   time.UTC,
			check: func(t *testing.T, d consultations.Draft) {
				if d.Premoderation || d.OrgID != "org-2" {
					t.Errorf("Premoderation, OrgID = %v, %q; want false, org-2", d.Premoderation, d.OrgID)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, p := decodeDraftForm(tt.form).draft(tt.tz)
			var got []string
			for k := range p {
				got = append(got, k)
			}
			sort.Strings(got)
			if !reflect.DeepEqual(got, tt.problems) {
				t.Errorf("problems = %v; want %v", got, tt.problems)
			}
			tt.check(t, d)
		})
	}
}

func TestDraftFormButtonsEditTheFormWithoutLosingInput(t *testing.T) {
	base := func() url.Values {
		return url.Values{
			"default_locale": {"en"}, "langs": {"en", "fr"}, "title.en": {"Streets"}, "title.fr": {"Rues"},
			"sections.0.heading.en": {"One"}, "sections.1.heading.en": {"Two"}, "sections.2.heading.en": {"Three"},
			"questions.0.kind": {"text"}, "questions.0.prompt.en": {"Q1"}, "questions.0.prompt.fr": {"Q1 fr"},
			"documents.0.url": {"https://example.org"},
		}
	}
	tests := []struct {
		action, addLang string
		handled         bool
		check           func(f *draftForm) bool
	}{
		{"save", "", false, func(f *draftForm) bool { return len(f.Sections) == 3 }},
		{"", "", false, func(f *draftForm) bool { return len(f.Sections) == 3 }},
		{"add_section", "", true, func(f *draftForm) bool { return len(f.Sections) == 4 && f.Sections[0].Heading["en"] == "One" }},
		{"remove_section:1", "", true, func(f *draftForm) bool {
			return len(f.Sections) == 2 && f.Sections[0].Heading["en"] == "One" && f.Sections[1].Heading["en"] == "Three"
		}},
		{"remove_section:9", "", true, func(f *draftForm) bool { return len(f.Sections) == 3 }},
		{"remove_section:x", "", true, func(f *draftForm) bool { return len(f.Sections) == 3 }},
		{"add_question", "", true, func(f *draftForm) bool { return len(f.Questions) == 2 && f.Questions[1].Kind == "text" }},
		{"remove_question:0", "", true, func(f *draftForm) bool { return len(f.Questions) == 0 }},
		{"add_document", "", true, func(f *draftForm) bool { return len(f.Documents) == 2 }},
		{"remove_document:0", "", true, func(f *draftForm) bool { return len(f.Documents) == 0 }},
		{"add_language", "cy", true, func(f *draftForm) bool { return reflect.DeepEqual(f.Langs, []string{"en", "fr", "cy"}) }},
		{"add_language", "fr", true, func(f *draftForm) bool { return reflect.DeepEqual(f.Langs, []string{"en", "fr"}) }},
		{"add_language", "\"><b>", true, func(f *draftForm) bool { return len(f.Langs) == 2 }},
		{"remove_language:fr", "", true, func(f *draftForm) bool {
			return reflect.DeepEqual(f.Langs, []string{"en"}) && f.Title["fr"] == "" && f.Questions[0].Prompt["fr"] == "" && f.Title["en"] == "Streets"
		}},
		{"remove_language:en", "", true, func(f *draftForm) bool { return len(f.Langs) == 2 && f.Title["en"] == "Streets" }},
		{"launch_missiles", "", false, func(f *draftForm) bool { return len(f.Sections) == 3 }},
	}
	for _, tt := range tests {
		f := decodeDraftForm(base())
		if handled := f.apply(tt.action, tt.addLang); handled != tt.handled {
			t.Errorf("apply(%q) handled = %v; want %v", tt.action, handled, tt.handled)
		}
		if !tt.check(f) {
			t.Errorf("apply(%q, %q) left form %+v", tt.action, tt.addLang, f)
		}
	}
}

func TestDraftFormRoundTripsAStoredConsultation(t *testing.T) {
	c := &consultations.Consultation{
		Kind: "policy", Slug: "s", DefaultLocale: "fr",
		Title:    consultations.LocalText{"fr": "Rues", "en": "Streets"},
		Summary:  consultations.LocalText{"fr": "Résumé"},
		OpensAt:  time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC),
		ClosesAt: time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC),
		Questions: []consultations.Question{{Kind: "multiple", Prompt: consultations.LocalText{"fr": "Quoi ?"},
			Options: consultations.Options{{ID: "o1", Label: consultations.LocalText{"fr": "Oui", "en": "Yes"}}, {ID: "o2", Label: consultations.LocalText{"fr": "Non"}}}}},
		Premoderation: true,
	}
	f := draftFormFrom(c, time.UTC)
	if !reflect.DeepEqual(f.Langs, []string{"fr", "en"}) {
		t.Errorf("Langs = %v; want [fr en]", f.Langs)
	}
	if f.OpensAt != "2026-03-01T09:00" || f.Moderation != "pre" {
		t.Errorf("OpensAt, Moderation = %q, %q", f.OpensAt, f.Moderation)
	}
	if got := f.Questions[0].Options; got["fr"] != "Oui\nNon" || got["en"] != "Yes\n" {
		t.Errorf("Options = %q; want fr \"Oui\\nNon\", en \"Yes\\n\"", got)
	}
	d, p := f.draft(time.UTC)
	if len(p) != 0 {
		t.Fatalf("problems = %v", p)
	}
	if want := []consultations.LocalText{{"fr": "Oui", "en": "Yes"}, {"fr": "Non"}}; !reflect.DeepEqual(d.Questions[0].Options, want) {
		t.Errorf("Options after round trip = %v; want %v", d.Questions[0].Options, want)
	}
	if !d.OpensAt.Equal(c.OpensAt) || !d.Premoderation {
		t.Errorf("OpensAt, Premoderation = %v, %v", d.OpensAt, d.Premoderation)
	}
}
