package server

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/consult-platform/consult/consultations"
)

// outcomeForm is the "we asked, you said, we did" form as typed.
//
// Field names: langs (repeated), summary.LANG, decisions.N.asked.LANG,
// decisions.N.said.LANG, decisions.N.did.LANG, decisions.N.link (a
// checkbox per listed contribution, repeated) and decisions.N.ids (more
// contribution ids, separated by spaces, commas or lines).
type outcomeForm struct {
	Main      string
	Langs     []string
	Summary   consultations.LocalText
	Decisions []decisionForm
}

type decisionForm struct {
	Asked, Said, Did consultations.LocalText
	Linked           []string // ids ticked in the list
	IDs              string   // ids typed
}

// maxDecisions bounds one outcome form.
const maxDecisions = 100

func emptyDecision() decisionForm {
	return decisionForm{Asked: consultations.LocalText{}, Said: consultations.LocalText{}, Did: consultations.LocalText{}}
}

func decodeOutcomeForm(v url.Values, main string) *outcomeForm {
	f := &outcomeForm{Main: main, Langs: usedLangs(main, v["langs"])}
	f.Summary = localValues(v, "summary", f.Langs)
	for i := range itemCount(v, "decisions", maxDecisions) {
		p := "decisions." + strconv.Itoa(i)
		f.Decisions = append(f.Decisions, decisionForm{
			Asked:  localValues(v, p+".asked", f.Langs),
			Said:   localValues(v, p+".said", f.Langs),
			Did:    localValues(v, p+".did", f.Langs),
			Linked: v[p+".link"],
			IDs:    strings.TrimSpace(v.Get(p + ".ids")),
		})
	}
	return f
}

// outcomeFormFrom fills the form from a published outcome. Linked
// contributions among those listed are ticked; the rest are typed ids.
func outcomeFormFrom(c *consultations.Consultation, decisions []consultations.Decision, listed map[string]bool) *outcomeForm {
	f := &outcomeForm{Main: c.DefaultLocale, Summary: c.OutcomeSummary}
	if f.Summary == nil {
		f.Summary = consultations.LocalText{}
	}
	langs := append(c.Title.Languages(), f.Summary.Languages()...)
	for _, d := range decisions {
		df := decisionForm{Asked: d.Asked, Said: d.Said, Did: d.Did}
		var typed []string
		for _, id := range d.CommentIDs {
			if listed[id] {
				df.Linked = append(df.Linked, id)
			} else {
				typed = append(typed, id)
			}
		}
		df.IDs = strings.Join(typed, " ")
		langs = append(langs, d.Asked.Languages()...)
		f.Decisions = append(f.Decisions, df)
	}
	if len(f.Decisions) == 0 {
		f.Decisions = []decisionForm{emptyDecision()}
	}
	f.Langs = usedLangs(c.DefaultLocale, langs)
	return f
}

// apply carries out an editing button and reports whether it was one.
func (f *outcomeForm) apply(action, addLang string) bool {
	verb, arg, _ := strings.Cut(action, ":")
	i, err := strconv.Atoi(arg)
	if err != nil {
		i = -1
	}
	switch verb {
	case "add_language":
		if consultations.ValidLocale(addLang) && !containsString(f.Langs, addLang) && len(f.Langs) < maxFormLangs {
			f.Langs = append(f.Langs, addLang)
		}
	case "remove_language":
		if arg != f.Main {
			var keep []string
			for _, l := range f.Langs {
				if l != arg {
					keep = append(keep, l)
				}
			}
			f.Langs = keep
			delete(f.Summary, arg)
			for _, d := range f.Decisions {
				delete(d.Asked, arg)
				delete(d.Said, arg)
				delete(d.Did, arg)
			}
		}
	case "add_decision":
		if len(f.Decisions) < maxDecisions {
			f.Decisions = append(f.Decisions, emptyDecision())
		}
	case "remove_decision":
		f.Decisions = removeAt(f.Decisions, i)
	default:
		return false
	}
	return true
}

// outcome is what the store takes: each decision's ticked and typed ids
// together, once each.
func (f *outcomeForm) outcome() consultations.OutcomeDraft {
	o := consultations.OutcomeDraft{Summary: f.Summary}
	for _, d := range f.Decisions {
		dd := consultations.DecisionDraft{Asked: d.Asked, Said: d.Said, Did: d.Did}
		split := strings.FieldsFunc(d.IDs, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' || r == '\t' })
		for _, id := range append(append([]string{}, d.Linked...), split...) {
			if id = strings.TrimSpace(id); id != "" && !containsString(dd.CommentIDs, id) {
				dd.CommentIDs = append(dd.CommentIDs, id)
			}
		}
		o.Decisions = append(o.Decisions, dd)
	}
	return o
}

// fieldOrder lists the outcome form's error keys in page order.
func (f *outcomeForm) fieldOrder() []string {
	order := []string{"summary", "decisions"}
	for i := range f.Decisions {
		p := "decisions." + strconv.Itoa(i)
		order = append(order, p+".asked", p+".said", p+".did", p+".comment_ids")
	}
	return order
}
