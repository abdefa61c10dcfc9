-- fanline PostgreSQL schema 1: fan privacy, relationships, blocks, share links, calls and their
-- invitations, settlements, limits, ledger, audit. Runs with the search path set to fanline's own
-- schema, so every name below lives there, beside (never inside) the host's tables.
-- Times are unix milliseconds (`*_ms`) from the engine's clock, or seconds where named so;
-- money is integer tokens. Every hot query of the store is served by an index below.

CREATE TABLE fan_privacy_settings (
    fan_id        TEXT    NOT NULL PRIMARY KEY,
    visibility    TEXT    NOT NULL CHECK (visibility IN ('private', 'creators', 'link')),
    allow_dm      TEXT    NOT NULL CHECK (allow_dm IN ('none', 'following', 'interacted')),
    allow_calls   TEXT    NOT NULL CHECK (allow_calls IN ('none', 'following', 'interacted')),
    searchable    BOOLEAN NOT NULL,
    updated_at_ms BIGINT  NOT NULL
);

CREATE TABLE user_profiles (
    user_id      TEXT NOT NULL PRIMARY KEY,
    display_name TEXT NOT NULL,
    avatar_url   TEXT
);

-- One row per (creator, fan, kind); recording again only moves last_interaction_at_ms.
CREATE TABLE creator_fan_relationships (
    creator_id             TEXT   NOT NULL,
    fan_id                 TEXT   NOT NULL,
    kind                   TEXT   NOT NULL
        CHECK (kind IN ('follow', 'tipped', 'purchased', 'messaged', 'called')),
    first_at_ms            BIGINT NOT NULL,
    last_interaction_at_ms BIGINT NOT NULL,
    PRIMARY KEY (creator_id, fan_id, kind)
);

CREATE TABLE user_blocks (
    blocker_id    TEXT   NOT NULL,
    blocked_id    TEXT   NOT NULL,
    created_at_ms BIGINT NOT NULL,
    PRIMARY KEY (blocker_id, blocked_id)
);

-- Only the generation counter and expiry: a leaked database leaks no live link.
CREATE TABLE fan_share_links (
    fan_id     TEXT    NOT NULL PRIMARY KEY,
    generation BIGINT  NOT NULL CHECK (generation BETWEEN 0 AND 4294967295),
    enabled    BOOLEAN NOT NULL,
    expires_at BIGINT  NOT NULL
);

-- A call and its invitation in one row (the invitation state mirrors the call state, see the
-- call_invitations view), so every transition is one guarded row update.
CREATE TABLE calls (
    id              UUID    NOT NULL PRIMARY KEY,
    creator_id      TEXT    NOT NULL,
    fan_id          TEXT    NOT NULL,
    call_type       TEXT    NOT NULL CHECK (call_type IN ('voice', 'video')),
    state           TEXT    NOT NULL
        CHECK (state IN ('ringing', 'connected', 'ended', 'declined', 'cancelled', 'missed')),
    message         TEXT,
    rate_per_minute BIGINT  NOT NULL CHECK (rate_per_minute >= 0),
    creator_uid     INTEGER NOT NULL CHECK (creator_uid >= 1),
    fan_uid         INTEGER NOT NULL CHECK (fan_uid >= 1),
    created_at_ms   BIGINT  NOT NULL,
    expires_at_ms   BIGINT  NOT NULL,
    connected_at_ms BIGINT,
    finished_at_ms  BIGINT,
    ended_by        TEXT,
    CHECK (state NOT IN ('connected', 'ended') OR connected_at_ms IS NOT NULL),
    CHECK (state IN ('ringing', 'connected') OR finished_at_ms IS NOT NULL)
);
-- The creator's / fan's ringing or connected call (busy checks, fan_connected, pending): an
-- equality lookup on both columns, so its cost does not grow with the history. Deliberately
-- not partial indexes: a partial index of the few live calls is one or two pages that every
-- initiation reads and writes, and SERIALIZABLE's page-level read locks would then make
-- concurrent initiations of unrelated creators abort each other.
CREATE INDEX calls_creator_state ON calls (creator_id, state);
CREATE INDEX calls_fan_state ON calls (fan_id, state);
-- History by participant, newest first (scanned backwards, row-compared for the cursor).
CREATE INDEX calls_creator_history ON calls (creator_id, created_at_ms, id);
CREATE INDEX calls_fan_history ON calls (fan_id, created_at_ms, id);
-- The sweeper: only ringing calls are in it.
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
    call_id         UUID   NOT NULL PRIMARY KEY,
    billed_seconds  BIGINT NOT NULL CHECK (billed_seconds >= 0),
    billed_minutes  BIGINT NOT NULL CHECK (billed_minutes >= 0),
    rate_per_minute BIGINT NOT NULL CHECK (rate_per_minute >= 0),
    gross           BIGINT NOT NULL CHECK (gross >= 0),
    charged         BIGINT NOT NULL CHECK (charged >= 0),
    shortfall       BIGINT NOT NULL CHECK (shortfall >= 0),
    fee             BIGINT NOT NULL CHECK (fee >= 0),
    creator_net     BIGINT NOT NULL CHECK (creator_net >= 0),
    settled_at_ms   BIGINT NOT NULL
);

-- Cooldown ends and GCRA TATs. A row at or before now means "no limit" and is pruned by
-- value, so the table holds only limits that still bite.
CREATE TABLE limits (
    key      TEXT   NOT NULL PRIMARY KEY,
    value_ms BIGINT NOT NULL
);
CREATE INDEX limits_value ON limits (value_ms);

-- Append-only; reference is the idempotency key.
CREATE TABLE ledger_entries (
    seq       BIGSERIAL NOT NULL PRIMARY KEY,
    reference TEXT      NOT NULL UNIQUE,
    account   TEXT      NOT NULL,
    amount    BIGINT    NOT NULL,
    at_ms     BIGINT    NOT NULL
);
-- Moved with every entry, so reading a balance never scans the entries.
CREATE TABLE ledger_balances (
    account TEXT   NOT NULL PRIMARY KEY,
    balance BIGINT NOT NULL
);

CREATE TABLE audit_log (
    seq        BIGSERIAL NOT NULL PRIMARY KEY,
    event      TEXT      NOT NULL,
    actor_id   TEXT,
    call_id    TEXT,
    creator_id TEXT,
    fan_id     TEXT,
    call_type  TEXT,
    detail     TEXT,
    at_ms      BIGINT    NOT NULL
);
