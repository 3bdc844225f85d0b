-- Participation analytics (issue 6).
--
-- Self-declared, optional profile answers and the respondent's consent to
-- publish their answers are kept on the response itself. '' means "not
-- stated"; "prefer-not-to-say" is an answer of its own.
ALTER TABLE responses ADD COLUMN region TEXT NOT NULL DEFAULT '';
ALTER TABLE responses ADD COLUMN age_band TEXT NOT NULL DEFAULT '';
ALTER TABLE responses ADD COLUMN gender TEXT NOT NULL DEFAULT '';
ALTER TABLE responses ADD COLUMN publish_consent BOOLEAN NOT NULL DEFAULT FALSE;

-- Exact counts per consultation, kept up to date in the transaction of
-- every write that moves them (see consultations/analytics). dimension
-- names a breakdown ("responses_by_channel", "region", "question:ID", …),
-- value one of its cells. Never served as is to the public: public figures
-- go through small-cell suppression first.
CREATE TABLE analytics_counts (
    consultation_id TEXT NOT NULL,
    dimension       TEXT NOT NULL,
    value           TEXT NOT NULL,
    count           INTEGER NOT NULL,
    PRIMARY KEY (consultation_id, dimension, value)
);

-- People with an account who took part in a consultation, with how many
-- counted contributions they have there, so that a person is counted once
-- and stops being counted when their last contribution goes. Anonymous
-- responses are counted as one participant each and have no row here.
CREATE TABLE analytics_people (
    consultation_id TEXT NOT NULL,
    user_id         TEXT NOT NULL,
    contributions   INTEGER NOT NULL,
    first_day       TEXT NOT NULL,
    PRIMARY KEY (consultation_id, user_id)
);

-- The public figures of a closed consultation, taken once (exact counts as
-- JSON; suppression is applied when they are served). Public figures never
-- change after that, so nobody can difference two versions.
CREATE TABLE analytics_snapshots (
    consultation_id TEXT PRIMARY KEY REFERENCES consultations (id) ON DELETE CASCADE,
    taken_at        TIMESTAMPTZ NOT NULL,
    figures         TEXT NOT NULL
);

-- Reference population entered by staff (e.g. census shares), for an
-- organisation (scope_id = organisation id) or one consultation (scope_id
-- = consultation id, which wins). share is a fraction from 0 to 1.
CREATE TABLE analytics_reference (
    scope_id  TEXT NOT NULL,
    dimension TEXT NOT NULL CHECK (dimension IN ('region', 'age_band', 'gender')),
    value     TEXT NOT NULL,
    label     TEXT NOT NULL DEFAULT '',
    share     DOUBLE PRECISION NOT NULL CHECK (share >= 0 AND share <= 1),
    position  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (scope_id, dimension, value)
);

-- Most-supported ideas without sorting every comment of a consultation.
CREATE INDEX comments_idea_support ON comments (consultation_id, support_count DESC, id)
    WHERE kind = 'idea' AND status = 'published';

-- The staff export reads only responses whose respondents allowed
-- publication, in order, without visiting the others.
CREATE INDEX responses_publishable ON responses (consultation_id, id) WHERE publish_consent;
