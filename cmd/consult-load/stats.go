package main

import (
	"fmt"
	"io"
	"slices"
	"time"
)

// latencies gathers request durations; each client owns one, so
// recording needs no lock, and they are merged at the end.
type latencies []time.Duration

// summary is what a run reports.
type summary struct {
	elapsed time.Duration
	lat     latencies // sorted
}

func merge(parts []latencies) latencies {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	all := make(latencies, 0, n)
	for _, p := range parts {
		all = append(all, p...)
	}
	slices.Sort(all)
	return all
}

// percentile returns the nearest-rank p-th percentile of sorted durations.
func (l latencies) percentile(p float64) time.Duration {
	if len(l) == 0 {
		return 0
	}
	i := int(float64(len(l))*p/100+0.5) - 1
	i = max(0, min(i, len(l)-1))
	return l[i]
}

func (l latencies) report(w io.Writer) {
	if len(l) == 0 {
		fmt.Fprintln(w, "latency: no successful requests")
		return
	}
	fmt.Fprintf(w, "latency: p50 %s  p90 %s  p99 %s  max %s\n",
		ms(l.percentile(50)), ms(l.percentile(90)), ms(l.percentile(99)), ms(l[len(l)-1]))
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond)) }

// statusCounts counts responses by HTTP status (0: transport error).
type statusCounts map[int]int

func (s statusCounts) add(o statusCounts) {
	for k, v := range o {
		s[k] += v
	}
}

func (s statusCounts) String() string {
	keys := make([]int, 0, len(s))
	for k := range s {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := ""
	for _, k := range keys {
		name := fmt.Sprint(k)
		if k == 0 {
			name = "transport-error"
		}
		out += fmt.Sprintf(" %s:%d", name, s[k])
	}
	if out == "" {
		return " none"
	}
	return out
}
