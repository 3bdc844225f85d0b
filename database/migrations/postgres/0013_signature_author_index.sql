-- Each contribution wrote a page of every index keyed by its author: two
-- of them were on the signatures alone, one for the rate limit (an
-- author's recent signatures) and one for exact duplicates (the same
-- text by the same author in a consultation). One index serves both: the
-- duplicate check reads it by author, consultation and text, the rate
-- limit by author, from the index alone.
DROP INDEX mod_signatures_author;
DROP INDEX mod_signatures_duplicate;
CREATE INDEX mod_signatures_author ON mod_signatures (author_id, consultation_id, body_hash, created_at, kind);
