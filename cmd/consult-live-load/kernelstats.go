package main

import (
	"os"
	"strconv"
	"strings"
)

// kernelLosses is what the machine's network stack lost so far: packets
// dropped because a CPU's receive backlog was full (on loopback the
// sender's packets wait there for the receiving softirq) and TCP segments
// sent again. Either puts a retransmission timeout into some
// subscriber's latency. Machine-wide: other traffic counts too.
func kernelLosses() (backlogDrops, retransmits int64) {
	if b, err := os.ReadFile("/proc/net/softnet_stat"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if f := strings.Fields(line); len(f) > 1 {
				n, _ := strconv.ParseInt(f[1], 16, 64)
				backlogDrops += n
			}
		}
	}
	if b, err := os.ReadFile("/proc/net/snmp"); err == nil {
		var names []string
		for _, line := range strings.Split(string(b), "\n") {
			f := strings.Fields(line)
			if len(f) == 0 || f[0] != "Tcp:" {
				continue
			}
			if names == nil {
				names = f
				continue
			}
			for i, name := range names {
				if name == "RetransSegs" && i < len(f) {
					retransmits, _ = strconv.ParseInt(f[i], 10, 64)
				}
			}
		}
	}
	return backlogDrops, retransmits
}
