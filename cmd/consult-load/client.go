package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// target is the server under test and a client tuned to reuse one
// connection per load client: the generator shares the machine with the
// server, so it must not waste CPU on handshakes.
type target struct {
	base   string
	host   string // host:port, for rawConn
	client *http.Client
}

func newTarget(addr string, clients int) (*target, error) {
	u, err := url.Parse(addr)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return nil, fmt.Errorf("-addr must look like http://127.0.0.1:8080, not %q", addr)
	}
	if ip := net.ParseIP(u.Hostname()); ip == nil || !ip.Equal(net.IPv4(127, 0, 0, 1)) {
		return nil, fmt.Errorf("-addr must be on 127.0.0.1: this tool only loads a server on this machine")
	}
	tr := &http.Transport{
		MaxIdleConns:        clients + 8,
		MaxIdleConnsPerHost: clients + 8,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
		ForceAttemptHTTP2:   false,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
	}
	return &target{base: strings.TrimRight(u.String(), "/"), host: u.Host, client: &http.Client{Transport: tr, Timeout: 30 * time.Second}}, nil
}

func (t *target) close() { t.client.CloseIdleConnections() }

// call sends a JSON request and decodes a JSON answer into out (if not
// nil). It returns the status; any status other than want is an error.
func (t *target) call(ctx context.Context, method, path, token string, in, out any, want int) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, t.base+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := t.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, bytes.TrimSpace(data))
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

// consultationRef is what the tool needs to know about a consultation.
type consultationRef struct {
	ID     string `json:"id"`
	Slug   string `json:"slug"`
	Kind   string `json:"kind"`
	Status string `json:"status"`
}

// findConsultation resolves an id or slug, or with none given picks the
// first open policy consultation.
func (t *target) findConsultation(ctx context.Context, idOrSlug string) (consultationRef, error) {
	var c consultationRef
	if idOrSlug != "" {
		err := t.call(ctx, "GET", "/api/v1/consultations/"+url.PathEscape(idOrSlug), "", nil, &c, http.StatusOK)
		return c, err
	}
	var list struct{ Items []consultationRef }
	if err := t.call(ctx, "GET", "/api/v1/consultations?status=open&kind=policy", "", nil, &list, http.StatusOK); err != nil {
		return c, err
	}
	for _, item := range list.Items {
		if item.Status == "open" && item.Kind == "policy" {
			return item, nil
		}
	}
	return c, fmt.Errorf("no open policy consultation found; give -consultation")
}

// citizen registers an account and returns a bearer token for it.
func (t *target) citizen(ctx context.Context, email, name string) (string, error) {
	const password = "consult-load-password"
	acct := map[string]string{"email": email, "password": password, "display_name": name, "locale": "es"}
	if err := t.call(ctx, "POST", "/api/v1/accounts", "", acct, nil, http.StatusCreated); err != nil {
		return "", err
	}
	var tok struct{ Token string }
	err := t.call(ctx, "POST", "/api/v1/tokens", "", map[string]string{"email": email, "password": password}, &tok, http.StatusCreated)
	return tok.Token, err
}

// listedAfter pages through the published comments of a consultation that
// come after cursor and returns their ids.
func (t *target) listedAfter(ctx context.Context, consultationID, cursor string) (map[string]bool, error) {
	seen := map[string]bool{}
	for {
		var page struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
			NextCursor string `json:"next_cursor"`
		}
		path := "/api/v1/consultations/" + url.PathEscape(consultationID) + "/comments?limit=500&cursor=" + url.QueryEscape(cursor)
		if err := t.call(ctx, "GET", path, "", nil, &page, http.StatusOK); err != nil {
			return seen, err
		}
		for _, it := range page.Items {
			seen[it.ID] = true
		}
		if page.NextCursor == "" {
			return seen, nil
		}
		cursor = page.NextCursor
	}
}

// loadFlags are the flags every HTTP mode shares.
type loadFlags struct {
	addr     string
	clients  int
	duration time.Duration
	requests int
	pid      int // the server's, to report its CPU time and memory
}

func (f *loadFlags) register(fs *flag.FlagSet, clients int, duration time.Duration) {
	fs.StringVar(&f.addr, "addr", "http://127.0.0.1:8080", "server to load (must be on 127.0.0.1)")
	fs.IntVar(&f.clients, "clients", clients, "concurrent clients")
	fs.DurationVar(&f.duration, "duration", duration, "how long to run (at most 10m)")
	fs.IntVar(&f.requests, "requests", 0, "stop after this many requests in all (0: only the duration bounds the run)")
	fs.IntVar(&f.pid, "pid", 0, "the server's process id, to report its CPU time and memory (optional)")
}

// parse reads the mode's flags, checks the shared ones and makes the
// target; the caller closes it.
func (f *loadFlags) parse(fs *flag.FlagSet, args []string) (*target, error) {
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if err := f.check(); err != nil {
		return nil, err
	}
	return newTarget(f.addr, f.clients)
}

func (f *loadFlags) check() error {
	if f.clients < 1 || f.clients > 1024 {
		return fmt.Errorf("-clients must be 1 to 1024")
	}
	if f.duration <= 0 || f.duration > 10*time.Minute {
		return fmt.Errorf("-duration must be more than 0 and at most 10m")
	}
	if f.requests < 0 || f.requests > 10_000_000 {
		return fmt.Errorf("-requests must be 0 to 10,000,000")
	}
	return nil
}
