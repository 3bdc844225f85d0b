-- Near-duplicate campaigns are found after a contribution commits, by a
-- background placer that keeps the LSH buckets in memory: a signature is
-- stored unplaced with its contribution, and placed (grouped, and queued
-- when its group is large enough) shortly after. After a crash the placer
-- finds the unplaced ones again through this index. The bucket table is
-- no longer needed: buckets are rebuilt from the stored signatures.
ALTER TABLE mod_signatures ADD COLUMN placed INTEGER NOT NULL DEFAULT 1;
CREATE INDEX mod_signatures_unplaced ON mod_signatures (created_at) WHERE placed = 0;
DROP TABLE mod_lsh;
