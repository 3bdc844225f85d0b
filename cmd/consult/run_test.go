package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/consult-platform/consult/database"
	"github.com/gorilla/websocket"
)

// storeArgs returns the flags that put a test's database in dir: SQLite
// there, or, when CONSULT_TEST_DATABASE says PostgreSQL, a schema of its
// own in the test database (the same one for every call with dir).
func storeArgs(t *testing.T, dir string) []string {
	t.Helper()
	if database.TestURL() == "" {
		return []string{"--data", dir}
	}
	u, ok := testSchemas.Load(dir)
	if !ok {
		u, _ = testSchemas.LoadOrStore(dir, database.TestSchemaURL(t))
	}
	return []string{"--data", dir, "--database", u.(string)}
}

var testSchemas sync.Map // dir → PostgreSQL URL

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// startServe runs "consult serve" in-process on a free port and returns
// its base URL and a function that stops it and returns run's error.
func startServe(t *testing.T, args []string, vars map[string]string) (string, func() error) {
	base, _, stop := startServeOutput(t, args, vars)
	return base, stop
}

// startServeOutput is startServe that also returns what serve printed
// before it started listening.
func startServeOutput(t *testing.T, args []string, vars map[string]string) (string, string, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), env(vars), pw, io.Discard)
		pw.Close()
	}()
	sc := bufio.NewScanner(pr)
	var base string
	var printed strings.Builder
	for sc.Scan() {
		if url, ok := strings.CutPrefix(sc.Text(), "Consult is listening on "); ok {
			base = url
			break
		}
		printed.WriteString(sc.Text() + "\n")
	}
	go io.Copy(io.Discard, pr)
	if base == "" {
		cancel()
		t.Fatalf("serve did not start: %v", <-done)
	}
	return base, printed.String(), func() error { cancel(); return <-done }
}

func TestServeWithDemoAnswersHealthAndPages(t *testing.T) {
	dir := t.TempDir()
	base, stop := startServe(t, append([]string{"--demo"}, storeArgs(t, dir)...), nil)
	for _, path := range []string{"/livez", "/readyz", "/", "/consultations/safer-streets-20mph", "/api/v1/consultations", "/metrics"} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("GET %s = %d; want 200", path, resp.StatusCode)
		}
	}
	if err := stop(); err != nil {
		t.Fatalf("serve returned %v on shutdown; want nil", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "consult.db")); err != nil && database.TestURL() == "" {
		t.Errorf("no database in the data directory: %v", err)
	}
}

func TestDemoIsSeededOnlyIntoAnEmptyDatabase(t *testing.T) {
	dir := t.TempDir()
	var outs []string
	for i := 0; i < 2; i++ {
		_, out, stop := startServeOutput(t, append([]string{"--demo"}, storeArgs(t, dir)...), nil)
		stop()
		outs = append(outs, out)
	}
	if !strings.Contains(outs[0], "staff@demo.consult.example") {
		t.Errorf("first start did not print how to sign in: %q", outs[0])
	}
	if strings.Contains(outs[1], "Demo content is ready") {
		t.Errorf("second start seeded again")
	}
}

func TestFlagWinsOverEnvironment(t *testing.T) {
	envDir, flagDir := t.TempDir(), t.TempDir()
	vars := map[string]string{"CONSULT_DATA_DIR": envDir}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"migrate"}, env(vars), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(envDir, "consult.db")); err != nil {
		t.Errorf("CONSULT_DATA_DIR was not used: %v", err)
	}
	if err := run(context.Background(), []string{"migrate", "--data", flagDir}, env(vars), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(flagDir, "consult.db")); err != nil {
		t.Errorf("--data did not win over CONSULT_DATA_DIR: %v", err)
	}
}

func TestUserCreateMakesAccountsThatCanSignIn(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	ctx := context.Background()
	err := run(ctx, append(append([]string{"user", "create"}, storeArgs(t, dir)...), "--email", "ana@gov.example", "--password", "a long password", "--role", "staff", "--org", "health"), env(nil), &out, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "created staff ana@gov.example") {
		t.Errorf("output %q", out.String())
	}
	err = run(ctx, append(append([]string{"user", "create"}, storeArgs(t, dir)...), "--email", "bad", "--password", "short", "--role", "citizen"), env(nil), &out, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "email") || !strings.Contains(err.Error(), "password") {
		t.Errorf("invalid user create = %v; want an error naming email and password", err)
	}
	base, stop := startServe(t, storeArgs(t, dir), nil)
	defer stop()
	resp, err := http.Post(base+"/api/v1/tokens", "application/json", strings.NewReader(`{"email":"ana@gov.example","password":"a long password"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Errorf("sign-in of the created user = %d; want 201", resp.StatusCode)
	}
}

func TestBackupWritesACopyThatOpens(t *testing.T) {
	dir := t.TempDir()
	_, stopDemo := startServe(t, []string{"--demo", "--data", dir}, nil)
	defer stopDemo()
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	var out bytes.Buffer
	if err := run(context.Background(), []string{"backup", "--data", dir, "--to", copyPath}, env(nil), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	// Serve the copy: the demo consultation must be there.
	copyDir := t.TempDir()
	os.Rename(copyPath, filepath.Join(copyDir, "consult.db"))
	base, stop := startServe(t, []string{"--data", copyDir}, nil)
	defer stop()
	resp, err := http.Get(base + "/consultations/safer-streets-20mph")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("restored copy: consultation page = %d; want 200", resp.StatusCode)
	}
}

// TestSIGTERMDrainsAndExitsCleanly runs the real binary, as an operator
// would, and stops it the way a service manager does.
func TestSIGTERMDrainsAndExitsCleanly(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "consult")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, storeArgs(t, t.TempDir())...)...)
	stdout, _ := cmd.StdoutPipe()
	var logs bytes.Buffer
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	var base string
	for sc.Scan() {
		if url, ok := strings.CutPrefix(sc.Text(), "Consult is listening on "); ok {
			base = url
			break
		}
	}
	if base == "" {
		cmd.Process.Kill()
		t.Fatalf("did not start; logs:\n%s", logs.String())
	}
	resp, err := http.Get(base + "/readyz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("readyz before shutdown: %v %v", resp, err)
	}
	resp.Body.Close()
	cmd.Process.Signal(syscall.SIGTERM)
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v; logs:\n%s", err, logs.String())
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("still running 30 s after SIGTERM")
	}
	if !strings.Contains(logs.String(), `"msg":"stopped"`) {
		t.Errorf("no clean stop in the logs:\n%s", logs.String())
	}
}

func TestShutdownClosesLiveSocketsWithGoingAwayBeforeExit(t *testing.T) {
	base, stop := startServe(t, append([]string{"--demo"}, storeArgs(t, t.TempDir())...), nil)
	resp, err := http.Get(base + "/api/v1/consultations/safer-streets-20mph")
	if err != nil {
		t.Fatal(err)
	}
	var c struct{ ID string }
	json.NewDecoder(resp.Body).Decode(&c)
	resp.Body.Close()
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(base, "http")+"/api/v1/consultations/"+c.ID+"/live", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	time.Sleep(50 * time.Millisecond) // let the subscriber join
	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, _, err = ws.ReadMessage()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.CloseGoingAway {
		t.Fatalf("read during shutdown = %v; want close 1001", err)
	}
	if err := <-stopped; err != nil {
		t.Fatalf("serve returned %v; want nil", err)
	}
}
