-- Opinion maps (Pol.is-style): short statements that participants vote
-- agree (1), disagree (-1) or pass (0) on, and the opinion groups computed
-- from those votes.

-- One row per consultation whose opinion map staff turned on.
CREATE TABLE opinion_maps (
    consultation_id        TEXT PRIMARY KEY REFERENCES consultations (id) ON DELETE CASCADE,
    participant_statements BOOLEAN NOT NULL DEFAULT TRUE,
    next_number            INTEGER NOT NULL DEFAULT 0,
    created_at             TIMESTAMPTZ NOT NULL,
    updated_at             TIMESTAMPTZ NOT NULL
);

-- number is the statement's small per-map number, the comment-id of a
-- Pol.is export. author_id is a user id, or "import:N" for the Nth
-- participant of an imported conversation (not an account). normalized
-- is the text folded for the duplicate check.
CREATE TABLE opinion_statements (
    id              TEXT PRIMARY KEY,
    consultation_id TEXT NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    number          INTEGER NOT NULL,
    author_id       TEXT,
    seed            BOOLEAN NOT NULL DEFAULT FALSE,
    body            TEXT NOT NULL,
    normalized      TEXT NOT NULL,
    locale          TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('published', 'pending', 'removed')),
    vote_count      INTEGER NOT NULL DEFAULT 0,
    agree_count     INTEGER NOT NULL DEFAULT 0,
    disagree_count  INTEGER NOT NULL DEFAULT 0,
    created_at      TIMESTAMPTZ NOT NULL,
    UNIQUE (consultation_id, number),
    UNIQUE (consultation_id, normalized)
);
-- The next statement for a participant: least voted first.
CREATE INDEX opinion_statements_next ON opinion_statements (consultation_id, status, vote_count, number);

-- One vote per participant per statement: the primary key enforces it; a
-- changed vote updates the row. participant_id is a user id, or
-- "import:N" for imported conversations.
CREATE TABLE opinion_votes (
    statement_id    TEXT NOT NULL REFERENCES opinion_statements (id) ON DELETE CASCADE,
    participant_id  TEXT NOT NULL,
    consultation_id TEXT NOT NULL,
    vote            INTEGER NOT NULL CHECK (vote IN (-1, 0, 1)),
    updated_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (statement_id, participant_id)
);
CREATE INDEX opinion_votes_participant ON opinion_votes (consultation_id, participant_id);

-- The latest computed groups of a map, as JSON, kept so that a restart
-- shows them at once and group ids stay stable across runs.
CREATE TABLE opinion_results (
    consultation_id TEXT PRIMARY KEY REFERENCES consultations (id) ON DELETE CASCADE,
    computed_at     TIMESTAMPTZ NOT NULL,
    vote_count      INTEGER NOT NULL,
    result          TEXT NOT NULL
);
