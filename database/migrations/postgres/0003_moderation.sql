-- Moderation: the review queue, reports, decisions with their statements
-- of reasons, appeals, suspensions, watched words, near-duplicate
-- campaigns and the append-only audit log. Content is referred to by kind
-- and id ("comment", id); no foreign keys into the content tables, so the
-- moderation package stays independent of them.

-- A removed (hidden) or redacted contribution shows its category publicly.
ALTER TABLE comments ADD COLUMN moderation_category TEXT NOT NULL DEFAULT '';

-- A moderator with no rows here may act on every organisation.
CREATE TABLE mod_scopes (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    org_id  TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, org_id)
);

-- One open item per subject; a decided item stays for the record.
-- reasons is a JSON array of reason codes; why a JSON array of
-- {"reason","detail"} explanations shown to moderators.
CREATE TABLE mod_items (
    id              TEXT PRIMARY KEY,
    subject_kind    TEXT NOT NULL,
    subject_id      TEXT NOT NULL,
    consultation_id TEXT NOT NULL,
    org_id          TEXT NOT NULL,
    author_id       TEXT,
    locale          TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL CHECK (status IN ('open', 'decided')),
    priority        INTEGER NOT NULL DEFAULT 0,
    reasons         TEXT NOT NULL DEFAULT '[]',
    why             TEXT NOT NULL DEFAULT '[]',
    report_count    INTEGER NOT NULL DEFAULT 0,
    campaign_id     TEXT,
    claimed_by      TEXT,
    claimed_at      TIMESTAMPTZ,
    decided_by      TEXT,
    decided_at      TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX mod_items_open_subject ON mod_items (subject_kind, subject_id) WHERE status = 'open';
CREATE INDEX mod_items_queue ON mod_items (status, priority DESC, id);
CREATE INDEX mod_items_campaign ON mod_items (campaign_id, status);

CREATE TABLE mod_reports (
    id           TEXT PRIMARY KEY,
    item_id      TEXT NOT NULL REFERENCES mod_items (id),
    subject_kind TEXT NOT NULL,
    subject_id   TEXT NOT NULL,
    reporter_id  TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reason       TEXT NOT NULL,
    text         TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (subject_kind, subject_id, reporter_id)
);

-- A decision and its statement of reasons. before_body keeps a redacted
-- text's original for the audit; it is never shown publicly.
CREATE TABLE mod_decisions (
    id              TEXT PRIMARY KEY,
    item_id         TEXT REFERENCES mod_items (id),
    subject_kind    TEXT NOT NULL,
    subject_id      TEXT NOT NULL,
    consultation_id TEXT NOT NULL,
    org_id          TEXT NOT NULL,
    author_id       TEXT,
    moderator_id    TEXT NOT NULL,
    action          TEXT NOT NULL CHECK (action IN ('approve', 'hide', 'redact', 'restore')),
    category        TEXT NOT NULL DEFAULT '',
    explanation     TEXT NOT NULL DEFAULT '',
    before_status   TEXT NOT NULL,
    after_status    TEXT NOT NULL,
    before_body     TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX mod_decisions_consultation ON mod_decisions (consultation_id, action, category);
CREATE INDEX mod_decisions_author ON mod_decisions (author_id, id);
CREATE INDEX mod_decisions_subject ON mod_decisions (subject_kind, subject_id, id);

CREATE TABLE mod_appeals (
    id          TEXT PRIMARY KEY,
    decision_id TEXT NOT NULL UNIQUE REFERENCES mod_decisions (id),
    author_id   TEXT NOT NULL,
    text        TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('open', 'upheld', 'rejected')),
    decided_by  TEXT,
    response    TEXT NOT NULL DEFAULT '',
    decided_at  TIMESTAMPTZ,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX mod_appeals_status ON mod_appeals (status, id);

CREATE TABLE mod_suspensions (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_by TEXT NOT NULL,
    until      TIMESTAMPTZ NOT NULL,
    note       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX mod_suspensions_user ON mod_suspensions (user_id, until);

-- locale '' applies to every language. normalised is the word as the
-- matcher sees it.
CREATE TABLE mod_watched_words (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    locale     TEXT NOT NULL DEFAULT '',
    word       TEXT NOT NULL,
    normalised TEXT NOT NULL,
    action     TEXT NOT NULL CHECK (action IN ('block', 'hold', 'flag', 'mask')),
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, locale, normalised)
);

-- Near-duplicate groups within a consultation. size counts every member:
-- near-identical submissions are counted, never dropped.
CREATE TABLE mod_campaigns (
    id                TEXT PRIMARY KEY,
    consultation_id   TEXT NOT NULL,
    representative_id TEXT NOT NULL,
    size              INTEGER NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX mod_campaigns_consultation ON mod_campaigns (consultation_id, size DESC);

-- One row per screened submission: its exact-text hash (duplicates per
-- account), MinHash signature and campaign.
CREATE TABLE mod_signatures (
    subject_id      TEXT PRIMARY KEY,
    consultation_id TEXT NOT NULL,
    author_id       TEXT,
    locale          TEXT NOT NULL DEFAULT '',
    body_hash       TEXT NOT NULL,
    links           INTEGER NOT NULL DEFAULT 0,
    signature       BYTEA,
    campaign_id     TEXT,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX mod_signatures_author ON mod_signatures (author_id, created_at);
CREATE INDEX mod_signatures_duplicate ON mod_signatures (consultation_id, author_id, body_hash);
CREATE INDEX mod_signatures_campaign ON mod_signatures (campaign_id);

-- LSH buckets: one row per band of each signature.
CREATE TABLE mod_lsh (
    consultation_id TEXT NOT NULL,
    bucket          BIGINT NOT NULL,
    subject_id      TEXT NOT NULL,
    PRIMARY KEY (consultation_id, bucket, subject_id)
);

-- Every moderation and administrative action: who, what, when, before and
-- after. Append-only: the triggers refuse changes and deletions.
CREATE TABLE mod_audit (
    id              TEXT PRIMARY KEY,
    actor_id        TEXT NOT NULL,
    action          TEXT NOT NULL,
    subject_kind    TEXT NOT NULL DEFAULT '',
    subject_id      TEXT NOT NULL DEFAULT '',
    org_id          TEXT NOT NULL DEFAULT '',
    consultation_id TEXT NOT NULL DEFAULT '',
    before          TEXT NOT NULL DEFAULT '',
    after           TEXT NOT NULL DEFAULT '',
    note            TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX mod_audit_actor ON mod_audit (actor_id, id);
CREATE INDEX mod_audit_subject ON mod_audit (subject_id, id);
CREATE FUNCTION mod_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END
$$;
CREATE TRIGGER mod_audit_no_update BEFORE UPDATE ON mod_audit
    FOR EACH ROW EXECUTE FUNCTION mod_audit_append_only();
CREATE TRIGGER mod_audit_no_delete BEFORE DELETE ON mod_audit
    FOR EACH ROW EXECUTE FUNCTION mod_audit_append_only();
