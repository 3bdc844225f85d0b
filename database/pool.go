package database

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/jmoiron/sqlx"
)

// writePool runs each write in a transaction of its own on a pool of
// PostgreSQL connections (see openPostgres for why not group commit).
type writePool struct {
	db      *sqlx.DB
	waiting atomic.Int64 // writes waiting for a connection or running
	batcher *batcher     // only for its figures
	notify  func([]string)
}

func (p *writePool) do(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	p.waiting.Add(1)
	defer p.waiting.Add(-1)
	var err error
	for try := 0; try < 5; try++ {
		if try > 0 {
			p.batcher.failed(0, 1)
		}
		if err = p.once(ctx, fn); !isRetryable(err) {
			return err
		}
	}
	return err
}

func (p *writePool) once(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	tx, err := p.db.BeginTxx(ctx, nil)
	if err != nil {
		p.batcher.failed(1, 0)
		return fmt.Errorf("database: begin: %w", err)
	}
	list := new([]func())
	hooks.Store(tx, list)
	defer hooks.Delete(tx)
	payloads := new([]string)
	notes.Store(tx, payloads)
	defer notes.Delete(tx)
	defers := new([]deferral)
	deferrals.Store(tx, defers)
	defer deferrals.Delete(tx)
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	var later pending
	later.take(*defers)
	if err := later.flush(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		if !isRetryable(err) {
			p.batcher.failed(1, 0)
		}
		return fmt.Errorf("database: commit: %w", err)
	}
	p.batcher.count(1)
	if len(*payloads) > 0 {
		p.notify(*payloads)
	}
	for _, hook := range *list {
		hook()
	}
	return nil
}
