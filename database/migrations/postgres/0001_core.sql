-- Core schema: organisations, accounts, consultations, responses, comments,
-- co-design ideas and outcomes. Multilingual texts are JSON objects keyed by
-- language tag ({"en": "…", "fr": "…"}). Times are UTC.

CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE organisations (
    id             TEXT PRIMARY KEY,
    slug           TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    default_locale TEXT NOT NULL DEFAULT 'en',
    time_zone      TEXT NOT NULL DEFAULT 'UTC',
    created_at     TIMESTAMPTZ NOT NULL
);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('citizen', 'staff', 'moderator', 'admin')),
    org_id        TEXT REFERENCES organisations (id),
    locale        TEXT NOT NULL DEFAULT 'en',
    created_at    TIMESTAMPTZ NOT NULL
);

-- Sessions and API tokens are stored by the SHA-256 of their secret, so a
-- copy of the database does not hand out live credentials.
CREATE TABLE sessions (
    hash         TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    hash       TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE consultations (
    id                 TEXT PRIMARY KEY,
    org_id             TEXT NOT NULL REFERENCES organisations (id),
    slug               TEXT NOT NULL UNIQUE,
    kind               TEXT NOT NULL CHECK (kind IN ('policy', 'codesign')),
    status             TEXT NOT NULL CHECK (status IN ('draft', 'scheduled', 'open', 'closed', 'outcome_published')),
    default_locale     TEXT NOT NULL,
    title              TEXT NOT NULL,
    summary            TEXT NOT NULL,
    body               TEXT NOT NULL,
    opens_at           TIMESTAMPTZ NOT NULL,
    closes_at          TIMESTAMPTZ NOT NULL,
    allow_anonymous    BOOLEAN NOT NULL DEFAULT FALSE,
    premoderation      BOOLEAN NOT NULL DEFAULT FALSE,
    created_by         TEXT NOT NULL REFERENCES users (id),
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL,
    response_count     INTEGER NOT NULL DEFAULT 0,
    comment_count      INTEGER NOT NULL DEFAULT 0,
    outcome_summary    TEXT NOT NULL DEFAULT '{}',
    outcome_published_at TIMESTAMPTZ
);
CREATE INDEX consultations_org ON consultations (org_id);
CREATE INDEX consultations_status ON consultations (status, closes_at);

CREATE TABLE sections (
    id              TEXT PRIMARY KEY,
    consultation_id TEXT NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    heading         TEXT NOT NULL,
    body            TEXT NOT NULL
);
CREATE INDEX sections_consultation ON sections (consultation_id, position);

CREATE TABLE documents (
    id              TEXT PRIMARY KEY,
    consultation_id TEXT NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    title           TEXT NOT NULL,
    url             TEXT NOT NULL,
    media_type      TEXT NOT NULL DEFAULT '',
    size_bytes      BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX documents_consultation ON documents (consultation_id, position);

-- options is a JSON array of {"id": "…", "label": {"en": "…"}}.
CREATE TABLE questions (
    id              TEXT PRIMARY KEY,
    consultation_id TEXT NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('text', 'single', 'multiple', 'scale')),
    required        BOOLEAN NOT NULL DEFAULT FALSE,
    max_length      INTEGER NOT NULL DEFAULT 0,
    prompt          TEXT NOT NULL,
    hint            TEXT NOT NULL DEFAULT '{}',
    options         TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX questions_consultation ON questions (consultation_id, position);

CREATE TABLE responses (
    id              TEXT PRIMARY KEY,
    consultation_id TEXT NOT NULL REFERENCES consultations (id),
    reference       TEXT NOT NULL UNIQUE,
    user_id         TEXT REFERENCES users (id) ON DELETE SET NULL,
    anonymous       BOOLEAN NOT NULL DEFAULT FALSE,
    channel         TEXT NOT NULL,
    locale          TEXT NOT NULL,
    entered_by      TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX responses_consultation ON responses (consultation_id, id);
CREATE INDEX responses_user ON responses (user_id);

-- value: the text, the chosen option id, a JSON array of option ids, or 1-5.
CREATE TABLE answers (
    response_id TEXT NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
    question_id TEXT NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    value       TEXT NOT NULL,
    PRIMARY KEY (response_id, question_id)
);

-- Comments, co-design ideas and replies to either. An idea is a top-level
-- contribution with a title that others may support.
CREATE TABLE comments (
    id              TEXT PRIMARY KEY,
    consultation_id TEXT NOT NULL REFERENCES consultations (id),
    parent_id       TEXT REFERENCES comments (id),
    thread_id       TEXT NOT NULL, -- the top-level comment or idea; its own id when top-level
    author_id       TEXT REFERENCES users (id) ON DELETE SET NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('comment', 'idea')),
    stance          TEXT NOT NULL DEFAULT '' CHECK (stance IN ('', 'for', 'against', 'neutral')),
    title           TEXT NOT NULL DEFAULT '',
    body            TEXT NOT NULL,
    body_html       TEXT NOT NULL,
    locale          TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('published', 'pending', 'hidden', 'deleted')),
    channel         TEXT NOT NULL DEFAULT 'web',
    support_count   INTEGER NOT NULL DEFAULT 0,
    reply_count     INTEGER NOT NULL DEFAULT 0,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX comments_consultation ON comments (consultation_id, status, id);
CREATE INDEX comments_author ON comments (author_id, id);
CREATE INDEX comments_thread ON comments (consultation_id, thread_id);

CREATE TABLE supports (
    comment_id TEXT NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (comment_id, user_id)
);

-- The outcome: "we asked, you said, we did", one row per decision.
CREATE TABLE decisions (
    id              TEXT PRIMARY KEY,
    consultation_id TEXT NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    asked           TEXT NOT NULL,
    said            TEXT NOT NULL,
    did             TEXT NOT NULL
);
CREATE INDEX decisions_consultation ON decisions (consultation_id, position);

CREATE TABLE decision_links (
    decision_id TEXT NOT NULL REFERENCES decisions (id) ON DELETE CASCADE,
    comment_id  TEXT NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    PRIMARY KEY (decision_id, comment_id)
);

CREATE TABLE notifications (
    id              TEXT PRIMARY KEY,
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    consultation_id TEXT REFERENCES consultations (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    read_at         TIMESTAMPTZ
);
CREATE INDEX notifications_user ON notifications (user_id, id);

-- A retried request with the same Idempotency-Key gets what the first one
-- made (ref is "kind:id"), stored in the same transaction as the write.
CREATE TABLE idempotency_keys (
    scope       TEXT NOT NULL,
    key         TEXT NOT NULL,
    ref         TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (scope, key)
);
