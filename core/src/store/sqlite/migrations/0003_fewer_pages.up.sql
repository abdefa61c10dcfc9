-- fanline schema 3: fewer pages written per call operation and per rate-limited request.
-- - `calls` is keyed by its id (WITHOUT ROWID): a call is one b-tree entry found by one seek,
--   instead of a row plus a separate unique index on the id (two pages written per insert).
-- - The active-call indexes hold only ringing and connected calls (partial indexes): they
--   stay a few pages whatever the history, so checking whether a user is busy never misses
--   the page cache. SQLite has one writer at a time, so a small hot index costs no
--   concurrency (unlike PostgreSQL's SERIALIZABLE, whose schema keeps full indexes).
-- - `limits` loses its index on `value_ms`: the sweeper's prune reads the table instead (it
--   holds only limits that still bite, bounded by the creators and IPs active in the last
--   period, never by history), and every rate-limited request writes one b-tree less.
-- - The check on a call's state compares equalities instead of an `IN` list of six, which
--   SQLite built into a temporary b-tree for every insert or update of a call.
-- The rows are copied as they are; ids stay unique (they were a UNIQUE column).

DROP INDEX limits_value;

DROP VIEW call_invitations;

CREATE TABLE calls_by_id (
    id              TEXT    NOT NULL PRIMARY KEY,
    creator_id      TEXT    NOT NULL,
    fan_id          TEXT    NOT NULL,
    call_type       TEXT    NOT NULL CHECK (call_type IN ('voice', 'video')),
    state           TEXT    NOT NULL
        -- Equalities, not `IN (...)`: SQLite evaluates a list of more than two values by
        -- building a temporary b-tree of it, once per statement that writes the table.
        CHECK (state = 'ringing' OR state = 'connected' OR state = 'ended' OR state = 'declined'
            OR state = 'cancelled' OR state = 'missed'),
    message         TEXT,
    rate_per_minute INTEGER NOT NULL CHECK (rate_per_minute >= 0),
    creator_uid     INTEGER NOT NULL CHECK (creator_uid BETWEEN 1 AND 2147483647),
    fan_uid         INTEGER NOT NULL CHECK (fan_uid BETWEEN 1 AND 2147483647),
    created_at_ms   INTEGER NOT NULL,
    expires_at_ms   INTEGER NOT NULL,
    connected_at_ms INTEGER,
    finished_at_ms  INTEGER,
    ended_by        TEXT,
    limit_at_ms     INTEGER,
    CHECK (state NOT IN ('connected', 'ended') OR connected_at_ms IS NOT NULL),
    CHECK (state IN ('ringing', 'connected') OR finished_at_ms IS NOT NULL)
) WITHOUT ROWID;
INSERT INTO calls_by_id (id, creator_id, fan_id, call_type, state, message, rate_per_minute,
    creator_uid, fan_uid, created_at_ms, expires_at_ms, connected_at_ms, finished_at_ms,
    ended_by, limit_at_ms)
SELECT id, creator_id, fan_id, call_type, state, message, rate_per_minute, creator_uid,
    fan_uid, created_at_ms, expires_at_ms, connected_at_ms, finished_at_ms, ended_by,
    limit_at_ms
FROM calls ORDER BY id;
DROP TABLE calls;
ALTER TABLE calls_by_id RENAME TO calls;

-- Busy checks, fan_connected and pending invitations: only live calls are in these.
CREATE INDEX calls_creator_state ON calls (creator_id, state)
    WHERE state IN ('ringing', 'connected');
CREATE INDEX calls_fan_state ON calls (fan_id, state) WHERE state IN ('ringing', 'connected');
-- History by participant, newest first; also the pair's cooldown (the creator's recent calls).
CREATE INDEX calls_creator_history ON calls (creator_id, created_at_ms DESC, id DESC);
CREATE INDEX calls_fan_history ON calls (fan_id, created_at_ms DESC, id DESC);
-- The sweeper: only ringing calls, and only connected calls, are in these.
CREATE INDEX calls_ringing_expiry ON calls (expires_at_ms, id) WHERE state = 'ringing';
CREATE INDEX calls_connected_limit ON calls (limit_at_ms, id) WHERE state = 'connected';

CREATE VIEW call_invitations AS
SELECT id AS call_id,
       creator_id,
       fan_id,
       CASE state
           WHEN 'ringing' THEN 'pending'
           WHEN 'connected' THEN 'accepted'
           WHEN 'ended' THEN 'accepted'
           WHEN 'declined' THEN 'declined'
           WHEN 'cancelled' THEN 'cancelled'
           ELSE 'expired'
       END AS state,
       message,
       created_at_ms,
       expires_at_ms
FROM calls;
