-- A comment's retry key (Idempotency-Key, or the form's token) moves from
-- idempotency_keys into the comment row, and the comment index by author
-- takes it: every comment wrote a page of three indexes keyed by its
-- author (retry keys, comments by author, signatures by author), now of
-- two. A repeated key is refused by this index for the same author and
-- consultation, in the same statement that stores the comment.
ALTER TABLE comments ADD COLUMN idem TEXT;
CREATE UNIQUE INDEX comments_author_idem ON comments (author_id, consultation_id, idem);
-- Keys already given keep working. Two comments by one author in one
-- consultation under the same key (sent once by form, once by the API)
-- cannot both keep it: the first keeps it.
UPDATE comments c SET idem = first.key
    FROM (SELECT DISTINCT ON (c2.author_id, c2.consultation_id, k.key) c2.id, k.key
          FROM idempotency_keys k JOIN comments c2 ON k.ref = 'comment:' || c2.id
          ORDER BY c2.author_id, c2.consultation_id, k.key, c2.id) first
    WHERE c.id = first.id;
DELETE FROM idempotency_keys k
    USING comments c
    WHERE k.ref = 'comment:' || c.id AND c.idem IS NOT NULL;
DROP INDEX comments_author;
