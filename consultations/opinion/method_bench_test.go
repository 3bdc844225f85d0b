package opinion

import (
	"math/rand/v2"
	"strconv"
	"testing"
)

// syntheticMatrix builds participants × statements with about votesEach
// votes per participant, from three planted opinion groups that agree
// with a statement with different probabilities, with a fixed seed.
func syntheticMatrix(participants, statements, votesEach int) (*Matrix, []string) {
	rng := rand.New(rand.NewPCG(1, 2))
	lean := make([][3]float64, statements)
	for j := range lean {
		for g := 0; g < 3; g++ {
			lean[j][g] = rng.Float64()
		}
	}
	b := NewMatrixBuilder(statements, participants*votesEach)
	for i := 0; i < participants; i++ {
		g := i % 3
		id := "p" + strconv.Itoa(i)
		for _, j := range rng.Perm(statements)[:votesEach] {
			r := rng.Float64()
			switch {
			case r < lean[j][g]*0.85:
				b.Add(id, j, Agree)
			case r < 0.85:
				b.Add(id, j, Disagree)
			default:
				b.Add(id, j, Pass)
			}
		}
	}
	ids := make([]string, statements)
	for j := range ids {
		ids[j] = "s" + strconv.Itoa(j)
	}
	return b.Build(), ids
}

// BenchmarkRecompute10kBy1k is the target: 10,000 participants ×
// 1,000 statements, 1,000,000 votes, under 2 s on one core (run with
// -cpu 1; the method is single-threaded anyway).
func BenchmarkRecompute10kBy1k(b *testing.B) {
	m, ids := syntheticMatrix(10000, 1000, 100)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res := Analyse(m, ids, nil, Options{})
		if res.K < 2 {
			b.Fatalf("k = %d", res.K)
		}
	}
}

// BenchmarkRecomputeWarm10kBy1k is a recompute after the first, starting
// from the previous components, as the background engine runs it.
func BenchmarkRecomputeWarm10kBy1k(b *testing.B) {
	m, ids := syntheticMatrix(10000, 1000, 100)
	prev := Analyse(m, ids, nil, Options{})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Analyse(m, ids, prev, Options{})
	}
}

func BenchmarkBuildMatrix1M(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	ids := make([]string, 10000)
	for i := range ids {
		ids[i] = "p" + strconv.Itoa(i)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		mb := NewMatrixBuilder(1000, 1_000_000)
		for v := 0; v < 1_000_000; v++ {
			mb.Add(ids[v%10000], rng.IntN(1000), rng.IntN(3)-1)
		}
		mb.Build()
	}
}
