package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// serverProc reads a local server's CPU time and memory from /proc, so a
// run can report what each request cost the server, apart from the load
// generator sharing the machine.
type serverProc struct {
	pid int
	cpu float64 // seconds of user+system time at the start
}

func watchServer(pid int) *serverProc {
	if pid <= 0 {
		return nil
	}
	p := &serverProc{pid: pid}
	p.cpu, _ = p.cpuSeconds()
	return p
}

func (p *serverProc) cpuSeconds() (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.pid))
	if err != nil {
		return 0, err
	}
	// Fields after the command name, which is in parentheses.
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("short /proc stat")
	}
	utime, _ := strconv.ParseFloat(f[11], 64)
	stime, _ := strconv.ParseFloat(f[12], 64)
	return (utime + stime) / 100, nil // USER_HZ is 100 on Linux
}

func (p *serverProc) memory() string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.pid))
	if err != nil {
		return "unknown"
	}
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") || strings.HasPrefix(line, "VmHWM:") {
			out = append(out, strings.Join(strings.Fields(line), " "))
		}
	}
	return strings.Join(out, ", ")
}

// report prints the server's CPU time since the start, per request.
func (p *serverProc) report(w io.Writer, requests int, elapsedSeconds float64) {
	if p == nil {
		return
	}
	now, err := p.cpuSeconds()
	if err != nil {
		fmt.Fprintf(w, "server: %v\n", err)
		return
	}
	used := now - p.cpu
	per := 0.0
	if requests > 0 {
		per = used / float64(requests) * 1e6
	}
	fmt.Fprintf(w, "server: %.2fs CPU in %.1fs (%.2f cores), %.0fµs CPU per request; %s\n", used, elapsedSeconds, used/elapsedSeconds, per, p.memory())
}

// selfCPU is this process's user+system CPU time in seconds.
func selfCPU() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// reportSelf prints the generator's own CPU since start, per request: on
// a machine shared with the server, every microsecond here is one the
// server does not get.
func reportSelf(w io.Writer, start float64, requests int, elapsedSeconds float64) {
	used := selfCPU() - start
	per := 0.0
	if requests > 0 {
		per = used / float64(requests) * 1e6
	}
	fmt.Fprintf(w, "load tool: %.2fs CPU in %.1fs (%.2f cores), %.0fµs CPU per request\n", used, elapsedSeconds, used/elapsedSeconds, per)
}
