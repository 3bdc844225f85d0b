// Command consult-live-load measures live updates on a running Consult
// server: it opens many websocket subscribers of one consultation, posts
// comments through the HTTP API at a steady rate, and reports how long each
// comment took to reach the last subscriber. Start the server with
// CONSULT_RATE_LIMITS=off; never point this at production.
//
//	consult-live-load -url http://127.0.0.1:8111 -consultation safer-streets-20mph \
//	    -email citizen@demo.consult.example -password consult-demo-2026 \
//	    -subscribers 10000 -rate 20 -duration 30s -sources 4 [-stall 0.1] [-pid N]
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gorilla/websocket"
)

type config struct {
	base, consultation, email, password, token string
	postBase                                   string // where comments are posted; default base
	subscribers, sources, connectParallel      int
	rate                                       float64
	duration, idle                             time.Duration
	stall                                      float64
	pid                                        int
}

func (c *config) postURL() string {
	if c.postBase != "" {
		return c.postBase
	}
	return c.base
}

func main() {
	var c config
	flag.StringVar(&c.base, "url", "http://127.0.0.1:8111", "server base URL")
	flag.StringVar(&c.postBase, "post-url", "", "post comments to this node instead (several nodes over one PostgreSQL)")
	flag.StringVar(&c.consultation, "consultation", "safer-streets-20mph", "consultation id or slug to watch and comment on")
	flag.StringVar(&c.email, "email", "citizen@demo.consult.example", "account that posts the comments")
	flag.StringVar(&c.password, "password", "consult-demo-2026", "its password")
	flag.StringVar(&c.token, "token", "", "bearer token to post with (instead of email and password)")
	flag.IntVar(&c.subscribers, "subscribers", 1000, "websocket subscribers to open")
	flag.IntVar(&c.sources, "sources", 4, "source addresses 127.0.0.1 … 127.0.0.N to spread connections over (each has ~28k ports)")
	flag.IntVar(&c.connectParallel, "connect-parallel", 64, "handshakes in flight at once")
	flag.Float64Var(&c.rate, "rate", 20, "comments posted per second")
	flag.DurationVar(&c.duration, "duration", 30*time.Second, "how long to post")
	flag.DurationVar(&c.idle, "idle", 0, "only hold the subscribers idle this long (no posting), for memory figures")
	flag.Float64Var(&c.stall, "stall", 0, "fraction of subscribers that never read (0.1 = 10%)")
	flag.IntVar(&c.pid, "pid", 0, "server process id, to report its resident memory")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, c); err != nil {
		fmt.Fprintln(os.Stderr, "consult-live-load:", err)
		os.Exit(1)
	}
}

// track is one posted comment: when it was sent, when the 201 came, and
// how many subscribers have it, the last of them when.
type track struct {
	sent, created atomic.Int64 // unix nanoseconds
	receipts      atomic.Int32
	last          atomic.Int64
}

type load struct {
	cfg      config
	comments sync.Map // comment id → *track
	readers  atomic.Int32
	dropped  atomic.Int32 // subscribers whose connection ended early
}

func (l *load) track(id string) *track {
	v, _ := l.comments.LoadOrStore(id, &track{})
	return v.(*track)
}

func run(ctx context.Context, c config) error {
	raiseFileLimit()
	l := &load{cfg: c}
	id, err := l.consultationID(ctx)
	if err != nil {
		return err
	}
	if c.token == "" && c.idle == 0 {
		if c.token, err = l.signIn(ctx); err != nil {
			return err
		}
		l.cfg.token = c.token
	}
	start := time.Now()
	conns, err := l.connect(ctx, id)
	defer func() {
		for _, cn := range conns {
			cn.Close()
		}
	}()
	if err != nil {
		return err
	}
	fmt.Printf("subscribers: %d connected in %v (%d stalled, never reading)\n", len(conns), time.Since(start).Round(time.Millisecond), len(conns)-int(l.readers.Load()))
	time.Sleep(2 * time.Second) // let the joins settle
	l.reportRSS("server RSS with subscribers connected")
	if c.idle > 0 {
		select {
		case <-ctx.Done():
		case <-time.After(c.idle):
		}
		l.reportRSS("server RSS after holding them idle")
		return nil
	}
	posted := l.post(ctx, id)
	time.Sleep(3 * time.Second) // let the last deliveries arrive
	l.reportRSS("server RSS after posting")
	l.report(posted)
	return nil
}

// raiseFileLimit lifts the soft open-file limit to the hard one: each
// subscriber is a file descriptor.
func raiseFileLimit() {
	var lim syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim) == nil && lim.Cur < lim.Max {
		lim.Cur = lim.Max
		syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
	}
}

func (l *load) consultationID(ctx context.Context) (string, error) {
	req, _ := http.NewRequestWithContext(ctx, "GET", l.cfg.base+"/api/v1/consultations/"+l.cfg.consultation, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var c struct{ ID string }
	if err := json.NewDecoder(resp.Body).Decode(&c); err != nil || c.ID == "" {
		return "", fmt.Errorf("consultation %s: status %d", l.cfg.consultation, resp.StatusCode)
	}
	return c.ID, nil
}

func (l *load) signIn(ctx context.Context) (string, error) {
	body, _ := json.Marshal(map[string]string{"email": l.cfg.email, "password": l.cfg.password})
	req, _ := http.NewRequestWithContext(ctx, "POST", l.cfg.base+"/api/v1/tokens", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var t struct{ Token string }
	if err := json.NewDecoder(resp.Body).Decode(&t); err != nil || t.Token == "" {
		return "", fmt.Errorf("sign in as %s: status %d", l.cfg.email, resp.StatusCode)
	}
	return t.Token, nil
}

// connect opens the subscribers, spread over the source addresses; every
// tenth (or as -stall says) never reads.
func (l *load) connect(ctx context.Context, id string) ([]*websocket.Conn, error) {
	url := "ws" + strings.TrimPrefix(l.cfg.base, "http") + "/api/v1/consultations/" + id + "/live"
	dialers := make([]*websocket.Dialer, max(1, l.cfg.sources))
	for i := range dialers {
		nd := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(i+1))}, Timeout: 30 * time.Second}
		dialers[i] = &websocket.Dialer{NetDialContext: nd.DialContext, ReadBufferSize: 4096, WriteBufferSize: 256, HandshakeTimeout: 30 * time.Second}
	}
	stallEvery := 0
	if l.cfg.stall > 0 {
		stallEvery = int(1 / l.cfg.stall)
	}
	conns := make([]*websocket.Conn, l.cfg.subscribers)
	sem := make(chan struct{}, l.cfg.connectParallel)
	var wg sync.WaitGroup
	var firstErr atomic.Value
	for i := range conns {
		if ctx.Err() != nil {
			break
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			c, _, err := dialers[i%len(dialers)].DialContext(ctx, url, nil)
			if err != nil {
				firstErr.CompareAndSwap(nil, err)
				return
			}
			conns[i] = c
			if stallEvery > 0 && i%stallEvery == stallEvery-1 {
				return // stalled: never reads, so its socket buffers fill
			}
			l.readers.Add(1)
			go l.read(c)
		}()
	}
	wg.Wait()
	var out []*websocket.Conn
	for _, c := range conns {
		if c != nil {
			out = append(out, c)
		}
	}
	if err, ok := firstErr.Load().(error); ok {
		return out, fmt.Errorf("%d of %d subscribers failed to connect, first: %w", l.cfg.subscribers-len(out), l.cfg.subscribers, err)
	}
	return out, nil
}

var idMark = []byte(`"type":"comment.created"`)
var dataID = []byte(`"data":{"id":"`)

// read receives events and records, for each comment, when it arrived.
func (l *load) read(c *websocket.Conn) {
	buf := make([]byte, 0, 1024)
	for {
		_, r, err := c.NextReader()
		if err == nil {
			buf, err = readAll(r, buf[:0])
		}
		msg := buf
		if err != nil {
			var ce *websocket.CloseError
			if !errors.As(err, &ce) || ce.Code != websocket.CloseNormalClosure {
				l.dropped.Add(1)
			}
			return
		}
		now := time.Now().UnixNano()
		if !bytes.Contains(msg, idMark) {
			continue
		}
		i := bytes.Index(msg, dataID)
		if i < 0 {
			continue
		}
		rest := msg[i+len(dataID):]
		j := bytes.IndexByte(rest, '"')
		if j < 0 {
			continue
		}
		v, ok := l.comments.Load(string(rest[:j]))
		if !ok {
			v, _ = l.comments.LoadOrStore(string(rest[:j]), &track{})
		}
		t := v.(*track)
		t.receipts.Add(1)
		for {
			last := t.last.Load()
			if now <= last || t.last.CompareAndSwap(last, now) {
				break
			}
		}
	}
}

// post sends comments at the configured rate for the configured time,
// each in its own goroutine so that a slow answer does not slow the rate.
func (l *load) post(ctx context.Context, id string) int {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: 30 * time.Second}
	tick := time.NewTicker(time.Duration(float64(time.Second) / l.cfg.rate))
	defer tick.Stop()
	end := time.After(l.cfg.duration)
	var wg sync.WaitGroup
	var n, failed atomic.Int32
	for i := 0; ; i++ {
		select {
		case <-ctx.Done():
		case <-end:
		case <-tick.C:
			wg.Add(1)
			go func() {
				defer wg.Done()
				body, _ := json.Marshal(map[string]string{"body": "Load test comment " + strconv.Itoa(i) + ": the live view should show this at once."})
				req, _ := http.NewRequestWithContext(ctx, "POST", l.cfg.postURL()+"/api/v1/consultations/"+id+"/comments", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+l.cfg.token)
				sent := time.Now().UnixNano()
				resp, err := client.Do(req)
				if err != nil {
					failed.Add(1)
					return
				}
				defer resp.Body.Close()
				var cm struct{ ID string }
				if resp.StatusCode != http.StatusCreated || json.NewDecoder(resp.Body).Decode(&cm) != nil {
					io.Copy(io.Discard, resp.Body)
					failed.Add(1)
					return
				}
				created := time.Now().UnixNano()
				t := l.track(cm.ID)
				t.sent.Store(sent)
				t.created.Store(created)
				n.Add(1)
			}()
			continue
		}
		break
	}
	wg.Wait()
	if f := failed.Load(); f > 0 {
		fmt.Printf("posts failed: %d\n", f)
	}
	return int(n.Load())
}

// readAll reads a message into buf, reusing its memory.
func readAll(r io.Reader, buf []byte) ([]byte, error) {
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

func (l *load) report(posted int) {
	readers := l.readers.Load()
	var fromCreated, fromSent []time.Duration
	complete := 0
	l.comments.Range(func(_, v any) bool {
		t := v.(*track)
		if t.created.Load() == 0 {
			return true // a comment posted by someone else
		}
		if t.receipts.Load() >= readers-l.dropped.Load() {
			complete++
		}
		if last := t.last.Load(); last > 0 {
			fromCreated = append(fromCreated, max(0, time.Duration(last-t.created.Load())))
			fromSent = append(fromSent, time.Duration(last-t.sent.Load()))
		}
		return true
	})
	fmt.Printf("comments: %d posted (%.1f/s), %d reached every reading subscriber (%d reading, %d dropped)\n",
		posted, float64(posted)/l.cfg.duration.Seconds(), complete, readers, l.dropped.Load())
	fmt.Printf("201 → last subscriber:  p50 %v  p99 %v  max %v\n", pct(fromCreated, 50), pct(fromCreated, 99), pct(fromCreated, 100))
	fmt.Printf("POST → last subscriber: p50 %v  p99 %v  max %v\n", pct(fromSent, 50), pct(fromSent, 99), pct(fromSent, 100))
}

func pct(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	i := (len(d)*p + 99) / 100
	return d[min(len(d)-1, max(0, i-1))].Round(100 * time.Microsecond)
}

func (l *load) reportRSS(what string) {
	if l.cfg.pid == 0 {
		return
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(l.cfg.pid) + "/status")
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			fmt.Printf("%s: %s\n", what, strings.TrimSpace(strings.TrimPrefix(line, "VmRSS:")))
		}
	}
}
