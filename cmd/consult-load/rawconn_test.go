package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The lean client must read every shape of answer net/http can send, or
// it would count a vote wrongly or hang: a sized body, a chunked one, an
// empty one, and a connection the server closes after answering.
func TestRawConnReadsEveryAnswerShape(t *testing.T) {
	var requests int
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests++
		body, _ := io.ReadAll(r.Body)
		if r.Method != "POST" || r.Header.Get("Authorization") != "Bearer tok" || string(body) != `{"vote":1}` {
			t.Errorf("request %d: %s %s %q %q", requests, r.Method, r.URL.Path, r.Header.Get("Authorization"), body)
		}
		switch r.URL.Path {
		case "/sized":
			w.Write([]byte(`{"ok":true}`))
		case "/chunked":
			w.WriteHeader(http.StatusCreated)
			w.Write([]byte(strings.Repeat("x", 5000))) // beyond net/http's buffer: sent in chunks
			w.(http.Flusher).Flush()
			w.Write([]byte("more"))
		case "/empty":
			w.WriteHeader(http.StatusNoContent)
		case "/close":
			w.Header().Set("Connection", "close")
			w.WriteHeader(http.StatusTooManyRequests)
			w.Write([]byte("slow down"))
		}
	}))
	defer ts.Close()
	c := newRawConn(strings.TrimPrefix(ts.URL, "http://"))
	defer c.close()
	for _, tc := range []struct {
		path string
		want int
	}{{"/sized", 200}, {"/chunked", 201}, {"/empty", 204}, {"/sized", 200}, {"/close", 429}, {"/sized", 200}} {
		got, err := c.post(context.Background(), tc.path, "Bearer tok", []byte(`{"vote":1}`))
		if err != nil || got != tc.want {
			t.Fatalf("POST %s: %d, %v; want %d", tc.path, got, err, tc.want)
		}
	}
	if requests != 6 {
		t.Errorf("server saw %d requests, want 6", requests)
	}
}

// A posted comment's answer is read back for its id: postKeyed must send
// the retry key and keep the whole body, sized or chunked.
func TestRawConnKeepsTheAnswerAndSendsTheKey(t *testing.T) {
	long := strings.Repeat("y", 5000)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if got := r.Header.Get("Idempotency-Key"); got != "run-7" {
			t.Errorf("Idempotency-Key %q, want run-7", got)
		}
		w.WriteHeader(http.StatusCreated)
		if r.URL.Path == "/chunked" {
			w.Write([]byte(long))
			w.(http.Flusher).Flush()
			w.Write([]byte("end"))
			return
		}
		w.Write([]byte(`{"id":"c1"}`))
	}))
	defer ts.Close()
	c := newRawConn(strings.TrimPrefix(ts.URL, "http://"))
	defer c.close()
	var out bytes.Buffer
	for _, tc := range []struct{ path, want string }{{"/sized", `{"id":"c1"}`}, {"/chunked", long + "end"}, {"/sized", `{"id":"c1"}`}} {
		status, err := c.postKeyed(context.Background(), tc.path, "Bearer tok", "run-7", []byte(`{}`), &out)
		if err != nil || status != 201 || out.String() != tc.want {
			t.Fatalf("POST %s: %d, %v, body of %d bytes; want 201 and %d bytes", tc.path, status, err, out.Len(), len(tc.want))
		}
	}
}
