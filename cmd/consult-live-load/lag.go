package main

import (
	"math/bits"
	"time"
)

// lagHistogram counts durations in power-of-two buckets of microseconds:
// millions of reads cost a few hundred bytes, at the price of a
// percentile known only to within a factor of two (its upper bound).
type lagHistogram [40]int64

func (h *lagHistogram) add(ns int64) {
	h[min(len(h)-1, bits.Len64(uint64(ns/1000)))]++
}

func (h *lagHistogram) merge(o *lagHistogram) {
	for i := range h {
		h[i] += o[i]
	}
}

// pct is the upper bound of the bucket holding the p-th percentile.
func (h *lagHistogram) pct(p float64) time.Duration {
	total := int64(0)
	for _, n := range h {
		total += n
	}
	seen := int64(0)
	for i, n := range h {
		seen += n
		if total > 0 && float64(seen) >= p/100*float64(total) {
			return time.Duration(int64(1)<<i) * time.Microsecond
		}
	}
	return 0
}
