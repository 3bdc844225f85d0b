package consultations

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/consult-platform/consult/database"
	"github.com/jmoiron/sqlx"
)

// Store keeps the domain in the database and enforces who may do what.
type Store struct {
	db    *database.DB
	san   *Sanitizer
	Now   func() time.Time // the clock; tests may replace it
	Times SessionTimes

	tokens *tokenCache // recently used bearer tokens
	gates  gateCache   // consultations' gate rows (SQLite)
	pub    Publisher   // receives committed events; nil: nobody watches
	relay  *relay      // orders events from every node for pub

	screener        Screener // screens new contributions; see SetScreener
	responseWatcher ResponseWatcher
	tallyHook       Tally // participation figures kept on write; see SetTally
}

// SessionTimes bounds how long a signed-in session lasts.
type SessionTimes struct {
	Idle     time.Duration
	Absolute time.Duration
	Token    time.Duration // API bearer tokens
}

// NewStore returns a Store over db.
func NewStore(db *database.DB, san *Sanitizer) *Store {
	return &Store{
		db:     db,
		san:    san,
		tokens: newTokenCache(),
		relay:  newRelay(),
		Now:    func() time.Time { return time.Now().UTC() },
		Times: SessionTimes{
			Idle:     2 * time.Hour,
			Absolute: 12 * time.Hour,
			Token:    30 * 24 * time.Hour,
		},
	}
}

// Sanitizer returns the store's sanitiser, for rendering staff texts.
func (s *Store) Sanitizer() *Sanitizer { return s.san }

func (s *Store) now() time.Time { return s.Now().UTC() }

func (s *Store) q(query string) string { return s.db.Rebind(query) }

// get reads one row into dest and turns "no rows" into ENOTFOUND.
func (s *Store) get(ctx context.Context, r database.TxRunner, dest any, messageID, query string, args ...any) error {
	err := r.GetContext(ctx, dest, s.q(query), args...)
	if errors.Is(err, sql.ErrNoRows) {
		return Errorf(ENOTFOUND, messageID)
	}
	return err
}

func (s *Store) write(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	return s.db.Write(ctx, fn)
}

// IdemKey names a client's retry key: Scope says whose and for which route.
type IdemKey struct {
	Scope string
	Key   string
}

// ErrIdempotentReplay is returned by a write whose IdemKey was already
// used; IdempotentRef then finds what the first request made.
var ErrIdempotentReplay = errors.New("idempotency key already used")

// IdempotentRef returns the "kind:id" a key already produced, if any.
func (s *Store) IdempotentRef(ctx context.Context, k IdemKey) (string, bool, error) {
	if k.Key == "" {
		return "", false, nil
	}
	var ref string
	err := s.db.Reader.GetContext(ctx, &ref, s.q(`SELECT ref FROM idempotency_keys WHERE scope = ? AND key = ?`), k.Scope, k.Key)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return ref, err == nil, err
}

// claimKey records k inside the write's transaction so that the key and
// what it made commit together or not at all.
func (s *Store) claimKey(ctx context.Context, tx *sqlx.Tx, k IdemKey, ref string) error {
	if k.Key == "" {
		return nil
	}
	_, err := tx.ExecContext(ctx, s.q(`INSERT INTO idempotency_keys (scope, key, ref, created_at) VALUES (?, ?, ?, ?)`),
		k.Scope, k.Key, ref, s.now())
	if database.IsUniqueViolation(err) {
		return ErrIdempotentReplay
	}
	return err
}

// Ready reports whether the database answers.
func (s *Store) Ready(ctx context.Context) error { return s.db.Ping(ctx) }

// WriteStats returns the database's group-commit figures, for metrics.
func (s *Store) WriteStats() database.WriteStats { return s.db.WriteStats() }

// WriteQueue returns how many writes wait for the database's writer now.
func (s *Store) WriteQueue() int { return s.db.QueueLength() }
