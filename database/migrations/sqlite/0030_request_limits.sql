-- Rate limits are kept in memory on SQLite, where there is one node
-- (PostgreSQL keeps them in the request_limits table, for every node).
SELECT 1;
