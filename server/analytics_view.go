package server

import (
	"context"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/consult-platform/consult/consultations"
	"github.com/consult-platform/consult/consultations/analytics"
	"github.com/consult-platform/consult/i18n"
)

// analyticsFor returns the configured analytics service, or makes one and
// brings counts of content written before it up to date.
func analyticsFor(ctx context.Context, cfg Config, store *consultations.Store) (*analytics.Service, error) {
	if cfg.Analytics != nil {
		return cfg.Analytics, nil
	}
	a := analytics.New(store, analytics.Options{})
	_, err := a.Repair(ctx)
	return a, err
}

// analyticsView is a consultation's figures page, public or staff.
type analyticsView struct {
	C        *consultations.Consultation
	Title    localized
	Report   *analytics.Report
	Staff    bool
	K        int
	Headline []chartRow
	Figures  []figureView
	Reps     []repView
	Mod      *analytics.ModerationReport
	ModCats  []chartRow
	TimeZone string
	// LiveSeq is the consultation's last event when the figures were
	// read: the page's live updates follow the events after it.
	LiveSeq int64

	// Staff pages: the reference population form.
	Reference referenceForm
}

// figureView is one chart with its table and a one-sentence summary.
type figureView struct {
	ID, Title, TitleLang string
	Summary              string
	Chart                template.HTML
	Rows                 []chartRow
	Total                string
}

// repView is one group's representation, as shown.
type repView struct {
	Dimension, Group, Reference, Share, Ratio string
	Under                                     bool
}

// valueLabel names a cell for readers.
type valueLabeler struct {
	s       *Server
	loc     *i18n.Localizer
	c       *consultations.Consultation
	report  *analytics.Report
	regions map[string]string
	tz      *time.Location
}

func (l *valueLabeler) label(dim, value string) (text, lang string) {
	loc := l.loc
	if qid, ok := analytics.IsQuestionDimension(dim); ok {
		for _, q := range l.c.Questions {
			if q.ID != qid {
				continue
			}
			for _, o := range q.Options {
				if o.ID == value {
					p := pickLocal(o.Label, loc.Tag, l.c.DefaultLocale)
					if p.Fallback {
						return p.Text, p.Lang
					}
					return p.Text, ""
				}
			}
		}
		return value, ""
	}
	switch dim {
	case analytics.DimResponsesByLanguage:
		return l.s.langName(value), value
	case analytics.DimIdeaSupports:
		if t, ok := l.report.Labels[value]; ok {
			return t, "" // user text: isolated by the template
		}
	case analytics.DimRegion:
		if t, ok := l.regions[value]; ok && t != "" {
			return t, ""
		}
	}
	if from, to, ok := strings.Cut(value, "/"); ok && len(from) == 10 {
		return l.date(from) + " – " + l.date(to), ""
	}
	if len(value) == 10 && value[4] == '-' && value[7] == '-' {
		return l.date(value), ""
	}
	if key := "AnalyticsValue_" + value; loc.Has(key) {
		return loc.T(key), ""
	}
	return value, ""
}

func (l *valueLabeler) date(d string) string {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return d
	}
	return t.Format("2 Jan 2006")
}

// dimensionTitle names a breakdown for readers.
func (l *valueLabeler) dimensionTitle(dim string) (string, string) {
	if qid, ok := analytics.IsQuestionDimension(dim); ok {
		for i, q := range l.c.Questions {
			if q.ID == qid {
				p := pickLocal(q.Prompt, l.loc.Tag, l.c.DefaultLocale)
				title := l.loc.T("AnalyticsQuestionTitle", map[string]any{"N": i + 1, "Prompt": p.Text})
				if p.Fallback {
					return title, p.Lang
				}
				return title, ""
			}
		}
	}
	if !l.report.Suppressed {
		return l.loc.T("AnalyticsDim_" + dim), ""
	}
	if key := "AnalyticsDimPublic_" + dim; l.loc.Has(key) {
		return l.loc.T(key), ""
	}
	return l.loc.T("AnalyticsDim_" + dim), ""
}

// countText shows a count in the reader's language, or "fewer than k".
func countText(loc *i18n.Localizer, c analytics.Count) string {
	if c.Hidden {
		return loc.T("AnalyticsFewerThan", map[string]any{"K": c.K})
	}
	return formatCount(loc.Tag, int(c.N))
}

// analyticsView turns a report into what the page shows.
func (s *Server) analyticsView(r *http.Request, c *consultations.Consultation, rep *analytics.Report, staff bool) (*analyticsView, error) {
	loc := reqOf(r).loc
	v := &analyticsView{C: c, Title: pickLocal(c.Title, loc.Tag, c.DefaultLocale), Report: rep, Staff: staff, K: rep.SuppressionThreshold, TimeZone: "UTC"}
	if c.Organisation != nil {
		v.TimeZone = c.Organisation.TimeZone
	}
	regions, err := s.analytics.Regions(r.Context(), c)
	if err != nil {
		return nil, err
	}
	lab := &valueLabeler{s: s, loc: loc, c: c, report: rep, regions: map[string]string{}}
	for _, reg := range regions {
		lab.regions[reg.Value] = reg.Label
	}
	for _, b := range rep.Breakdowns {
		if b.Dimension == analytics.DimTotals {
			for _, cell := range b.Cells {
				text, _ := lab.label(b.Dimension, cell.Value)
				v.Headline = append(v.Headline, chartRow{Key: cell.Value, Label: text, Count: countText(loc, cell.Count), N: cell.Count.N, Hidden: cell.Count.Hidden})
			}
			continue
		}
		v.Figures = append(v.Figures, s.figure(loc, lab, b, c))
	}
	for _, rp := range rep.Representation {
		text, _ := lab.label(rp.Dimension, rp.Value)
		if rp.Label != "" {
			text = rp.Label
		}
		rv := repView{Dimension: loc.T("AnalyticsDim_" + rp.Dimension), Group: text,
			Reference: strconv.FormatFloat(rp.ReferenceShare*100, 'f', 1, 64) + "%", Share: loc.T("AnalyticsWithheld"), Ratio: loc.T("AnalyticsWithheld")}
		if rp.Ratio != nil {
			rv.Share = strconv.FormatFloat(*rp.Share*100, 'f', 1, 64) + "%"
			rv.Ratio = strconv.FormatFloat(*rp.Ratio, 'f', 2, 64)
			rv.Under = *rp.Ratio < 0.8
		}
		v.Reps = append(v.Reps, rv)
	}
	if rep.Moderation.Available {
		v.Mod = &rep.Moderation
		if b := rep.Moderation.HiddenByCategory; b != nil {
			for _, cell := range b.Cells {
				v.ModCats = append(v.ModCats, chartRow{Label: cell.Value, Count: countText(loc, cell.Count), N: cell.Count.N, Hidden: cell.Count.Hidden})
			}
		}
	}
	return v, nil
}

// isSeries reports whether a dimension is counted over time.
func isSeries(dim string) bool { return strings.HasSuffix(dim, "_by_day") }

func (s *Server) figure(loc *i18n.Localizer, lab *valueLabeler, b analytics.Breakdown, c *consultations.Consultation) figureView {
	f := figureView{ID: "fig-" + strings.NewReplacer(":", "-", "_", "-").Replace(b.Dimension), Total: countText(loc, b.Total)}
	f.Title, f.TitleLang = lab.dimensionTitle(b.Dimension)
	var largest *chartRow
	for _, cell := range b.Cells {
		text, lang := lab.label(b.Dimension, cell.Value)
		row := chartRow{Label: text, Lang: lang, Count: countText(loc, cell.Count), N: cell.Count.N, Hidden: cell.Count.Hidden}
		f.Rows = append(f.Rows, row)
	}
	for i := range f.Rows {
		if !f.Rows[i].Hidden && (largest == nil || f.Rows[i].N > largest.N) {
			largest = &f.Rows[i]
		}
	}
	series := isSeries(b.Dimension)
	switch {
	case len(f.Rows) == 0 && series:
		f.Summary = loc.T("AnalyticsSummaryNoPeriods", map[string]any{"Total": f.Total})
	case len(f.Rows) == 0:
		f.Summary = loc.T("AnalyticsSummaryNone", map[string]any{"Total": f.Total})
	case largest == nil || largest.N == 0:
		f.Summary = loc.T("AnalyticsSummaryAllHidden", map[string]any{"K": lab.report.SuppressionThreshold})
	case series:
		f.Summary = loc.T("AnalyticsSummaryBusiest", map[string]any{"Label": largest.Label, "Count": largest.Count, "Total": f.Total})
	default:
		f.Summary = loc.T("AnalyticsSummaryLargest", map[string]any{"Label": largest.Label, "Count": largest.Count, "Total": f.Total})
	}
	desc := f.Summary
	if series && !lab.report.Suppressed {
		f.Chart = columnChart(f.ID, f.Title, desc, f.Rows, 0, len(f.Rows)-1, loc.T("AnalyticsOpenPeriod"))
	} else if len(f.Rows) > 0 {
		f.Chart = barChart(f.ID, f.Title, desc, f.Rows)
	}
	return f
}
