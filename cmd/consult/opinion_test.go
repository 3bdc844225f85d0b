package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The operator imports a real Pol.is conversation from the command line;
// the server then shows its statements and opinion groups at once.
func TestOpinionImportCommandBringsAPolisConversationIntoAConsultation(t *testing.T) {
	export := filepath.Join("..", "..", "..", "shared", "data", "polis", "15-per-hour-seattle")
	if _, err := os.Stat(filepath.Join(export, "votes.csv")); err != nil {
		t.Fatalf("the Pol.is open data is missing (shared/data/polis beside the repository clone): %v", err)
	}
	dir := t.TempDir()
	_, stop := startServe(t, append([]string{"--demo"}, storeArgs(t, dir)...), nil)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	args := append([]string{"opinion", "import", "--consultation", "safer-streets-20mph", "--as", "staff@demo.consult.example", "--dir", export}, storeArgs(t, dir)...)
	if err := run(context.Background(), args, env(nil), &out, io.Discard); err != nil {
		t.Fatalf("opinion import: %v", err)
	}
	// 2,872 distinct voter and statement pairs; two statements have the
	// same text and become one, so one voter's two votes become one.
	if !strings.Contains(out.String(), "imported 52 statements") || !strings.Contains(out.String(), "2871 votes") {
		t.Errorf("opinion import printed %q; want 52 statements and 2871 votes", out.String())
	}

	base, stop := startServe(t, storeArgs(t, dir), nil)
	defer stop()
	var list struct {
		Items []struct{ ID, Slug string } `json:"items"`
	}
	getJSON(t, base+"/api/v1/consultations", &list)
	id := ""
	for _, c := range list.Items {
		if c.Slug == "safer-streets-20mph" {
			id = c.ID
		}
	}
	var report struct {
		Votes      int `json:"votes"`
		Statements int `json:"statements"`
		Groups     []struct {
			Size int `json:"size"`
		} `json:"groups"`
	}
	getJSON(t, base+"/api/v1/consultations/"+id+"/opinion/report", &report)
	if report.Votes < 2800 || report.Statements < 20 || len(report.Groups) < 2 {
		t.Errorf("report: %d votes, %d statements, %d groups; want the conversation's votes and statements in at least 2 groups", report.Votes, report.Statements, len(report.Groups))
	}

	// The command refuses an account that is not staff of the organisation.
	err := run(context.Background(), append([]string{"opinion", "import", "--consultation", "safer-streets-20mph",
		"--as", "citizen@demo.consult.example", "--dir", export}, storeArgs(t, dir)...), env(nil), io.Discard, io.Discard)
	if err == nil {
		t.Error("a citizen imported a conversation; want a refusal")
	}
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s = %d", url, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}
