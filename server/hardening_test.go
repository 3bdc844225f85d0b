package server

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/consult-platform/consult/consultations"
	"github.com/consult-platform/consult/consultations/demo"
	"github.com/consult-platform/consult/i18n"
)

// TestEveryFormRouteRefusesAMissingForgedOrStolenCSRFToken walks the route
// table: every POST route of the pages (not the JSON API, which takes no
// cookies for writes without its own checks) must refuse a form without
// the token, with a made-up one, and with a real token of another
// session, and change nothing.
func TestEveryFormRouteRefusesAMissingForgedOrStolenCSRFToken(t *testing.T) {
	e := newWebEnv(t)
	ctx := context.Background()
	policy := e.consultation(demoPolicy)
	citizen, _ := e.store.Authenticate(ctx, demoCitizen, demo.Password)
	cm, err := e.store.PostComment(ctx, citizen, policy.ID, consultations.NewComment{Body: "Mine to delete"}, consultations.IdemKey{})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{"slug": demoPolicy, "id": policy.ID}
	idFor := map[string]string{"/comments/": cm.ID, "/ideas/": cm.ID, "/me/responses/": "01JRESPONSEID000000000000"}

	victim := e.client()
	victim.signIn("admin@demo.consult.example")
	other := e.client()
	other.signIn(demoAmira)
	stolen := other.csrf
	var routes int
	for _, rt := range e.server.Routes() {
		method, pattern, _ := strings.Cut(rt, " ")
		if method != http.MethodPost || strings.HasPrefix(pattern, "/api/") {
			continue
		}
		routes++
		path := regexp.MustCompile(`\{(\w+)\$?\}`).ReplaceAllStringFunc(pattern, func(m string) string {
			for prefix, id := range idFor {
				if strings.HasPrefix(pattern, prefix) {
					return id
				}
			}
			return ids[strings.Trim(m, "{}$")]
		})
		for name, token := range map[string]string{"no": "", "a forged": "forged-token", "another session's": stolen} {
			form := url.Values{"body": {"Forged"}, "status": {"open"}, "confirm": {"yes"}, "email": {demoCitizen}, "password": {demo.Password}}
			form.Set("csrf_token", token)
			if p := victim.post(path, form); p.Status != http.StatusForbidden {
				t.Errorf("POST %s with %s token = %d; want 403", path, name, p.Status)
			}
		}
	}
	if routes < 10 {
		t.Fatalf("walked %d form routes; the route table seems not to be read", routes)
	}
	if got, _ := e.store.Comment(ctx, citizen, cm.ID); got == nil || got.Status != consultations.CommentPublished {
		t.Errorf("the comment changed under forged forms: %+v", got)
	}
	victim.get("/").mustContain(t, "Sign out")
}

func TestStateChangesAreRateLimitedPerAddressAndPerAccount(t *testing.T) {
	e := newAPIEnv(t)
	e.srv.limits = newLimits(true, e.store)
	post := func(addr, role string) int {
		r := httptest.NewRequest("POST", "/api/v1/consultations/"+e.policy.ID+"/comments", strings.NewReader(`{"body":"Again and again"}`))
		r.RemoteAddr = addr + ":4000"
		r.Header.Set("Content-Type", "application/json")
		if role != "" {
			r.Header.Set("Authorization", "Bearer "+e.tokens[role])
		}
		rec := httptest.NewRecorder()
		e.srv.ServeHTTP(rec, r)
		return rec.Code
	}
	limited := func(send func(i int) int) int {
		for i := 1; i <= 200; i++ {
			if code := send(i); code == http.StatusTooManyRequests {
				return i
			}
		}
		return 0
	}
	if n := limited(func(int) int { return post("198.51.100.7", "") }); n == 0 {
		t.Error("200 quick posts from one address were never refused with 429")
	}
	if code := post("198.51.100.8", asCitizen); code == http.StatusTooManyRequests {
		t.Error("another address was refused: limits must be per address")
	}
	// One account from ever new addresses.
	if n := limited(func(i int) int { return post(netip.AddrFrom4([4]byte{203, 0, 113, byte(i)}).String(), asAuthor) }); n == 0 {
		t.Error("200 quick posts by one account from many addresses were never refused with 429")
	}
}

func TestClientAddressComesFromTrustedProxiesOnly(t *testing.T) {
	proxies, err := ParseProxies("10.0.0.0/8, 192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{cfg: Config{TrustedProxies: proxies}}
	tests := []struct {
		peer, xff, want string
	}{
		{"198.51.100.1", "", "198.51.100.1"},
		{"198.51.100.1", "203.0.113.9", "198.51.100.1"},       // not a proxy of ours: header ignored
		{"10.1.2.3", "203.0.113.9", "203.0.113.9"},            // our balancer
		{"10.1.2.3", "6.6.6.6, 203.0.113.9", "203.0.113.9"},   // what the client wrote itself is not believed
		{"10.1.2.3", "203.0.113.9, 192.0.2.1", "203.0.113.9"}, // two proxies of ours
		{"10.1.2.3", "not-an-address", "10.1.2.3"},
		{"10.1.2.3", "", "10.1.2.3"},
		{"192.0.2.1", "2001:db8::1", "2001:db8::1"},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = net.JoinHostPort(tt.peer, "5000")
		if tt.xff != "" {
			r.Header.Set("X-Forwarded-For", tt.xff)
		}
		if got := s.findClientIP(r); got != tt.want {
			t.Errorf("peer %s, X-Forwarded-For %q: client = %s; want %s", tt.peer, tt.xff, got, tt.want)
		}
	}
}

// hardenedServer serves the demo through Server.HTTPServer, the
// http.Server the binary runs, on a real listener.
func hardenedServer(t *testing.T, cfg Config) string {
	t.Helper()
	e := newAPIEnv(t)
	bundle, _ := i18n.New()
	srv, err := New(context.Background(), cfg, e.store, bundle, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := srv.HTTPServer(ln.Addr().String())
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	return ln.Addr().String()
}

func TestSlowHeadersAreCutOff(t *testing.T) {
	addr := hardenedServer(t, Config{ReadHeaderTimeout: 300 * time.Millisecond})
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// A slow-loris client: a header line now and then, never the end.
	conn.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n"))
	closed := make(chan struct{})
	go func() {
		io.Copy(io.Discard, conn) // returns when the server hangs up
		close(closed)
	}()
	for i := 0; i < 100; i++ {
		select {
		case <-closed:
			return
		case <-time.After(100 * time.Millisecond):
			conn.Write([]byte("X-Slow: " + strings.Repeat("a", 5) + "\r\n"))
		}
	}
	t.Fatal("a client sending headers for 10 s was never cut off")
}

func TestOversizedHeadersAreRefused(t *testing.T) {
	addr := hardenedServer(t, Config{})
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	go conn.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 1<<20) + "\r\n\r\n"))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return // hung up: refused too
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("1 MB of headers = %d; want 431", resp.StatusCode)
	}
}
