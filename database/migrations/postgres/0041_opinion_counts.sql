-- A vote moves its statement's counts. In opinion_statements those counts
-- sat in wide rows (body, folded text, 26-character ids) and in the
-- next-statement index keyed by the consultation's text id, so each vote
-- rewrote a wide row and moved a wide index entry. Here they live in a
-- narrow table keyed by integers: the map's integer key and the
-- statement's number in the map.

-- opinion_maps gains an integer key (existing maps are numbered in turn).
ALTER TABLE opinion_maps ADD COLUMN key BIGSERIAL NOT NULL UNIQUE;

-- One row per statement: (map_key, number) is the statement's
-- (consultation_id, number).
CREATE TABLE opinion_counts (
    map_key        BIGINT NOT NULL REFERENCES opinion_maps (key) ON DELETE CASCADE,
    number         INTEGER NOT NULL,
    vote_count     INTEGER NOT NULL DEFAULT 0,
    agree_count    INTEGER NOT NULL DEFAULT 0,
    disagree_count INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (map_key, number)
);
-- The next statement for a participant: least voted first (ties: oldest).
CREATE INDEX opinion_counts_next ON opinion_counts (map_key, vote_count, number);

INSERT INTO opinion_counts (map_key, number, vote_count, agree_count, disagree_count)
    SELECT m.key, s.number, s.vote_count, s.agree_count, s.disagree_count
    FROM opinion_statements s JOIN opinion_maps m ON m.consultation_id = s.consultation_id;

DROP INDEX opinion_statements_next;
ALTER TABLE opinion_statements DROP COLUMN vote_count;
ALTER TABLE opinion_statements DROP COLUMN agree_count;
ALTER TABLE opinion_statements DROP COLUMN disagree_count;
