package analytics

import (
	"context"
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/consult-platform/consult/consultations"
)

// Licence names the open licence published figures and structures are
// released under; every export carries it.
type Licence struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

// OpenLicence is the licence of every open-data export.
var OpenLicence = Licence{Name: "Creative Commons Attribution 4.0 International (CC BY 4.0)", URL: "https://creativecommons.org/licenses/by/4.0/"}

// Report is a consultation's figures as one audience sees them: the
// public (suppressed) or its organisation's staff (exact).
type Report struct {
	ConsultationID string `json:"consultation_id"`
	Slug           string `json:"slug"`
	Kind           string `json:"kind"`
	Status         string `json:"status"`
	// Published is false while the consultation is open: public
	// breakdowns appear once it closes (see Service.Published).
	Published  bool       `json:"published"`
	AsOf       *time.Time `json:"as_of,omitempty"`
	OpensAt    time.Time  `json:"opens_at"`
	ClosesAt   time.Time  `json:"closes_at"`
	Suppressed bool       `json:"suppressed"`
	// SuppressionThreshold is k: counts from 1 to k-1 are shown as "<k".
	SuppressionThreshold int              `json:"suppression_threshold"`
	Licence              Licence          `json:"licence"`
	Breakdowns           []Breakdown      `json:"breakdowns"`
	Representation       []Representation `json:"representation"`
	Moderation           ModerationReport `json:"moderation"`
	// Labels names ideas in the idea_supports breakdown (published titles).
	Labels map[string]string `json:"labels,omitempty"`
}

// Representation compares a group's share of respondents who answered a
// profile question with its share of the reference population: a ratio
// below 1 means under-represented.
type Representation struct {
	Dimension      string   `json:"dimension"`
	Value          string   `json:"value"`
	Label          string   `json:"label,omitempty"`
	ReferenceShare float64  `json:"reference_share"`
	Share          *float64 `json:"share"` // null when withheld
	Ratio          *float64 `json:"ratio"` // null when withheld
}

// ModerationReport holds moderation figures, when a source supplies them.
type ModerationReport struct {
	Available           bool       `json:"available"`
	Reports             *Count     `json:"reports,omitempty"`
	Decisions           *Count     `json:"decisions,omitempty"`
	HiddenByCategory    *Breakdown `json:"hidden_by_category,omitempty"`
	MedianHoursToDecide *float64   `json:"median_hours_to_decide,omitempty"`
	Appeals             *Count     `json:"appeals,omitempty"`
	AppealsUpheld       *Count     `json:"appeals_upheld,omitempty"`
	CampaignsDetected   bool       `json:"campaigns_detected"`
	CampaignSubmissions *Count     `json:"campaign_submissions,omitempty"`
}

// Find returns the breakdown of a dimension, if the report has it.
func (r *Report) Find(dim string) (Breakdown, bool) {
	for _, b := range r.Breakdowns {
		if b.Dimension == dim {
			return b, true
		}
	}
	return Breakdown{}, false
}

// PublicReport returns what the public sees of c.
func (s *Service) PublicReport(ctx context.Context, c *consultations.Consultation, now time.Time) (*Report, error) {
	fig, ok, err := s.Published(ctx, c, now)
	if err != nil {
		return nil, err
	}
	r := s.header(c, now, true)
	if !ok {
		return r, nil
	}
	return r, s.fill(ctx, r, c, fig, true)
}

// StaffReport returns the exact, live figures of c. Callers check that
// the viewer is staff of c's organisation (server routes do, through
// Store.Manageable).
func (s *Service) StaffReport(ctx context.Context, c *consultations.Consultation, now time.Time) (*Report, error) {
	fig, err := s.Live(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	r := s.header(c, now, false)
	return r, s.fill(ctx, r, c, fig, false)
}

func (s *Service) header(c *consultations.Consultation, now time.Time, public bool) *Report {
	return &Report{
		ConsultationID: c.ID, Slug: c.Slug, Kind: string(c.Kind), Status: string(c.EffectiveStatus(now)),
		OpensAt: c.OpensAt, ClosesAt: c.ClosesAt, Suppressed: public, SuppressionThreshold: s.k,
		Licence: OpenLicence, Breakdowns: []Breakdown{}, Representation: []Representation{},
	}
}

func (s *Service) fill(ctx context.Context, r *Report, c *consultations.Consultation, fig *Figures, public bool) error {
	ref, err := s.Reference(ctx, c)
	if err != nil {
		return err
	}
	r.Published = true
	asOf := fig.AsOf
	r.AsOf = &asOf
	b := builder{k: s.k, public: public, fig: fig, r: r}
	b.build(c, ref)
	if s.moderation != nil {
		m, err := s.moderation.ModerationFigures(ctx, c.ID)
		if err != nil {
			return err
		}
		if m != nil {
			r.Moderation = moderationReport(m, s.k, public)
		}
	}
	return nil
}

// builder assembles a report's breakdowns in a fixed order.
type builder struct {
	k      int
	public bool
	fig    *Figures
	r      *Report
}

// add appends a breakdown of the given values, in that order.
func (b *builder) add(dim string, total int64, values []string, partition bool) {
	counts := make([]int64, len(values))
	for i, v := range values {
		counts[i] = b.fig.Count(dim, v)
	}
	b.addCounts(dim, total, values, counts, partition)
}

func (b *builder) addCounts(dim string, total int64, values []string, counts []int64, partition bool) {
	if b.public {
		b.r.Breakdowns = append(b.r.Breakdowns, suppressed(dim, total, values, counts, b.k, partition))
	} else {
		b.r.Breakdowns = append(b.r.Breakdowns, exact(dim, total, values, counts))
	}
}

// Channels are the ways a response can arrive, in the order shown.
var Channels = []string{string(consultations.ChannelWebDesktop), string(consultations.ChannelWebMobile), string(consultations.ChannelAPI), string(consultations.ChannelAssisted)}

// ContributionKinds are the kinds of contribution, in the order shown.
var ContributionKinds = []string{"comment", "idea", "reply"}

func (b *builder) build(c *consultations.Consultation, ref []ReferenceShare) {
	f := b.fig
	responses := f.Count(DimTotals, TotalResponses)
	contributions := f.Count(DimTotals, TotalContributions)
	supports := f.Count(DimTotals, TotalSupports)
	totals := []string{TotalParticipants, TotalResponses, TotalContributions, TotalSupports}
	b.add(DimTotals, f.Count(DimTotals, TotalParticipants), totals, false)

	b.series(DimResponsesByDay, responses, c)
	b.series(DimParticipantsByDay, f.Count(DimTotals, TotalParticipants), c)
	b.add(DimResponsesByChannel, responses, withSeen(Channels, f.Counts[DimResponsesByChannel]), true)
	b.add(DimResponsesByLanguage, responses, withSeen([]string{c.DefaultLocale}, f.Counts[DimResponsesByLanguage]), true)
	for _, dim := range ProfileDimensions {
		b.add(dim, responses, profileValues(dim, ref, f.Counts[dim]), true)
		b.representation(dim, ref)
	}
	for _, q := range c.Questions {
		answered := f.Count(DimQuestionsAnswered, q.ID)
		var values []string
		switch q.Kind {
		case consultations.QuestionSingle, consultations.QuestionMultiple:
			for _, o := range q.Options {
				values = append(values, o.ID)
			}
		case consultations.QuestionScale:
			values = []string{"1", "2", "3", "4", "5"}
		}
		b.add(QuestionDimension(q.ID), answered, values, q.Kind != consultations.QuestionMultiple)
	}
	b.add(DimContributionsByKind, contributions, ContributionKinds, true)
	b.add(DimContributionsByChannel, contributions, withSeen([]string{"web", "api"}, f.Counts[DimContributionsByChannel]), true)
	b.series(DimContributionsByDay, contributions, c)
	if c.Kind == consultations.KindCodesign || supports > 0 {
		b.series(DimSupportsByDay, supports, c)
		b.ideas(supports)
	}
}

// ideas lists the most-supported ideas, then all other supports together,
// so the cells partition the supports.
func (b *builder) ideas(total int64) {
	var values []string
	var counts []int64
	rest := total
	b.r.Labels = map[string]string{}
	for _, idea := range b.fig.TopIdeas {
		values = append(values, idea.ID)
		counts = append(counts, idea.Supports)
		b.r.Labels[idea.ID] = idea.Title
		rest -= idea.Supports
	}
	values = append(values, "other")
	counts = append(counts, max(rest, 0))
	b.addCounts(DimIdeaSupports, total, values, counts, true)
}

// series adds counts over time. Staff see every day from opening to
// closing (or today); the public sees periods of consecutive days that
// each hold at least k, so no count over time needs hiding at all, and
// only a total under k is withheld.
func (b *builder) series(dim string, total int64, c *consultations.Consultation) {
	days := daysBetween(c.OpensAt, minTime(c.ClosesAt, b.fig.AsOf))
	days = withSeen(days, b.fig.Counts[dim]) // contributions outside the period, e.g. moved dates
	sort.Strings(days)
	counts := make([]int64, len(days))
	for i, d := range days {
		counts[i] = b.fig.Count(dim, d)
	}
	if !b.public {
		b.addCounts(dim, total, days, counts, true)
		return
	}
	values, sums := periods(days, counts, int64(b.k))
	b.addCounts(dim, total, values, sums, true)
}

// periods merges consecutive days into periods "FROM/TO" (ISO 8601
// intervals of dates) holding at least k each; a short last period joins
// the one before.
func periods(days []string, counts []int64, k int64) ([]string, []int64) {
	var values []string
	var sums []int64
	start, acc := 0, int64(0)
	for i := range days {
		acc += counts[i]
		if acc >= k {
			values = append(values, days[start]+"/"+days[i])
			sums = append(sums, acc)
			start, acc = i+1, 0
		}
	}
	if start < len(days) {
		if len(values) > 0 {
			last := len(values) - 1
			values[last] = values[last][:10] + "/" + days[len(days)-1]
			sums[last] += acc
		}
		// No period reaches k: one period would only repeat the total,
		// which is withheld, so none is given.
	}
	return values, sums
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// daysBetween lists the UTC days from a to b, at most about a year.
func daysBetween(a, b time.Time) []string {
	var out []string
	for d := a.UTC().Truncate(24 * time.Hour); !d.After(b) && len(out) < 400; d = d.Add(24 * time.Hour) {
		out = append(out, day(d))
	}
	return out
}

// withSeen appends to values any value counted but not listed, sorted.
func withSeen(values []string, counted map[string]int64) []string {
	listed := map[string]bool{}
	for _, v := range values {
		listed[v] = true
	}
	var extra []string
	for v, n := range counted {
		if !listed[v] && n != 0 {
			extra = append(extra, v)
		}
	}
	sort.Strings(extra)
	return append(append([]string{}, values...), extra...)
}

// profileValues lists a profile dimension's cells: the offered answers,
// then "prefer not to say" and "not stated".
func profileValues(dim string, ref []ReferenceShare, counted map[string]int64) []string {
	var values []string
	switch dim {
	case DimAgeBand:
		values = append(values, consultations.AgeBands...)
	case DimGender:
		values = append(values, consultations.Genders...)
	case DimRegion:
		for _, r := range ref {
			if r.Dimension == DimRegion {
				values = append(values, r.Value)
			}
		}
	}
	tail := []string{consultations.PreferNotToSay, NotStated}
	seen := map[string]int64{}
	for v, n := range counted {
		if v != consultations.PreferNotToSay && v != NotStated {
			seen[v] = n
		}
	}
	return append(withSeen(values, seen), tail...)
}

// representation adds, for each group of dim with a reference share, the
// group's share of those who answered and its ratio to the reference.
// Publicly, a withheld count has no ratio, and no ratio at all is given
// when "prefer not to say" or "not stated" is withheld, since the ratios
// would tell how many answered and so what those hidden cells hold.
func (b *builder) representation(dim string, ref []ReferenceShare) {
	bd, _ := b.r.Find(dim)
	cells := map[string]Cell{}
	var answered int64
	withheld := false
	for _, c := range bd.Cells {
		cells[c.Value] = c
		if c.Value == consultations.PreferNotToSay || c.Value == NotStated {
			withheld = withheld || c.Count.Hidden
			continue
		}
		answered += b.fig.Count(dim, c.Value)
	}
	for _, r := range ref {
		if r.Dimension != dim || r.Share <= 0 {
			continue
		}
		rep := Representation{Dimension: dim, Value: r.Value, Label: r.Label, ReferenceShare: r.Share}
		cell, ok := cells[r.Value]
		if ok && !cell.Count.Hidden && !withheld && answered > 0 {
			share := round(float64(b.fig.Count(dim, r.Value))/float64(answered), 4)
			ratio := round(share/r.Share, 2)
			rep.Share, rep.Ratio = &share, &ratio
		}
		b.r.Representation = append(b.r.Representation, rep)
	}
}

func round(x float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(x*p) / p
}

func moderationReport(m *ModerationFigures, k int, public bool) ModerationReport {
	count := func(n int64) *Count {
		c := Count{N: n}
		if public {
			c = small(n, k)
		}
		return &c
	}
	out := ModerationReport{Available: true, Reports: count(m.Reports), Decisions: count(m.Decisions),
		Appeals: count(m.Appeals), AppealsUpheld: count(m.AppealsUpheld), CampaignsDetected: m.Campaigns}
	var values []string
	var counts []int64
	var hiddenTotal int64
	for v := range m.HiddenByCategory {
		values = append(values, v)
	}
	sort.Strings(values)
	for _, v := range values {
		counts = append(counts, m.HiddenByCategory[v])
		hiddenTotal += m.HiddenByCategory[v]
	}
	bd := exact("hidden_by_category", hiddenTotal, values, counts)
	if public {
		bd = suppressed("hidden_by_category", hiddenTotal, values, counts, k, true)
	}
	out.HiddenByCategory = &bd
	if m.Decisions > 0 && (!public || m.Decisions >= int64(k)) {
		h := round(m.MedianTimeToDecide.Hours(), 1)
		out.MedianHoursToDecide = &h
	}
	if m.Campaigns {
		out.CampaignSubmissions = count(m.CampaignSubmissions)
	}
	return out
}

func itoa(i int) string { return strconv.Itoa(i) }
