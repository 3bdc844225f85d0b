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
UPDATE comments SET idem = first.key
    FROM (SELECT id, key FROM (
              SELECT c.id, k.key, row_number() OVER (PARTITION BY c.author_id, c.consultation_id, k.key ORDER BY c.id) AS n
              FROM idempotency_keys k JOIN comments c ON c.id = substr(k.ref, 9)
              WHERE k.ref LIKE 'comment:%')
          WHERE n = 1) first
    WHERE comments.id = first.id;
DELETE FROM idempotency_keys
    WHERE ref LIKE 'comment:%' AND substr(ref, 9) IN (SELECT id FROM comments WHERE idem IS NOT NULL);
DROP INDEX comments_author;
