package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// runVotes has staff turn on the consultation's opinion map and write
// -statements statements, then each client votes down the list from its
// own starting point (changing its earlier vote when it wraps round). At
// the end the statements' vote counts must equal the distinct votes that
// were answered 200: a 200 means the vote is committed.
func runVotes(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("votes", flag.ContinueOnError)
	fs.SetOutput(stdout)
	var f loadFlags
	f.register(fs, 64, 20*time.Second)
	consultation := fs.String("consultation", "", "id or slug of an open consultation (default: the first open policy consultation)")
	staff := fs.String("staff", "staff@demo.consult.example", "staff account of the consultation's organisation")
	password := fs.String("password", "consult-demo-2026", "its password")
	count := fs.Int("statements", 1000, "statements to write and vote on")
	t, err := f.parse(fs, args)
	if err != nil {
		return err
	}
	defer t.close()
	c, err := t.findConsultation(ctx, *consultation)
	if err != nil {
		return err
	}
	var tok struct{ Token string }
	if err := t.call(ctx, "POST", "/api/v1/tokens", "", map[string]string{"email": *staff, "password": *password}, &tok, http.StatusCreated); err != nil {
		return fmt.Errorf("staff sign-in: %w", err)
	}
	base := "/api/v1/consultations/" + url.PathEscape(c.ID) + "/opinion"
	if err := t.call(ctx, "PUT", base, tok.Token, map[string]bool{"participant_statements": false}, nil, http.StatusOK); err != nil {
		return err
	}
	runID := strconv.FormatInt(time.Now().UnixNano(), 36)
	ids := make([]string, *count)
	for i := range ids {
		var st struct{ ID string }
		body := map[string]string{"body": fmt.Sprintf("Load statement %s number %d", runID, i)}
		if err := t.call(ctx, "POST", base+"/statements", tok.Token, body, &st, http.StatusCreated); err != nil {
			return err
		}
		ids[i] = st.ID
	}
	fmt.Fprintf(stdout, "votes: %d clients, %s, %d statements, consultation %s (%s)\n", f.clients, f.duration, len(ids), c.Slug, c.ID)
	clients, err := setUpCitizens(ctx, t, f.clients)
	if err != nil {
		return err
	}

	var budget atomic.Int64
	budget.Store(int64(f.requests))
	var stop atomic.Bool
	timer := time.AfterFunc(f.duration, func() { stop.Store(true) })
	defer timer.Stop()
	proc := watchServer(f.pid)
	self := selfCPU()
	start := time.Now()
	oks := make([]int, len(clients))
	var wg sync.WaitGroup
	for i, cl := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			oks[i] = cl.vote(ctx, &stop, t, ids, i*len(ids)/len(clients), f.requests > 0, &budget)
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)

	status := statusCounts{}
	parts := make([]latencies, len(clients))
	ok, distinct := 0, 0
	for i, cl := range clients {
		status.add(cl.status)
		parts[i] = cl.lat
		ok += oks[i]
		distinct += min(oks[i], len(ids))
	}
	lat := merge(parts)
	total := 0
	for _, n := range status {
		total += n
	}
	fmt.Fprintf(stdout, "requests: %d in %s; responses:%s\n", total, elapsed.Round(time.Millisecond), status)
	fmt.Fprintf(stdout, "throughput: %.0f durable votes/s (200s)\n", float64(ok)/elapsed.Seconds())
	lat.report(stdout)
	proc.report(stdout, len(lat), elapsed.Seconds())
	reportSelf(stdout, self, total, elapsed.Seconds())
	return verifyVotes(ctx, t, base, tok.Token, ids, distinct, stdout)
}

// vote sends votes until stop is set, ctx ends or the shared budget runs
// out, and returns how many were answered 200. It uses a rawConn: the
// generator's own CPU per request must stay well below the server's.
func (cl *commentClient) vote(ctx context.Context, stop *atomic.Bool, t *target, ids []string, offset int, bounded bool, budget *atomic.Int64) int {
	auth := "Bearer " + cl.token
	bodies := [][]byte{[]byte(`{"vote":-1}`), []byte(`{"vote":0}`), []byte(`{"vote":1}`)}
	paths := make([]string, len(ids))
	for i, id := range ids {
		paths[i] = "/api/v1/opinion/statements/" + url.PathEscape(id) + "/vote"
	}
	conn := newRawConn(t.host)
	defer conn.close()
	ok := 0
	for n := 0; ctx.Err() == nil && !stop.Load(); n++ {
		if bounded && budget.Add(-1) < 0 {
			break
		}
		start := time.Now()
		status, err := conn.post(ctx, paths[(offset+n)%len(ids)], auth, bodies[(n+n/len(ids))%3])
		if err != nil {
			if ctx.Err() == nil {
				cl.status[0]++
			}
			continue
		}
		cl.status[status]++
		if status == http.StatusOK {
			ok++
			cl.lat = append(cl.lat, time.Since(start))
		}
	}
	return ok
}

// verifyVotes checks that the run's statements count exactly the distinct
// votes answered 200.
func verifyVotes(ctx context.Context, t *target, base, token string, ids []string, want int, stdout io.Writer) error {
	mine := make(map[string]bool, len(ids))
	for _, id := range ids {
		mine[id] = true
	}
	counted, cursor := 0, ""
	for {
		var page struct {
			Items []struct {
				ID        string `json:"id"`
				VoteCount int    `json:"vote_count"`
			} `json:"items"`
			NextCursor string `json:"next_cursor"`
		}
		if err := t.call(ctx, "GET", base+"/statements?limit=500&cursor="+url.QueryEscape(cursor), token, nil, &page, http.StatusOK); err != nil {
			return fmt.Errorf("durability check: %w", err)
		}
		for _, it := range page.Items {
			if mine[it.ID] {
				counted += it.VoteCount
			}
		}
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	if counted != want {
		fmt.Fprintf(stdout, "durability: FAILED: %d distinct votes answered 200, the statements count %d\n", want, counted)
		return fmt.Errorf("durability check failed")
	}
	fmt.Fprintf(stdout, "durability: ok: %d distinct votes answered 200, %d counted by the statements\n", want, counted)
	return nil
}
