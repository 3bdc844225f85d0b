package server

import (
	"math"

	"github.com/consult-platform/consult/consultations"
	"github.com/prometheus/client_golang/prometheus"
)

// databaseCollector reports the write path: how many writes wait, how
// writes were grouped into commits, and how many commits failed.
type databaseCollector struct {
	store                            *consultations.Store
	queue, writes, failures, retries *prometheus.Desc
	batch, busy, committing, restart *prometheus.Desc
}

func newDatabaseCollector(store *consultations.Store) *databaseCollector {
	return &databaseCollector{
		store:    store,
		queue:    newDesc(prometheus.Opts{Name: "consult_db_write_queue_length", Help: "Writes waiting for the database writer."}),
		writes:   newDesc(prometheus.Opts{Name: "consult_db_writes_total", Help: "Writes committed through group commit."}),
		failures: newDesc(prometheus.Opts{Name: "consult_db_commit_failures_total", Help: "Transactions that could not begin or commit (each failed all its writes)."}),
		retries:  newDesc(prometheus.Opts{Name: "consult_db_write_retries_total", Help: "Writes run again after a deadlock or serialisation failure with another node."}),
		batch:    newDesc(prometheus.Opts{Name: "consult_db_commit_batch_size", Help: "Writes per commit (group-commit batch sizes)."}),
		busy: newDesc(prometheus.Opts{Name: "consult_db_writer_busy_seconds_total",
			Help: "Time the database writer spent running batches; near the elapsed time, the single writer sets the pace."}),
		committing: newDesc(prometheus.Opts{Name: "consult_db_commit_seconds_total", Help: "Time the database writer spent in COMMIT (log writes and fsync)."}),
		restart: newDesc(prometheus.Opts{Name: "consult_db_writer_restart_seconds_total",
			Help: "Time the database writer spent between batches copying the write-ahead log back so that it can start afresh (SQLite)."}),
	}
}

func (c *databaseCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.queue, c.writes, c.failures, c.retries, c.batch, c.busy, c.committing, c.restart} {
		ch <- d
	}
}

func (c *databaseCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.store.WriteStats()
	ch <- prometheus.MustNewConstMetric(c.queue, prometheus.GaugeValue, float64(c.store.WriteQueue()))
	ch <- prometheus.MustNewConstMetric(c.writes, prometheus.CounterValue, float64(st.Writes))
	ch <- prometheus.MustNewConstMetric(c.failures, prometheus.CounterValue, float64(st.Failures))
	ch <- prometheus.MustNewConstMetric(c.retries, prometheus.CounterValue, float64(st.Retries))
	ch <- prometheus.MustNewConstMetric(c.busy, prometheus.CounterValue, st.Busy.Seconds())
	ch <- prometheus.MustNewConstMetric(c.committing, prometheus.CounterValue, st.Committing.Seconds())
	ch <- prometheus.MustNewConstMetric(c.restart, prometheus.CounterValue, st.Restarting.Seconds())
	// Sizes[i] counts commits of 2^i to 2^(i+1)-1 writes: cumulative
	// buckets with upper bounds 1, 3, 7, 15, …
	buckets := map[float64]uint64{}
	var cum uint64
	for i, n := range st.Sizes[:len(st.Sizes)-1] {
		cum += uint64(n)
		buckets[math.Exp2(float64(i+1))-1] = cum
	}
	ch <- prometheus.MustNewConstHistogram(c.batch, uint64(st.Commits), float64(st.Writes), buckets)
}

func newDesc(o prometheus.Opts) *prometheus.Desc { return prometheus.NewDesc(o.Name, o.Help, nil, nil) }
