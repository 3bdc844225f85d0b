package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consult-platform/consult/consultations/demo"
	"github.com/consult-platform/consult/database"
)

// The long form of the crash test: go test ./cmd/consult -run Crash
// -crash.kills 200 -crash.clients 32 (docs/OPERATIONS.md).
var (
	crashKills   = flag.Int("crash.kills", 20, "how many times the crash test kills the server")
	crashClients = flag.Int("crash.clients", 8, "concurrent clients posting during the crash test")
)

// TestAcknowledgedCommentsSurviveSIGKILL posts comments from concurrent
// clients, each with its own Idempotency-Key, while the real server binary
// is killed with SIGKILL at random moments and started again. A client
// whose request failed retries with the same key. At the end every comment
// answered 201 is stored exactly once, every stored comment was answered
// (or is the first attempt of a key whose answer was lost) and carries its
// key, and the counters and events agree with the rows.
func TestAcknowledgedCommentsSurviveSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and kills it many times")
	}
	bin := filepath.Join(t.TempDir(), "consult")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	dir := t.TempDir()
	args := storeArgs(t, dir)
	dbURL := "sqlite:" + filepath.Join(dir, "consult.db")
	if len(args) > 2 {
		// Only the server is killed, but let PostgreSQL wait for the disk
		// as in production.
		u, _ := url.Parse(args[3])
		q := u.Query()
		q.Set("synchronous_commit", "on")
		u.RawQuery = q.Encode()
		args[3], dbURL = u.String(), u.String()
	}
	addr := freeAddr(t)
	srv := &crashServer{t: t, bin: bin, args: append([]string{"serve", "--demo", "--addr", addr}, args...)}
	srv.start()
	defer srv.kill()
	base := "http://" + addr

	consultationID := demoConsultationID(t, base)
	tokens := make([]string, *crashClients)
	for i := range tokens {
		tokens[i] = crashToken(t, base, i)
	}

	var mu sync.Mutex
	acked := map[string]string{} // idempotency key → comment id answered 201
	tried := map[string]bool{}   // every key sent
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for c := range *crashClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{Timeout: 10 * time.Second}
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				key := fmt.Sprintf("crash-%d-%d", c, n)
				mu.Lock()
				tried[key] = true
				mu.Unlock()
				// Retry the same key until it is answered; give up on it
				// only when the test is ending.
				for {
					id, ok := postWithKey(client, base, tokens[c], consultationID, key)
					if ok {
						mu.Lock()
						acked[key] = id
						mu.Unlock()
						break
					}
					select {
					case <-stop:
						return
					case <-time.After(20 * time.Millisecond):
					}
				}
			}
		}()
	}
	for i := 0; i < *crashKills; i++ {
		time.Sleep(time.Duration(100+rand.IntN(400)) * time.Millisecond)
		srv.kill()
		srv.start()
	}
	time.Sleep(300 * time.Millisecond)
	close(stop)
	wg.Wait()
	srv.kill()

	if len(acked) < *crashKills {
		t.Fatalf("only %d comments were acknowledged across %d kills; the test proves little", len(acked), *crashKills)
	}
	db, err := database.Open(context.Background(), dbURL, database.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var rows []struct {
		ID     string `db:"id"`
		Key    *string
		Status string `db:"status"`
	}
	err = db.Reader.Select(&rows, db.Rebind(`SELECT c.id, c.idem AS key, c.status FROM comments c
		WHERE c.consultation_id = ? AND c.body LIKE 'Crash test %'`), consultationID)
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string]int{} // comment id → how many rows
	byKey := map[string]string{}
	for _, r := range rows {
		stored[r.ID]++
		if r.Key == nil {
			t.Errorf("comment %s is stored without its idempotency key", r.ID)
			continue
		}
		if prev, dup := byKey[*r.Key]; dup {
			t.Errorf("key %s made two comments, %s and %s", *r.Key, prev, r.ID)
		}
		byKey[*r.Key] = r.ID
		if !tried[*r.Key] {
			t.Errorf("comment %s has key %s that no client sent", r.ID, *r.Key)
		}
	}
	for key, id := range acked {
		if stored[id] != 1 {
			t.Errorf("comment %s (key %s) was answered 201 but is stored %d times", id, key, stored[id])
		}
		if byKey[key] != id {
			t.Errorf("key %s was answered with %s but stored as %q", key, id, byKey[key])
		}
	}
	var counted, published, created int
	db.Reader.Get(&counted, db.Rebind(`SELECT comment_count FROM consultations WHERE id = ?`), consultationID)
	db.Reader.Get(&published, db.Rebind(`SELECT COUNT(*) FROM comments WHERE consultation_id = ? AND status = 'published'`), consultationID)
	db.Reader.Get(&created, db.Rebind(`SELECT COUNT(*) FROM events WHERE consultation_id = ? AND type = 'comment.created'`), consultationID)
	if counted != published {
		t.Errorf("comment_count = %d but %d comments are published", counted, published)
	}
	if created < len(rows) {
		t.Errorf("%d comment.created events for %d crash-test comments", created, len(rows))
	}
	t.Logf("%d kills; %d keys sent, %d acknowledged, %d stored (%d answers lost in a crash but committed)",
		*crashKills, len(tried), len(acked), len(rows), len(rows)-len(acked))
}

// crashServer is the server binary, started and killed again and again.
type crashServer struct {
	t    *testing.T
	bin  string
	args []string
	cmd  *exec.Cmd
	logs bytes.Buffer
}

func (s *crashServer) start() {
	s.t.Helper()
	cmd := exec.Command(s.bin, s.args...)
	cmd.Env = append(os.Environ(), "CONSULT_RATE_LIMITS=off")
	stdout, _ := cmd.StdoutPipe()
	s.logs.Reset()
	cmd.Stderr = &s.logs
	if err := cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "Consult is listening on ") {
			go func() {
				for sc.Scan() {
				}
			}()
			s.cmd = cmd
			return
		}
	}
	cmd.Process.Kill()
	cmd.Wait()
	s.t.Fatalf("server did not start again:\n%s", s.logs.String())
}

func (s *crashServer) kill() {
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Kill() // SIGKILL: no draining, no final commit
	s.cmd.Wait()
	s.cmd = nil
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func demoConsultationID(t *testing.T, base string) string {
	resp, err := http.Get(base + "/api/v1/consultations/safer-streets-20mph")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var c struct{ ID string }
	json.NewDecoder(resp.Body).Decode(&c)
	return c.ID
}

// crashToken makes citizen i and signs them in for a bearer token.
func crashToken(t *testing.T, base string, i int) string {
	email := fmt.Sprintf("crash%d@example.org", i)
	body := fmt.Sprintf(`{"email":%q,"password":%q,"display_name":"Crash %d"}`, email, demo.Password, i)
	resp, err := http.Post(base+"/api/v1/accounts", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = http.Post(base+"/api/v1/tokens", "application/json", strings.NewReader(fmt.Sprintf(`{"email":%q,"password":%q}`, email, demo.Password)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct{ Token string }
	json.NewDecoder(resp.Body).Decode(&tok)
	if tok.Token == "" {
		t.Fatalf("no token for %s (status %d)", email, resp.StatusCode)
	}
	return tok.Token
}

// postWithKey posts a comment; it reports the comment's id when answered 201.
func postWithKey(client *http.Client, base, token, consultationID, key string) (string, bool) {
	req, _ := http.NewRequest("POST", base+"/api/v1/consultations/"+consultationID+"/comments",
		strings.NewReader(fmt.Sprintf(`{"body":"Crash test comment %s: slower streets near schools, please."}`, key)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Idempotency-Key", key)
	resp, err := client.Do(req)
	if err != nil {
		return "", false
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		return "", false
	}
	var c struct{ ID string }
	if json.NewDecoder(resp.Body).Decode(&c) != nil || c.ID == "" {
		return "", false
	}
	return c.ID, true
}
