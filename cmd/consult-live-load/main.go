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
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
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
	subscribers, sources, connectParallel, rd  int
	rate                                       float64
	duration, idle                             time.Duration
	stall                                      float64
	pid                                        int
	poll                                       time.Duration
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
	flag.IntVar(&c.pid, "pid", 0, "server process id, to report its resident memory and CPU time")
	flag.IntVar(&c.rd, "readers", runtime.GOMAXPROCS(0), "goroutines receiving events (each with its own epoll set)")
	flag.DurationVar(&c.poll, "poll", 5*time.Millisecond, "readers take what has arrived this often (0: wait in epoll, woken per message)")
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
}

type load struct {
	cfg      config
	comments sync.Map // comment id → *track
	readers  atomic.Int32
	rd       []*reader
	reading  []*websocket.Conn // subscribers that read, until the readers adopt them
	stalled  []*websocket.Conn // subscribers that never read
	idleFDs  []int             // their sockets, once taken over
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
	fmt.Printf("load average at start: %s\n", loadAvg())
	rssBefore := l.rss()
	l.reportRSS("server RSS before connecting")
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
	stopReading := make(chan struct{})
	var readersDone sync.WaitGroup
	if err := l.startReaders(stopReading, &readersDone); err != nil {
		return err
	}
	defer func() {
		for _, r := range l.rd {
			r.closeAll()
		}
		for _, fd := range l.idleFDs {
			syscall.Close(fd)
		}
	}()
	time.Sleep(2 * time.Second) // let the joins settle
	l.reportRSS("server RSS with subscribers connected")
	if rss := l.rss(); rss > 0 && rssBefore > 0 && len(conns) > 0 {
		fmt.Printf("server memory per connection: %.1f KB\n", float64(rss-rssBefore)/1e3/float64(len(conns)))
	}
	if c.idle > 0 {
		select {
		case <-ctx.Done():
		case <-time.After(c.idle):
		}
		l.reportRSS("server RSS after holding them idle")
		return nil
	}
	server0, self0, fan0 := l.serverCPU(), selfCPU(), l.fanOut()
	drops0, retrans0 := kernelLosses()
	posted := l.post(ctx, id)
	time.Sleep(3 * time.Second) // let the last deliveries arrive
	close(stopReading)
	readersDone.Wait()
	fmt.Printf("load average at end: %s\n", loadAvg())
	serverCPU, selfSpent := l.serverCPU(), selfCPU()-self0
	if server0 >= 0 {
		fmt.Printf("server CPU while posting: %v in %v\n", (serverCPU - server0).Round(10*time.Millisecond), c.duration+3*time.Second)
	}
	fmt.Printf("generator CPU while posting: %v\n", selfSpent.Round(10*time.Millisecond))
	drops, retrans := kernelLosses()
	fmt.Printf("kernel, whole machine, while posting: %d packets dropped from full receive backlogs, %d TCP segments retransmitted\n", drops-drops0, retrans-retrans0)
	fan := l.fanOut().since(fan0)
	fmt.Printf("server fan-out, publication → last write: %v\n", fan)
	if fan != nil && fan.writes > 0 && server0 >= 0 {
		reads := int64(0)
		for _, r := range l.rd {
			reads += r.reads
		}
		fmt.Printf("server: %.0f writes, %.1f µs CPU each; generator: %d reads, %.1f µs CPU each\n",
			fan.writes, float64((serverCPU-server0).Microseconds())/fan.writes, reads, float64(selfSpent.Microseconds())/float64(max(1, reads)))
	}
	l.reportRSS("server RSS after posting")
	l.report(posted)
	return nil
}

// startReaders hands the reading subscribers' sockets to -readers epoll
// loops.
func (l *load) startReaders(stop chan struct{}, wg *sync.WaitGroup) error {
	for range max(1, l.cfg.rd) {
		r, err := newReader()
		if err != nil {
			return err
		}
		l.rd = append(l.rd, r)
	}
	for i, c := range l.reading {
		if err := l.rd[i%len(l.rd)].adopt(c); err != nil {
			return err
		}
	}
	l.reading = nil
	// Stalled subscribers' sockets stay open, read by nobody.
	for _, c := range l.stalled {
		fd, err := takeOver(c)
		if err != nil {
			return err
		}
		l.idleFDs = append(l.idleFDs, fd)
	}
	l.stalled = nil
	for _, r := range l.rd {
		wg.Add(1)
		go r.run(stop, wg, l.cfg.poll)
	}
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
		}()
	}
	wg.Wait()
	var out []*websocket.Conn
	for i, c := range conns {
		if c == nil {
			continue
		}
		out = append(out, c)
		if stallEvery == 0 || i%stallEvery != stallEvery-1 {
			l.reading = append(l.reading, c)
		} else {
			l.stalled = append(l.stalled, c)
		}
	}
	if err, ok := firstErr.Load().(error); ok {
		return out, fmt.Errorf("%d of %d subscribers failed to connect, first: %w", l.cfg.subscribers-len(out), l.cfg.subscribers, err)
	}
	return out, nil
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
	// A body seen before is held for moderation as a duplicate, and then
	// reaches nobody here: every run's bodies are its own.
	run := strconv.FormatInt(time.Now().Unix(), 36)
	for i := 0; ; i++ {
		select {
		case <-ctx.Done():
		case <-end:
		case <-tick.C:
			wg.Add(1)
			go func() {
				defer wg.Done()
				body, _ := json.Marshal(map[string]string{"body": "Load test comment " + run + "-" + strconv.Itoa(i) + ": the live view should show this at once."})
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

func (l *load) report(posted int) {
	readers := l.readers.Load()
	dropped := int32(0)
	for _, r := range l.rd {
		dropped += r.dropped.Load()
	}
	var fromCreated, fromSent, readFromCreated []time.Duration
	var lag lagHistogram
	for _, r := range l.rd {
		lag.merge(&r.lag)
	}
	complete := 0
	var worst []time.Duration // per second of posting, the slowest comment's 201 → last subscriber
	var first int64
	l.comments.Range(func(_, v any) bool {
		if c := v.(*track).created.Load(); c > 0 && (first == 0 || c < first) {
			first = c
		}
		return true
	})
	l.comments.Range(func(id, v any) bool {
		t := v.(*track)
		if t.created.Load() == 0 {
			return true // a comment posted by someone else
		}
		receipts, last, lastRead := int32(0), int64(0), int64(0)
		for _, r := range l.rd {
			if rc := r.seen[id.(string)]; rc != nil {
				receipts += rc.count
				last = max(last, rc.arrived)
				lastRead = max(lastRead, rc.lastRead)
			}
		}
		if receipts >= readers-dropped {
			complete++
		}
		if last > 0 {
			d := max(0, time.Duration(last-t.created.Load()))
			fromCreated = append(fromCreated, d)
			sec := int((t.created.Load() - first) / 1e9)
			for len(worst) <= sec {
				worst = append(worst, 0)
			}
			worst[sec] = max(worst[sec], d)
			fromSent = append(fromSent, time.Duration(last-t.sent.Load()))
			readFromCreated = append(readFromCreated, max(0, time.Duration(lastRead-t.created.Load())))
		}
		return true
	})
	fmt.Printf("comments: %d posted (%.1f/s), %d reached every reading subscriber (%d reading, %d dropped)\n",
		posted, float64(posted)/l.cfg.duration.Seconds(), complete, readers, dropped)
	fmt.Printf("201 → last subscriber:  p50 %v  p99 %v  max %v  (arrival in its socket, kernel time stamp)\n", pct(fromCreated, 50), pct(fromCreated, 99), pct(fromCreated, 100))
	// Whether p99 is the steady state or one hiccup of the machine's.
	fmt.Print("201 → last subscriber, slowest comment of each second:")
	for _, d := range worst {
		fmt.Printf(" %d", d.Milliseconds())
	}
	fmt.Println(" ms")
	fmt.Printf("POST → last subscriber: p50 %v  p99 %v  max %v\n", pct(fromSent, 50), pct(fromSent, 99), pct(fromSent, 100))
	fmt.Printf("201 → last read by the generator: p50 %v  p99 %v  max %v\n", pct(readFromCreated, 50), pct(readFromCreated, 99), pct(readFromCreated, 100))
	fmt.Printf("generator lag, arrival → read: p50 ≤ %v  p99 ≤ %v  max ≤ %v\n", lag.pct(50), lag.pct(99), lag.pct(100))
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
	if rss := l.rss(); rss > 0 {
		fmt.Printf("%s: %.1f MB\n", what, float64(rss)/1e6)
	}
}

// rss is the server's resident memory in bytes, or 0 if unknown.
func (l *load) rss() int64 {
	if l.cfg.pid == 0 {
		return 0
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(l.cfg.pid) + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb * 1000
		}
	}
	return 0
}

// serverCPU is the server's user and system time so far, or -1 if unknown.
func (l *load) serverCPU() time.Duration {
	if l.cfg.pid == 0 {
		return -1
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(l.cfg.pid) + "/stat")
	if err != nil {
		return -1
	}
	// Fields after the command name, which is in parentheses: utime and
	// stime are the 12th and 13th, in clock ticks (100 a second on Linux).
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return -1
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}

func selfCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func loadAvg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	return strings.Join(f[:min(3, len(f))], " ")
}
