package consultations

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/consult-platform/consult/database"
	"github.com/jmoiron/sqlx"
)

// gateFresh bounds how long a remembered gate row is trusted. Changes made
// through this Store forget it at once (see forgetGate); the bound covers
// anything else that writes the file.
const gateFresh = time.Second

// gateCache remembers consultations' gate rows on SQLite, where this
// process is the only writer. On PostgreSQL other nodes change them, so
// every call reads the row.
type gateCache struct {
	m sync.Map // consultation id → gateEntry
	// changes counts forgotten rows: a row read while a change committed
	// is not remembered.
	changes atomic.Uint64
}

type gateEntry struct {
	c    Consultation
	read time.Time
}

// consultationGate loads only what deciding whether a consultation takes a
// contribution needs (who runs it, its kind, status, dates and moderation
// mode): one indexed read of a few small columns, not the multilingual
// texts that the hot path of posting would otherwise decode every time.
// On SQLite the row is remembered until the consultation's status or
// settings change (and for a second at most): a read on a reader
// connection after every commit costs its whole page cache.
func (s *Store) consultationGate(ctx context.Context, id string) (*Consultation, error) {
	cached := s.db.Dialect == database.SQLite
	if cached {
		if v, ok := s.gates.m.Load(id); ok {
			e := v.(gateEntry)
			if time.Since(e.read) < gateFresh {
				c := e.c
				return &c, nil
			}
		}
	}
	read, changes := time.Now(), s.gates.changes.Load()
	var c Consultation
	err := s.get(ctx, s.db.Reader, &c, "ErrConsultationNotFound",
		`SELECT id, org_id, kind, status, opens_at, closes_at, premoderation FROM consultations WHERE id = ?`, id)
	if err != nil {
		return nil, err
	}
	if cached && s.gates.changes.Load() == changes {
		s.gates.m.Store(id, gateEntry{c: c, read: read})
	}
	return &c, nil
}

// forgetGate makes the next contribution to a consultation read its gate
// row again once tx, which changes the consultation, commits.
func (s *Store) forgetGate(tx *sqlx.Tx, id string) {
	database.AfterCommit(tx, func() {
		s.gates.changes.Add(1)
		s.gates.m.Delete(id)
	})
}
