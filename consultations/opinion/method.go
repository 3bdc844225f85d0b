package opinion

import (
	"math"
	"sort"
	"time"
)

// minVotesToGroup is how many votes a participant needs to be grouped
// (or every statement, when there are fewer), as in Pol.is.
const minVotesToGroup = 7

// Result is one computation of a map's opinion groups. Statement columns
// are indices into Statements, the statement ids in the order the matrix
// numbered them.
type Result struct {
	ComputedAt time.Time        `json:"computed_at"`
	Votes      int              `json:"votes"`
	Voters     int              `json:"voters"`  // participants with at least one vote
	Grouped    int              `json:"grouped"` // participants with enough votes to be grouped
	K          int              `json:"k"`
	Silhouette float64          `json:"silhouette"`
	Statements []string         `json:"statements"`
	Mean       []float64        `json:"mean"`
	Components [2][]float64     `json:"components"`
	Groups     []Group          `json:"groups"`
	Points     []Point          `json:"points"`
	Stats      []StatementStats `json:"stats"`
	Consensus  []int            `json:"consensus"` // columns, strongest first
	Divisive   []int            `json:"divisive"`  // columns, most divisive first
}

// Group is one opinion group. ID is stable from one run to the next for
// the group that keeps most of the same members.
type Group struct {
	ID             int        `json:"id"`
	Size           int        `json:"size"`
	Centre         [2]float64 `json:"centre"`
	Agree          []int      `json:"agree"` // per column, votes of members
	Disagree       []int      `json:"disagree"`
	Pass           []int      `json:"pass"`
	Representative []Rep      `json:"representative"`
}

// Rep is a statement that sets a group apart: its members agree (or
// disagree) with it much more than everyone else does.
type Rep struct {
	Column    int     `json:"column"`
	Direction int     `json:"direction"` // Agree or Disagree
	Share     float64 `json:"share"`     // smoothed share of the group voting that way
	RestShare float64 `json:"rest_share"`
	Votes     int     `json:"votes"` // votes of the group on the statement
	Count     int     `json:"count"` // of which that way
	Ratio     float64 `json:"ratio"`
	Z         float64 `json:"z"`
}

// Point is a grouped participant's place on the map.
type Point struct {
	Participant string  `json:"p"`
	X           float64 `json:"x"`
	Y           float64 `json:"y"`
	Group       int     `json:"g"`
}

// StatementStats are a statement's vote counts over all voters, its
// group-informed consensus and how much it divides the groups.
type StatementStats struct {
	Agree        int     `json:"agree"`
	Disagree     int     `json:"disagree"`
	Pass         int     `json:"pass"`
	Consensus    float64 `json:"consensus"`
	Divisiveness float64 `json:"divisiveness"`
}

// Options tune Analyse.
type Options struct {
	// K forces the number of groups; 0 chooses 2..5 by silhouette.
	K int
}

// Analyse computes opinion groups from the matrix. statements names the
// matrix's columns. prev, the previous result of the same map (or nil),
// gives a warm start and the group ids to keep.
func Analyse(m *Matrix, statements []string, prev *Result, opts Options) *Result {
	res := &Result{Votes: m.Votes(), Statements: statements, Stats: make([]StatementStats, m.Statements)}
	need := min(minVotesToGroup, m.Statements)
	var rows []int
	for i := range m.Participants {
		n := m.Count(i)
		if n > 0 {
			res.Voters++
		}
		if n > 0 && n >= need {
			rows = append(rows, i)
		}
	}
	for k, j := range m.Col {
		switch m.Val[k] {
		case Agree:
			res.Stats[j].Agree++
		case Disagree:
			res.Stats[j].Disagree++
		default:
			res.Stats[j].Pass++
		}
	}
	res.Grouped = len(rows)
	res.Mean = columnMeans(m, rows)
	if len(rows) < 2 || m.Statements == 0 {
		res.Components = [2][]float64{make([]float64, m.Statements), make([]float64, m.Statements)}
		return res
	}
	res.Components = pca(m, rows, res.Mean, warmStart(prev, statements))
	pts := make([]point, len(rows))
	for r, i := range rows {
		pts[r] = project(m, i, res.Mean, res.Components)
	}
	c := bestClustering(pts, opts.K)
	res.K, res.Silhouette = c.k, c.score
	ids := stableIDs(m, rows, c, prev)
	res.Groups = make([]Group, c.k)
	for g := range res.Groups {
		res.Groups[g] = Group{ID: ids[g], Centre: c.centres[g],
			Agree: make([]int, m.Statements), Disagree: make([]int, m.Statements), Pass: make([]int, m.Statements)}
	}
	res.Points = make([]Point, len(rows))
	for r, i := range rows {
		g := &res.Groups[c.assign[r]]
		g.Size++
		res.Points[r] = Point{Participant: m.Participants[i], X: pts[r][0], Y: pts[r][1], Group: g.ID}
		for k := m.Start[i]; k < m.Start[i+1]; k++ {
			j := m.Col[k]
			switch m.Val[k] {
			case Agree:
				g.Agree[j]++
			case Disagree:
				g.Disagree[j]++
			default:
				g.Pass[j]++
			}
		}
	}
	sort.Slice(res.Groups, func(a, b int) bool { return res.Groups[a].ID < res.Groups[b].ID })
	res.scoreStatements()
	return res
}

func columnMeans(m *Matrix, rows []int) []float64 {
	sum := make([]float64, m.Statements)
	n := make([]float64, m.Statements)
	for _, i := range rows {
		for k := m.Start[i]; k < m.Start[i+1]; k++ {
			sum[m.Col[k]] += float64(m.Val[k])
			n[m.Col[k]]++
		}
	}
	for j := range sum {
		if n[j] > 0 {
			sum[j] /= n[j]
		}
	}
	return sum
}

// warmStart maps the previous run's components onto this run's columns.
func warmStart(prev *Result, statements []string) [2][]float64 {
	var out [2][]float64
	if prev == nil || len(prev.Components[0]) != len(prev.Statements) || len(prev.Components[1]) != len(prev.Statements) {
		return out
	}
	col := make(map[string]int, len(prev.Statements))
	for j, id := range prev.Statements {
		col[id] = j
	}
	for c := 0; c < 2; c++ {
		out[c] = make([]float64, len(statements))
		for j, id := range statements {
			if pj, ok := col[id]; ok {
				out[c][j] = prev.Components[c][pj]
			} else {
				out[c][j] = 0.01
			}
		}
	}
	return out
}

// stableIDs names the new clusters: each takes the id of the previous
// group it shares most members with (largest overlaps first), and the
// others get ids not used before.
func stableIDs(m *Matrix, rows []int, c clustering, prev *Result) []int {
	ids := make([]int, c.k)
	for g := range ids {
		ids[g] = -1
	}
	next := 0
	if prev != nil {
		old := make(map[string]int, len(prev.Points))
		for _, p := range prev.Points {
			old[p.Participant] = p.Group
		}
		for _, g := range prev.Groups {
			next = max(next, g.ID+1)
		}
		type pair struct{ cluster, id, n int }
		count := map[[2]int]int{}
		for r, i := range rows {
			if id, ok := old[m.Participants[i]]; ok {
				count[[2]int{c.assign[r], id}]++
			}
		}
		pairs := make([]pair, 0, len(count))
		for k, n := range count {
			pairs = append(pairs, pair{k[0], k[1], n})
		}
		sort.Slice(pairs, func(a, b int) bool {
			if pairs[a].n != pairs[b].n {
				return pairs[a].n > pairs[b].n
			}
			if pairs[a].cluster != pairs[b].cluster {
				return pairs[a].cluster < pairs[b].cluster
			}
			return pairs[a].id < pairs[b].id
		})
		taken := map[int]bool{}
		for _, p := range pairs {
			if ids[p.cluster] == -1 && !taken[p.id] {
				ids[p.cluster], taken[p.id] = p.id, true
			}
		}
	}
	for g := range ids {
		if ids[g] == -1 {
			ids[g] = next
			next++
		}
	}
	return ids
}

// Significance threshold of the two tests a representative statement
// must pass (one-sided, 90%), as Pol.is uses.
const zSignificant = 1.2816

// Limits on the lists a report shows.
const (
	maxRepresentative = 5
	maxConsensus      = 5
	maxDivisive       = 5
)

// scoreStatements fills consensus, divisiveness and each group's
// representative statements.
func (res *Result) scoreStatements() {
	s := len(res.Stats)
	for j := 0; j < s; j++ {
		cons := 1.0
		lo, hi := math.Inf(1), math.Inf(-1)
		groupsVoting := 0
		for _, g := range res.Groups {
			n := g.Agree[j] + g.Disagree[j] + g.Pass[j]
			pa := float64(g.Agree[j]+1) / float64(n+2) // Laplace smoothing, as Pol.is
			cons *= pa
			if n >= 3 {
				groupsVoting++
				lo, hi = math.Min(lo, pa), math.Max(hi, pa)
			}
		}
		if res.Stats[j].Agree+res.Stats[j].Disagree+res.Stats[j].Pass > 0 {
			res.Stats[j].Consensus = cons
		}
		if groupsVoting >= 2 {
			res.Stats[j].Divisiveness = hi - lo
		}
	}
	res.Consensus = topColumns(s, maxConsensus, func(j int) float64 { return res.Stats[j].Consensus })
	res.Divisive = topColumns(s, maxDivisive, func(j int) float64 {
		if res.Stats[j].Divisiveness < 0.2 {
			return 0
		}
		return res.Stats[j].Divisiveness
	})
	for gi := range res.Groups {
		res.Groups[gi].Representative = res.representative(gi)
	}
}

// topColumns returns up to n columns with a positive score, best first
// (ties by column).
func topColumns(s, n int, score func(int) float64) []int {
	var cols []int
	for j := 0; j < s; j++ {
		if score(j) > 0 {
			cols = append(cols, j)
		}
	}
	sort.SliceStable(cols, func(a, b int) bool { return score(cols[a]) > score(cols[b]) })
	if len(cols) > n {
		cols = cols[:n]
	}
	return cols
}

// representative compares, for each statement, the group's smoothed
// agree (and disagree) share with the share of everyone else, as Pol.is's
// "repness": ratio r = p_group / p_rest, a two-proportion z-test between
// the group and the rest, and a one-proportion test that the group leans
// that way at all. Statements passing both tests rank by r × p; if none
// does, the best by that measure stand in.
func (res *Result) representative(gi int) []Rep {
	g := res.Groups[gi]
	var sig, all []Rep
	for j := range res.Stats {
		n := g.Agree[j] + g.Disagree[j] + g.Pass[j]
		if n == 0 {
			continue
		}
		restA, restD, restN := 0, 0, 0
		for hi, h := range res.Groups {
			if hi != gi {
				restA += h.Agree[j]
				restD += h.Disagree[j]
				restN += h.Agree[j] + h.Disagree[j] + h.Pass[j]
			}
		}
		for _, dir := range []int{Agree, Disagree} {
			in, out := g.Agree[j], restA
			if dir == Disagree {
				in, out = g.Disagree[j], restD
			}
			p := float64(in+1) / float64(n+2)
			pr := float64(out+1) / float64(restN+2)
			r := Rep{Column: j, Direction: dir, Share: p, RestShare: pr, Votes: n, Count: in, Ratio: p / pr,
				Z: twoPropZ(in, n, out, restN)}
			all = append(all, r)
			if r.Ratio > 1 && r.Z > zSignificant && propZ(in, n) > zSignificant {
				sig = append(sig, r)
			}
		}
	}
	pick := sig
	if len(pick) == 0 {
		pick = all
	}
	sort.SliceStable(pick, func(a, b int) bool {
		return pick[a].Ratio*pick[a].Share > pick[b].Ratio*pick[b].Share
	})
	if len(pick) > maxRepresentative {
		pick = pick[:maxRepresentative]
	}
	if len(sig) == 0 && len(pick) > 1 {
		pick = pick[:1]
	}
	return append([]Rep(nil), pick...)
}

// propZ tests that succ of n is more than half, with Pol.is's smoothing.
func propZ(succ, n int) float64 {
	return 2 * math.Sqrt(float64(n+1)) * (float64(succ+1)/float64(n+1) - 0.5)
}

// twoPropZ tests that succ1/n1 exceeds succ2/n2, each smoothed by one.
func twoPropZ(succ1, n1, succ2, n2 int) float64 {
	s1, s2 := float64(succ1+1), float64(succ2+1)
	p1, p2 := float64(n1+1), float64(n2+1)
	pi1, pi2 := s1/p1, s2/p2
	pi := (s1 + s2) / (p1 + p2)
	d := math.Sqrt(pi * (1 - pi) * (1/p1 + 1/p2))
	if d == 0 {
		return 0
	}
	return (pi1 - pi2) / d
}

// Closest returns the id of the group whose centre is nearest to where
// votes (statement column → vote) place a participant, and false when
// there are no groups or no votes on the map's statements.
func (res *Result) Closest(votes map[int]int) (int, bool) {
	if len(res.Groups) == 0 || len(votes) == 0 {
		return 0, false
	}
	var p point
	n := 0
	for j, v := range votes {
		if j < 0 || j >= len(res.Mean) {
			continue
		}
		x := float64(v) - res.Mean[j]
		p[0] += x * res.Components[0][j]
		p[1] += x * res.Components[1][j]
		n++
	}
	if n == 0 {
		return 0, false
	}
	f := math.Sqrt(float64(len(res.Mean)) / float64(n))
	p[0], p[1] = p[0]*f, p[1]*f
	best, bd := 0, math.Inf(1)
	for _, g := range res.Groups {
		if d := dist2(p, g.Centre); d < bd {
			best, bd = g.ID, d
		}
	}
	return best, true
}
