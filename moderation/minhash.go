package moderation

import (
	"encoding/binary"
	"runtime"
	"sync"
)

// Near-duplicate detection: word 3-gram shingles of the normalised text,
// a MinHash signature of SigSize values, and locality-sensitive hashing
// with Bands bands of Rows rows. Two texts whose signatures agree on at
// least NearDuplicate of their values are near-duplicates. With 16 bands
// of 4 rows, pairs at 0.7 similarity share a bucket with probability
// 1-(1-0.7^4)^16 ≈ 0.997; pairs at 0.3, 0.12.
const (
	SigSize       = 64
	Bands         = 16
	Rows          = SigSize / Bands
	NearDuplicate = 0.7
	// MinCampaignTokens is the shortest text (in words) considered for
	// campaigns: "I agree" is common, not coordinated.
	MinCampaignTokens = 6
)

// Signature is a text's MinHash signature.
type Signature [SigSize]uint32

var seeds = func() [SigSize]uint64 {
	var s [SigSize]uint64
	x := uint64(0x9E3779B97F4A7C15)
	for i := range s {
		x = mix64(x + uint64(i)*0xBF58476D1CE4E5B9)
		s[i] = x | 1
	}
	return s
}()

// mix64 is the splitmix64 finaliser: a fast, well-spread 64-bit mixer.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xBF58476D1CE4E5B9
	x ^= x >> 27
	x *= 0x94D049BB133111EB
	x ^= x >> 31
	return x
}

// Shingles hashes the word 3-grams of toks (or the words themselves in a
// text shorter than three words).
func Shingles(toks []Token) []uint64 {
	if len(toks) == 0 {
		return nil
	}
	hs := make([]uint64, len(toks))
	for i, t := range toks {
		hs[i] = hashString(t.Text)
	}
	if len(hs) < 3 {
		return hs
	}
	out := make([]uint64, 0, len(hs)-2)
	for i := 0; i+2 < len(hs); i++ {
		out = append(out, mix64(hs[i]^mix64(hs[i+1]^mix64(hs[i+2]))))
	}
	return out
}

// Sign computes the MinHash signature of a set of shingles.
func Sign(shingles []uint64) Signature {
	var sig Signature
	for i := range sig {
		sig[i] = ^uint32(0)
	}
	for _, sh := range shingles {
		for i, seed := range seeds {
			// One multiply-xorshift per (shingle, seed): a cheap
			// universal-enough permutation.
			v := uint32((sh^seed)*0x9E3779B97F4A7C15>>32) ^ uint32(sh*seed>>40)
			if v < sig[i] {
				sig[i] = v
			}
		}
	}
	return sig
}

// Similarity estimates the Jaccard similarity of the texts behind a and b.
func (a *Signature) Similarity(b *Signature) float64 {
	same := 0
	for i := range a {
		if a[i] == b[i] {
			same++
		}
	}
	return float64(same) / SigSize
}

// Buckets returns the LSH bucket of each band, as signed integers (the
// databases' INTEGER type).
func (a *Signature) Buckets() [Bands]int64 {
	var out [Bands]int64
	for b := range out {
		out[b] = a.bucket(b)
	}
	return out
}

func (a *Signature) bucket(b int) int64 {
	h := mix64(uint64(b) + 1)
	for r := 0; r < Rows; r++ {
		h = mix64(h ^ uint64(a[b*Rows+r]))
	}
	return int64(h)
}

// Bytes encodes the signature for storage.
func (a *Signature) Bytes() []byte {
	out := make([]byte, SigSize*4)
	for i, v := range a {
		binary.LittleEndian.PutUint32(out[i*4:], v)
	}
	return out
}

// SignatureFrom decodes a stored signature; ok is false if b is not one.
func SignatureFrom(b []byte) (sig Signature, ok bool) {
	if len(b) != SigSize*4 {
		return sig, false
	}
	for i := range sig {
		sig[i] = binary.LittleEndian.Uint32(b[i*4:])
	}
	return sig, true
}

// Cluster groups texts into near-duplicate clusters from scratch, for a
// whole consultation at once. It returns, for each text, the index of its
// cluster's first member (itself when alone or too short to compare).
// Work is spread over all CPUs for the signatures; bucketing is one pass.
func Cluster(texts []string) []int {
	sigs := make([]Signature, len(texts))
	usable := make([]bool, len(texts))
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	chunk := (len(texts) + workers - 1) / workers
	for w := 0; w < workers; w++ {
		lo, hi := w*chunk, min((w+1)*chunk, len(texts))
		if lo >= hi {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				toks := Tokens(texts[i])
				if len(toks) < MinCampaignTokens {
					continue
				}
				sigs[i], usable[i] = Sign(Shingles(toks)), true
			}
		}()
	}
	wg.Wait()

	parent := make([]int32, len(texts))
	for i := range parent {
		parent[i] = int32(i)
	}
	var find func(int32) int32
	find = func(x int32) int32 {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	union := func(a, b int32) {
		ra, rb := find(a), find(b)
		if ra == rb {
			return
		}
		if ra < rb {
			parent[rb] = ra
		} else {
			parent[ra] = rb
		}
	}
	for b := 0; b < Bands; b++ {
		first := make(map[int64]int32, len(texts)/4)
		for i := range texts {
			if !usable[i] {
				continue
			}
			bk := sigs[i].bucket(b)
			j, seen := first[bk]
			if !seen {
				first[bk] = int32(i)
				continue
			}
			if find(int32(i)) != find(j) && sigs[i].Similarity(&sigs[j]) >= NearDuplicate {
				union(int32(i), j)
			}
		}
	}
	out := make([]int, len(texts))
	for i := range out {
		out[i] = int(find(int32(i)))
	}
	return out
}
