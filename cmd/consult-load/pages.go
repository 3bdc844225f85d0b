package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"
)

type pageClient struct {
	lat    latencies
	status statusCounts
	bytes  int64
}

func runPages(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("pages", flag.ContinueOnError)
	fs.SetOutput(stdout)
	var f loadFlags
	f.register(fs, 8, 20*time.Second)
	slug := fs.String("slug", "", "consultation slug (default: the first open policy consultation)")
	t, err := f.parse(fs, args)
	if err != nil {
		return err
	}
	defer t.close()
	if *slug == "" {
		c, err := t.findConsultation(ctx, "")
		if err != nil {
			return err
		}
		*slug = c.Slug
	}
	pageURL := t.base + "/consultations/" + url.PathEscape(*slug)
	fmt.Fprintf(stdout, "pages: %d clients, %s, GET %s\n", f.clients, f.duration, pageURL)

	var budget atomic.Int64
	budget.Store(int64(f.requests))
	var stop atomic.Bool
	timer := time.AfterFunc(f.duration, func() { stop.Store(true) })
	defer timer.Stop()
	clients := make([]*pageClient, f.clients)
	proc := watchServer(f.pid)
	start := time.Now()
	var wg sync.WaitGroup
	for i := range clients {
		cl := &pageClient{status: statusCounts{}, lat: make(latencies, 0, 4096)}
		clients[i] = cl
		wg.Add(1)
		go func() {
			defer wg.Done()
			cl.get(ctx, &stop, t, pageURL, f.requests > 0, &budget)
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)

	status := statusCounts{}
	parts := make([]latencies, len(clients))
	var bytesRead int64
	for i, cl := range clients {
		status.add(cl.status)
		parts[i] = cl.lat
		bytesRead += cl.bytes
	}
	lat := merge(parts)
	fmt.Fprintf(stdout, "requests: %d in %s; responses:%s\n", len(lat)+status.failures(), elapsed.Round(time.Millisecond), status)
	if len(lat) > 0 {
		fmt.Fprintf(stdout, "throughput: %.0f pages/s; page size %d bytes\n", float64(len(lat))/elapsed.Seconds(), bytesRead/int64(len(lat)))
	}
	lat.report(stdout)
	proc.report(stdout, len(lat), elapsed.Seconds())
	if len(lat) == 0 {
		return fmt.Errorf("no page was served")
	}
	return nil
}

func (s statusCounts) failures() int {
	n := 0
	for k, v := range s {
		if k != http.StatusOK {
			n += v
		}
	}
	return n
}

func (cl *pageClient) get(ctx context.Context, stop *atomic.Bool, t *target, pageURL string, bounded bool, budget *atomic.Int64) {
	buf := bytes.NewBuffer(make([]byte, 0, 256<<10))
	for ctx.Err() == nil && !stop.Load() {
		if bounded && budget.Add(-1) < 0 {
			return
		}
		req, _ := http.NewRequestWithContext(ctx, "GET", pageURL, nil)
		start := time.Now()
		resp, err := t.client.Do(req)
		if err != nil {
			if ctx.Err() == nil {
				cl.status[0]++
			}
			continue
		}
		buf.Reset()
		n, err := buf.ReadFrom(resp.Body)
		resp.Body.Close()
		took := time.Since(start)
		if err != nil {
			if ctx.Err() == nil {
				cl.status[0]++
			}
			continue
		}
		cl.status[resp.StatusCode]++
		if resp.StatusCode == http.StatusOK {
			cl.lat = append(cl.lat, took)
			cl.bytes += n
		}
	}
}
