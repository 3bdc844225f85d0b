package opinion

import (
	"context"
	"math"
	"sort"
	"time"

	"github.com/consult-platform/consult/consultations"
)

// SuppressBelow is the analytics suppression threshold: a group smaller
// than this is merged into "other" on public pages.
const SuppressBelow = 10

// OtherGroup is the id public reports give the merged small groups.
const OtherGroup = -1

// Report is the public view of a map's groups: aggregates only.
type Report struct {
	ComputedAt time.Time         `json:"computed_at"`
	Votes      int               `json:"votes"`
	Voters     int               `json:"voters"`
	Grouped    int               `json:"grouped"`
	Statements int               `json:"statements"`
	Groups     []ReportGroup     `json:"groups"`
	Consensus  []ReportStatement `json:"consensus"`
	Divisive   []ReportStatement `json:"divisive"`
	Map        []MapCell         `json:"map"`
}

// ReportGroup is a group with its size and the statements that set it
// apart. ID is OtherGroup for the merged small groups, which have no
// representative statements.
type ReportGroup struct {
	ID             int               `json:"id"`
	Size           int               `json:"size"`
	Representative []ReportStatement `json:"representative"`
}

// ReportStatement is a statement with vote shares: overall, or within a
// group for representative ones, and per group.
type ReportStatement struct {
	ID        string       `json:"id"`
	Number    int          `json:"number"`
	Body      string       `json:"body"`
	Locale    string       `json:"locale"`
	Direction string       `json:"direction,omitempty"` // "agree" or "disagree", for representative ones
	Votes     int          `json:"votes"`
	Agree     int          `json:"agree"`
	Disagree  int          `json:"disagree"`
	Pass      int          `json:"pass"`
	Score     float64      `json:"score"` // consensus, divisiveness or representativeness
	ByGroup   []GroupShare `json:"by_group,omitempty"`
}

// AgreePercent and DisagreePercent are shares of votes, rounded.
func (r ReportStatement) AgreePercent() int    { return percent(r.Agree, r.Votes) }
func (r ReportStatement) DisagreePercent() int { return percent(r.Disagree, r.Votes) }

// GroupShare is how one group voted on a statement.
type GroupShare struct {
	Group    int `json:"group"`
	Votes    int `json:"votes"`
	Agree    int `json:"agree"`
	Disagree int `json:"disagree"`
}

func (g GroupShare) AgreePercent() int    { return percent(g.Agree, g.Votes) }
func (g GroupShare) DisagreePercent() int { return percent(g.Disagree, g.Votes) }

func percent(n, of int) int {
	if of == 0 {
		return 0
	}
	return int(math.Round(100 * float64(n) / float64(of)))
}

// MapCell is a square of the map with how many participants of one group
// sit in it: positions are binned so that no single participant is drawn.
// X and Y are in [0, 1], Y growing downwards.
type MapCell struct {
	X     float64 `json:"x"`
	Y     float64 `json:"y"`
	Group int     `json:"group"`
	Count int     `json:"count"`
}

// mapBins is how many cells the map has along each side.
const mapBins = 24

// Report builds the public report of a map from its latest result, nil
// when nothing has been computed yet.
func (s *Store) Report(ctx context.Context, viewer *consultations.User, consultationID string) (*Report, error) {
	if _, _, err := s.visibleMap(ctx, viewer, consultationID); err != nil {
		return nil, err
	}
	res, err := s.Result(ctx, consultationID)
	if err != nil || res == nil {
		return nil, err
	}
	texts, err := s.statementTexts(ctx, consultationID)
	if err != nil {
		return nil, err
	}
	return buildReport(res, texts), nil
}

func (s *Store) statementTexts(ctx context.Context, consultationID string) (map[string]Statement, error) {
	var list []Statement
	err := s.db.Reader.SelectContext(ctx, &list, s.q(`SELECT `+statementColumns+` FROM `+statementsFrom+` WHERE s.consultation_id = ? AND s.status = 'published'`), consultationID)
	out := make(map[string]Statement, len(list))
	for _, st := range list {
		out[st.ID] = st
	}
	return out, err
}

// publicGroup maps a group id to the id shown in public: small groups
// become OtherGroup.
func publicGroups(res *Result) map[int]int {
	out := map[int]int{}
	for _, g := range res.Groups {
		out[g.ID] = g.ID
		if g.Size < SuppressBelow {
			out[g.ID] = OtherGroup
		}
	}
	return out
}

func buildReport(res *Result, texts map[string]Statement) *Report {
	pub := publicGroups(res)
	rep := &Report{ComputedAt: res.ComputedAt, Votes: res.Votes, Voters: res.Voters, Grouped: res.Grouped, Statements: len(texts)}
	var other *ReportGroup
	for _, g := range res.Groups {
		if pub[g.ID] == OtherGroup {
			if other == nil {
				other = &ReportGroup{ID: OtherGroup}
			}
			other.Size += g.Size
			continue
		}
		rg := ReportGroup{ID: g.ID, Size: g.Size}
		for _, r := range g.Representative {
			st, ok := texts[res.Statements[r.Column]]
			if !ok {
				continue
			}
			rs := reportStatement(st)
			rs.Direction = "agree"
			if r.Direction == Disagree {
				rs.Direction = "disagree"
			}
			rs.Votes, rs.Agree, rs.Disagree = r.Votes, g.Agree[r.Column], g.Disagree[r.Column]
			rs.Pass = r.Votes - rs.Agree - rs.Disagree
			rs.Score = r.Ratio * r.Share
			rg.Representative = append(rg.Representative, rs)
		}
		rep.Groups = append(rep.Groups, rg)
	}
	if other != nil {
		rep.Groups = append(rep.Groups, *other)
	}
	withShares := func(cols []int, score func(int) float64) []ReportStatement {
		var out []ReportStatement
		for _, j := range cols {
			st, ok := texts[res.Statements[j]]
			if !ok {
				continue
			}
			rs := reportStatement(st)
			s := res.Stats[j]
			rs.Votes, rs.Agree, rs.Disagree, rs.Pass = s.Agree+s.Disagree+s.Pass, s.Agree, s.Disagree, s.Pass
			rs.Score = score(j)
			rs.ByGroup = groupShares(res, pub, j)
			out = append(out, rs)
		}
		return out
	}
	rep.Consensus = withShares(res.Consensus, func(j int) float64 { return res.Stats[j].Consensus })
	rep.Divisive = withShares(res.Divisive, func(j int) float64 { return res.Stats[j].Divisiveness })
	rep.Map = binPoints(res, pub)
	return rep
}

func reportStatement(st Statement) ReportStatement {
	return ReportStatement{ID: st.ID, Number: st.Number, Body: st.Body, Locale: st.Locale}
}

// groupShares gives each public group's votes on column j, the small
// groups summed into "other".
func groupShares(res *Result, pub map[int]int, j int) []GroupShare {
	var out []GroupShare
	var other *GroupShare
	for _, g := range res.Groups {
		n := g.Agree[j] + g.Disagree[j] + g.Pass[j]
		if pub[g.ID] == OtherGroup {
			if other == nil {
				other = &GroupShare{Group: OtherGroup}
			}
			other.Votes += n
			other.Agree += g.Agree[j]
			other.Disagree += g.Disagree[j]
			continue
		}
		out = append(out, GroupShare{Group: g.ID, Votes: n, Agree: g.Agree[j], Disagree: g.Disagree[j]})
	}
	if other != nil {
		out = append(out, *other)
	}
	return out
}

// binPoints counts participants per map cell and public group.
func binPoints(res *Result, pub map[int]int) []MapCell {
	if len(res.Points) == 0 {
		return nil
	}
	minX, maxX, minY, maxY := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, p := range res.Points {
		minX, maxX = math.Min(minX, p.X), math.Max(maxX, p.X)
		minY, maxY = math.Min(minY, p.Y), math.Max(maxY, p.Y)
	}
	span := math.Max(maxX-minX, maxY-minY)
	if span == 0 {
		span = 1
	}
	type key struct{ x, y, g int }
	counts := map[key]int{}
	for _, p := range res.Points {
		bx := min(int((p.X-minX)/span*mapBins), mapBins-1)
		by := min(int((maxY-p.Y)/span*mapBins), mapBins-1)
		counts[key{bx, by, pub[p.Group]}]++
	}
	out := make([]MapCell, 0, len(counts))
	for k, n := range counts {
		out = append(out, MapCell{X: (float64(k.x) + 0.5) / mapBins, Y: (float64(k.y) + 0.5) / mapBins, Group: k.g, Count: n})
	}
	sort.Slice(out, func(a, b int) bool {
		if out[a].Group != out[b].Group {
			return out[a].Group < out[b].Group
		}
		if out[a].Y != out[b].Y {
			return out[a].Y < out[b].Y
		}
		return out[a].X < out[b].X
	})
	return out
}

// Standing is where a participant stands: the group they are closest to
// and the statements that group agrees with most.
type Standing struct {
	Group  int               `json:"group"` // OtherGroup when closest to a small group
	Agreed []ReportStatement `json:"agreed"`
}

// Standing places the participant by their votes, nil when there are no
// groups yet or they have not voted.
func (s *Store) Standing(ctx context.Context, participant *consultations.User, consultationID string) (*Standing, error) {
	if participant == nil {
		return nil, nil
	}
	res, err := s.Result(ctx, consultationID)
	if err != nil || res == nil || len(res.Groups) == 0 {
		return nil, err
	}
	group, found := -2, false
	for _, p := range res.Points {
		if p.Participant == participant.ID {
			group, found = p.Group, true
			break
		}
	}
	if !found {
		mine, err := s.MyVotes(ctx, participant.ID, consultationID)
		if err != nil {
			return nil, err
		}
		cols := map[int]int{}
		for j, id := range res.Statements {
			if v, ok := mine[id]; ok {
				cols[j] = v
			}
		}
		if group, found = res.Closest(cols); !found {
			return nil, nil
		}
	}
	pub := publicGroups(res)
	st := &Standing{Group: pub[group]}
	if st.Group == OtherGroup {
		return st, nil
	}
	texts, err := s.statementTexts(ctx, consultationID)
	if err != nil {
		return nil, err
	}
	for _, g := range res.Groups {
		if g.ID != group {
			continue
		}
		type cand struct {
			j     int
			share float64
		}
		var cands []cand
		for j := range res.Statements {
			n := g.Agree[j] + g.Disagree[j] + g.Pass[j]
			if n > 0 {
				if share := float64(g.Agree[j]+1) / float64(n+2); share > 0.6 {
					cands = append(cands, cand{j, share})
				}
			}
		}
		sort.SliceStable(cands, func(a, b int) bool { return cands[a].share > cands[b].share })
		for _, c := range cands[:min(len(cands), 5)] {
			if t, ok := texts[res.Statements[c.j]]; ok {
				rs := reportStatement(t)
				rs.Votes = g.Agree[c.j] + g.Disagree[c.j] + g.Pass[c.j]
				rs.Agree, rs.Disagree = g.Agree[c.j], g.Disagree[c.j]
				rs.Pass = rs.Votes - rs.Agree - rs.Disagree
				st.Agreed = append(st.Agreed, rs)
			}
		}
	}
	return st, nil
}
