-- Live events: what happened to a consultation, numbered gap-free per
-- consultation (seq), written in the transaction of the change itself so
-- that a watcher who reconnects can be sent exactly what it missed.
-- audience is '' for everyone, else the one user (besides moderators) who
-- may see the event, such as the author of a comment held for moderation.
CREATE TABLE events (
    consultation_id TEXT NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    seq             BIGINT NOT NULL,
    type            TEXT NOT NULL,
    data            TEXT NOT NULL DEFAULT '{}',
    audience        TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (consultation_id, seq)
);
CREATE INDEX events_created ON events (created_at);

-- The last seq given out per consultation. Kept apart from events so that
-- pruning old events never lets a number be used twice.
CREATE TABLE event_seqs (
    consultation_id TEXT PRIMARY KEY REFERENCES consultations (id) ON DELETE CASCADE,
    last_seq        BIGINT NOT NULL
);
