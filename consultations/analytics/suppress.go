package analytics

import (
	"sort"
	"strconv"
)

// Count is a published count: a number, or hidden (shown as "<K").
type Count struct {
	N      int64
	Hidden bool
	K      int
}

// MarshalJSON writes a hidden count as the string "<K", never a number.
func (c Count) MarshalJSON() ([]byte, error) {
	return appendCount(nil, c), nil
}

// String is the count as CSV and pages show it: "812" or "<10".
func (c Count) String() string {
	if c.Hidden {
		return "<" + strconv.Itoa(c.K)
	}
	return strconv.FormatInt(c.N, 10)
}

// Cell is one value of a breakdown with its count.
type Cell struct {
	Value string `json:"value"`
	Count Count  `json:"count"`
}

// Breakdown is one dimension of the figures; its JSON shape is fixed by
// the API: {"dimension","total","cells":[{"value","count"}]}.
type Breakdown struct {
	Dimension string `json:"dimension"`
	Total     Count  `json:"total"`
	Cells     []Cell `json:"cells"`
}

// MarshalJSON keeps numbers as numbers: only hidden counts are strings.
func (b Breakdown) MarshalJSON() ([]byte, error) {
	out := make([]byte, 0, 64+len(b.Cells)*32)
	out = append(out, `{"dimension":`...)
	out = strconv.AppendQuote(out, b.Dimension)
	out = append(out, `,"total":`...)
	out = appendCount(out, b.Total)
	out = append(out, `,"cells":[`...)
	for i, c := range b.Cells {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, `{"value":`...)
		out = strconv.AppendQuote(out, c.Value)
		out = append(out, `,"count":`...)
		out = appendCount(out, c.Count)
		out = append(out, '}')
	}
	return append(out, "]}"...), nil
}

func appendCount(out []byte, c Count) []byte {
	if c.Hidden {
		return strconv.AppendQuote(out, c.String())
	}
	return strconv.AppendInt(out, c.N, 10)
}

// exact makes a breakdown with every count shown, for staff.
func exact(dim string, total int64, values []string, counts []int64) Breakdown {
	b := Breakdown{Dimension: dim, Total: Count{N: total}, Cells: make([]Cell, len(values))}
	for i, v := range values {
		b.Cells[i] = Cell{Value: v, Count: Count{N: counts[i]}}
	}
	return b
}

// suppressed makes a public breakdown. Counts from 1 to k-1 are hidden
// (primary suppression). When the cells partition the total, further
// cells are hidden (complementary suppression) until no hidden count can
// be worked out from the total and the other cells; see pinned.
func suppressed(dim string, total int64, values []string, counts []int64, k int, partition bool) Breakdown {
	hidden := Hide(counts, k, partition)
	b := Breakdown{Dimension: dim, Total: small(total, k), Cells: make([]Cell, len(values))}
	for i, v := range values {
		b.Cells[i] = Cell{Value: v, Count: Count{N: counts[i], Hidden: hidden[i], K: k}}
		if hidden[i] {
			b.Cells[i].Count.N = 0 // never kept where it could leak
		}
	}
	return b
}

// small hides a lone count from 1 to k-1.
func small(n int64, k int) Count {
	if n >= 1 && n < int64(k) {
		return Count{Hidden: true, K: k}
	}
	return Count{N: n, K: k}
}

// Hide decides which counts to hide. It is exported for the property
// test's attacker to reason about, not for callers.
func Hide(counts []int64, k int, partition bool) []bool {
	hidden := make([]bool, len(counts))
	any := false
	for i, n := range counts {
		if n >= 1 && n < int64(k) {
			hidden[i], any = true, true
		}
	}
	if !any || !partition {
		return hidden
	}
	for Pinned(counts, hidden, k) {
		if !hideComplement(counts, hidden) {
			break // everything is hidden: nothing more can be done
		}
	}
	return hidden
}

// hideComplement hides, in this order of preference, every zero cell
// (so that a visible zero never tells which hidden cell is the zero), or
// else the smallest visible cell. It reports whether it hid anything.
func hideComplement(counts []int64, hidden []bool) bool {
	zeros := false
	for i, n := range counts {
		if !hidden[i] && n == 0 {
			hidden[i], zeros = true, true
		}
	}
	if zeros {
		return true
	}
	idx := make([]int, 0, len(counts))
	for i := range counts {
		if !hidden[i] {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return false
	}
	sort.Slice(idx, func(a, b int) bool { return counts[idx[a]] < counts[idx[b]] })
	hidden[idx[0]] = true
	return true
}

// Pinned reports whether someone who knows the total, every shown count
// and what "<k" means could work out a hidden count from 1 to k-1 exactly.
// The reader is granted more than a "<k" says: that a hidden cell is in
// 1..k-1 (0..k-1 once zeros are hidden too), and that a hidden cell of k
// or more is at least k. Their sum is the total less the shown counts;
// each hidden count then lies between what the others leave at most and
// at least, and is pinned when those bounds meet.
func Pinned(counts []int64, hidden []bool, k int) bool {
	const inf = int64(1) << 50
	kk := int64(k)
	var sum int64
	zeroHidden := false
	for i, h := range hidden {
		if h {
			sum += counts[i]
			zeroHidden = zeroHidden || counts[i] == 0
		}
	}
	bounds := func(n int64) (lo, hi int64) {
		if n >= kk {
			return kk, inf
		}
		if zeroHidden {
			return 0, kk - 1
		}
		return 1, kk - 1
	}
	var sumLo, sumHi, bigs int64
	for i, h := range hidden {
		if h {
			lo, hi := bounds(counts[i])
			sumLo += lo
			if hi == inf {
				bigs++
			} else {
				sumHi += hi
			}
		}
	}
	for i, h := range hidden {
		if !h || counts[i] < 1 || counts[i] >= kk {
			continue
		}
		lo, hi := bounds(counts[i])
		othersLo, othersHi := sumLo-lo, sumHi-hi
		if bigs > 0 {
			othersHi = inf
		}
		from, to := max(lo, sum-othersHi), min(hi, sum-othersLo)
		if from >= to {
			return true
		}
	}
	return false
}
