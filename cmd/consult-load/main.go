// Command consult-load measures a running Consult server through its real
// HTTP API: how many comments per second it stores durably, how fast it
// serves consultation pages, and (seed) it fills a database with many
// comments for memory tests. It only ever targets 127.0.0.1.
//
//	consult-load comments -addr http://127.0.0.1:8080 -clients 64 -duration 30s
//	consult-load pages    -addr http://127.0.0.1:8080 -slug load-200 -clients 8 -duration 20s
//	consult-load votes    -addr http://127.0.0.1:8080 -clients 64 -duration 20s
//	consult-load seed     -data ./consult-data -slug load-200 -count 200 -replies 3
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "consult-load:", err)
		os.Exit(1)
	}
}

const usage = `usage:
  consult-load comments [-addr URL] [-clients 64] [-duration 30s] [-requests N] [-consultation ID|SLUG] [-texts CSV]
  consult-load pages    [-addr URL] [-clients 8] [-duration 20s] [-requests N] [-slug SLUG]
  consult-load votes    [-addr URL] [-clients 64] [-duration 20s] [-requests N] [-consultation ID|SLUG] [-statements 1000] [-pid PID]
  consult-load seed     [-data DIR | -database URL] [-slug SLUG] [-count N] [-replies R] [-texts CSV]
Run "consult-load MODE -h" for every flag.
`

// run is the whole program, so tests can drive it with small counts.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stdout, usage)
		return fmt.Errorf("no mode given")
	}
	switch args[0] {
	case "comments":
		return runComments(ctx, args[1:], stdout)
	case "votes":
		return runVotes(ctx, args[1:], stdout)
	case "pages":
		return runPages(ctx, args[1:], stdout)
	case "seed":
		return runSeed(ctx, args[1:], stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stdout, usage)
	return fmt.Errorf("unknown mode %q", args[0])
}
