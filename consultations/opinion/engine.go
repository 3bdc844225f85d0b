package opinion

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
)

// EventUpdated is the live event recorded after each recompute, so that
// report pages fetch the new figures.
const EventUpdated = "opinion.updated"

// When groups are recomputed: once at least minNewVotes new votes (or a
// 1/200th of the map's votes, whichever is more) have arrived since the
// last run, and never sooner than minInterval (or idleRuns times the last
// run's duration) after it. Runs grow with the map (about a second for a
// million votes): so that recomputing never takes more than a tenth of a
// core from the votes arriving, a long run waits ten times its length.
const (
	minInterval = 3 * time.Second
	minNewVotes = 1
	idleRuns    = 10
)

// engine recomputes maps in the background. Nothing runs on the request
// path: a vote only bumps a counter and perhaps arms a timer.
type engine struct {
	s   *Store
	log *slog.Logger

	mu     sync.Mutex // mu guards maps and closed
	maps   map[string]*mapState
	closed bool
	wg     sync.WaitGroup
}

type mapState struct {
	result   *Result // the latest, nil until loaded or computed
	loaded   bool    // result read from the database (or found absent)
	pending  int     // votes since the last run began
	timer    *time.Timer
	running  bool
	lastRun  time.Time
	duration time.Duration
}

func newEngine(s *Store) *engine {
	return &engine{s: s, log: slog.Default(), maps: map[string]*mapState{}}
}

func (e *engine) state(id string) *mapState {
	st, ok := e.maps[id]
	if !ok {
		st = &mapState{}
		e.maps[id] = st
	}
	return st
}

// noteVotes counts n new votes on a map and schedules a recompute when
// enough have arrived.
func (e *engine) noteVotes(id string, n int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	st := e.state(id)
	st.pending += n
	e.scheduleLocked(id, st)
}

// changed schedules a recompute after statements changed (one removed,
// one approved), whatever the vote count.
func (e *engine) changed(id string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	st := e.state(id)
	st.pending += 1 << 20
	e.scheduleLocked(id, st)
}

func (e *engine) scheduleLocked(id string, st *mapState) {
	if e.closed || st.running || st.timer != nil {
		return
	}
	need := minNewVotes
	if st.result != nil {
		need = max(need, st.result.Votes/200)
	}
	if st.pending < need {
		return
	}
	wait := time.Until(st.lastRun.Add(max(minInterval, idleRuns*st.duration)))
	e.wg.Add(1)
	st.timer = time.AfterFunc(max(wait, 0), func() {
		defer e.wg.Done()
		e.run(id)
	})
}

func (e *engine) run(id string) {
	e.mu.Lock()
	st := e.state(id)
	st.timer = nil
	if e.closed {
		e.mu.Unlock()
		return
	}
	st.running, st.pending = true, 0
	e.mu.Unlock()

	start := time.Now()
	_, err := e.s.Recompute(context.Background(), id)
	if err != nil {
		e.log.Warn("opinion map recompute", "consultation", id, "error", err)
	}
	e.mu.Lock()
	st.running, st.lastRun, st.duration = false, time.Now(), time.Since(start)
	e.scheduleLocked(id, st)
	e.mu.Unlock()
}

func (e *engine) close() {
	e.mu.Lock()
	e.closed = true
	for _, st := range e.maps {
		if st.timer != nil && st.timer.Stop() {
			st.timer = nil
			e.wg.Done()
		}
	}
	e.mu.Unlock()
	e.wg.Wait()
}

// Result returns the latest computed groups of a map, nil when none have
// been computed yet. It never computes: when votes exist but no result
// does, it schedules a background run.
func (s *Store) Result(ctx context.Context, consultationID string) (*Result, error) {
	e := s.engine
	e.mu.Lock()
	st := e.state(consultationID)
	if st.loaded {
		r := st.result
		e.mu.Unlock()
		return r, nil
	}
	e.mu.Unlock()
	var raw string
	err := s.db.Reader.GetContext(ctx, &raw, s.q(`SELECT result FROM opinion_results WHERE consultation_id = ?`), consultationID)
	var r *Result
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return nil, err
	default:
		r = new(Result)
		if err := json.Unmarshal([]byte(raw), r); err != nil {
			return nil, err
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if !st.loaded {
		st.result, st.loaded = r, true
		if r == nil {
			st.pending++
			e.scheduleLocked(consultationID, st)
		}
	}
	return st.result, nil
}

// Recompute computes a map's groups now, stores them and records an
// "opinion.updated" live event. The background engine calls it; tests and
// the import command may call it directly.
func (s *Store) Recompute(ctx context.Context, consultationID string) (*Result, error) {
	prev, err := s.Result(ctx, consultationID)
	if err != nil {
		return nil, err
	}
	m, ids, err := s.loadMatrix(ctx, consultationID)
	if err != nil {
		return nil, err
	}
	res := Analyse(m, ids, prev, Options{})
	res.ComputedAt = s.now()
	body, err := json.Marshal(res)
	if err != nil {
		return nil, err
	}
	err = s.db.Write(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO opinion_results (consultation_id, computed_at, vote_count, result) VALUES (?, ?, ?, ?)
			ON CONFLICT (consultation_id) DO UPDATE SET computed_at = excluded.computed_at, vote_count = excluded.vote_count, result = excluded.result`),
			consultationID, res.ComputedAt, res.Votes, string(body)); err != nil {
			return err
		}
		return s.cs.RecordEvent(ctx, tx, consultationID, EventUpdated, map[string]any{
			"groups": len(res.Groups), "grouped": res.Grouped, "voters": res.Voters, "votes": res.Votes,
		}, "")
	})
	if err != nil {
		return nil, err
	}
	s.engine.mu.Lock()
	st := s.engine.state(consultationID)
	st.result, st.loaded = res, true
	s.engine.mu.Unlock()
	return res, nil
}

// loadMatrix reads the votes on a map's published statements.
func (s *Store) loadMatrix(ctx context.Context, consultationID string) (*Matrix, []string, error) {
	var ids []string
	if err := s.db.Reader.SelectContext(ctx, &ids, s.q(`SELECT id FROM opinion_statements WHERE consultation_id = ? AND status = 'published' ORDER BY number`), consultationID); err != nil {
		return nil, nil, err
	}
	col := make(map[string]int, len(ids))
	total := 0
	for j, id := range ids {
		col[id] = j
	}
	_ = s.db.Reader.GetContext(ctx, &total, s.q(`SELECT COALESCE(SUM(n.vote_count), 0) FROM `+statementsFrom+` WHERE s.consultation_id = ? AND s.status = 'published'`), consultationID)
	b := NewMatrixBuilder(len(ids), total)
	// Driven by the statements, each statement's votes are one range of
	// the votes' primary key; by the consultation's index instead, every
	// vote would cost a probe of the primary key (10 times slower).
	rows, err := s.db.Reader.QueryContext(ctx, s.q(`SELECT v.statement_id, v.participant_id, v.vote
		FROM opinion_statements s JOIN opinion_votes v ON v.statement_id = s.id
		WHERE s.consultation_id = ? AND s.status = 'published'`), consultationID)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	// Raw bytes: a string is made only for a participant seen first.
	var sid, pid sql.RawBytes
	var v int
	last, j := "", -1
	for rows.Next() {
		if err := rows.Scan(&sid, &pid, &v); err != nil {
			return nil, nil, err
		}
		if string(sid) != last {
			last = string(sid)
			var ok bool
			if j, ok = col[last]; !ok {
				j = -1
			}
		}
		b.addRaw(pid, j, v)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	// The same votes must give the same groups whichever order SQLite or
	// PostgreSQL returns them in (this query and the former one, through
	// the index by participant, return them differently).
	b.sortParticipants()
	return b.Build(), ids, nil
}
