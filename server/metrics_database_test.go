package server

import (
	"github.com/consult-platform/consult/consultations"
	"regexp"
	"strconv"
	"testing"
)

func TestMetricsShowTheWritePath(t *testing.T) {
	e := newAPIEnv(t)
	e.comment(asCitizen, e.policy.ID, consultations.NewComment{Body: "Counted by the metrics"})
	body := e.call("GET", "/metrics", asAnon, nil).Body.String()
	for _, name := range []string{"consult_db_write_queue_length", "consult_db_commit_failures_total", "consult_db_write_retries_total", "consult_internal_errors_total", "consult_db_writer_restart_seconds_total"} {
		if !regexp.MustCompile(`(?m)^` + name + ` [0-9.e+-]+$`).MatchString(body) {
			t.Errorf("metrics lack %s", name)
		}
	}
	m := regexp.MustCompile(`(?m)^consult_db_commit_batch_size_count (\d+)`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("metrics lack the group-commit batch sizes:\n%s", body)
	}
	if n, _ := strconv.Atoi(m[1]); n < 1 {
		t.Errorf("consult_db_commit_batch_size_count = %d; want the commits made so far", n)
	}
	if !regexp.MustCompile(`(?m)^consult_db_writes_total [1-9]`).MatchString(body) {
		t.Error("consult_db_writes_total does not count the writes made")
	}
	busy, committing := metricValue(t, body, "consult_db_writer_busy_seconds_total"), metricValue(t, body, "consult_db_commit_seconds_total")
	if committing <= 0 || busy < committing {
		t.Errorf("writer busy %gs, committing %gs; want time spent committing, within the time busy", busy, committing)
	}
}

func metricValue(t *testing.T, body, name string) float64 {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + name + ` (\S+)`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("metrics lack %s", name)
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return v
}
