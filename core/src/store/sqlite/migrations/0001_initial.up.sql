-- fanline schema 1: fan privacy, relationships, blocks, share links, calls, limits, ledger,
-- audit. Times are unix milliseconds (`*_ms`) or seconds; money is integer tokens.
-- Every hot query of the store has an index here; none scans history.

CREATE TABLE fan_privacy_settings (
    fan_id        TEXT    NOT NULL PRIMARY KEY,
    visibility    TEXT    NOT NULL CHECK (visibility IN ('private', 'creators', 'link')),
    allow_dm      TEXT    NOT NULL CHECK (allow_dm IN ('none', 'following', 'interacted')),
    allow_calls   TEXT    NOT NULL CHECK (allow_calls IN ('none', 'following', 'interacted')),
    searchable    INTEGER NOT NULL CHECK (searchable IN (0, 1)),
    updated_at_ms INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE user_profiles (
    user_id      TEXT NOT NULL PRIMARY KEY,
    display_name TEXT NOT NULL,
    avatar_url   TEXT
) WITHOUT ROWID;

-- One row per (creator, fan, kind); recording again only moves last_interaction_at_ms.
CREATE TABLE creator_fan_relationships (
    creator_id             TEXT    NOT NULL,
    fan_id                 TEXT    NOT NULL,
    kind                   TEXT    NOT NULL
        CHECK (kind IN ('follow', 'tipped', 'purchased', 'messaged', 'called')),
    first_at_ms            INTEGER NOT NULL,
    last_interaction_at_ms INTEGER NOT NULL,
    PRIMARY KEY (creator_id, fan_id, kind)
) WITHOUT ROWID;

CREATE TABLE user_blocks (
    blocker_id    TEXT    NOT NULL,
    blocked_id    TEXT    NOT NULL,
    created_at_ms INTEGER NOT NULL,
    PRIMARY KEY (blocker_id, blocked_id)
) WITHOUT ROWID;

-- Only the generation counter and expiry: a leaked database leaks no live link.
CREATE TABLE fan_share_links (
    fan_id     TEXT    NOT NULL PRIMARY KEY,
    generation INTEGER NOT NULL CHECK (generation >= 0),
    enabled    INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;

-- A call and its invitation in one row (the invitation state mirrors the call state, see the
-- call_invitations view), so a transition is one row write.
CREATE TABLE calls (
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
    CHECK (state NOT IN ('connected', 'ended') OR connected_at_ms IS NOT NULL),
    CHECK (state IN ('ringing', 'connected') OR finished_at_ms IS NOT NULL)
);
-- Active-call checks (creator busy) and history as creator.
CREATE INDEX calls_creator_state ON calls (creator_id, state);
CREATE INDEX calls_creator_history ON calls (creator_id, created_at_ms DESC, id DESC);
-- fan_connected, the fan's active and pending calls, and history as fan.
CREATE INDEX calls_fan_state ON calls (fan_id, state);
CREATE INDEX calls_fan_history ON calls (fan_id, created_at_ms DESC, id DESC);
-- The sweeper: only ringing calls are in it, so it stays as small as the live invitations.
CREATE INDEX calls_ringing_expiry ON calls (expires_at_ms, id) WHERE state = 'ringing';

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

-- Written once per ended call, in the same transaction as the end.
CREATE TABLE call_settlements (
    call_id         TEXT    NOT NULL PRIMARY KEY,
    billed_seconds  INTEGER NOT NULL CHECK (billed_seconds >= 0),
    billed_minutes  INTEGER NOT NULL CHECK (billed_minutes >= 0),
    rate_per_minute INTEGER NOT NULL CHECK (rate_per_minute >= 0),
    gross           INTEGER NOT NULL CHECK (gross >= 0),
    charged         INTEGER NOT NULL CHECK (charged >= 0),
    shortfall       INTEGER NOT NULL CHECK (shortfall >= 0),
    fee             INTEGER NOT NULL CHECK (fee >= 0),
    creator_net     INTEGER NOT NULL CHECK (creator_net >= 0),
    settled_at_ms   INTEGER NOT NULL
) WITHOUT ROWID;

-- Cooldown ends and GCRA TATs. A row at or before now means "no limit" and is pruned by
-- value, so the table holds only limits that still bite.
CREATE TABLE limits (
    key      TEXT    NOT NULL PRIMARY KEY,
    value_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX limits_value ON limits (value_ms);

-- Append-only; reference is the idempotency key.
CREATE TABLE ledger_entries (
    seq       INTEGER PRIMARY KEY,
    reference TEXT    NOT NULL UNIQUE,
    account   TEXT    NOT NULL,
    amount    INTEGER NOT NULL,
    at_ms     INTEGER NOT NULL
);
-- Moved with every entry, so reading a balance never scans the entries.
CREATE TABLE ledger_balances (
    account TEXT    NOT NULL PRIMARY KEY,
    balance INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE audit_log (
    seq        INTEGER PRIMARY KEY,
    event      TEXT    NOT NULL,
    actor_id   TEXT,
    call_id    TEXT,
    creator_id TEXT,
    fan_id     TEXT,
    call_type  TEXT,
    detail     TEXT,
    at_ms      INTEGER NOT NULL
);
