package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// commentClient is one simulated citizen posting comments in a loop.
type commentClient struct {
	token   string
	lat     latencies
	status  statusCounts
	created []string // ids answered with 201 and status published
	pending int      // 201s held for moderation, which the listing cannot show
}

func runComments(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("comments", flag.ContinueOnError)
	fs.SetOutput(stdout)
	var f loadFlags
	f.register(fs, 64, 30*time.Second)
	consultation := fs.String("consultation", "", "id or slug of an open consultation (default: the first open policy consultation)")
	textsPath := fs.String("texts", defaultTexts, "CSV of real comments (column \"text\")")
	mix := fs.String("mix", "sentences", `"sentences": each body joins 2-4 sentences of different real comments, so texts hardly repeat; `+
		`"whole": real comments as they are, repeated under other accounts once all are posted (a near-duplicate campaign that moderation queues)`)
	also := fs.String("also", "", "comma-separated URLs of more nodes over the same database: clients are spread over -addr and these")
	t, err := f.parse(fs, args)
	if err != nil {
		return err
	}
	defer t.close()
	nodes := []*target{t}
	for _, addr := range strings.Split(*also, ",") {
		if addr = strings.TrimSpace(addr); addr == "" {
			continue
		}
		n, err := newTarget(addr, f.clients)
		if err != nil {
			return err
		}
		defer n.close()
		nodes = append(nodes, n)
	}
	texts, source, err := commentTexts(*textsPath)
	if err != nil {
		return err
	}
	var bodies bodySource
	switch *mix {
	case "sentences":
		if bodies, err = newMixedSentences(texts); err != nil {
			return err
		}
		source += ", mixed: 2-4 sentences of different comments per body"
	case "whole":
		bodies = newWholeTexts(texts)
		source += ", whole, repeated under other accounts once all are posted"
	default:
		return fmt.Errorf("-mix %q: want sentences or whole", *mix)
	}
	c, err := t.findConsultation(ctx, *consultation)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "comments: %d clients, %s, %d node(s) from %s, consultation %s (%s)\n", f.clients, f.duration, len(nodes), t.base, c.Slug, c.ID)
	fmt.Fprintln(stdout, source)

	clients, err := setUpCitizens(ctx, t, f.clients)
	if err != nil {
		return err
	}
	// A first comment marks where this run starts: listing from it finds
	// exactly what the run stored.
	path := "/api/v1/consultations/" + url.PathEscape(c.ID) + "/comments"
	var marker struct{ ID string }
	if err := t.call(ctx, "POST", path, clients[0].token, map[string]string{"body": "consult-load start marker"}, &marker, http.StatusCreated); err != nil {
		return fmt.Errorf("first comment: %w", err)
	}

	runID := strconv.FormatInt(time.Now().UnixNano(), 36)
	var budget atomic.Int64
	budget.Store(int64(f.requests))
	// Requests under way at the deadline are allowed to finish: cutting
	// them off would leave comments stored that the run never counted.
	var stop atomic.Bool
	timer := time.AfterFunc(f.duration, func() { stop.Store(true) })
	defer timer.Stop()
	proc := watchServer(f.pid)
	self := selfCPU()
	start := time.Now()
	var wg sync.WaitGroup
	for i, cl := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cl.post(ctx, &stop, nodes[i%len(nodes)], path, fmt.Sprintf("%s-%d-", runID, i), bodies, i, f.requests > 0, &budget)
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)

	status := statusCounts{}
	parts := make([]latencies, len(clients))
	var created []string
	pending := 0
	for i, cl := range clients {
		status.add(cl.status)
		parts[i] = cl.lat
		created = append(created, cl.created...)
		pending += cl.pending
	}
	lat := merge(parts)
	ok := len(created) + pending
	total := 0
	for _, n := range status {
		total += n
	}
	fmt.Fprintf(stdout, "requests: %d in %s; responses:%s\n", total, elapsed.Round(time.Millisecond), status)
	fmt.Fprintf(stdout, "throughput: %.0f durable comments/s (201s)\n", float64(ok)/elapsed.Seconds())
	lat.report(stdout)
	proc.report(stdout, len(lat), elapsed.Seconds())
	reportSelf(stdout, self, total, elapsed.Seconds())
	return verifyDurable(ctx, t, c.ID, marker.ID, created, pending, stdout)
}

// setUpCitizens registers one account per client, a few at a time: each
// costs two Argon2id hashes on the server, which must not swamp it.
func setUpCitizens(ctx context.Context, t *target, n int) ([]*commentClient, error) {
	prefix := strconv.FormatInt(time.Now().UnixNano(), 36)
	clients := make([]*commentClient, n)
	errs := make(chan error, n)
	sem := make(chan struct{}, 2)
	var wg sync.WaitGroup
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			token, err := t.citizen(ctx, fmt.Sprintf("load-%s-%d@load.example", prefix, i), fmt.Sprintf("Load citizen %d", i))
			if err != nil {
				errs <- fmt.Errorf("setting up citizen %d: %w", i, err)
				return
			}
			clients[i] = &commentClient{token: token, status: statusCounts{}, lat: make(latencies, 0, 4096)}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	return clients, nil
}

// post sends comments until stop is set, ctx ends or the shared budget
// runs out. Every request has its own Idempotency-Key, so none is a replay.
func (cl *commentClient) post(ctx context.Context, stop *atomic.Bool, t *target, path, keyPrefix string, bodies bodySource, client int, bounded bool, budget *atomic.Int64) {
	auth := "Bearer " + cl.token
	var answer struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	}
	// A lean connection of its own (see rawConn): the generator shares the
	// machine with the server it measures.
	conn := newRawConn(t.host)
	defer conn.close()
	buf := bytes.NewBuffer(make([]byte, 0, 8192))
	for n := 0; ctx.Err() == nil && !stop.Load(); n++ {
		if bounded && budget.Add(-1) < 0 {
			return
		}
		start := time.Now()
		status, err := conn.postKeyed(ctx, path, auth, keyPrefix+strconv.Itoa(n), bodies.body(client, n), buf)
		took := time.Since(start)
		if err != nil {
			if ctx.Err() == nil {
				cl.status[0]++
			}
			continue
		}
		cl.status[status]++
		if status != http.StatusCreated {
			continue
		}
		cl.lat = append(cl.lat, took)
		answer.ID, answer.Status = "", ""
		if json.Unmarshal(buf.Bytes(), &answer) != nil || answer.ID == "" {
			cl.status[-1]++ // a 201 we cannot read
			continue
		}
		if answer.Status == "published" {
			cl.created = append(cl.created, answer.ID)
		} else {
			cl.pending++
		}
	}
}

// verifyDurable checks that every comment answered with 201 is listed by
// the API, and that the API lists nothing else since the run began.
func verifyDurable(ctx context.Context, t *target, consultationID, marker string, created []string, pending int, stdout io.Writer) error {
	listed, err := t.listedAfter(ctx, consultationID, marker)
	if err != nil {
		return fmt.Errorf("durability check: %w", err)
	}
	missing := 0
	for _, id := range created {
		if !listed[id] {
			missing++
		}
	}
	switch {
	case missing > 0:
		fmt.Fprintf(stdout, "durability: FAILED: %d of %d comments answered 201 are not listed\n", missing, len(created))
		return fmt.Errorf("durability check failed")
	case len(listed) != len(created):
		fmt.Fprintf(stdout, "durability: FAILED: %d answered 201 (published) but %d listed since the run began (another writer?)\n", len(created), len(listed))
		return fmt.Errorf("durability check failed")
	}
	fmt.Fprintf(stdout, "durability: ok: %d published comments answered 201, %d found via GET comments paging", len(created), len(listed))
	if pending > 0 {
		fmt.Fprintf(stdout, " (%d more held for moderation, not listed)", pending)
	}
	fmt.Fprintln(stdout)
	return nil
}
