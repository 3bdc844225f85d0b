package opinion

import (
	"math"
	"math/rand/v2"
)

// Clustering settings. Seeds are fixed so that the same votes always give
// the same groups.
const (
	minGroups        = 2
	maxGroups        = 5
	kmeansRestarts   = 6
	kmeansIterations = 100
)

type point = [2]float64

func dist2(a, b point) float64 {
	dx, dy := a[0]-b[0], a[1]-b[1]
	return dx*dx + dy*dy
}

// clustering is one k-means solution: each point's cluster and the centres.
type clustering struct {
	k       int
	assign  []int
	centres []point
	inertia float64
	score   float64 // weighted mean silhouette
}

// baseClusters is how many small clusters participants are first put
// into; groups are then made of whole base clusters, as in Pol.is. It
// keeps choosing k cheap (silhouettes over 100 weighted points rather
// than n² distances) and smooths out stray participants.
const baseClusters = 100

// bestClustering groups the points as Pol.is does: k-means into up to
// 100 base clusters, then weighted k-means of the base clusters' centres
// for k = 2..max, max = min(5, 2 + bases/12), keeping the k with the
// highest weighted mean silhouette. When k > 0 it is used instead.
func bestClustering(pts []point, k int) clustering {
	if len(pts) < 2 {
		return clustering{k: 1, assign: make([]int, len(pts)), centres: []point{centroid(pts)}}
	}
	base := kmeans(pts, nil, min(baseClusters, len(pts)), 1)
	centres, weights := base.centres[:0:0], []float64(nil)
	remap := make([]int, base.k)
	for c := 0; c < base.k; c++ {
		remap[c] = -1
	}
	for _, a := range base.assign {
		if remap[a] == -1 {
			remap[a] = len(centres)
			centres = append(centres, base.centres[a])
			weights = append(weights, 0)
		}
		weights[remap[a]]++
	}
	if len(centres) < 2 {
		return clustering{k: 1, assign: make([]int, len(pts)), centres: []point{centroid(pts)}}
	}
	best := clustering{score: math.Inf(-1)}
	lo, hi := minGroups, min(maxGroups, 2+len(centres)/12, len(centres))
	if k > 0 {
		lo, hi = min(k, len(centres)), min(k, len(centres))
	}
	for kk := lo; kk <= hi; kk++ {
		c := kmeans(centres, weights, kk, kmeansRestarts)
		c.score = silhouette(centres, weights, c)
		if c.score > best.score+1e-12 {
			best = c
		}
	}
	if best.assign == nil {
		best = clustering{k: 1, assign: make([]int, len(centres)), centres: []point{centroid(pts)}}
	}
	out := clustering{k: best.k, centres: best.centres, score: best.score, assign: make([]int, len(pts))}
	for i, a := range base.assign {
		out.assign[i] = best.assign[remap[a]]
	}
	// Centres of the groups as averages of their members.
	sums := make([]point, out.k)
	counts := make([]float64, out.k)
	for i, p := range pts {
		sums[out.assign[i]][0] += p[0]
		sums[out.assign[i]][1] += p[1]
		counts[out.assign[i]]++
	}
	for g := range sums {
		if counts[g] > 0 {
			out.centres[g] = point{sums[g][0] / counts[g], sums[g][1] / counts[g]}
		}
	}
	return out
}

func centroid(pts []point) point {
	var c point
	for _, p := range pts {
		c[0] += p[0]
		c[1] += p[1]
	}
	if len(pts) > 0 {
		c[0] /= float64(len(pts))
		c[1] /= float64(len(pts))
	}
	return c
}

// kmeans runs weighted Lloyd's algorithm (weights nil: all 1) from
// k-means++ seeds, restarts times with fixed seeds, and keeps the
// solution with the least inertia.
func kmeans(pts []point, weights []float64, k, restarts int) clustering {
	best := clustering{inertia: math.Inf(1)}
	for r := 0; r < restarts; r++ {
		rng := rand.New(rand.NewPCG(uint64(k), uint64(r)+0x9e3779b97f4a7c15))
		c := lloyd(pts, weights, seedPlusPlus(pts, weights, k, rng))
		if c.inertia < best.inertia-1e-9 {
			best = c
		}
	}
	return best
}

func weight(w []float64, i int) float64 {
	if w == nil {
		return 1
	}
	return w[i]
}

// seedPlusPlus picks k starting centres, each far from those already
// chosen with probability proportional to squared distance.
func seedPlusPlus(pts []point, weights []float64, k int, rng *rand.Rand) []point {
	centres := []point{pts[rng.IntN(len(pts))]}
	d := make([]float64, len(pts))
	for i, p := range pts {
		d[i] = dist2(p, centres[0]) * weight(weights, i)
	}
	for len(centres) < k {
		total := 0.0
		for _, x := range d {
			total += x
		}
		next := 0
		if total > 0 {
			t := rng.Float64() * total
			for i, x := range d {
				t -= x
				if t <= 0 {
					next = i
					break
				}
			}
		} else {
			next = rng.IntN(len(pts))
		}
		centres = append(centres, pts[next])
		for i, p := range pts {
			d[i] = math.Min(d[i], dist2(p, pts[next])*weight(weights, i))
		}
	}
	return centres
}

func lloyd(pts []point, weights []float64, centres []point) clustering {
	k := len(centres)
	assign := make([]int, len(pts))
	for i := range assign {
		assign[i] = -1
	}
	sums := make([]point, k)
	counts := make([]float64, k)
	var inertia float64
	for iter := 0; iter < kmeansIterations; iter++ {
		changed := false
		inertia = 0
		for i, p := range pts {
			bi, bd := 0, math.Inf(1)
			for c := range centres {
				if d := dist2(p, centres[c]); d < bd {
					bi, bd = c, d
				}
			}
			inertia += bd * weight(weights, i)
			if assign[i] != bi {
				assign[i], changed = bi, true
			}
		}
		if !changed {
			break
		}
		clear(sums)
		clear(counts)
		for i, p := range pts {
			c, w := assign[i], weight(weights, i)
			sums[c][0] += p[0] * w
			sums[c][1] += p[1] * w
			counts[c] += w
		}
		for c := range centres {
			if counts[c] == 0 {
				// An empty cluster takes the point farthest from its centre.
				far, fd := 0, -1.0
				for i, p := range pts {
					if d := dist2(p, centres[assign[i]]); d > fd {
						far, fd = i, d
					}
				}
				centres[c] = pts[far]
				continue
			}
			centres[c] = point{sums[c][0] / counts[c], sums[c][1] / counts[c]}
		}
	}
	return clustering{k: k, assign: assign, centres: centres, inertia: inertia}
}

// silhouette is the weighted mean silhouette width of the clustering:
// each point stands for weight participants (a base cluster).
func silhouette(pts []point, weights []float64, c clustering) float64 {
	size := make([]float64, c.k)
	for i := range pts {
		size[c.assign[i]] += weight(weights, i)
	}
	sum := make([]float64, c.k)
	total, all := 0.0, 0.0
	for i := range pts {
		wi := weight(weights, i)
		all += wi
		clear(sum)
		for j := range pts {
			if i != j {
				sum[c.assign[j]] += math.Sqrt(dist2(pts[i], pts[j])) * weight(weights, j)
			}
		}
		own := c.assign[i]
		// Members of the same base cluster sit at distance 0 from it.
		if size[own]-1 <= 0 {
			continue // a lone participant scores 0
		}
		a := sum[own] / (size[own] - 1)
		b := math.Inf(1)
		for g := 0; g < c.k; g++ {
			if g != own && size[g] > 0 {
				b = math.Min(b, sum[g]/size[g])
			}
		}
		if math.IsInf(b, 1) {
			continue
		}
		if m := math.Max(a, b); m > 0 {
			total += wi * (b - a) / m
		}
	}
	if all == 0 {
		return 0
	}
	return total / all
}
