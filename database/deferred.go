package database

import (
	"sync"

	"github.com/jmoiron/sqlx"
)

// Deferred gathers what the writes sharing one transaction leave to be
// written just before it commits, so that it is written once per batch
// rather than once per write: counters summed, events numbered and
// inserted together. On the single SQLite writer this turns statements
// per comment into statements per batch.
type Deferred interface {
	// Flush writes what was gathered, inside the transaction. It may call
	// AfterCommit and Notify. An error fails every write of the batch.
	Flush(tx *sqlx.Tx) error
}

type deferral struct {
	key string
	mk  func() Deferred
	add func(Deferred)
}

// deferrals holds the deferrals of the write op now running in each open
// transaction: *sqlx.Tx → *[]deferral.
var deferrals sync.Map

// Defer arranges for add to be called with the transaction's Deferred
// named key (made by mk when the batch has none yet), once the write now
// running in tx has succeeded; a write that fails or is undone adds
// nothing. Every Deferred is flushed, in the order first made, after the
// last write of the batch and before the commit. mk and add must not touch
// the database. Defer panics when tx did not come from Write.
func Defer(tx *sqlx.Tx, key string, mk func() Deferred, add func(Deferred)) {
	v, ok := deferrals.Load(tx)
	if !ok {
		panic("database: Defer outside a Write")
	}
	list := v.(*[]deferral)
	*list = append(*list, deferral{key, mk, add})
}

// pending is a batch's Deferreds, in the order they were made.
type pending struct {
	byKey map[string]Deferred
	order []Deferred
}

// take adds the deferrals of a write that succeeded.
func (p *pending) take(ds []deferral) {
	for _, d := range ds {
		got, ok := p.byKey[d.key]
		if !ok {
			if p.byKey == nil {
				p.byKey = map[string]Deferred{}
			}
			got = d.mk()
			p.byKey[d.key] = got
			p.order = append(p.order, got)
		}
		d.add(got)
	}
}

// flush writes every Deferred inside tx.
func (p *pending) flush(tx *sqlx.Tx) error {
	for _, d := range p.order {
		if err := d.Flush(tx); err != nil {
			return err
		}
	}
	return nil
}

// ChunkSize returns how many of n rows to write in the next multi-row
// statement: the largest power of two up to max. Statements of a few
// fixed sizes stay in the connection's prepared-statement cache, where
// one of every size would push the per-write statements out.
func ChunkSize(n, max int) int {
	size := 1
	for size*2 <= n && size*2 <= max {
		size *= 2
	}
	return size
}
