package opinion

import "math"

// pca finds the two leading principal components of the rows of m that
// rows selects, with each missing vote taken as its statement's mean.
// Centring by the column means turns every missing cell into zero, so the
// centred matrix X stays sparse and XᵀX·v costs two passes over the votes.
// It runs simultaneous (block) power iteration on XᵀX with two vectors,
// orthonormalised after each step, starting from start when it has the
// right size (the previous run's components) so that a recompute after a
// few new votes converges in a few steps.
func pca(m *Matrix, rows []int, mean []float64, start [2][]float64) [2][]float64 {
	s := m.Statements
	var v [2][]float64
	for c := 0; c < 2; c++ {
		if len(start[c]) == s {
			v[c] = append([]float64(nil), start[c]...)
			continue
		}
		v[c] = make([]float64, s)
		for j := range v[c] {
			// A fixed, non-degenerate start: deterministic results.
			v[c][j] = 1 + 0.5*math.Sin(float64((c+1)*(j+1)))
		}
	}
	orthonormalise(&v)
	// The centred values, once: x = vote − mean of its statement.
	xs := make([]float64, len(m.Val))
	for _, i := range rows {
		for k := m.Start[i]; k < m.Start[i+1]; k++ {
			xs[k] = float64(m.Val[k]) - mean[m.Col[k]]
		}
	}
	xv := [2][]float64{make([]float64, len(rows)), make([]float64, len(rows))}
	w := [2][]float64{make([]float64, s), make([]float64, s)}
	for iter := 0; iter < 500; iter++ {
		// xv = X v
		for r, i := range rows {
			var a, b float64
			for k := m.Start[i]; k < m.Start[i+1]; k++ {
				j, x := m.Col[k], xs[k]
				a += x * v[0][j]
				b += x * v[1][j]
			}
			xv[0][r], xv[1][r] = a, b
		}
		// w = Xᵀ xv = XᵀX v
		clear(w[0])
		clear(w[1])
		for r, i := range rows {
			a, b := xv[0][r], xv[1][r]
			for k := m.Start[i]; k < m.Start[i+1]; k++ {
				j, x := m.Col[k], xs[k]
				w[0][j] += x * a
				w[1][j] += x * b
			}
		}
		// The subspace has converged when w hardly leaves span(v).
		h := [2][2]float64{{dot(v[0], w[0]), dot(v[0], w[1])}, {dot(v[1], w[0]), dot(v[1], w[1])}}
		resid, norm := 0.0, 0.0
		for j := 0; j < s; j++ {
			for c := 0; c < 2; c++ {
				r := w[c][j] - v[0][j]*h[0][c] - v[1][j]*h[1][c]
				resid += r * r
				norm += w[c][j] * w[c][j]
			}
		}
		if norm == 0 || resid <= 1e-12*norm {
			v = rayleighRitz(v, h)
			break
		}
		orthonormalise(&w)
		v, w = w, v
	}
	// Fix the sign so that results do not flip between runs: the largest
	// loading of each component is positive.
	for c := 0; c < 2; c++ {
		big := 0
		for j := range v[c] {
			if math.Abs(v[c][j]) > math.Abs(v[c][big]) {
				big = j
			}
		}
		if s > 0 && v[c][big] < 0 {
			scale(v[c], -1)
		}
	}
	return v
}

// rayleighRitz rotates the orthonormal pair v, spanning the leading
// subspace, onto the eigenvectors of h = vᵀCv, largest eigenvalue first:
// within a subspace whose two eigenvalues are close, power iteration alone
// would take many steps to separate them.
func rayleighRitz(v [2][]float64, h [2][2]float64) [2][]float64 {
	a, b, d := h[0][0], (h[0][1]+h[1][0])/2, h[1][1]
	theta := 0.5 * math.Atan2(2*b, a-d) // rotation that diagonalises h
	c, s := math.Cos(theta), math.Sin(theta)
	out := [2][]float64{make([]float64, len(v[0])), make([]float64, len(v[0]))}
	for j := range v[0] {
		out[0][j] = c*v[0][j] + s*v[1][j]
		out[1][j] = -s*v[0][j] + c*v[1][j]
	}
	return out
}

// orthonormalise applies Gram–Schmidt to the pair.
func orthonormalise(v *[2][]float64) {
	normalise(v[0])
	d := dot(v[1], v[0])
	for j := range v[1] {
		v[1][j] -= d * v[0][j]
	}
	normalise(v[1])
}

func normalise(x []float64) {
	n := math.Sqrt(dot(x, x))
	if n == 0 {
		return
	}
	scale(x, 1/n)
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func scale(x []float64, f float64) {
	for i := range x {
		x[i] *= f
	}
}

// project places participant i on the two components, scaled by
// sqrt(statements / votes) as Pol.is does, so that someone who voted on
// few statements is not pulled towards the centre by the missing ones.
func project(m *Matrix, i int, mean []float64, comp [2][]float64) [2]float64 {
	var p [2]float64
	n := m.Count(i)
	if n == 0 {
		return p
	}
	for k := m.Start[i]; k < m.Start[i+1]; k++ {
		j := m.Col[k]
		x := float64(m.Val[k]) - mean[j]
		p[0] += x * comp[0][j]
		p[1] += x * comp[1][j]
	}
	f := math.Sqrt(float64(m.Statements) / float64(n))
	p[0] *= f
	p[1] *= f
	return p
}
