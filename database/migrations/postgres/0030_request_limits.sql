-- Rate limits shared by every node: a token bucket per key (client
-- address or account). UNLOGGED: its writes skip the write-ahead log, so
-- taking a token costs no flush to disk; after a crash the table starts
-- empty (every bucket full) and a standby does not have it, which only
-- forgives some requests.
CREATE UNLOGGED TABLE request_limits (
    key        TEXT PRIMARY KEY,
    tokens     DOUBLE PRECISION NOT NULL,
    allowed    BOOLEAN NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
