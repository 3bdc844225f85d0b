package consultations

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"time"

	"github.com/consult-platform/consult/database"
	"github.com/jmoiron/sqlx"
)

const userColumns = `id, email, password_hash, display_name, role, org_id, locale, created_at`

// CreateOrganisation adds an organisation.
func (s *Store) CreateOrganisation(ctx context.Context, slug, name, locale, timeZone string) (*Organisation, error) {
	if !slugPattern.MatchString(slug) {
		return nil, &Error{Code: EINVALID, Message: Message{ID: "ErrInvalidInput"}, Fields: map[string]Message{"slug": {ID: "ErrSlugInvalid"}}}
	}
	if _, err := time.LoadLocation(timeZone); err != nil {
		return nil, &Error{Code: EINVALID, Message: Message{ID: "ErrInvalidInput"}, Fields: map[string]Message{"time_zone": {ID: "ErrTimeZoneInvalid"}}}
	}
	o := &Organisation{ID: database.NewID(), Slug: slug, Name: name, DefaultLocale: locale, TimeZone: timeZone, CreatedAt: s.now()}
	err := s.write(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.NamedExecContext(ctx, `INSERT INTO organisations (id, slug, name, default_locale, time_zone, created_at)
			VALUES (:id, :slug, :name, :default_locale, :time_zone, :created_at)`, o)
		return err
	})
	if database.IsUniqueViolation(err) {
		return nil, Errorf(ECONFLICT, "ErrOrgExists")
	}
	return o, err
}

// Organisation returns the organisation with id.
func (s *Store) Organisation(ctx context.Context, id string) (*Organisation, error) {
	var o Organisation
	err := s.get(ctx, s.db.Reader, &o, "ErrOrgNotFound", `SELECT * FROM organisations WHERE id = ?`, id)
	return &o, err
}

// OrganisationBySlug returns the organisation with slug.
func (s *Store) OrganisationBySlug(ctx context.Context, slug string) (*Organisation, error) {
	var o Organisation
	err := s.get(ctx, s.db.Reader, &o, "ErrOrgNotFound", `SELECT * FROM organisations WHERE slug = ?`, slug)
	return &o, err
}

// Organisations lists every organisation by name.
func (s *Store) Organisations(ctx context.Context) ([]Organisation, error) {
	var out []Organisation
	err := s.db.Reader.SelectContext(ctx, &out, `SELECT * FROM organisations ORDER BY name`)
	return out, err
}

// CreateUser registers an account. Only citizens register themselves;
// other roles are made by operators (consult user create).
func (s *Store) CreateUser(ctx context.Context, a NewAccount) (*User, error) {
	return s.CreateUserOnce(ctx, a, IdemKey{})
}

// CreateUserOnce is CreateUser for a client that may retry: a call whose
// key was already used makes nothing and returns ErrIdempotentReplay.
func (s *Store) CreateUserOnce(ctx context.Context, a NewAccount, key IdemKey) (*User, error) {
	a.DisplayName = s.san.PlainText(a.DisplayName)
	a.normalise()
	if err := a.validate(); err != nil {
		return nil, err
	}
	u := &User{ID: database.NewID(), Email: a.Email, DisplayName: a.DisplayName, Role: a.Role, Locale: a.Locale, CreatedAt: s.now()}
	if a.OrgSlug != "" {
		org, err := s.OrganisationBySlug(ctx, a.OrgSlug)
		if err != nil {
			return nil, err
		}
		u.OrgID = &org.ID
	}
	hash, err := HashPassword(a.Password)
	if err != nil {
		return nil, err
	}
	u.PasswordHash = hash
	err = s.write(ctx, func(tx *sqlx.Tx) error {
		if err := s.claimKey(ctx, tx, key, "user:"+u.ID); err != nil {
			return err
		}
		_, err := tx.NamedExecContext(ctx, `INSERT INTO users (`+userColumns+`)
			VALUES (:id, :email, :password_hash, :display_name, :role, :org_id, :locale, :created_at)`, u)
		return err
	})
	if database.IsUniqueViolation(err) {
		return nil, &Error{Code: ECONFLICT, Message: Message{ID: "ErrEmailTaken"}, Fields: map[string]Message{"email": {ID: "ErrEmailTaken"}}}
	}
	if err != nil {
		return nil, err
	}
	return u, nil
}

// User returns the account with id.
func (s *Store) User(ctx context.Context, id string) (*User, error) {
	var u User
	err := s.get(ctx, s.db.Reader, &u, "ErrUserNotFound", `SELECT `+userColumns+` FROM users WHERE id = ?`, id)
	return &u, err
}

// dummyHash keeps sign-in for an unknown email as slow as for a known one,
// so timing does not reveal who has an account.
var dummyHash, _ = HashPassword("not a real password")

// Authenticate returns the account for email and password, or an
// EUNAUTHENTICATED error that does not say which of the two was wrong.
func (s *Store) Authenticate(ctx context.Context, email, password string) (*User, error) {
	fail := &Error{Code: EUNAUTHENTICATED, Message: Message{ID: "ErrSignInFailed"}}
	var u User
	err := s.db.Reader.GetContext(ctx, &u, s.q(`SELECT `+userColumns+` FROM users WHERE email = ?`), normaliseEmail(email))
	if errors.Is(err, sql.ErrNoRows) {
		CheckPassword(dummyHash, password)
		return nil, fail
	}
	if err != nil {
		return nil, err
	}
	if ok, err := CheckPassword(u.PasswordHash, password); err != nil || !ok {
		return nil, fail
	}
	return &u, nil
}

func normaliseEmail(e string) string {
	a := NewAccount{Email: e}
	a.normalise()
	return a.Email
}

// newSecret returns a random token and the hash under which it is stored.
func newSecret() (token, hash string) {
	b := make([]byte, 32)
	rand.Read(b)
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashSecret(token)
}

func hashSecret(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CreateSession starts a signed-in session for userID and returns the
// secret to put in the session cookie. A new secret at every sign-in
// defeats session fixation.
func (s *Store) CreateSession(ctx context.Context, userID string) (string, error) {
	token, hash := newSecret()
	now := s.now()
	err := s.write(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO sessions (hash, user_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)`),
			hash, userID, now, now, now.Add(s.Times.Absolute))
		return err
	})
	return token, err
}

// SessionUser returns the user of a live session. A session idle for
// longer than Times.Idle, or older than Times.Absolute, is over.
func (s *Store) SessionUser(ctx context.Context, token string) (*User, error) {
	var row struct {
		User
		LastSeen  time.Time `db:"last_seen_at"`
		ExpiresAt time.Time `db:"expires_at"`
	}
	err := s.db.Reader.GetContext(ctx, &row, s.q(`SELECT u.id, u.email, u.password_hash, u.display_name, u.role, u.org_id, u.locale, u.created_at,
		s.last_seen_at, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.hash = ?`), hashSecret(token))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, Errorf(EUNAUTHENTICATED, "ErrSessionExpired")
	}
	if err != nil {
		return nil, err
	}
	now := s.now()
	if now.After(row.ExpiresAt) || now.Sub(row.LastSeen) > s.Times.Idle {
		s.DeleteSession(ctx, token)
		return nil, Errorf(EUNAUTHENTICATED, "ErrSessionExpired")
	}
	// Refresh the idle clock at most once a minute, not on every request.
	if now.Sub(row.LastSeen) > time.Minute {
		s.write(ctx, func(tx *sqlx.Tx) error {
			_, err := tx.ExecContext(ctx, s.q(`UPDATE sessions SET last_seen_at = ? WHERE hash = ?`), now, hashSecret(token))
			return err
		})
	}
	return &row.User, nil
}

// DeleteSession signs a session out.
func (s *Store) DeleteSession(ctx context.Context, token string) error {
	return s.write(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`DELETE FROM sessions WHERE hash = ?`), hashSecret(token))
		return err
	})
}

// CreateAPIToken issues a bearer token for scripts.
func (s *Store) CreateAPIToken(ctx context.Context, userID string) (string, time.Time, error) {
	token, hash := newSecret()
	now := s.now()
	expires := now.Add(s.Times.Token)
	err := s.write(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO api_tokens (hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`),
			hash, userID, now, expires)
		return err
	})
	return token, expires, err
}

// TokenUser returns the user a live bearer token belongs to. On SQLite
// its answer may be up to tokenCacheTTL old, except that a token revoked
// is refused at once; on PostgreSQL, where another node may have revoked
// the token, it always asks the database, as SessionUser does.
func (s *Store) TokenUser(ctx context.Context, token string) (*User, error) {
	hash := hashSecret(token)
	now := s.now()
	cached := !s.db.Shared()
	if cached {
		if u, ok := s.tokens.get(hash, now); ok {
			return u, nil
		}
	}
	var row struct {
		User
		ExpiresAt time.Time `db:"expires_at"`
	}
	err := s.db.Reader.GetContext(ctx, &row, s.q(`SELECT u.id, u.email, u.password_hash, u.display_name, u.role, u.org_id, u.locale, u.created_at,
		t.expires_at FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = ?`), hash)
	if errors.Is(err, sql.ErrNoRows) || err == nil && now.After(row.ExpiresAt) {
		return nil, Errorf(EUNAUTHENTICATED, "ErrTokenInvalid")
	}
	if err != nil {
		return nil, err
	}
	if cached {
		s.tokens.put(hash, &row.User, row.ExpiresAt, now)
	}
	return &row.User, nil
}

// DeleteAPIToken revokes a bearer token. Revoking one that is unknown or
// already revoked is not an error.
func (s *Store) DeleteAPIToken(ctx context.Context, token string) error {
	hash := hashSecret(token)
	err := s.write(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`DELETE FROM api_tokens WHERE hash = ?`), hash)
		return err
	})
	s.tokens.drop(hash)
	return err
}

// SecretKey returns the installation's random key for signing CSRF tokens,
// made on first use and kept in the database so every node shares it.
func (s *Store) SecretKey(ctx context.Context) ([]byte, error) {
	var v string
	err := s.db.Reader.GetContext(ctx, &v, s.q(`SELECT value FROM settings WHERE name = 'secret_key'`))
	if errors.Is(err, sql.ErrNoRows) {
		b := make([]byte, 32)
		rand.Read(b)
		v = hex.EncodeToString(b)
		err = s.write(ctx, func(tx *sqlx.Tx) error {
			_, err := tx.ExecContext(ctx, s.q(`INSERT INTO settings (name, value) VALUES ('secret_key', ?)`), v)
			return err
		})
		if database.IsUniqueViolation(err) {
			return s.SecretKey(ctx)
		}
	}
	if err != nil {
		return nil, err
	}
	return hex.DecodeString(v)
}
