-- Puts back the calls table of schema 2 (a rowid table with a unique id and full
-- active-call indexes), rows unchanged, and the index on limits.value_ms; removes its row of
-- the migration bookkeeping, so the database records version 2 again (also when run by
-- hand).

CREATE INDEX limits_value ON limits (value_ms);

DROP VIEW call_invitations;

CREATE TABLE calls_with_rowid (
    id              TEXT    NOT NULL UNIQUE,
    creator_id      TEXT    NOT NULL,
    fan_id          TEXT    NOT NULL,
    call_type       TEXT    NOT NULL CHECK (call_type IN ('voice', 'video')),
    state           TEXT    NOT NULL
        CHECK (state IN ('ringing', 'connected', 'ended', 'declined', 'cancelled', 'missed')),
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
);
INSERT INTO calls_with_rowid (id, creator_id, fan_id, call_type, state, message, rate_per_minute,
    creator_uid, fan_uid, created_at_ms, expires_at_ms, connected_at_ms, finished_at_ms,
    ended_by, limit_at_ms)
SELECT id, creator_id, fan_id, call_type, state, message, rate_per_minute, creator_uid,
    fan_uid, created_at_ms, expires_at_ms, connected_at_ms, finished_at_ms, ended_by,
    limit_at_ms
FROM calls ORDER BY created_at_ms, id;
DROP TABLE calls;
ALTER TABLE calls_with_rowid RENAME TO calls;

-- The indexes of schema 2.
CREATE INDEX calls_creator_state ON calls (creator_id, state);
CREATE INDEX calls_creator_history ON calls (creator_id, created_at_ms DESC, id DESC);
CREATE INDEX calls_fan_state ON calls (fan_id, state);
CREATE INDEX calls_fan_history ON calls (fan_id, created_at_ms DESC, id DESC);
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

DELETE FROM fanline_migrations WHERE version = 3;
