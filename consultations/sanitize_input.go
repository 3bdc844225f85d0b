package consultations

// sanitize reduces every text staff wrote to plain text before it is
// validated and stored, as for citizens' texts: pages escape it and the
// API returns it, so no markup may survive in either.
func (d *Draft) sanitize(san *Sanitizer) {
	d.Title, d.Summary, d.Body = san.LocalText(d.Title), san.LocalText(d.Summary), san.LocalText(d.Body)
	for i := range d.Sections {
		sec := &d.Sections[i]
		sec.Heading, sec.Body = san.LocalText(sec.Heading), san.LocalText(sec.Body)
	}
	for i := range d.Documents {
		d.Documents[i].Title = san.LocalText(d.Documents[i].Title)
		d.Documents[i].MediaType = san.PlainText(d.Documents[i].MediaType)
	}
	for i := range d.Questions {
		q := &d.Questions[i]
		q.Prompt, q.Hint = san.LocalText(q.Prompt), san.LocalText(q.Hint)
		for j := range q.Options {
			q.Options[j] = san.LocalText(q.Options[j])
		}
	}
}

// sanitize reduces an outcome's texts to plain text.
func (o *OutcomeDraft) sanitize(san *Sanitizer) {
	o.Summary = san.LocalText(o.Summary)
	for i := range o.Decisions {
		dd := &o.Decisions[i]
		dd.Asked, dd.Said, dd.Did = san.LocalText(dd.Asked), san.LocalText(dd.Said), san.LocalText(dd.Did)
	}
}
