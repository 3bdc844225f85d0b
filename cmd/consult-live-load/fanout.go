package main

import (
	"bufio"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// fanOutHistogram is the server's consult_live_fanout_seconds: how long
// each event took from its publication to its last write, across all
// subscribers. Comparing it with the receipts tells the server's part of
// the latency from the generator's.
type fanOutHistogram struct {
	bounds []float64 // le, ascending
	counts []float64 // cumulative
	sum    float64
	count  float64
	writes float64 // consult_live_writes_total, the system calls behind the copies
}

func (l *load) fanOut() *fanOutHistogram {
	resp, err := http.Get(l.cfg.base + "/metrics")
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	h := &fanOutHistogram{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		name, value, ok := strings.Cut(line, " ")
		if !ok || !strings.HasPrefix(name, "consult_live_") {
			continue
		}
		v, err := strconv.ParseFloat(value, 64)
		if err != nil {
			continue
		}
		switch {
		case name == "consult_live_writes_total":
			h.writes = v
		case strings.HasPrefix(name, "consult_live_fanout_seconds_bucket{le=\""):
			le := strings.TrimSuffix(strings.TrimPrefix(name, "consult_live_fanout_seconds_bucket{le=\""), "\"}")
			b, err := strconv.ParseFloat(le, 64) // "+Inf" parses too
			if err != nil {
				continue
			}
			h.bounds = append(h.bounds, b)
			h.counts = append(h.counts, v)
		case name == "consult_live_fanout_seconds_sum":
			h.sum = v
		case name == "consult_live_fanout_seconds_count":
			h.count = v
		}
	}
	if h.count == 0 && len(h.bounds) == 0 {
		return nil
	}
	return h
}

// since is what was observed between earlier and h.
func (h *fanOutHistogram) since(earlier *fanOutHistogram) *fanOutHistogram {
	if h == nil || earlier == nil || len(earlier.counts) != len(h.counts) {
		return h
	}
	d := &fanOutHistogram{bounds: h.bounds, counts: make([]float64, len(h.counts)), sum: h.sum - earlier.sum, count: h.count - earlier.count, writes: h.writes - earlier.writes}
	for i := range h.counts {
		d.counts[i] = h.counts[i] - earlier.counts[i]
	}
	return d
}

// pct is the upper bound of the bucket holding the p-th percentile.
func (h *fanOutHistogram) pct(p float64) string {
	for i, c := range h.counts {
		if c >= p/100*h.count {
			if i == len(h.bounds)-1 {
				return "> " + time.Duration(h.bounds[i-1]*float64(time.Second)).String()
			}
			return "≤ " + time.Duration(h.bounds[i]*float64(time.Second)).String()
		}
	}
	return "?"
}

func (h *fanOutHistogram) String() string {
	if h == nil || h.count == 0 {
		return "not reported"
	}
	mean := time.Duration(h.sum / h.count * float64(time.Second)).Round(10 * time.Microsecond)
	return strconv.Itoa(int(h.count)) + " events, mean " + mean.String() + ", p50 " + h.pct(50) + ", p99 " + h.pct(99)
}
