-- A vote moves its statement's counts. In opinion_statements those counts
-- sat in wide rows (body, folded text, 26-character ids: about 18 rows a
-- page) and in the next-statement index keyed by the consultation's text
-- id, so a batch of 30 first votes wrote some 70 pages of counts to the
-- write-ahead log besides its 30 vote pages. Here they live in a narrow
-- table keyed by integers (hundreds of rows a page): the map's integer key
-- and the statement's number in the map.

-- opinion_maps gains an integer key (its rowid, assigned on insert).
CREATE TABLE opinion_maps_keyed (
    key                    INTEGER PRIMARY KEY,
    consultation_id        TEXT NOT NULL UNIQUE REFERENCES consultations (id) ON DELETE CASCADE,
    participant_statements BOOLEAN NOT NULL DEFAULT TRUE,
    next_number            INTEGER NOT NULL DEFAULT 0,
    created_at             TIMESTAMP NOT NULL,
    updated_at             TIMESTAMP NOT NULL
);
INSERT INTO opinion_maps_keyed (key, consultation_id, participant_statements, next_number, created_at, updated_at)
    SELECT rowid, consultation_id, participant_statements, next_number, created_at, updated_at FROM opinion_maps;
DROP TABLE opinion_maps;
ALTER TABLE opinion_maps_keyed RENAME TO opinion_maps;

-- One row per statement: (map_key, number) is the statement's
-- (consultation_id, number).
CREATE TABLE opinion_counts (
    map_key        INTEGER NOT NULL REFERENCES opinion_maps (key) ON DELETE CASCADE,
    number         INTEGER NOT NULL,
    vote_count     INTEGER NOT NULL DEFAULT 0,
    agree_count    INTEGER NOT NULL DEFAULT 0,
    disagree_count INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (map_key, number)
) WITHOUT ROWID;
-- The next statement for a participant: least voted first (ties: oldest).
CREATE INDEX opinion_counts_next ON opinion_counts (map_key, vote_count, number);

INSERT INTO opinion_counts (map_key, number, vote_count, agree_count, disagree_count)
    SELECT m.key, s.number, s.vote_count, s.agree_count, s.disagree_count
    FROM opinion_statements s JOIN opinion_maps m ON m.consultation_id = s.consultation_id;

DROP INDEX opinion_statements_next;
ALTER TABLE opinion_statements DROP COLUMN vote_count;
ALTER TABLE opinion_statements DROP COLUMN agree_count;
ALTER TABLE opinion_statements DROP COLUMN disagree_count;
